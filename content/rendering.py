"""THE pipeline every piece of patient text goes through: Markdown -> sanitised, safe HTML.

Authors write Markdown; raw HTML in it is removed (a tag's text stays, a script's does not) and
never interpreted, and the output of Markdown is then cleaned by an allow-list so that nothing but
the tags, attributes and URL schemes below can reach a page. The admin rejects raw HTML with a
form error first, so an author learns of it rather than losing text silently.

Citation markers `[^3]` become superscript links into the citations appendix. In Arabic text,
runs of Latin script and digits (drug names, doses, DOIs) are isolated in <bdi> so they keep
their own direction inside a right-to-left sentence.

Rendering happens when content is saved, never per request.
"""

import re

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h3", "h4", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "div", "sup", "code", "hr", "bdi", "abbr",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "id", "title"},
    "sup": {"id"},
    "abbr": {"title"},
    "th": {"scope"},
    "ol": {"start"},
}
# Only the callout styles our stylesheet knows; anything else an author writes is dropped.
ALLOWED_CLASSES = {
    "div": {"admonition", "note", "warning", "important", "tip"},
    "p": {"admonition-title"},
    "a": {"citation-ref"},
    "sup": {"citation"},
}
URL_SCHEMES = {"https", "http", "mailto", "tel"}

# Raw HTML as an author might type it: a comment, a script or style element with its content, or
# a tag of a real HTML element (current or legacy). Only closed constructs count, so a stray `<`
# or `<!--` never swallows the text after it, and `3 < 4`, `x<y and a>b` or <https://...> are not
# HTML.
HTML_ELEMENTS = (
    "a|abbr|acronym|address|applet|area|article|aside|audio|b|base|basefont|bdi|bdo|big|blink|"
    "blockquote|body|br|button|canvas|caption|center|cite|code|col|colgroup|data|datalist|dd|del|"
    "details|dfn|dialog|dir|div|dl|dt|em|embed|fieldset|figcaption|figure|font|footer|form|frame|"
    "frameset|h[1-6]|head|header|hgroup|hr|html|i|iframe|image|img|input|ins|isindex|kbd|keygen|"
    "label|legend|li|link|listing|main|map|mark|marquee|math|menu|menuitem|meta|meter|nav|nobr|"
    "noembed|noframes|noscript|object|ol|optgroup|option|output|p|param|picture|plaintext|pre|"
    "progress|q|rb|rp|rt|rtc|ruby|s|samp|script|search|section|select|slot|small|source|spacer|"
    "span|strike|strong|style|sub|summary|sup|svg|table|tbody|td|template|textarea|tfoot|th|"
    "thead|time|title|tr|track|tt|u|ul|var|video|wbr|xmp"
)
# Where a raw-HTML construct may start; comments and script/style elements then need their
# closer, looked for once at most (see _raw_html_spans), so scanning stays linear.
RAW_HTML_START = re.compile(
    rf"(?P<comment><!--)|(?P<block><(?P<name>script|style)\b[^<>]*>)"
    rf"|(?P<tag></?(?:{HTML_ELEMENTS})(?:\s[^<>]*)?/?>)",
    re.IGNORECASE,
)
CITATION_MARKER = re.compile(r"\[\^(\d{1,3})\]")
# Latin letters or digits, with the punctuation that stays inside a drug name, dose or DOI.
# Brackets stay outside the run, so the Arabic around them still mirrors them correctly.
LTR_RUN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.,:/%+\-]|\s(?=[A-Za-z0-9]))*[A-Za-z0-9%]|[A-Za-z0-9]")
# Tags and character references are left whole; only the text between them is scanned.
TAG_OR_TEXT = re.compile(r"(<[^>]*>|&#?\w+;)")


def sanitize(html):
    """Clean HTML with the portal's one allow-list. The sanitiser choice lives only here."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        clean_content_tags={"script", "style"},
        strip_comments=True,
        link_rel="noopener noreferrer",
    )


def _raw_html_spans(text):
    """(start, end) of each raw-HTML construct in text, in order, in linear time."""
    lowered = text.lower()
    unclosed = set()  # closers known to be absent from here on: no later opener can find one
    spans, position = [], 0
    while match := RAW_HTML_START.search(text, position):
        if match["tag"]:
            spans.append(match.span())
            position = match.end()
            continue
        closer = "-->" if match["comment"] else f"</{match['name'].lower()}"
        end = -1 if closer in unclosed else lowered.find(closer, match.end())
        if end == -1:
            unclosed.add(closer)
            if match["block"]:  # a lone opening tag: remove the tag, keep the text after it
                spans.append(match.span())
            position = match.end()
            continue
        end = end + 3 if match["comment"] else lowered.find(">", end) + 1 or len(text)
        spans.append((match.start(), end))
        position = end
    return spans


def _strip_raw_html(text):
    kept, position = [], 0
    for start, end in _raw_html_spans(text):
        kept.append(text[position:start])
        position = end
    kept.append(text[position:])
    return "".join(kept)


def _markdown_without_raw_html():
    md = markdown.Markdown(extensions=["sane_lists", "tables", "admonition"], output_format="html")
    # Whatever raw HTML survives stripping is escaped as text, never passed through; the
    # sanitiser is the last line of defence, not the only one.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def _link_citations(html, anchor_prefix):
    seen = {}

    def marker(match):
        number = int(match.group(1))
        seen[number] = seen.get(number, 0) + 1
        anchor = f"cite-ref-{anchor_prefix}-{number}-{seen[number]}"
        return (
            f'<sup class="citation" id="{anchor}">'
            f'<a class="citation-ref" href="#cite-{number}">[{number}]</a></sup>'
        )

    return CITATION_MARKER.sub(marker, html)


def _isolate_ltr_runs(html):
    parts = TAG_OR_TEXT.split(html)
    inside_bdi = 0
    for index, part in enumerate(parts):
        if part.startswith("&"):
            continue
        if part.startswith("<"):
            if part.startswith("<bdi") or part.startswith("<sup"):
                inside_bdi += 1
            elif part.startswith("</bdi") or part.startswith("</sup"):
                inside_bdi -= 1
            continue
        if not inside_bdi and part:
            parts[index] = LTR_RUN.sub(lambda m: f"<bdi>{m.group(0)}</bdi>", part)
    return "".join(parts)


def render_markdown(text, language="en", anchor_prefix="text"):
    """Turn an author's Markdown into safe HTML for a page in `language`."""
    if not text or not text.strip():
        return ""
    html = _markdown_without_raw_html().convert(_strip_raw_html(text))
    html = _link_citations(html, anchor_prefix)
    if language == "ar":
        html = _isolate_ltr_runs(html)
    return sanitize(html)


def cited_numbers(text):
    """The citation numbers a Markdown text refers to, in order of first use."""
    return list(dict.fromkeys(int(n) for n in CITATION_MARKER.findall(text or "")))


def raw_html_tags(text):
    """The raw HTML that rendering would remove, so a form can refuse it and say what it is."""
    text = text or ""
    return [text[start:end][:60] for start, end in _raw_html_spans(text)]
