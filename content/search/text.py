"""Search's text work: queries, the keys a page is stored under, and the results' titles and snippets.

Words are reduced to keys by content.rendering.words (Arabic folding and prefixes, English case
and plurals); a query word answers a page's word when their keys are equal or, for a query word
of MIN_PREFIX_MATCH letters or more, when the page's key starts with it ("chemo" finds
"chemotherapy").

- At publish time, `build_index(document)` gives each searched field (SEARCH_FIELDS) its distinct
  keys, which content.search.indexing stores and ranks in the database: the one ranking. The
  database does no language work, so SQLite and PostgreSQL find and order alike.
- At search time, `parse_query` gives the query's keys, the database chooses and orders a page of
  results, and `draw` gives each its highlighted title and snippet, reading a text only up to its
  first match (about 0.1 ms for the demo page's 19,000 characters, 0.2 to 0.3 ms while its words
  are new).
- `text_from_html` gives the plain text of rendered HTML, which is what is indexed and quoted.

A document, as build_index and draw read it, is a dict: "title" (str), "headings" (str or list),
"glossary_terms" (list), "text" (str), optionally "summary"; other keys (the slug, ...) are
passed through untouched.
"""

import functools
import html
import re
import unicodedata
from dataclasses import dataclass

from django.utils.safestring import mark_safe

from content import languages
from content.rendering.words import (
    ARABIC_MARKS,
    ARABIC_WORD,
    LETTER_FOLD_PAIRS,
    TATWEEL,
    WORD,
    fold,
    iter_tokens,
    tokens,
    word_keys,
)
from content.search.stemming import HAMZA_FOLDS, search_key

# Words dropped from a query (unless it is nothing else), in any of the portal's languages.
COMMON_WORDS = languages.common_words()

MAX_QUERY_CHARACTERS = 200
MAX_QUERY_TERMS = 12
MIN_PREFIX_MATCH = 4

SEARCH_FIELDS = ("title", "headings", "glossary_terms", "text")
SNIPPET_CHARACTERS = 200


# --- What is stored ---------------------------------------------------------------------------


def index_text(text, language=languages.SOURCE):
    """The text's distinct keys, in order of first use, padded with a space at each end
    (" key key "). What a SearchEntry stores per field; content.search.indexing makes each key a
    SearchKey row of its own."""
    keys = dict.fromkeys(search_key(token.key, token.folded) for token in iter_tokens(text))
    keys.pop("", None)
    return f" {' '.join(keys)} " if keys else ""


def _field_text(value):
    if isinstance(value, list | tuple):
        return "\n".join(str(item) for item in value if item)
    return str(value or "")


def build_index(document, language=languages.SOURCE):
    """{field: index_text of it} for each of SEARCH_FIELDS of a published document."""
    return {name: index_text(_field_text(document.get(name)), language) for name in SEARCH_FIELDS}


# --- Queries ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """A query's search keys (`terms`), and for each, the keys it was probably a misspelling of
    (`corrections`, parallel to `terms`: content.search.spelling fills them in)."""

    text: str
    terms: tuple = ()
    truncated: bool = False
    corrections: tuple = ()

    @property
    def is_empty(self):
        """True for a blank query or one of only punctuation: show a prompt, not results."""
        return not self.terms

    @property
    def words(self):
        """What a page's key is matched against: (the terms, the corrections of all of them)."""
        return self.terms, tuple(dict.fromkeys(key for keys in self.corrections for key in keys))

    def alternatives(self, index):
        return self.corrections[index] if index < len(self.corrections) else ()


def parse_query(query, language=languages.SOURCE):
    """The query's keys, common words dropped, duplicates and excess removed."""
    text = (query or "")[:MAX_QUERY_CHARACTERS]
    words = tokens(text, language)
    meaningful = [t for t in words if t.folded not in COMMON_WORDS and t.key not in COMMON_WORDS]
    terms = tuple(dict.fromkeys(search_key(t.key, t.folded) for t in (meaningful or words)))
    terms = tuple(term for term in terms if term)
    return Query(
        text=text,
        terms=terms[:MAX_QUERY_TERMS],
        truncated=len(query or "") > MAX_QUERY_CHARACTERS or len(terms) > MAX_QUERY_TERMS,
    )


@functools.lru_cache(maxsize=64)
def _answers_any(words):
    """Whether a key answers any of the query's `words` (Query.words: equal to a term or a
    correction, or a long term's extension), as one test per word: a snippet tests every word
    it shows."""
    terms, corrections = words
    whole = frozenset(terms) | frozenset(corrections)
    prefixes = tuple(term for term in terms if len(term) >= MIN_PREFIX_MATCH)
    if not prefixes:
        return whole.__contains__
    return lambda key: key in whole or key.startswith(prefixes)


# --- The results shown ------------------------------------------------------------------------


@dataclass
class SearchResult:
    """One result the database ranked (content.search.indexing.ranked_entries): its row, and
    how it ranked: how many of the query's terms it has, and its points."""

    document: dict
    score: int
    matched_terms: int
    title_html: str = ""
    snippet: str = ""
    anchor: str = ""  # the id of the page's section the snippet is from ("": the top)


def draw(results, query, language=languages.SOURCE):
    """Give each result its highlighted title, its snippet and the section the snippet is from;
    returns `results`."""
    if not isinstance(query, Query):
        query = parse_query(query, language)
    for result in results:
        document = result.document
        result.title_html = highlight(str(document.get("title", "")), query, language)
        result.snippet, place = snippet_and_place(document, query, language)
        if place:
            result.anchor = section_at(document.get("places", ""), place)
        else:
            # Found by a word of the other language or another name of a term: the page's own
            # text has nothing to mark, so the snippet is the start of the section the link opens.
            result.anchor = other_section(document.get("other_places", ""), query)
            result.snippet = section_start(document, result.anchor, query) or result.snippet
    return results


# --- Sections ---------------------------------------------------------------------------------


def places_text(fields):
    """Where each section starts in the stored texts, as SearchEntry.places keeps it: a line
    "<field> <offset> <anchor>" per piece, from `fields`, {field: [(anchor, text), ...]} in the
    order the pieces are joined by newlines into the field's stored text."""
    lines = []
    for name, pieces in fields.items():
        offset = 0
        for anchor, text in pieces:
            lines.append(f"{name} {offset} {anchor}")
            offset += len(text) + 1
    return "\n".join(lines)


def section_heading(document, anchor):
    """The heading, as stored, of the first piece of `document`'s headings in section `anchor`."""
    lines = _field_text(document.get("headings")).split("\n")
    number = 0
    for line in (document.get("places") or "").splitlines():
        field, _offset, found = line.split(" ", 2)
        if field == "headings":
            if found == anchor:
                return lines[number] if number < len(lines) else ""
            number += 1
    return ""


def section_start(document, anchor, query, length=SNIPPET_CHARACTERS):
    """About `length` characters of the document's text from the start of section `anchor`,
    escaped; "" when the text has no such section."""
    for line in (document.get("places") or "").splitlines() if anchor else ():
        field, offset, found = line.split(" ", 2)
        if field == "text" and found == anchor:
            text = _field_text(document.get("text"))
            # Places out of step with the text (an index from other texts) give nothing.
            return _window(text, int(offset), query.words, length, lead=0) if int(offset) < len(text) else ""
    return ""


def other_section(other_places, query):
    """The anchor of the first section (SearchEntry.other_places) using a key that answers
    `query` there while the entry's own texts have none: a word of the other language, or
    another name of a glossary term; "" when there is none."""
    answers = _answers_any(query.words)
    for line in (other_places or "").splitlines():
        key, anchor = line.rsplit(" ", 1)
        if answers(key):
            return anchor
    return ""


def section_at(places, place):
    """The anchor of the section holding `place` ((field, offset), from snippet_and_place) by
    SearchEntry.places; "" when it is in none (the title or summary)."""
    if not place:
        return ""
    name, position = place
    anchor = ""
    for line in (places or "").splitlines():
        field, offset, found = line.split(" ", 2)
        if field == name and int(offset) <= position:
            anchor = found
    return anchor


def highlight(text, query, language=languages.SOURCE):
    """The whole text, HTML-escaped, with every matching word wrapped in <mark>."""
    if not isinstance(query, Query):
        query = parse_query(query, language)
    return _marked(text, 0, len(text), query.words)


def _marked(text, start, end, words):
    pieces, position = [], start
    for begins, ends in _answering_words(text, start, end, words):
        pieces.append(html.escape(text[position:begins]))
        pieces.append(f"<mark>{html.escape(text[begins:ends])}</mark>")
        position = ends
    pieces.append(html.escape(text[position:end]))
    return mark_safe("".join(pieces))  # every piece of text above is escaped (as django's escape)


def _answering_words(text, start, end, words):
    """(start, end) of each word of text[start:end] whose search key answers one of `words`
    (Query.words): iter_tokens without a Token for every word passed over, as a snippet passes
    over most."""
    answers = _answers_any(words)
    for match in WORD.finditer(text, start, end):
        for offset, length, key, folded in word_keys(match.group()):
            if answers(search_key(key, folded)):
                begins = match.start() + offset
                yield begins, begins + length


def snippet(document, query, language=languages.SOURCE, length=SNIPPET_CHARACTERS):
    """About `length` characters of the document around its first match in the text (or the
    headings, then the summary), escaped, matches in <mark>, "…" where it was cut.

    Only the words up to the first match and those in the window are read, so a long text
    costs little more than a short one."""
    return snippet_and_place(document, query, language, length)[0]


SNIPPET_SOURCES = ("text", "headings", "summary")


def snippet_and_place(document, query, language=languages.SOURCE, length=SNIPPET_CHARACTERS):
    """`snippet`, and where its match is: (the field's name, the match's offset in it), or None
    where no field has one (the snippet is then the summary's start)."""
    if not isinstance(query, Query):
        query = parse_query(query, language)
    sources = [_field_text(document.get(name)) for name in SNIPPET_SOURCES]
    for name, text in zip(SNIPPET_SOURCES, sources, strict=True):
        first = _first_match(text, query.words)
        if first is not None:
            return _window(text, first, query.words, length), (name, first)
    fallback = next((text for text in (sources[2], sources[0]) if text), "")
    return _window(fallback, 0, query.words, length), None


def _first_match(text, words):
    """Where the first word of `text` that answers a term starts. Lines that cannot hold a match
    are skipped without tokenising them: a key is a piece of its word's folded spelling (prefixes
    and plural endings only ever come off), so a line whose folded text lacks every term's stem
    has none; and in a line that has one, no word before the first stem can answer."""
    terms, corrections = words
    stem_start = _stem_finder(tuple(term[:-1] if term.endswith("y") else term
                                    for term in (*terms, *corrections)))
    position = 0
    for line in text.splitlines(keepends=True):
        begin = stem_start(line)
        if begin is not None:
            first = next(_answering_words(text, position + begin, position + len(line), words), None)
            if first is not None:
                return first[0]
        position += len(line)
    return None


WORD_CHARACTER = re.compile(rf"[^\W_]|[{ARABIC_MARKS}]")
ARABIC_LETTER_SOURCES = {}
# content.rendering.words' letter folds, and search's hamza seats (content.search.stemming).
for _source, _folded in (*LETTER_FOLD_PAIRS, ("\u0626", "\u064a"), ("\u0624", "\u0648")):
    ARABIC_LETTER_SOURCES[_folded] = ARABIC_LETTER_SOURCES.get(_folded, "") + _source
HAMZA = "\u0621"


@functools.lru_cache(maxsize=64)
def _stem_finder(stems):
    """A function giving, for a line, where the word holding the first of `stems` in it starts
    (so where the first word that can answer starts), or None when the line has none.

    Exact without folding the line where the line's own spelling shows the stems: an ASCII line
    folds to its lower case, letter for letter; an Arabic stem in a line already in NFKC form
    (most are) is its letters, each in any spelling that folds to it, with marks between. Any
    other line is folded whole and read from its start. A lone hamza, which search keys drop, may
    stand between any two letters of a stem."""
    ascii_stems = [stem for stem in stems if stem.isascii()]
    arabic = None
    if all(ARABIC_WORD.fullmatch(letter) for stem in stems for letter in stem):
        between = f"[{ARABIC_MARKS}{TATWEEL}{HAMZA}]*"
        arabic = re.compile("|".join(
            between.join(f"[{re.escape(letter + ARABIC_LETTER_SOURCES.get(letter, ''))}]" for letter in stem)
            for stem in stems))

    def word_start(line, position):
        while position and WORD_CHARACTER.match(line, position - 1):
            position -= 1
        return position

    def stem_start(line):
        if line.isascii():
            lowered = line.lower()
            found = [at for at in (lowered.find(stem) for stem in ascii_stems) if at >= 0]
            return word_start(line, min(found)) if found else None
        if arabic is not None and unicodedata.is_normalized("NFKC", line):
            match = arabic.search(line)
            return word_start(line, match.start()) if match else None
        folded = fold(line).translate(HAMZA_FOLDS)
        return 0 if any(stem in folded for stem in stems) else None

    return stem_start


SPACE = re.compile(r"\s")


def _window(text, around, words, length, lead=None):
    """text[start:end] around position `around` (`lead` characters before it, a third of the
    length unless given), cut at spaces, never through a word."""
    text_length = len(text)
    start = max(0, around - (length // 3 if lead is None else lead))
    if start:
        space = SPACE.search(text, start, around)
        start = space.end() if space else around
    end = min(text_length, start + length)
    if end < text_length:
        last_space = max(text.rfind(" ", around, end), text.rfind("\n", around, end))
        if last_space > around:
            end = last_space
    body = _marked(text, start, end, words).strip()
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < text_length else ""
    return mark_safe(f"{prefix}{body}{suffix}")


# --- Plain text for indexing ------------------------------------------------------------------

CITATION_SUP = re.compile(r"<sup\b[^>]*class=\"citation\"[^>]*>.*?</sup>", re.S)
TAG = re.compile(r"<[^>]+>")
BLOCK_END = re.compile(r"</(p|li|h[1-6]|div|tr|td|th|blockquote)>|<br\s*/?>", re.I)


def text_from_html(rendered):
    """Readable plain text of rendered, sanitised HTML (content.rendering.markdown's output): citation
    markers dropped, block ends kept as line breaks, entities decoded. What to index and quote."""
    text = CITATION_SUP.sub("", rendered or "")
    text = BLOCK_END.sub("\n", text)
    text = html.unescape(TAG.sub("", text))
    return re.sub(r"[ \t]+", " ", re.sub(r"\s*\n\s*", "\n", text)).strip()
