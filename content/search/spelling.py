"""Misspelt query words: the keys a word is one or two typing slips away from.

Every search key a published page has is in the vocabulary, with its *deletion neighbourhood*
(SymSpell's idea): the spellings made by leaving out up to one or two of its letters, as rows of
SearchVariant. A query word's own neighbourhood, looked up in those rows by an index, gives every
key that may be close to it; the edit distance (letters added, left out, changed, or two
neighbours swapped) of each is then counted here, and the closest ones within the allowance are
the word's corrections. Exact on both databases (equality on an index, no similarity function,
no collation), deterministic (no clock, no load: ties go by code point) and bounded: a word of
n <= MAX_WORD letters has at most 1 + n + n(n-1)/2 spellings to look up.

What a word may be corrected to:
- the allowance grows with the word (`allowed_edits`): none under four letters (most short words
  are one letter away from several others), one up to seven, two from eight; Arabic, written
  without its short vowels, packs more into each letter (most four-letter words are one letter
  from another word), so an Arabic word needs a letter more for each step;
- only a word no page has (a key of an indexed page, in any language) is corrected: "liver" is not
  taken for "lover", and a word that is a known key finds what it finds;
- only the closest keys, at most MAX_CORRECTIONS of them: "jaundise" finds "jaundice", not every
  word two letters away from it.
"""

import itertools

from django.db import connections

from content.rendering.words import ARABIC_WORD
from content.search.models import SearchKey, SearchVariant

MAX_WORD = 20  # longer query words are not corrected (their neighbourhoods grow as n squared)
MAX_KEY = MAX_WORD + 2  # longer keys are out of reach of any query word
MAX_CORRECTIONS = 4


def allowed_edits(word):
    """How many typing slips a query word may have."""
    length = len(word) - (1 if ARABIC_WORD.match(word) else 0)
    if length < 4:
        return 0
    return 1 if length < 8 else 2


def stored_edits(length):
    """How many letters are left out of a key of `length` letters for its stored neighbourhood:
    as many as the longest query word within reach of it may be allowed (a query word of n
    letters reaches keys of n - allowed_edits letters and more; Arabic ones, of fewer)."""
    if length < 3 or length > MAX_KEY:
        return None  # not stored at all: no query word that may be corrected is near it
    return 1 if length < 6 else 2


def deletions(word, edits):
    """The word and every spelling made by leaving out up to `edits` of its letters."""
    found = {word}
    layer = {word}
    for _ in range(edits):
        layer = {spelling[:at] + spelling[at + 1:] for spelling in layer for at in range(len(spelling))}
        found |= layer
    return found


def neighbourhood(key):
    """The spellings stored for a key of the vocabulary (none for keys out of reach)."""
    edits = stored_edits(len(key))
    return set() if edits is None else deletions(key, edits)


def distance(one, other, limit):
    """The optimal-string-alignment distance of two words (letters added, left out or changed,
    and two neighbours swapped), or limit + 1 once it is certainly more than `limit`."""
    if abs(len(one) - len(other)) > limit:
        return limit + 1
    previous_row, row = None, list(range(len(other) + 1))
    for i, letter in enumerate(one, 1):
        before, previous_row, row = previous_row, row, [i] + [0] * len(other)
        for j, other_letter in enumerate(other, 1):
            cost = letter != other_letter
            row[j] = min(previous_row[j] + 1, row[j - 1] + 1, previous_row[j - 1] + cost)
            if (i > 1 and j > 1 and letter == other[j - 2] and one[i - 2] == other_letter):
                row[j] = min(row[j], before[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
    return row[-1]


def correctable(term):
    return allowed_edits(term) > 0 and len(term) <= MAX_WORD


def _live(spellings, known_only=False):
    """(variant, key) of the vocabulary's rows for `spellings` whose key some page has (a
    SearchKey row), or with `known_only`, of the keys among `spellings` some page has.

    Written as SQL: the ORM takes several times longer to build this query (the Exists and the
    list) than the database takes to answer it from the two indexes."""
    variants, keys = SearchVariant._meta.db_table, SearchKey._meta.db_table
    listed = ", ".join(["%s"] * len(spellings))
    sql = (f"SELECT v.variant, v.key FROM {variants} v WHERE v.variant IN ({listed})"
           + (" AND v.key = v.variant" if known_only else "")
           + f" AND EXISTS (SELECT 1 FROM {keys} k WHERE k.head = SUBSTR(v.key, 1, {SearchKey.HEAD:d})"
           " AND k.key = v.key)")
    with connections[SearchVariant.objects.db].cursor() as cursor:
        cursor.execute(sql, list(spellings))
        return cursor.fetchall()


def corrections(terms):
    """For each of `terms` (a Query's), the keys it was probably meant to be: () for a word a
    page has, or too short or long to correct. A query to the database for whether the words are
    known (most are), and one more, for all the unknown ones' neighbourhoods, when some are not."""
    candidates = [term for term in terms if correctable(term)]
    if candidates:
        known = {key for _variant, key in _live(candidates, known_only=True)}
        candidates = [term for term in candidates if term not in known]
    wanted = {term: deletions(term, allowed_edits(term)) for term in candidates}
    near = {}
    if wanted:
        spellings = sorted(set(itertools.chain.from_iterable(wanted.values())))
        for variant, key in _live(spellings):
            near.setdefault(variant, set()).add(key)
    found = []
    for term in terms:
        if term not in wanted:
            found.append(())  # not correctable, or a key some page has
            continue
        limit = allowed_edits(term)
        candidates = set().union(*(near.get(spelling, ()) for spelling in wanted[term]))
        scored = sorted((distance(term, key, limit), key) for key in candidates)
        best = scored[0][0] if scored else limit + 1
        found.append(tuple(key for score, key in scored if score == best <= limit)[:MAX_CORRECTIONS])
    return tuple(found)
