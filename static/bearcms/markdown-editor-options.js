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

// Uploads (drag and drop, paste, or the toolbar's upload button) go to the blog of the
// page being edited: blog/models/editor.py writes the address and limits on the textarea.
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
            imageAccept: [data.imageAccept, data.fileAccept].filter(Boolean).join(", "),
            imageUploadFunction: upload(data, csrf.value),
            // The cursor lands between the brackets, ready for the alt text.
            insertTexts: { uploadedImage: ["![", "](#url#)"] },
            imageTexts: { sbOnDragEnter: "Drop the file to add it to the post." },
        };
    }

    function megabytes(size) {
        return Math.round(size / (1024 * 1024)) + " MB";
    }

    // One way up for every file: the endpoint answers an image with its address, which
    // EasyMDE writes as ![](address), and sound, video or a PDF with the Markdown that
    // shows it (a player, a link), which is written here.
    // A player or a link to a file is a paragraph of its own, wherever the cursor was:
    // two dropped in a row would otherwise stand side by side in one.
    function insertParagraph(codemirror, markdown) {
        var cursor = codemirror.getCursor("from");
        var before = codemirror.getLine(cursor.line).slice(0, cursor.ch).trim() ? "\n\n" : "";
        codemirror.replaceSelection(before + markdown + "\n\n");
    }

    // EasyMDE listens for the picked file anew at each click of its button and stops only
    // once a file is picked: a dialog cancelled twice would upload the next file three
    // times. Each picked file goes up once.
    function upload(data, csrf) {
        var limits = JSON.parse(data.fileMaxSizes || "{}");
        var sent = new WeakSet();
        return function (file, onSuccess, onError) {
            var editor = this;
            if (sent.has(file)) {
                return;
            }
            sent.add(file);
            var limit = limits[file.name.split(".").pop().toLowerCase()] || Number(data.imageMaxSize);
            if (file.size > limit) {
                onError(file.name + " is larger than " + megabytes(limit) + ", the upload limit for it.");
                return;
            }
            var body = new FormData();
            body.append("image", file);
            body.append("csrfmiddlewaretoken", csrf);
            var request = new XMLHttpRequest();
            request.upload.onprogress = function (event) {
                if (event.lengthComputable) {
                    var done = Math.round((100 * event.loaded) / event.total);
                    editor.updateStatusBar("upload-image", "Uploading " + file.name + ": " + done + "%");
                }
            };
            request.onload = function () {
                var answer = {};
                try {
                    answer = JSON.parse(request.responseText);
                } catch (error) {
                    // Not the endpoint's answer (a proxy's error page): said below.
                }
                if (request.status !== 200 || !answer.data) {
                    onError(answer.error || "The upload failed (error " + request.status + "). Try again.");
                } else if (answer.data.markdown) {
                    insertParagraph(editor.codemirror, answer.data.markdown);
                    editor.updateStatusBar("upload-image", "Uploaded " + file.name);
                } else {
                    onSuccess(answer.data.filePath);
                }
            };
            request.onerror = function () {
                onError("The upload of " + file.name + " failed: check your connection and try again.");
            };
            request.open("POST", data.imageUploadUrl);
            request.send(body);
        };
    }

    // Two of the editor's names are ours, given once it exists (the code that set
    // `element` has run: just after). CodeMirror types into a textarea of its own, which
    // the field's <label> does not name: screen readers announced an unnamed text box.
    // And EasyMDE calls the upload button "Import an image"; it takes more than images.
    function nameTheEditor(textarea) {
        queueMicrotask(function () {
            if (!textarea || !textarea.codemirror) {
                return;
            }
            var label = textarea.id && document.querySelector("label[for='" + textarea.id + "']");
            if (label) {
                textarea.codemirror.setOption("screenReaderLabel", label.textContent.trim());
            }
            var container = textarea.codemirror.getWrapperElement().parentNode;
            var button = container.querySelector(".editor-toolbar .upload-image");
            if (button) {
                button.title = "Add an image, sound, a video or a PDF";
                button.setAttribute("aria-label", button.title);
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
            nameTheEditor(value);
        },
    });
})(window.wagtailMarkdown.options);
