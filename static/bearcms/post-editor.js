// The post editor's main button is Publish (blog/dashboard/publishing.py). A browser
// submits a form with its first submit button when Enter is pressed in a one-line field,
// so Enter in the title would publish a half-written post. Enter in those fields submits
// nothing; it still does what the field itself does with it (tags, the date picker).
(function () {
    var ONE_LINE = "input:not([type=submit]):not([type=button]):not([type=checkbox]):not([type=radio])";

    function isPostEditor(form) {
        return form && form.querySelector && form.querySelector("footer button[name=action-publish]");
    }

    document.addEventListener("keydown", function (event) {
        var field = event.target;
        if (event.key === "Enter" && field.matches && field.matches(ONE_LINE) && isPostEditor(field.form)) {
            event.preventDefault();
        }
    }, true);

    // Wagtail's autosave posts the form in the background; a new post's first autosave
    // creates it and moves the form to the post's own address. A Publish sent while that
    // autosave is pending or on its way went to the old address beside it, made the post
    // a second time and was refused ("slug already in use"), or left the autosave to fail.
    // So a Publish or Save made while autosave is saving waits for it to end and is then
    // sent to where the form now points; once the form is sent, autosave stops.
    document.addEventListener("submit", function (event) {
        var form = event.target;
        if (!isPostEditor(form) || !form.hasAttribute("data-w-autosave-interval-value")) {
            return;
        }
        var indicator = document.getElementById("w-autosave-indicator");
        if (indicator && indicator.getAttribute("data-w-autosave-state-value") === "saving") {
            event.preventDefault();
            event.stopImmediatePropagation();
            // Sent again without its button, which Wagtail shows as busy (disabled) by
            // now: the button's name and value go in a field of their own.
            var submitter = event.submitter;
            var resubmit = function () {
                form.removeEventListener("w-autosave:success", resubmit);
                form.removeEventListener("w-autosave:error", resubmit);
                if (submitter && submitter.name) {
                    var action = document.createElement("input");
                    action.type = "hidden";
                    action.name = submitter.name;
                    action.value = submitter.value;
                    form.appendChild(action);
                }
                // After the indicator, which hears the same event on the document, says so.
                setTimeout(function () { form.requestSubmit(); }, 0);
            };
            form.addEventListener("w-autosave:success", resubmit);
            form.addEventListener("w-autosave:error", resubmit);
            return;
        }
        form.setAttribute("data-w-autosave-active-value", "false");
    }, true);
})();
