"""What a reader page may hold of ``<script>``: JSON-LD data blocks, and nothing else.

Reader pages run no JavaScript. A post's head carries one ``<script
type="application/ld+json">`` (``blog.reader.json_ld``), which browsers never execute;
its JSON escapes ``<``, so the block holds no ``<`` until its own end tag.
"""

import re

JSON_LD_BLOCK = re.compile(r'<script type="application/ld\+json">[^<]*</script>')


def without_json_ld(html):
    """``html`` with its JSON-LD data blocks taken out: any ``<script`` left would run."""
    return JSON_LD_BLOCK.sub("", html)
