// A tag typed into a tag field counts as soon as it is typed, as text typed into any
// other field does. Wagtail's tag field (tag-it) adds a typed tag to the form only on
// Enter, a comma or leaving the box, and not even then while its suggestions are open.
// Until then Wagtail's autosave, which compares the form's data every half second, saw no
// change: a reload lost the tag although the blogger saw it in the box. Whenever the
// form's data is read (autosave's comparison and request, Save, Publish), the typed tag
// joins the field's value; tag-it's own list of tags is left as it is.
(function () {
    // Cleaned as tag-it and Wagtail clean a tag they add: outer quotes and spaces off,
    // then quoted if it has a space, which keeps a multi-word tag one tag.
    function typedTag(text) {
        var tag = text.replace(/^"(.*)"$/, "$1").trim();
        return tag.indexOf(" ") !== -1 && tag[0] !== '"' ? '"' + tag + '"' : tag;
    }

    document.addEventListener("formdata", function (event) {
        event.target.querySelectorAll("input[data-controller~='w-tag']").forEach(function (field) {
            // tag-it puts its list of tags, typing box last, right after the field.
            var list = field.nextElementSibling;
            var box = list && list.querySelector(".tagit-new input");
            var tag = box ? typedTag(box.value) : "";
            if (tag && !field.disabled) {
                event.formData.set(field.name, field.value ? field.value + "," + tag : tag);
            }
        });
    });

    // tag-it types into a box of its own, which the field's <label> (pointing at the
    // hidden field) does not name: screen readers announced an unnamed text box. The box
    // appears when Wagtail's tag controller starts, so it is named when it shows up.
    function nameTagBoxes() {
        var fields = document.querySelectorAll("input[data-controller~='w-tag']");
        var named = 0;
        fields.forEach(function (field) {
            var box = field.nextElementSibling && field.nextElementSibling.querySelector(".tagit-new input");
            var label = field.id && document.querySelector("label[for='" + field.id + "']");
            if (box && label) {
                box.setAttribute("aria-label", label.textContent.trim());
                named += 1;
            }
        });
        return fields.length > 0 && named === fields.length;
    }

    var watcher = new MutationObserver(function () {
        if (nameTagBoxes()) {
            watcher.disconnect();
        }
    });
    document.addEventListener("DOMContentLoaded", function () {
        var hasTags = document.querySelector("input[data-controller~='w-tag']");
        if (hasTags && !nameTagBoxes()) {
            watcher.observe(document.body, { childList: true, subtree: true });
        }
    });
})();
