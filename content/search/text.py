"""Bilingual search: pure functions over plain text and dicts, with no database in sight.

Patients type the way they speak: Arabic with or without tashkeel, any form of alef, ta marbuta
for ha, alef maqsura for ya, words glued to the prefixes wa-, al-, bi-, li-, ka-; English in any
case, singular or plural. Every word of a query and of a document is therefore reduced to one
*key* by the same rules, and two words match when their keys are equal (or, for a query word of
4+ letters, when a document key starts with it, so "chemo" finds "chemotherapy").

How the portal uses it (content.search.text.indexing; the database does no language work, so SQLite and
PostgreSQL behave the same):

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
from typing import NamedTuple

from django.utils.safestring import mark_safe

# --- Character rules --------------------------------------------------------------------------

ARABIC_RANGES = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
# Tashkeel, Quranic annotation marks, the superscript alef, and tatweel (ـ), which only
# stretches a word on the page and is never part of its spelling.
ARABIC_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
TATWEEL = "\u0640"
STRIP_MARKS = re.compile(f"[{ARABIC_MARKS}{TATWEEL}]")
# A word: letters and digits of any script, with Arabic marks inside it; split below at each
# change of script, so "HAIمضخة" is two words and a mixed query still finds both.
WORD = re.compile(rf"(?:[^\W_]|[{ARABIC_MARKS}])+")
SCRIPT_RUN = re.compile(rf"[{ARABIC_RANGES}]+|[^{ARABIC_RANGES}]+")
ARABIC_WORD = re.compile(rf"[{ARABIC_RANGES}]")

LETTER_FOLDS = str.maketrans({
    "\u0623": "\u0627",  # alef with hamza above -> bare alef
    "\u0625": "\u0627",  # alef with hamza below -> bare alef
    "\u0622": "\u0627",  # alef with madda -> bare alef
    "\u0671": "\u0627",  # alef wasla -> bare alef
    "\u0629": "\u0647",  # ta marbuta -> ha
    "\u0649": "\u064a",  # alef maqsura -> ya
    "\u06cc": "\u064a",  # Persian yeh, from Persian keyboards -> ya
    "\u06a9": "\u0643",  # keheh, from Persian keyboards -> kaf
    **{chr(0x0660 + n): str(n) for n in range(10)},  # Arabic-Indic digits -> 0-9
    **{chr(0x06F0 + n): str(n) for n in range(10)},  # Eastern Arabic-Indic digits -> 0-9
})
# Both in one pass of str.translate, as fold does for a word.
MARKS_AND_LETTER_FOLDS = {
    **{code: None for code in range(0x0600, 0x0700) if STRIP_MARKS.match(chr(code))},
    **LETTER_FOLDS,
}
LETTER_FOLD_PAIRS = tuple((chr(code), folded) for code, folded in LETTER_FOLDS.items())
# str.translate costs about 0.1 µs a character outside ASCII: a text longer than this (a line a
# snippet is looked for in) is folded by one regular expression for the marks and a replace per
# letter it holds, several times quicker there, and slower on a word.
TRANSLATE_UP_TO = 32

# Letters glued to the front of an Arabic word: "and", "the", "with/in", "to/for", "like",
# "so", and ل + ال written لل. Stripped only while at least MIN_ARABIC_STEM letters remain, so a
# short word that merely starts with one of these letters (بطن, كبد, ولد) is left whole.
ARABIC_PREFIXES = ("\u0627\u0644", "\u0644\u0644", "\u0648", "\u0641", "\u0628", "\u0644", "\u0643")
MIN_ARABIC_STEM = 3
# The prefixes at the start of a word, each tried in the order above and taken while enough
# letters follow it: one regular expression match instead of a loop of tests per letter.
ARABIC_PREFIX_RUN = re.compile(
    "(?:" + "|".join(f"{prefix}(?=.{{{MIN_ARABIC_STEM}}})" for prefix in ARABIC_PREFIXES) + ")*", re.S)

# Words too common to say anything about what a reader looks for. Dropped from queries only
# (unless a query is nothing else), in their folded spelling.
STOPWORDS = {
    "en": {
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "is", "are", "be",
        "can", "i", "my", "me", "you", "your", "what", "how", "do", "does", "will", "it", "at",
        "by", "from", "this", "that", "when", "why", "who", "which", "if", "about", "not", "no",
        "am", "was", "have", "has", "get",
    },
    "ar": {
        "في", "من", "علي", "الي", "عن", "ما", "ماذا", "هل", "كيف", "متي", "لماذا", "هو", "هي", "مع",
        "ان", "او", "و", "التي", "الذي", "هذا", "هذه", "كم", "لا", "ثم", "لي", "انا", "قد",
    },
}

MAX_QUERY_CHARACTERS = 200
MAX_QUERY_TERMS = 12
MIN_PREFIX_MATCH = 4

# Field weights: a title match outranks heading or glossary matches of every query word, which
# outrank matches in the text of every query word (at most MAX_QUERY_TERMS of them).
FIELD_WEIGHTS = {"title": 10_000, "headings": 100, "glossary_terms": 100, "text": 1}
SEARCH_FIELDS = tuple(FIELD_WEIGHTS)
SNIPPET_CHARACTERS = 200


def fold(text):
    """Case, Unicode compatibility forms, tashkeel, tatweel, alef/ta marbuta/alef maqsura."""
    if text.isascii():
        return text.lower()  # the same, for text with no compatibility forms, marks or Arabic
    text = unicodedata.normalize("NFKC", text)
    if len(text) <= TRANSLATE_UP_TO:
        return text.translate(MARKS_AND_LETTER_FOLDS).casefold()
    text = STRIP_MARKS.sub("", text)
    for letter, folded in LETTER_FOLD_PAIRS:
        if letter in text:
            text = text.replace(letter, folded)
    return text.casefold()


def _english_singular(word):
    """Simple plural endings only: arteries -> artery, stitches -> stitch, tumors -> tumor.

    Words that end in -ss, -us or -is are left alone (glass, virus, metastasis), and so are
    words of three letters or fewer (gas, bus, has).
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _arabic_stem_length(word):
    """How many leading letters of a folded Arabic word are prefixes (و، ف، ب، ل، ك، ال، لل)."""
    return ARABIC_PREFIX_RUN.match(word).end()


def word_key(word):
    """The key a single word (one script) is matched by. "" for a word with no letters left."""
    return _key(fold(word), is_arabic=bool(ARABIC_WORD.search(word)))


def _key(folded, is_arabic):
    if not folded:
        return ""
    if is_arabic:
        return folded[_arabic_stem_length(folded):]
    if len(folded) == 1 and not folded.isdigit():
        return ""  # a stray letter ("s" of a possessive, "a") identifies nothing
    return _english_singular(folded)


class Token(NamedTuple):
    """One word of a text: where it is in the original, and its key. A tuple, as a page's snippets
    and highlights make hundreds of them."""

    start: int
    end: int
    key: str
    folded: str  # before prefix or plural stripping, for stopwords


def tokens(text, language="en"):
    """The words of `text` with their keys and their places in the original text.

    `language` is accepted for symmetry with the other functions; the rules follow each word's
    script, so English inside an Arabic page and Arabic inside an English one are both found.
    """
    return list(iter_tokens(text))


def iter_tokens(text, start=0, end=None):
    """`tokens` one at a time, from text[start:end], so a caller can stop at the first match."""
    for match in WORD.finditer(text or "", start, len(text or "") if end is None else end):
        begins = match.start()
        for offset, length, key, folded in _word_keys(match.group()):
            yield Token(begins + offset, begins + offset + length, key, folded)


@functools.lru_cache(maxsize=16_384)
def _word_keys(word):
    """(offset, length, key, folded) of each script run of a word that has a key. Kept per word:
    a page's words come again and again (its snippets and highlights split every word they show),
    and a few thousand cover most of what a portal writes."""
    if word.isascii():  # most words of most pages: one script, folded by lower() (see fold)
        folded = word.lower()
        key = _key(folded, is_arabic=False)
        return ((0, len(word), key, folded),) if key else ()
    keys = []
    for run in SCRIPT_RUN.finditer(word):
        piece = run.group()
        folded = fold(piece)
        key = _key(folded, is_arabic=bool(ARABIC_WORD.match(piece)))
        if key:
            keys.append((run.start(), len(piece), key, folded))
    return tuple(keys)


def normalise(text, language="en"):
    """The text as its keys, separated by single spaces: what matching sees of it."""
    return " ".join(token.key for token in tokens(text, language))


def index_text(text, language="en"):
    """The text's distinct keys, in order of first use, padded with a space at each end for
    whole-key substring tests (" key "). What to store: a long page's index is about a fifth of
    its text, and scanning it is as quick."""
    keys = dict.fromkeys(token.key for token in iter_tokens(text))
    return f" {' '.join(keys)} " if keys else ""


def _field_text(value):
    if isinstance(value, list | tuple):
        return "\n".join(str(item) for item in value if item)
    return str(value or "")


def build_index(document, language="en"):
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


def parse_query(query, language="en"):
    """The query's keys, common words dropped, duplicates and excess removed."""
    text = (query or "")[:MAX_QUERY_CHARACTERS]
    words = tokens(text, language)
    common = STOPWORDS["en"] | STOPWORDS["ar"]
    meaningful = [t for t in words if t.folded not in common and t.key not in common]
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


def rank(query, documents, language="en", limit=None):
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


def draw(results, query, language="en"):
    """Give each result its highlighted title and snippet (rank's own, or a page the database
    ranked); returns `results`."""
    for result in results:
        result.title_html = highlight(str(result.document.get("title", "")), query, language)
        result.snippet = snippet(result.document, query, language)
    return results


def highlight(text, query, language="en"):
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
        for offset, length, key, _folded in _word_keys(match.group()):
            if answers(key):
                begins = match.start() + offset
                yield begins, begins + length


def snippet(document, query, language="en", length=SNIPPET_CHARACTERS):
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
