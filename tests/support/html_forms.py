"""What a browser submits from a page's form."""

from html.parser import HTMLParser


def form_fields(html, form_id=None):
    """What a browser would submit from the page's form (the one with ``form_id``, or the
    first): text, hidden and checked inputs, textareas and selected options."""
    parser = FormParser(form_id)
    parser.feed(html)
    return parser.fields


class FormParser(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.in_form, self.done = form_id, False, False
        self.fields, self.textarea, self.select = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done:
            self.in_form = self.form_id is None or attrs.get("id") == self.form_id
        if not self.in_form:
            return
        if tag == "option" and self.select:  # the selected option, or else the first
            if "selected" in attrs or self.select not in self.fields:
                self.fields[self.select] = attrs.get("value", "")
            return
        name = attrs.get("name")
        if not name:
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "image", "file", "reset"):
                self.fields[name] = attrs.get("value") or ("on" if kind == "checkbox" else "")
        elif tag == "textarea":
            self.textarea, self.fields[name] = name, ""
        elif tag == "select":
            self.select = name

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea:
            # Browsers drop the newline that starts a textarea's content.
            value = self.fields[self.textarea]
            self.fields[self.textarea] = value.removeprefix("\r\n").removeprefix("\n")
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form" and self.in_form:
            self.in_form, self.done = False, True
