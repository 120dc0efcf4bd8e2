"""Left-to-right runs inside right-to-left text: the one home of bidirectional isolation.

Drug names, doses, phone numbers, DOIs and addresses keep their own order inside an Arabic
sentence only when isolated. Two forms, one rule for which:

- Rendered Markdown wraps each run in `<bdi dir="ltr">` (`isolated_runs`). Browsers and WeasyPrint
  both isolate a `bdi` element (its default style is `unicode-bidi: isolate`), and the element
  survives the sanitiser.
- A plain text in a right-to-left language that a template shows as an element's content (a
  title, a heading: `isolated_html`) gets the same `<bdi>` isolates, escaped, so "(HAI)" at the
  end of an Arabic title reads back in order from a PDF as it does in the Markdown.
- Text a template writes into an ordinary element (the clinic's phone, a handout's version and
  address) is wrapped in Unicode's isolate characters LRI ... PDI (`left_to_right`). Browsers
  isolate any element with `dir="ltr"`, but WeasyPrint does not isolate a `span` for its `dir`,
  so in a PDF such a phone number inside an Arabic line would read backwards; the characters work
  in both.

Direction controls an author types are a different matter: they are refused (BIDI_CONTROLS).
"""

import re
import xml.etree.ElementTree as etree

from django.utils.html import escape
from django.utils.safestring import mark_safe

# Letters and digits that read left to right: Latin (with accents), Greek (µg), and Western and
# Eastern Arabic digits, which inside Arabic would otherwise reverse a phone number's groups.
_LTR_ALNUM = (
    "A-Za-z0-9\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u03ff"
    "\u0660-\u0669\u06f0-\u06f9"
)
# Punctuation that stays inside a dose, range, temperature, brand name, e-mail address or URL.
_LTR_INNER = (
    _LTR_ALNUM + "\u066b\u066c.,:;/%+\\-\u2010-\u2015\u2212\u00b0\u00ae\u2122\u00a9@?=&_~#*'\u2019\u00d7"
)
# What a run may end with: a letter, a digit, or a sign that belongs to what precedes it.
_LTR_END = _LTR_ALNUM + "%\u00b0\u00ae\u2122\u00a9"
# A run starts with a letter or digit, or with a sign directly before a digit (+966, -2).
# It crosses a space only towards more of itself (5 mL, +966 11 123, 38.5 °C). Brackets stay
# outside, so the Arabic around them still mirrors them correctly; `isolated_runs` takes in only a
# pair that holds nothing but the run.
LTR_RUN = re.compile(
    rf"(?:[+\-\u2212](?=[0-9\u0660-\u0669\u06f0-\u06f9])|[{_LTR_ALNUM}])"
    rf"(?:[{_LTR_INNER}]|[ \u00a0\u202f](?=[{_LTR_ALNUM}\u00b0]))*(?<=[{_LTR_END}])"
)
EASTERN_NUMBER = re.compile("[\u0660-\u0669\u06f0-\u06f9][\u0660-\u0669\u06f0-\u06f9\u066b\u066c]*")
# Direction controls an author may paste from a word processor: invisible, and able to reorder
# what a patient reads ("Take 1", U+202E, "01" shows as "Take 110"). The page sets direction.
BIDI_CONTROLS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
BIDI_CONTROL = re.compile(f"[{BIDI_CONTROLS}]")


def left_to_right(text):
    """Text wrapped in Unicode's left-to-right isolate (LRI ... PDI), for templates."""
    return f"\u2066{text}\u2069" if text else text


# A bracket pair around nothing but a run, "(HAI)", goes into the run's isolate. Left in the Arabic
# flow it is drawn mirrored, and a PDF reader that takes "(HAI)" for one English word (Poppler:
# pdftotext, Evince, Okular) copies the mirrored glyphs back in the order they stand: ")HAI(".
# Inside the isolate the page looks the same and the text reads back in order. A pair that also
# holds Arabic, "(ويُكتب IV)", stays in the flow: only there does it open on the Arabic's side.
_PAIRS = {"(": ")", "[": "]"}


def _spans(text):
    """(start, end) of each run in text, widened over a bracket pair that holds only the run."""
    for match in LTR_RUN.finditer(text):
        start, end = match.span()
        before = text[start - 1] if start else ""
        if before in _PAIRS and text[end:end + 1] == _PAIRS[before]:
            start, end = start - 1, end + 1
        yield start, end


def isolated_runs(text):
    """[leading text, bdi, bdi, ...] with each bdi's tail the text after it; [] if no run."""
    spans = list(_spans(text))
    if not spans:
        return []
    leading = text[:spans[0][0]]
    isolates = []
    for (start, end), following in zip(spans, [*spans[1:], None], strict=True):
        bdi = _left_to_right(text[start:end])
        bdi.tail = text[end:following[0] if following else len(text)]
        isolates.append(bdi)
    return [leading, *isolates]


def isolated_html(text):
    """Plain text as escaped HTML, each left-to-right run in its `<bdi dir="ltr">`."""
    runs = isolated_runs(text)
    if not runs:
        return escape(text)
    # ElementTree escapes each isolate's text and tail as it writes them.
    return mark_safe(escape(runs[0]) + "".join(etree.tostring(bdi, encoding="unicode") for bdi in runs[1:]))


def _left_to_right(run):
    """`<bdi dir="ltr">` holding run. Eastern Arabic digits are "Arabic numbers" to the bidi
    algorithm, and the spaces and hyphens between them take the right-to-left direction even in a
    left-to-right isolate (a phone number in Eastern digits showed its groups in reverse order),
    so each such number gets an isolate of its own, between which the separators follow the
    run's direction. Browsers and WeasyPrint both lay out nested isolates that way."""
    bdi = etree.Element("bdi", {"dir": "ltr"})
    numbers = list(EASTERN_NUMBER.finditer(run))
    if len(numbers) < 2:
        bdi.text = run
        return bdi
    bdi.text = run[:numbers[0].start()]
    for number, following in zip(numbers, [*numbers[1:], None], strict=True):
        inner = etree.SubElement(bdi, "bdi", {"dir": "ltr"})
        inner.text = number.group()
        inner.tail = run[number.end():following.start() if following else len(run)]
    return bdi
