"""THE pipeline every piece of patient text goes through: Markdown -> sanitised, safe HTML.

Authors write Markdown; raw HTML in it is removed (a tag's text stays, a script's does not) and
never interpreted, and the output of Markdown is then cleaned by an allow-list so that nothing but
the tags, attributes and URL schemes below can reach a page. What rendering would remove or
weaken, `authoring_problems` names first, so the admin and the file loader refuse it with a
message rather than an author losing text silently.

Citation markers `[^3]` in the text (not in code or inside a link) become superscript links into
the citations appendix. In Arabic text, runs of Latin script and digits (drug names, doses, phone
numbers, addresses) are isolated (content.rendering.bidi), so they keep their own order inside a
right-to-left sentence.

Rendering never raises: a text Markdown cannot handle (nested a thousand levels deep, say) is shown
as plain paragraphs. What a text may be is one authoring rule for every patient-facing text, checked
on the input alone, never with a clock: `authoring_problems` for Markdown (its size and shape are
bounded so that every accepted text renders in linear time, content.rendering.bounds) and
`plain_text_problems` for titles, summaries, headings, questions, glossary and clinic texts.
Rendering happens when content is saved, never per request.
"""

import html as html_lib
import logging
import re
import unicodedata
import xml.etree.ElementTree as etree

import markdown
import nh3
from django.utils import translation
from django.utils.translation import gettext
from markdown.extensions import Extension
from markdown.extensions.admonition import AdmonitionProcessor
from markdown.inlinepatterns import BACKTICK_RE, BacktickInlineProcessor, InlineProcessor, LinkInlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from content import languages
from content.rendering import bidi
from content.rendering.bidi import BIDI_CONTROL
from content.rendering.bounds import (
    CODE_SPAN_MAX,
    LINK_ADDRESS_MAX,
    MARKDOWN_MAX_CHARS,
    MAX_NESTING,
    nesting_message,
    shape_problems,
)
from content.rendering.urls import URL_SCHEMES

logger = logging.getLogger(__name__)

# The most a plain text (a title, summary, heading, question, glossary or clinic text) holds; most
# have a smaller max_length of their own, which Django checks.
PLAIN_TEXT_MAX_CHARS = 2_000
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h3", "h4", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "div", "sup", "code", "hr", "bdi", "abbr",
    "span", "figure", "figcaption", "img",
}
ALLOWED_ATTRIBUTES = {
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding"},
    "a": {"href", "id", "title"},
    "sup": {"id"},
    "abbr": {"title"},
    "th": {"scope"},
    "ol": {"start"},
    "bdi": {"dir"},
}
# The callout types our stylesheets know, with the title an untitled one gets in the text's own
# language; `!!! danger` is urgent advice. Any other type is refused (authoring_problems).
CALLOUT_TITLES = {
    "note": lambda: gettext("Note"),
    "tip": lambda: gettext("Tip"),
    "important": lambda: gettext("Important"),
    "warning": lambda: gettext("Warning"),
    "danger": lambda: gettext("Urgent"),
}
ALLOWED_CLASSES = {
    "div": {"admonition", *CALLOUT_TITLES},
    "span": {"visually-hidden"},
    "th": {"align-start", "align-center", "align-end"},
    "td": {"align-start", "align-center", "align-end"},
    "p": {"admonition-title"},
    "a": {"citation-ref"},
    "sup": {"citation"},
    "figure": {"picture"},
}
# Where a picture's files are served (content.site.pictures): an <img> may show nothing else, not
# even another address of this site, whatever route its HTML came by.
PICTURE_PATH = "/pictures/"
PICTURE_FILE = re.compile(r"^/pictures/[0-9a-f]{64}\.(?:webp|jpg|svg)$")
PICTURE_SCHEME = "picture:"
# The width a picture takes on a page: the reading column (44em) on a wide screen, else the screen.
PICTURE_SIZES = "(min-width: 48em) 44em, 100vw"

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
# Finished, sanitised HTML split into tags and character references (kept whole) and the text
# between them: how code that adds to rendered HTML (content.rendering.glossary_marks) finds the text.
TAG_OR_TEXT = re.compile(r"(<[^>]*>|&#?\w+;)")
# How far a link's text is looked for before falling back to the precomputed bracket table.
_SHORT_SCAN_BRACKETS = 8
_BRACKET = re.compile(r"[\[\]]")
DEFAULT_TITLE = "\x00default-title\x00"  # a title no author can type: bidi/NUL never reach here


def _picture_addresses_only(element, attribute, value):
    if element != "img" or attribute not in {"src", "srcset"}:
        return value
    candidates = ([part.strip().split(" ")[0] for part in value.split(",")] if attribute == "srcset"
                  else [value])
    return value if candidates and all(PICTURE_FILE.match(c) for c in candidates) else None


def sanitize(html):
    """Clean HTML with the portal's one allow-list. The sanitiser choice lives only here."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_picture_addresses_only,
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


class _LinkText:
    """Python-Markdown looks for a link's closing `]` by scanning to the end of the text from
    every `[`: 8,000 unclosed brackets took ten seconds. A short scan finds every ordinary link;
    beyond it, a table of matching brackets answers at once.

    A `[`'s match depends only on the text after it, and Markdown replaces what it has matched
    only before the point it has reached, so the table is keyed by distance from the end and
    stays valid for as long as the text after the bracket is unchanged.
    """

    def __init__(self):
        self.data, self.closers = "", {}

    def _closer(self, data, opener):
        if not self.data.endswith(data[opener:]):
            closers, open_at, length = {}, [], len(data)
            for match in _BRACKET.finditer(data):
                if match.group() == "[":
                    open_at.append(length - match.start())
                elif open_at:
                    closers[open_at.pop()] = length - match.start()
            self.data, self.closers = data, closers
        distance = self.closers.get(len(data) - opener)
        return None if distance is None else len(data) - distance

    def find(self, data, index):
        depth = 1
        for count, match in enumerate(_BRACKET.finditer(data, index)):
            depth += 1 if match.group() == "[" else -1
            if depth == 0:
                return data[index:match.start()], match.end(), True
            if count == _SHORT_SCAN_BRACKETS:
                break
        else:
            return "", index, False
        closer = self._closer(data, index - 1)
        if closer is None:
            return "", index, False
        return data[index:closer], closer + 1, True


def _bounded_get_link(get_link):
    """Python-Markdown reads from a link's `(` to the end of the paragraph when the address does
    not close; here it reads at most LINK_ADDRESS_MAX characters (a longer address is no link, and
    authoring_problems refuses it), so each of the `](` a text may have costs at most that."""

    def get_link_within_bound(data, index):
        if data.startswith("(", index) and len(data) > index + LINK_ADDRESS_MAX:
            data = data[:index + LINK_ADDRESS_MAX]
        return get_link(data, index)

    return get_link_within_bound


class _CodeSpans(BacktickInlineProcessor):
    """Python-Markdown looks for a code span's closing backticks to the end of the paragraph; here
    for at most CODE_SPAN_MAX characters (a longer span stays text), so each of the backtick runs
    a text may have costs at most that."""

    def find_code_spans(self, start, text):
        if len(text) > start + CODE_SPAN_MAX:
            text = text[:start + CODE_SPAN_MAX]
        return super().find_code_spans(start, text)


class _CitationMarker(InlineProcessor):
    """`[^3]` in running text becomes a link into the appendix. Code spans and escapes are taken
    before it; inside a link's text it stays text, since a link cannot hold another link."""

    ANCESTOR_EXCLUDES = ("a",)

    def handleMatch(self, match, data):
        number = int(match.group(1))
        self.md.citations.append(number)
        occurrence = self.md.citation_counts[number] = self.md.citation_counts.get(number, 0) + 1
        sup = etree.Element("sup", {"class": "citation"})
        sup.set("id", citation_anchor(self.md.anchor_prefix, number, occurrence))
        link = etree.SubElement(sup, "a", {"class": "citation-ref", "href": f"#cite-{number}"})
        link.text = AtomicString(f"[{number}]")  # nothing in it to look for: skip the inline patterns
        return sup, match.start(0), match.end(0)


class _Callouts(AdmonitionProcessor):
    """Marks a callout the author gave no title, so it is titled in the text's own language
    rather than with its English type name."""

    def get_class_and_title(self, match):
        klass, title = super().get_class_and_title(match)
        return klass, DEFAULT_TITLE if match.group(2) is None else title


class _CalloutTitles(Treeprocessor):
    def run(self, root):
        for div in root.iter("div"):
            kinds = div.get("class", "").split()
            if not kinds or kinds[0] != "admonition":
                continue
            kind = kinds[1] if len(kinds) > 1 else ""
            title = div.find("p")
            if title is None or title.get("class") != "admonition-title":
                continue
            if title.text == DEFAULT_TITLE:
                title.text = CALLOUT_TITLES[kind]() if kind in CALLOUT_TITLES else kind.capitalize()
            elif kind == "danger":
                # Said before the author's title, for whoever cannot see the box's colour.
                hidden = etree.Element("span", {"class": "visually-hidden"})
                hidden.text = gettext("Urgent:") + " "
                hidden.tail, title.text = title.text, None
                title.insert(0, hidden)


class _ColumnAlignment(Treeprocessor):
    """A table column's alignment (`:--`, `:-:`, `--:`) as a class, not the inline style the
    sanitiser would drop; left and right become start and end, so a table written in English and
    copied into the Arabic text lines up the same way in both."""

    CLASSES = {"left": "align-start", "center": "align-center", "right": "align-end"}

    def run(self, root):
        for cell in root.iter():
            if cell.tag in {"th", "td"} and "style" in cell.attrib:
                side = cell.attrib.pop("style").removeprefix("text-align:").strip(" ;")
                if side in self.CLASSES:
                    cell.set("class", self.CLASSES[side])


class _Unsupported(Treeprocessor):
    """Notes what the sanitiser would drop or flatten, so the form can refuse it by name."""

    def run(self, root):
        found = self.md.unsupported
        for element in root.iter():
            if element.tag == "pre":
                found["code_blocks"] = True
            elif element.tag in {"h1", "h2", "h5", "h6"}:
                found.setdefault("headings", set()).add(int(element.tag[1]))
            elif element.tag == "div" and "admonition" in element.get("class", "").split():
                kinds = set(element.get("class").split()) - {"admonition"}
                for kind in sorted(kinds - set(CALLOUT_TITLES)):
                    found.setdefault("callouts", set()).add(kind)
        depth = _nesting_depth(root)
        if depth > MAX_NESTING:
            found["nesting"] = depth


def _nesting_depth(root):
    deepest, stack = 0, [(root, 0)]
    while stack:
        element, depth = stack.pop()
        if element.tag in {"ul", "ol", "blockquote"}:
            depth += 1
            deepest = max(deepest, depth)
        stack.extend((child, depth) for child in element)
    return deepest


class _Pictures(Treeprocessor):
    """`![alternative text](picture:SLUG "caption")` on a line of its own becomes a figure showing
    the picture's file for the text's language, from `md.pictures` ({slug: {language: pin}},
    content.editing.pictures.picture_pins), with its alternative text and caption. What cannot be
    shown (no alternative text, an unknown slug, another address, a picture inside a sentence) is
    noted for authoring_problems, and rendered as its alternative text, so nothing is lost."""

    def run(self, root):
        found, pictures = self.md.unsupported, self.md.pictures
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag != "p" or not any(image.tag == "img" for image in child.iter()):
                    continue
                only = (len(child) == 1 and child[0].tag == "img" and not (child.text or "").strip()
                        and not (child[0].tail or "").strip())
                for image in list(child.iter("img")):
                    source, alt = image.get("src", ""), (image.get("alt") or "").strip()
                    if not source.startswith(PICTURE_SCHEME):
                        found.setdefault("other_images", []).append(source[:60])
                        continue
                    slug = source.removeprefix(PICTURE_SCHEME)
                    if not alt:
                        found.setdefault("no_alt", []).append(slug)
                    if not only:
                        found.setdefault("inline_pictures", []).append(slug)
                    if pictures is not None and slug not in pictures:
                        found.setdefault("unknown_pictures", []).append(slug)
                if only and not found.get("other_images"):
                    figure = self._figure(child[0])
                    if figure is not None:
                        parent[index] = figure
                        continue
                for image in list(child.iter("img")):  # shown as its words
                    self._as_text(child, image)

    def _figure(self, image):
        slug = image.get("src").removeprefix(PICTURE_SCHEME)
        alt = (image.get("alt") or "").strip()
        pin = (self.md.pictures or {}).get(slug, {}).get(self.md.language)
        if not pin or not alt:
            return None
        figure = etree.Element("figure", {"class": "picture"})
        attributes = {"src": pin["src"], "alt": alt, "width": str(pin["width"]),
                      "height": str(pin["height"]), "loading": "lazy", "decoding": "async"}
        if pin.get("srcset"):
            attributes["srcset"] = ", ".join(f"{url} {width}w" for url, width in pin["srcset"])
            attributes["sizes"] = PICTURE_SIZES
        etree.SubElement(figure, "img", attributes)
        caption = (image.get("title") or "").strip()
        if caption:
            etree.SubElement(figure, "figcaption").text = caption
        return figure

    @staticmethod
    def _as_text(paragraph, image):
        words = (image.get("alt") or "").strip()
        position = list(paragraph).index(image)
        tail = (words + (image.tail or "")) if words else (image.tail or "")
        if position == 0:
            paragraph.text = (paragraph.text or "") + tail
        else:
            previous = paragraph[position - 1]
            previous.tail = (previous.tail or "") + tail
        paragraph.remove(image)


class _IsolateLtrRuns(Treeprocessor):
    """Wraps each left-to-right run of an Arabic text in `<bdi dir="ltr">`. Runs after the
    escapes are undone, on text nodes, so `&` in a URL or `<` in a comparison is just text."""

    SKIP = {"code", "bdi", "sup"}

    def run(self, root):
        elements = [root]
        while elements:
            element = elements.pop()
            children = list(element)
            # A skipped element's own text is left whole; its tail is its parent's text.
            elements.extend(child for child in children if child.tag not in self.SKIP)
            # Children are rebuilt once per element: inserting each isolate where it goes took
            # time proportional to the square of an element's children.
            rebuilt = []
            if element.text:
                runs = bidi.isolated_runs(element.text)
                if runs:
                    element.text = runs[0]
                    rebuilt.extend(runs[1:])
            for child in children:
                rebuilt.append(child)
                if child.tail:
                    runs = bidi.isolated_runs(child.tail)
                    if runs:
                        child.tail = runs[0]
                        rebuilt.extend(runs[1:])
            if len(rebuilt) != len(children):
                element[:] = rebuilt


class _PortalMarkdown(Extension):
    def __init__(self, language, anchor_prefix, pictures=None):
        super().__init__()
        self.language, self.anchor_prefix, self.pictures = language, anchor_prefix, pictures

    def extendMarkdown(self, md):
        md.registerExtension(self)
        md.link_text = _LinkText()
        md.citations, md.citation_counts, md.unsupported = [], {}, {}
        md.anchor_prefix = self.anchor_prefix
        md.language, md.pictures = self.language, self.pictures
        # Whatever raw HTML survives stripping is escaped as text, never passed through; the
        # sanitiser is the last line of defence, not the only one.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.inlinePatterns.register(_CodeSpans(BACKTICK_RE), "backtick", 190)
        md.inlinePatterns.register(_CitationMarker(CITATION_MARKER.pattern, md), "citation", 155)
        for processor in md.inlinePatterns:
            if isinstance(processor, LinkInlineProcessor):  # links, images, references
                processor.getText = md.link_text.find
                processor.getLink = _bounded_get_link(processor.getLink)
        md.parser.blockprocessors.register(_Callouts(md.parser), "admonition", 105)
        md.treeprocessors.register(_CalloutTitles(md), "callout_titles", 15)
        md.treeprocessors.register(_ColumnAlignment(md), "column_alignment", 14.5)
        md.treeprocessors.register(_Pictures(md), "pictures", 14.2)
        md.treeprocessors.register(_Unsupported(md), "unsupported", 14)
        if languages.is_right_to_left(self.language):
            md.treeprocessors.register(_IsolateLtrRuns(md), "isolate_ltr", -10)


def citation_anchor(anchor_prefix, number, occurrence):
    return f"cite-ref-{anchor_prefix}-{number}-{occurrence}"


def _convert(text, language, anchor_prefix, pictures=None):
    """(html, the Markdown instance with what it found) for text already stripped of raw HTML.

    Raises what Python-Markdown raises; render_markdown and authoring_problems decide what a
    failure means for them.
    """
    md = markdown.Markdown(
        extensions=["sane_lists", "tables", _PortalMarkdown(language, anchor_prefix, pictures)],
        output_format="html",
    )
    with translation.override(language):
        html = md.convert(text)
    return html, md


def _plain_paragraphs(text):
    """What a text Markdown cannot handle is shown as: its words, escaped, as paragraphs."""
    paragraphs = (part.strip() for part in re.split(r"\n\s*\n", text))
    return "".join(f"<p>{html_lib.escape(part)}</p>" for part in paragraphs if part)


def _source(text):
    return BIDI_CONTROL.sub("", _strip_raw_html(text or ""))


def render_markdown(text, language=languages.SOURCE, anchor_prefix="text", pictures=None):
    """Turn an author's Markdown into safe HTML for a page in `language`. Never raises.

    `pictures` ({slug: {language: pin}}) are the pictures the text may show; one it names that is
    not among them is shown as its alternative text."""
    if not text or not text.strip():
        return ""
    source = _source(text)
    try:
        html, _md = _convert(source, language, anchor_prefix, pictures or {})
    except Exception as error:  # whatever Python-Markdown raises: a save or page must not fail on it
        # Refused at the form (authoring_problems); a text stored before still shows its words.
        # No traceback: a RecursionError's is a thousand frames long.
        logger.warning("Markdown not rendered (%s); shown as plain paragraphs", type(error).__name__)
        html = _plain_paragraphs(source)
    return sanitize(html)


def _markers_in_text(text):
    """The citation numbers of the real markers in text, in order, each time it is cited."""
    if not text or "[^" not in text:
        return []
    try:
        return _convert(_source(text), languages.SOURCE, "text")[1].citations
    except Exception:  # refused by authoring_problems; count what looks like a marker
        return [int(number) for number in CITATION_MARKER.findall(text)]


def cited_numbers(text):
    """The citation numbers a Markdown text refers to, in order of first use."""
    return list(dict.fromkeys(_markers_in_text(text)))


def missing_citations(text, numbers):
    """Sorted citation numbers the text's markers use that are not among `numbers`."""
    known = {int(number) for number in numbers}
    return sorted(set(_markers_in_text(text)) - known)


def raw_html_tags(text):
    """The raw HTML that rendering would remove, so a form can refuse it and say what it is."""
    text = text or ""
    return [text[start:end][:60] for start, end in _raw_html_spans(text)]


def bidi_controls(text):
    """Each direction-control character in text, once, as 'U+202E RIGHT-TO-LEFT OVERRIDE'."""
    found = dict.fromkeys(BIDI_CONTROL.findall(text or ""))
    return [f"U+{ord(char):04X} {unicodedata.name(char)}" for char in found]


def _direction_controls_problem(text):
    controls = bidi_controls(text)
    if not controls:
        return []
    return [gettext("Invisible direction-control characters can reorder what a patient reads and are "
                    "not allowed; the page sets the direction of mixed text itself. Remove: "
                    "%(characters)s") % {"characters": ", ".join(controls)}]


def plain_text_problems(text, max_chars=PLAIN_TEXT_MAX_CHARS):
    """Everything an author must change before a plain text (a title, summary, section heading,
    question, glossary or clinic text, a role) can be saved; [] when it may be. The same rule as
    authoring_problems, for text that is shown as written rather than rendered: no direction
    controls, no raw HTML, at most `max_chars` characters."""
    text = text or ""
    problems = []
    if len(text) > max_chars:
        problems.append(gettext("This text is %(length)s characters long; the most is %(limit)s. "
                                "Shorten it.") % {"length": f"{len(text):,}", "limit": f"{max_chars:,}"})
    tags = raw_html_tags(text)
    if tags:
        problems.append(gettext("Raw HTML is not allowed here. Remove: %(tags)s")
                        % {"tags": ", ".join(dict.fromkeys(tags))})
    return problems + _direction_controls_problem(text)


def authoring_problems(text, language=languages.SOURCE, picture_slugs=None):
    """Everything an author must change before this Markdown can be saved, in words they can act
    on; [] when it renders exactly as written. The one rule for the admin and the file loader.
    `picture_slugs`, when given, are the pictures that exist: a reference to another is refused.

    Decided on the text alone: a text whose shape could make rendering slow is refused before it
    is rendered (content.rendering.bounds), and one within the bounds renders in linear time."""
    text = text or ""
    problems = []
    if len(text) > MARKDOWN_MAX_CHARS:
        problems.append(
            gettext("This text is %(length)s characters long; the most is %(limit)s. Split it into "
                    "shorter sections.") % {"length": f"{len(text):,}", "limit": f"{MARKDOWN_MAX_CHARS:,}"}
        )
    tags = raw_html_tags(text)
    if tags:
        problems.append(
            gettext("Raw HTML is not allowed here; write Markdown instead. Remove: %(tags)s")
            % {"tags": ", ".join(dict.fromkeys(tags))}
        )
    problems.extend(_direction_controls_problem(text))
    if len(text) > MARKDOWN_MAX_CHARS or not text.strip():
        return problems  # too long to render safely here, or nothing to render
    source = _source(text)
    shape = shape_problems(source)
    if shape:
        return problems + shape  # not rendered: within the bounds it would be slow
    try:
        pictures = None if picture_slugs is None else {slug: {} for slug in picture_slugs}
        _html, md = _convert(source, language, "text", pictures)
    except Exception:  # whatever Python-Markdown raises on a text within the bounds
        problems.append(gettext("This text cannot be rendered: lists or quotes are nested too deeply, "
                                "or its Markdown is malformed. Simplify its structure."))
        return problems
    problems.extend(_unsupported_messages(md.unsupported))
    return problems


def _unsupported_messages(found):
    messages = []
    if found.get("other_images"):
        messages.append(gettext("Only pictures added under Pictures can be shown, as "
                                "![alternative text](picture:NAME \"caption\"); this text shows an "
                                "image from elsewhere: %(addresses)s")
                        % {"addresses": ", ".join(dict.fromkeys(found["other_images"])) or "()"})
    if found.get("no_alt"):
        messages.append(gettext("A picture needs alternative text, for readers who cannot see it: write "
                                "what it shows between the brackets, ![like this](picture:%(slug)s).")
                        % {"slug": found["no_alt"][0]})
    if found.get("unknown_pictures"):
        messages.append(gettext("There is no picture named %(names)s. Add it under Pictures first, "
                                "or check the spelling.")
                        % {"names": ", ".join(dict.fromkeys(found["unknown_pictures"]))})
    if found.get("inline_pictures"):
        messages.append(gettext("A picture goes on a line of its own, with an empty line before and "
                                "after it: %(names)s")
                        % {"names": ", ".join(dict.fromkeys(found["inline_pictures"]))})
    if found.get("code_blocks"):
        messages.append(gettext("Lines indented by four spaces or more show as computer code, not as "
                                "text. Remove the indentation, or indent them under a list item."))
    if found.get("headings"):
        levels = sorted(found["headings"])
        messages.append(
            gettext("Headings made with # or ## (or more than four #) are not supported: %(levels)s. "
                    "Use ### for a subheading, #### below it; a section's own heading is set in its "
                    "heading field.")
            % {"levels": ", ".join("#" * level for level in levels)}
        )
    if found.get("callouts"):
        messages.append(
            gettext("Unknown callout type: %(types)s. Use one of: %(known)s.")
            % {"types": ", ".join(sorted(found["callouts"])), "known": ", ".join(CALLOUT_TITLES)}
        )
    if found.get("nesting"):
        messages.append(nesting_message(found["nesting"]))
    return messages
