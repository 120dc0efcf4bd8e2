"""Which stored URLs may be written into a page, a handout or its PDF: the one scheme check.

Markdown links are checked by the sanitiser (content.rendering.markdown.sanitize) with URL_SCHEMES.
A URL a template writes from stored data (a citation's address, its DOI link) passes `safe_url`
where it is written, since a publication's document can also arrive by a fixture or a hand edit,
past every form. A URL that is not an absolute address in an allowed scheme is dropped; the text
around it stays.
"""

import html
import re

URL_SCHEMES = {"https", "http", "mailto", "tel"}
# What a reference may link to: a web page. (Markdown texts may also link a phone or an e-mail.)
WEB_SCHEMES = {"https", "http"}

# Browsers drop ASCII tabs and line breaks anywhere in a URL, and spaces and control characters
# around it, before reading its scheme: "java\tscript:" is "javascript:" to them.
_IGNORED_INSIDE = re.compile(r"[\t\n\r]")
_IGNORED_AROUND = "".join(chr(code) for code in range(0x21))
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


def safe_url(url, schemes=URL_SCHEMES):
    """The URL as a browser would read it, if its scheme is one of `schemes`; otherwise ""."""
    if not isinstance(url, str):
        return ""
    # Undo character references too (`javascript&#58;`), in case the URL is ever written unescaped.
    cleaned = _IGNORED_INSIDE.sub("", html.unescape(url)).strip(_IGNORED_AROUND)
    scheme = _SCHEME.match(cleaned)
    if not scheme or scheme.group(1).lower() not in schemes:
        return ""
    return cleaned


def web_url(url):
    """`safe_url` for an address a reference links to: http or https only."""
    return safe_url(url, WEB_SCHEMES)
