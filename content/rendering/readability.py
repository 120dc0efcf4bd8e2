"""How hard a patient text is to read: its reading-level figure and its long sentences.

A text is measured as patients read it, not as it is typed: the Markdown is rendered by the one
rendering pipeline (content.rendering.markdown) and the page's words taken back out of it, so
list marks, emphasis, link addresses and citation markers ([^3]) count for nothing. Every block
(a paragraph, a list item, a heading, a table cell) is read as a sentence of its own: one that
does not end with a full stop, question or exclamation mark is given a full stop, so that a list
of ten short items is not scored as one sentence of fifty words.

The figure is textstat's, on that plain text: the Flesch-Kincaid grade for English, OSMAN for
Arabic (the measures and the long-sentence thresholds are per language, in
content.languages.READING_MEASURES and LONG_SENTENCE_WORDS). textstat ends a sentence only at
".", "!" and "?": the Arabic question mark "؟" is handed to it as "?" (textstat drops both from
the words alike), so it counts the sentences the long-sentence list shows.

Plain functions of text, no models; the admin shows the results (content.admin.writing_help).
"""

import html
import re
from dataclasses import dataclass

import textstat
from django.utils.translation import gettext_lazy as _

from content import languages
from content.rendering.markdown import render_markdown

# The measures' names as the literature gives them, and which way is easier to read.
MEASURES = {
    "flesch_kincaid_grade": {"label": _("Flesch-Kincaid grade"), "higher_is_harder": True},
    "osman": {"label": _("OSMAN"), "higher_is_harder": False},
}

CITATION = re.compile(r"\s*<sup\b[^>]*>.*?</sup>", re.S)
BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|td|th|blockquote|div|dd|dt|pre)>|<br\s*/?>|<(?:ul|ol)\b[^>]*>",
                       re.I)
TAG = re.compile(r"<[^>]+>")
ENDS = ".!?\u061f\u2026"  # full stop, exclamation and question marks, the Arabic question mark, …
CLOSERS = "\"'\u201d\u2019\u00bb)\\]"  # what may close a sentence after its mark: quotes, brackets
SENTENCE_END = re.compile(rf"(?<=[{ENDS}])\s+|(?<=[{ENDS}][{CLOSERS}])\s+")
ENDS_A_SENTENCE = re.compile(rf"[{ENDS}][{CLOSERS}]?$")
SPACES = re.compile(r"[ \t\u00a0]+")


@dataclass(frozen=True)
class LongSentence:
    text: str
    words: int


@dataclass(frozen=True)
class Reading:
    """A text's reading level in its language: `score` is textstat's figure (None when the
    text has no words or its language no measure)."""

    language: str
    measure: str | None
    score: float | None
    words: int
    sentences: tuple
    long_sentences: tuple
    long_after: int | None  # a sentence of more words than this is long

    @property
    def label(self):
        return MEASURES[self.measure]["label"] if self.measure else ""

    @property
    def shown(self):
        """The figure as staff read it: one decimal."""
        return "" if self.score is None else f"{self.score:.1f}"

    def above(self, limit):
        """Whether the text reads harder than grade `limit` (a grade measure only)."""
        return (self.score is not None and self.measure is not None
                and MEASURES[self.measure]["higher_is_harder"] and self.score > limit)

    def as_json(self):
        return {"language": self.language, "measure": self.measure, "label": str(self.label),
                "score": self.score, "shown": self.shown, "words": self.words,
                "sentences": len(self.sentences), "long_after": self.long_after,
                "long_sentences": [{"text": s.text, "words": s.words} for s in self.long_sentences]}


def blocks(text, language=languages.SOURCE):
    """The text's blocks as patients read them: Markdown rendered, then its words taken out."""
    rendered = CITATION.sub("", render_markdown(text or "", language))
    plain = html.unescape(TAG.sub("", BLOCK_END.sub("\n", rendered)))
    return [line for line in (SPACES.sub(" ", part).strip() for part in plain.split("\n")) if line]


def sentences(text, language=languages.SOURCE):
    """Every sentence of the text, each block ending one."""
    found = []
    for block in blocks(text, language):
        found.extend(part.strip() for part in SENTENCE_END.split(block) if part.strip())
    return found


def plain_text(text, language=languages.SOURCE):
    """The text as the reading-level measure is given it: one sentence after another, each
    ended by a mark textstat knows."""
    ended = []
    for sentence in sentences(text, language):
        sentence = sentence.replace("\u061f", "?")
        ended.append(sentence if ENDS_A_SENTENCE.search(sentence) else f"{sentence}.")
    return " ".join(ended)


def word_count(sentence):
    return textstat.lexicon_count(sentence)


def measure(text, language=languages.SOURCE):
    """The Reading of `text`, written in `language`."""
    name = languages.READING_MEASURES.get(language)
    long_after = languages.LONG_SENTENCE_WORDS.get(language)
    found = tuple(sentences(text, language))
    plain = plain_text(text, language)
    words = word_count(plain) if plain else 0
    score = getattr(textstat, name)(plain) if (name and words) else None
    long_ones = tuple(
        LongSentence(sentence, count) for sentence in found
        if long_after is not None and (count := word_count(sentence)) > long_after
    )
    return Reading(language=language, measure=name, score=score, words=words,
                   sentences=found, long_sentences=long_ones, long_after=long_after)
