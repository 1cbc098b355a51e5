// The post editor's main button is Publish (blog/dashboard/publishing.py). A browser
// submits a form with its first submit button when Enter is pressed in a one-line field,
// so Enter in the title would publish a half-written post. Enter in those fields submits
// nothing; it still does what the field itself does with it (tags, the date picker).
(function () {
    var ONE_LINE = "input:not([type=submit]):not([type=button]):not([type=checkbox]):not([type=radio])";

    document.addEventListener("keydown", function (event) {
        var field = event.target;
        if (event.key === "Enter" && field.matches && field.matches(ONE_LINE) && field.form
                && field.form.querySelector("footer button[name=action-publish]")) {
            event.preventDefault();
        }
    }, true);
})();
