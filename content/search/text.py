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
    keys = dict.fromkeys(token.key for token in iter_tokens(text))
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
    text: str
    terms: tuple = ()
    truncated: bool = False

    @property
    def is_empty(self):
        """True for a blank query or one of only punctuation: show a prompt, not results."""
        return not self.terms


def parse_query(query, language=languages.SOURCE):
    """The query's keys, common words dropped, duplicates and excess removed."""
    text = (query or "")[:MAX_QUERY_CHARACTERS]
    words = tokens(text, language)
    meaningful = [t for t in words if t.folded not in COMMON_WORDS and t.key not in COMMON_WORDS]
    terms = tuple(dict.fromkeys(t.key for t in (meaningful or words)))
    return Query(
        text=text,
        terms=terms[:MAX_QUERY_TERMS],
        truncated=len(query or "") > MAX_QUERY_CHARACTERS or len(terms) > MAX_QUERY_TERMS,
    )


@functools.lru_cache(maxsize=64)
def _answers_any(terms):
    """Whether a key answers any of `terms` (equal, or a long term's extension), as one test per
    word: a snippet tests every word it shows."""
    whole = frozenset(terms)
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


def draw(results, query, language=languages.SOURCE):
    """Give each result its highlighted title and snippet; returns `results`."""
    for result in results:
        result.title_html = highlight(str(result.document.get("title", "")), query, language)
        result.snippet = snippet(result.document, query, language)
    return results


def highlight(text, query, language=languages.SOURCE):
    """The whole text, HTML-escaped, with every matching word wrapped in <mark>."""
    if not isinstance(query, Query):
        query = parse_query(query, language)
    return _marked(text, 0, len(text), query.terms)


def _marked(text, start, end, terms):
    pieces, position = [], start
    for begins, ends in _answering_words(text, start, end, terms):
        pieces.append(html.escape(text[position:begins]))
        pieces.append(f"<mark>{html.escape(text[begins:ends])}</mark>")
        position = ends
    pieces.append(html.escape(text[position:end]))
    return mark_safe("".join(pieces))  # every piece of text above is escaped (as django's escape)


def _answering_words(text, start, end, terms):
    """(start, end) of each word of text[start:end] whose key answers one of `terms`: iter_tokens
    without a Token for every word passed over, as a snippet passes over most."""
    answers = _answers_any(terms)
    for match in WORD.finditer(text, start, end):
        for offset, length, key, _folded in word_keys(match.group()):
            if answers(key):
                begins = match.start() + offset
                yield begins, begins + length


def snippet(document, query, language=languages.SOURCE, length=SNIPPET_CHARACTERS):
    """About `length` characters of the document around its first match in the text (or the
    headings, then the summary), escaped, matches in <mark>, "…" where it was cut.

    Only the words up to the first match and those in the window are read, so a long text
    costs little more than a short one."""
    if not isinstance(query, Query):
        query = parse_query(query, language)
    sources = [_field_text(document.get(name)) for name in ("text", "headings", "summary")]
    for text in sources:
        first = _first_match(text, query.terms)
        if first is not None:
            return _window(text, first, query.terms, length)
    fallback = next((text for text in (sources[2], sources[0]) if text), "")
    return _window(fallback, 0, query.terms, length)


def _first_match(text, terms):
    """Where the first word of `text` that answers a term starts. Lines that cannot hold a match
    are skipped without tokenising them: a key is a piece of its word's folded spelling (prefixes
    and plural endings only ever come off), so a line whose folded text lacks every term's stem
    has none; and in a line that has one, no word before the first stem can answer."""
    stem_start = _stem_finder(tuple(term[:-1] if term.endswith("y") else term for term in terms))
    position = 0
    for line in text.splitlines(keepends=True):
        begin = stem_start(line)
        if begin is not None:
            first = next(_answering_words(text, position + begin, position + len(line), terms), None)
            if first is not None:
                return first[0]
        position += len(line)
    return None


WORD_CHARACTER = re.compile(rf"[^\W_]|[{ARABIC_MARKS}]")
ARABIC_LETTER_SOURCES = {}
for _source, _folded in LETTER_FOLD_PAIRS:
    ARABIC_LETTER_SOURCES[_folded] = ARABIC_LETTER_SOURCES.get(_folded, "") + _source


@functools.lru_cache(maxsize=64)
def _stem_finder(stems):
    """A function giving, for a line, where the word holding the first of `stems` in it starts
    (so where the first word that can answer starts), or None when the line has none.

    Exact without folding the line where the line's own spelling shows the stems: an ASCII line
    folds to its lower case, letter for letter; an Arabic stem in a line already in NFKC form
    (most are) is its letters, each in any spelling that folds to it, with marks between. Any
    other line is folded whole and read from its start."""
    ascii_stems = [stem for stem in stems if stem.isascii()]
    arabic = None
    if all(ARABIC_WORD.fullmatch(letter) for stem in stems for letter in stem):
        between = f"[{ARABIC_MARKS}{TATWEEL}]*"
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
        folded = fold(line)
        return 0 if any(stem in folded for stem in stems) else None

    return stem_start


SPACE = re.compile(r"\s")


def _window(text, around, terms, length):
    """text[start:end] around position `around`, cut at spaces, never through a word."""
    text_length = len(text)
    start = max(0, around - length // 3)
    if start:
        space = SPACE.search(text, start, around)
        start = space.end() if space else around
    end = min(text_length, start + length)
    if end < text_length:
        last_space = max(text.rfind(" ", around, end), text.rfind("\n", around, end))
        if last_space > around:
            end = last_space
    body = _marked(text, start, end, terms).strip()
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
