"""Code blocks with fewer elements and the same look.

Pygments wraps every name in <span class="n"> and every run of whitespace between tokens in
<span class="w">. Material colours a name as the code around it (--md-code-hl-name-color is
--md-code-fg-color in both palettes) and gives whitespace no style, so these spans show nothing;
they are about a third of the elements inside a chapter's code blocks, and each element costs
the browser style and layout work when the page opens. Their text stays where it was, so what the
copy button copies does not change.
"""

import re

CODE = re.compile(r"(<pre\b[^>]*>)(.*?)(</pre>)", re.S)
PLAIN_SPAN = re.compile(r'<span class="[nw]">([^<]*)</span>')


def trimmed(html: str) -> str:
    """`html` without the name and whitespace spans of its <pre> blocks."""
    return CODE.sub(lambda match: match[1] + PLAIN_SPAN.sub(r"\1", match[2]) + match[3], html)
