// Options for wagtail-markdown's EasyMDE, read when each editor is attached.
// The spell checker would download its dictionaries from a CDN: the dashboard loads
// nothing from third-party hosts.
window.wagtailMarkdown = window.wagtailMarkdown || {};
window.wagtailMarkdown.options = Object.assign(window.wagtailMarkdown.options || {}, {
    spellChecker: false,
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

    Object.defineProperty(options, "element", {
        configurable: true,
        enumerable: true,
        get: function () {
            return element;
        },
        set: function (value) {
            element = value;
            Object.assign(options, uploadOptions(value));
        },
    });
})(window.wagtailMarkdown.options);
