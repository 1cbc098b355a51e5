"""``/fonts/<file name>``: a web font from the blog's own documents, for its custom CSS.

A blogger uploads a font in the dashboard's Documents (``blog.dashboard.document_uploads``)
and writes ``@font-face { font-family: X; src: url(/fonts/<file name>) format("woff2") }``
in their CSS, which the sanitiser keeps (``blog.reader.themes``: a plain path on the blog's
own host). The reader policy allows fonts only from the page's own origin
(``font-src 'self'``, which also applies to where a redirect leads, and media on S3 is
another origin), so the font's bytes are served here, read from the storage.

Only a document of this blog's own collection whose stored file name is exactly the name
asked for, with a font extension, is served; anything else is a 404: another blog's
fonts, other documents, unknown names. The response is the font's type with ``nosniff``,
an ETag (the file's hash, so that a browser revalidating gets a 304) and the reader
pages' public Cache-Control (``blog.caching.http_cache``). It streams, so the reader page
cache never holds a font.
"""

import posixpath
import re

from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe
from wagtail.documents import get_document_model

from blog.core.font_files import FONT_CONTENT_TYPES, font_extension, font_max_bytes

# A stored file name as Django's storages make one (Storage.get_valid_name): letters,
# digits, "_", "-" and ".", not starting with a dot.
FILE_NAME = re.compile(r"\w[-\w.]*")


def blog_font(blog, name):
    """The document of ``blog``'s collection stored under the file name ``name``, if it is
    a font; otherwise None."""
    if blog.collection_id is None or font_extension(name) is None:
        return None
    if not FILE_NAME.fullmatch(name):
        return None
    documents = get_document_model().objects.filter(
        collection_id=blog.collection_id, file__endswith=f"/{name}"
    )
    # endswith is case-insensitive on SQLite: the name must be the same, case and all.
    return next(
        (document for document in documents if posixpath.basename(document.file.name) == name),
        None,
    )


@require_safe
def font(request, name):
    document = blog_font(request.blog, name)
    if document is None or (document.file_size or 0) > font_max_bytes():
        raise Http404("No such font.")
    try:
        file = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("No such font.") from None
    response = FileResponse(file, content_type=FONT_CONTENT_TYPES[font_extension(name)])
    response["X-Content-Type-Options"] = "nosniff"
    if document.file_hash:
        response["ETag"] = f'"{document.file_hash}"'
    return response
