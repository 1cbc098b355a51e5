// Options for wagtail-markdown's EasyMDE, read when each editor is attached.
window.wagtailMarkdown = window.wagtailMarkdown || {};
window.wagtailMarkdown.options = Object.assign(window.wagtailMarkdown.options || {}, {
    // The spell checker would download its dictionaries from a CDN: the dashboard loads
    // nothing from third-party hosts.
    spellChecker: false,
    // EasyMDE's own preview renders Markdown in the browser, without our extensions
    // (footnotes, highlighting, Bear's directives): Wagtail's preview panel, which shows
    // the server's rendering, is the one preview. Side by side and fullscreen spread the
    // editor over the whole window, hiding the footer's Save under it and Wagtail's
    // side-panel toggles on top of it; the guide links to a third-party site.
    hideIcons: ["preview", "side-by-side", "fullscreen", "guide"],
    shortcuts: { togglePreview: null, toggleSideBySide: null, toggleFullScreen: null },
    // Enter gives the new line the indentation of the one before. EasyMDE's defaults
    // (tabs, two columns wide) turn four spaces into two tabs, which Markdown reads as
    // eight columns: every line after an indented code line gained four more spaces.
    // Spaces, with Markdown's own tab width, keep the indentation as it is (and Tab
    // nests a list item by four spaces, as Python-Markdown wants).
    indentWithTabs: false,
    tabSize: 4,
});

// Image uploads (drag and drop, paste, or the toolbar's upload button) go to the blog of
// the page being edited: blog/editor.py writes the address and limits on the textarea.
// This script runs in the page's <head>, before the textarea exists, and wagtail-markdown
// attaches every editor with the one shared options object, assigning its `element`
// just before creating the editor. A setter on `element` therefore sets the upload
// options of each editor from its own textarea, at the right moment.
(function (options) {
    var element = options.element;

    function uploadOptions(textarea) {
        var data = (textarea && textarea.dataset) || {};
        var csrf = textarea && textarea.form && textarea.form.elements.csrfmiddlewaretoken;
        if (!data.imageUploadUrl || !csrf) {
            return { uploadImage: false, showIcons: [] };
        }
        return {
            uploadImage: true,
            showIcons: ["upload-image"],
            imageUploadEndpoint: data.imageUploadUrl,
            imageMaxSize: Number(data.imageMaxSize),
            imageAccept: data.imageAccept,
            imageCSRFToken: csrf.value,
            // The server answers the image's own address (root-relative, or the CDN's).
            imagePathAbsolute: true,
            // The cursor lands between the brackets, ready for the alt text.
            insertTexts: { uploadedImage: ["![", "](#url#)"] },
            errorMessages: {
                fileTooLarge: "#image_name# is larger than #image_max_size#, the upload limit.",
            },
        };
    }

    // CodeMirror types into a textarea of its own, which the field's <label> does not
    // name: screen readers announced an unnamed text box. The editor exists once the
    // code that set `element` has run, so it is named just after.
    function nameTheTypingArea(textarea) {
        var label = textarea && textarea.id && document.querySelector("label[for='" + textarea.id + "']");
        if (!label) {
            return;
        }
        queueMicrotask(function () {
            if (textarea.codemirror) {
                textarea.codemirror.setOption("screenReaderLabel", label.textContent.trim());
            }
        });
    }

    Object.defineProperty(options, "element", {
        configurable: true,
        enumerable: true,
        get: function () {
            return element;
        },
        set: function (value) {
            element = value;
            Object.assign(options, uploadOptions(value));
            nameTheTypingArea(value);
        },
    });
})(window.wagtailMarkdown.options);
