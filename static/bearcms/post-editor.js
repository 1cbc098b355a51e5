// The post editor's main button is Publish (blog/dashboard/publishing.py). A browser
// submits a form with its first submit button when Enter is pressed in a one-line field,
// so Enter in the title would publish a half-written post. Enter in those fields submits
// nothing; it still does what the field itself does with it (tags, the date picker).
(function () {
    var ONE_LINE = "input:not([type=submit]):not([type=button]):not([type=checkbox]):not([type=radio])";
    // How long a Publish waits for an autosave that does not end (a request that hangs):
    // then it is sent anyway, and the server says what it makes of it.
    var MOST_WAIT_MS = 15000;

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
    // So a Publish or Save made while autosave is saving stops autosave (the one under
    // way still ends), waits for it to end, and is then sent to where the form now
    // points. One submit waits at a time; the last button clicked says what it does.
    var waiting = new WeakMap();
    var sending = null;  // the form whose held submit is being sent now

    function autosaving() {
        var indicator = document.getElementById("w-autosave-indicator");
        return indicator && indicator.getAttribute("data-w-autosave-state-value") === "saving";
    }

    function send(form) {
        var held = waiting.get(form);
        waiting.delete(form);
        clearTimeout(held.timer);
        form.removeEventListener("w-autosave:success", held.resume);
        form.removeEventListener("w-autosave:error", held.resume);
        // Wagtail shows the clicked button as busy (disabled), so it would not be sent:
        // its name and value go in a field of their own, added only now, when no
        // autosave is left to send them.
        form.querySelectorAll("input[data-bearcms-action]").forEach(function (old) { old.remove(); });
        if (held.name) {
            var action = document.createElement("input");
            action.type = "hidden";
            action.name = held.name;
            action.value = held.value;
            action.setAttribute("data-bearcms-action", "");
            form.appendChild(action);
        }
        sending = form;
        try {
            form.requestSubmit();
        } finally {
            sending = null;
        }
    }

    document.addEventListener("submit", function (event) {
        var form = event.target;
        if (form === sending || !isPostEditor(form) || !form.hasAttribute("data-w-autosave-interval-value")) {
            return;
        }
        form.setAttribute("data-w-autosave-active-value", "false");
        var held = waiting.get(form);
        if (!held && !autosaving()) {
            return;  // nothing under way: the form goes as it is
        }
        event.preventDefault();
        event.stopImmediatePropagation();
        if (!held) {
            held = {};
            // After the indicator, which hears the same event on the document, says so.
            held.resume = function () { setTimeout(function () { send(form); }, 0); };
            held.timer = setTimeout(function () { send(form); }, MOST_WAIT_MS);
            form.addEventListener("w-autosave:success", held.resume);
            form.addEventListener("w-autosave:error", held.resume);
            waiting.set(form, held);
        }
        held.name = event.submitter ? event.submitter.name : "";
        held.value = event.submitter ? event.submitter.value : "";
    }, true);
})();
