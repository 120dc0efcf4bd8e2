"""Bilingual search: pure functions over plain text and dicts, with no database in sight.

Patients type the way they speak: Arabic with or without tashkeel, any form of alef, ta marbuta
for ha, alef maqsura for ya, words glued to the prefixes wa-, al-, bi-, li-, ka-; English in any
case, singular or plural. Every word of a query and of a document is therefore reduced to one
*key* by the same rules, and two words match when their keys are equal (or, for a query word of
4+ letters, when a document key starts with it, so "chemo" finds "chemotherapy").

The word rules (folding, keys) are content.rendering.words's, which glossary marking shares.

How the portal uses it (content.search.indexing; the database does no language work, so SQLite
and PostgreSQL behave the same):

1. At publish time, `build_index(document, language)` is stored beside the published version:
   per field, a space-padded string of the distinct keys (" key key key "); each distinct key
   is also a row of its own, with the fields it occurs in. `index_text()` gives one such string
   for any text.
2. At search time, `parse_query(query, language)` gives the query's keys, and the database ranks
   every page that has one by those rows, with `rank`'s rules and order, and returns one page of
   results. (`query.needles` and `index_matches` are the same test as a substring of a stored
   index: no case or collation rules come into it because keys are already folded.)
3. `rank(query, documents, language, limit=...)` is the reference for those rules, which a test
   holds the database to: it scores documents from their stored indexes (substring tests, no
   re-tokenising) and draws a highlighted title and snippet only for the results it returns,
   reading a text only up to its first match. The portal draws the page the database chose
   with `draw`, as rank draws the results it returns.

Measured on the demo page (19,000 characters of text, an index of 3,900): ranking it and drawing
its title and snippet takes about 0.1 ms (0.2 to 0.3 ms the first time its words are seen).

A document is a dict: "title" (str), "headings" (str or list), "glossary_terms" (list),
"text" (str), optionally "summary" and "index" (the stored build_index); any other keys (url,
slug, ...) are passed through untouched in the result.
"""

import functools
import html
import re
import unicodedata
from dataclasses import dataclass, field

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

# Field weights: a title match outranks heading or glossary matches of every query word, which
# outrank matches in the text of every query word (at most MAX_QUERY_TERMS of them).
FIELD_WEIGHTS = {"title": 10_000, "headings": 100, "glossary_terms": 100, "text": 1}
SEARCH_FIELDS = tuple(FIELD_WEIGHTS)
SNIPPET_CHARACTERS = 200


def index_text(text, language=languages.SOURCE):
    """The text's distinct keys, in order of first use, padded with a space at each end for
    whole-key substring tests (" key "). What to store: a long page's index is about a fifth of
    its text, and scanning it is as quick."""
    keys = dict.fromkeys(token.key for token in iter_tokens(text))
    return f" {' '.join(keys)} " if keys else ""


def _field_text(value):
    if isinstance(value, list | tuple):
        return "\n".join(str(item) for item in value if item)
    return str(value or "")


def build_index(document, language=languages.SOURCE):
    """The per-field index to store with a published document (see the module docstring)."""
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

    @property
    def needles(self):
        """Substrings any matching stored index contains: one per term, for a DB pre-filter
        (OR them together: `Q(search_index__contains=n) | ...`)."""
        return [f" {term}" if len(term) >= MIN_PREFIX_MATCH else f" {term} " for term in self.terms]


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


def key_matches(term, key):
    """Whether a document word's key answers a query term: equal, or a long term's extension."""
    return key == term or (len(term) >= MIN_PREFIX_MATCH and key.startswith(term))


@functools.lru_cache(maxsize=64)
def _answers_any(terms):
    """key_matches for any of `terms`, as one test per word (a snippet tests every word it shows)."""
    whole = frozenset(terms)
    prefixes = tuple(term for term in terms if len(term) >= MIN_PREFIX_MATCH)
    if not prefixes:
        return whole.__contains__
    return lambda key: key in whole or key.startswith(prefixes)


def index_matches(query, stored_index):
    """A cheap check on a stored index string: does it contain any of the query's terms?"""
    return any(needle in stored_index for needle in query.needles)


# --- Ranking ----------------------------------------------------------------------------------


@dataclass
class SearchResult:
    document: dict
    score: float
    matched_terms: int
    best_field: str = ""  # not known of a result the database ranked
    title_html: str = ""
    snippet: str = ""
    field_scores: dict = field(default_factory=dict)


def _score_field(terms, indexed):
    """(the terms found, score) for one field's index string."""
    found, score = set(), 0.0
    for term in terms:
        if f" {term} " in indexed:
            found.add(term)
            score += 1
        elif len(term) >= MIN_PREFIX_MATCH and f" {term}" in indexed:
            found.add(term)
            score += 0.5  # "chemo" for chemotherapy: a likely match, less sure than the word
    return found, score


def rank(query, documents, language=languages.SOURCE, limit=None):
    """Documents that match `query`, best first, each with a highlighted title and snippet.

    `query` is a string or a parsed Query. Order: more query words found first; then a match in
    the title, then in headings or glossary terms, then in the text (a whole word before the
    start of a longer one); then the title alphabetically, so the order never depends on the
    order documents came in.
    A blank or punctuation-only query returns no results.
    """
    if not isinstance(query, Query):
        query = parse_query(query, language)
    if query.is_empty:
        return []
    results = []
    for document in documents:
        index = document.get("index") or build_index(document, language)
        terms_found, total, field_scores, best_field = set(), 0.0, {}, ""
        for name in SEARCH_FIELDS:
            found, score = _score_field(query.terms, index.get(name, ""))
            if found:
                field_scores[name] = score
                total += score * FIELD_WEIGHTS[name]
                best_field = best_field or name
                terms_found |= found
        if terms_found:
            results.append(SearchResult(document, total, len(terms_found), best_field,
                                        field_scores=field_scores))
    results.sort(key=lambda r: (-r.matched_terms, -r.score, fold(str(r.document.get("title", "")))))
    if limit is not None:
        results = results[:limit]
    return draw(results, query, language)


def draw(results, query, language=languages.SOURCE):
    """Give each result its highlighted title and snippet (rank's own, or a page the database
    ranked); returns `results`."""
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
