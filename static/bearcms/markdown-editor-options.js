// Options for wagtail-markdown's EasyMDE, read when each editor is attached.
// The spell checker would download its dictionaries from a CDN: the dashboard loads
// nothing from third-party hosts.
window.wagtailMarkdown = window.wagtailMarkdown || {};
window.wagtailMarkdown.options = Object.assign(window.wagtailMarkdown.options || {}, {
    spellChecker: false,
});
