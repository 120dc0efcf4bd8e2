"""Search entries of a published version, and ranking them: search's one ranking, in the database.

Computed once, when a version is published, from the version's own document, so search only
ever reflects live, reviewed text, and a public request never re-indexes:

- `search_entries` makes one SearchEntry per language: content.search.text's keys per field, the
  plain texts a snippet is drawn from and where each section starts in them; `store_search_entries`
  adds a SearchKey row per distinct key, with the fields it occurs in, and the deletion
  neighbourhood of every key new to the vocabulary (content.search.spelling).
- An entry is found by the keys of the page in every language, its own first: English words on
  the Arabic site find the Arabic entry, which is what the reader sees (its title, its snippet,
  in the reader's language). A word in the reader's language ranks as any other.
- `ranked_entries` answers a search from those rows: the database finds every live entry with a
  key that answers the query (or one of its corrections), ranks, counts them, and returns one
  page with its texts, without loading the others (1,000 guides cost about what one does).

The ranking: more of the query's terms found first; then more points, where a field's weight
(FIELD_WEIGHTS: the title, then headings and glossary terms alike, then the text) counts twice
for a whole word and once for the start of a longer one or a correction of a misspelt word; then
the folded title, by code point; then the entry's id, so pages of results never overlap.
"""

import dataclasses

from django.db import connections
from django.db.models import (
    Aggregate,
    BooleanField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Subquery,
    Window,
)
from django.db.models.functions import Collate
from django.utils import translation

from content import languages
from content.editing.models import Procedure, Section
from content.publishing.localized import local_text
from content.rendering.words import fold
from content.search import spelling
from content.search import text as search
from content.search.models import SearchCode, SearchEntry, SearchKey, SearchVariant

QUESTIONS_ANCHOR = "questions"  # the id of the page's common questions (content/procedure_detail.html)


def _entry_texts(document, language):
    """The texts, and the headings and bodies as (anchor, text): the id of the page's section
    each is in."""
    texts = {name: local_text(entry, language) for name, entry in document["texts"].items()}
    headings, bodies = [], []
    with translation.override(language):
        for section in document["sections"]:
            anchor = Section.anchor_for(section["kind"])
            heading = local_text(section["heading"], language).value
            headings.append((anchor, heading or str(Section.Kind(section["kind"]).label)))
            bodies.append((anchor, search.text_from_html(
                local_text(section["body"], language, is_html=True).value)))
    for question in document["questions"]:
        headings.append((QUESTIONS_ANCHOR, local_text(question["question"], language).value))
        bodies.append((QUESTIONS_ANCHOR, search.text_from_html(
            local_text(question["answer"], language, is_html=True).value)))
    return texts, headings, bodies


def _merged(own, others):
    """An index string (" key key ") of the keys of `own` then those of `others` not in it."""
    keys = dict.fromkeys(" ".join([own, *others]).split())
    return f" {' '.join(keys)} " if keys else ""


def _piece_keys(headings, bodies):
    """The search keys of each piece of the page (a section, or a question and its answer), in
    page order: [(anchor, keys)]."""
    return [(anchor, set(search.index_text(f"{heading}\n{body}").split()))
            for (anchor, heading), (_anchor, body) in zip(headings, bodies, strict=True)]


def _glossary_pieces(entries, pieces):
    """{key: piece number} for the keys of each glossary entry's names (its term and other
    forms): the first piece that uses one of them, all of its words."""
    found = {}
    for entry in entries:
        names = [set(search.index_text(name).split()) for name in (entry["term"], *entry["forms"])]
        first = next((number for number, (_anchor, keys) in enumerate(pieces)
                      if any(name and name <= keys for name in names)), None)
        if first is not None:
            for key in set().union(*names):
                found[key] = min(found.get(key, first), first)
    return found


def _other_places(language, pieces, glossary_pieces):
    """Where the page uses the keys its entry in `language` is found by but its own text does
    not have (words of the other languages, the glossary's other names for a term used), as
    SearchEntry.other_places keeps it: a line "<key> <anchor>" per key, in page order."""
    own = set().union(*(keys for _anchor, keys in pieces[language]))
    found = {}
    for other, other_pieces in pieces.items():
        if other != language:
            for number, (_anchor, keys) in enumerate(other_pieces):
                for key in keys - own:
                    found.setdefault(key, number)
    for keys in glossary_pieces.values():
        for key, number in keys.items():
            if key not in own:
                found[key] = min(found.get(key, number), number)
    anchors = [anchor for anchor, _keys in pieces[language]]
    return "\n".join(f"{key} {anchors[number]}" for number, key in sorted((n, k) for k, n in found.items()))


def search_entries(publication):
    """One unsaved SearchEntry per language for a publication whose document is complete."""
    document = publication.document
    glossary = document.get("glossary") or {}
    rows, indexes, pieces, glossary_pieces = [], {}, {}, {}
    for language in languages.CODES:
        local, headings, bodies = _entry_texts(document, language)
        texts = {name: text.value for name, text in local.items()}
        names = [texts.get("title", ""), texts.get("short_name", ""), texts.get("also_known_as", "")]
        terms = [form for entry in glossary.get(language, [])
                 for form in (entry["term"], *entry["forms"])]
        indexes[language] = search.build_index({
            "title": "\n".join(name for name in names if name),
            "headings": [text for _anchor, text in headings],
            "glossary_terms": terms,
            "text": "\n".join([texts.get("summary", ""), *(text for _anchor, text in bodies)]),
        }, language)
        pieces[language] = _piece_keys(headings, bodies)
        glossary_pieces[language] = _glossary_pieces(glossary.get(language, []), pieces[language])
        rows.append(SearchEntry(
            publication=publication, language=language,
            title=texts.get("title", "")[:200], title_language=local["title"].language,
            sort_title=fold(texts.get("title", "")[:200]),
            summary=texts.get("summary", ""),
            headings="\n".join(text for _anchor, text in headings),
            text="\n".join(text for _anchor, text in bodies),
            places=search.places_text({"headings": headings, "text": bodies}),
        ))
    for entry in rows:
        entry.other_places = _other_places(entry.language, pieces, glossary_pieces)
        others = [index for language, index in indexes.items() if language != entry.language]
        for name in search.SEARCH_FIELDS:
            setattr(entry, f"{name}_index",
                    _merged(indexes[entry.language][name], [index[name] for index in others]))
    return rows


def store_search_entries(publication):
    """Index `publication`, the procedure's live version. Earlier versions' entries are dropped:
    search only reads the live version's, and a version is never made live again."""
    SearchEntry.objects.filter(publication__procedure_id=publication.procedure_id).delete()
    entries = SearchEntry.objects.bulk_create(search_entries(publication))
    if entries and entries[0].pk is None:  # backends that do not return ids from bulk inserts
        entries = list(SearchEntry.objects.filter(publication=publication))
    keys = []
    for entry in entries:
        fields = key_fields({name: getattr(entry, f"{name}_index") for name in search.SEARCH_FIELDS})
        keys += [SearchKey(entry=entry, head=key[:SearchKey.HEAD], key=key,
                           **{f"in_{name}": True for name in names}) for key, names in fields.items()]
    SearchKey.objects.bulk_create(keys, batch_size=2000)
    store_variants({key.key for key in keys})
    SearchCode.objects.filter(publication__procedure_id=publication.procedure_id).delete()
    SearchCode.objects.bulk_create(
        SearchCode(publication=publication, system=row["system"], code=row["code"],
                   key=code_key(row["code"]))
        for row in publication.document.get("codes", []))


def store_variants(keys):
    """Add the deletion neighbourhoods (content.search.spelling) of those of `keys` the vocabulary
    does not have yet. A key's neighbourhood holds the key itself, so that row says it is there.
    Kept when no page uses the key any more: a search only takes corrections some page has."""
    keys = sorted(key for key in keys if spelling.neighbourhood(key))
    known = set()
    for start in range(0, len(keys), 500):
        batch = keys[start:start + 500]
        # variant IN (...) alone: with key IN (...) too, SQLite probes the index for every pair.
        known.update(SearchVariant.objects.filter(variant__in=batch, key=F("variant"))
                     .values_list("key", flat=True))
    SearchVariant.objects.bulk_create(
        (SearchVariant(variant=variant, key=key)
         for key in keys if key not in known for variant in sorted(spelling.neighbourhood(key))),
        batch_size=2000, ignore_conflicts=True)


def code_key(code):
    """How a code is compared: upper case, without the dot EHRs send or leave out ("C78.7", "c787")."""
    return (code or "").strip().upper().replace(".", "")


def key_fields(index):
    """{key as stored: the fields using it} from an entry's per-field index strings."""
    fields = {}
    for name in search.SEARCH_FIELDS:
        for key in index[name].split():
            fields.setdefault(key[:200], set()).add(name)
    return fields


# Points per field for each query term found in it: a title match outranks heading or glossary
# matches of every query term, which outrank text matches of every term (at most
# search.MAX_QUERY_TERMS of them, at most 2 points each).
FIELD_WEIGHTS = {"title": 10_000, "headings": 100, "glossary_terms": 100, "text": 1}
WHOLE_WORD, START_OF_WORD = 2, 1


class AnswersQuery(Func):
    """Whether a SearchKey row (reached through `path`) answers any of the query's terms: its key
    is the term or one of its corrections or, for a term of search.MIN_PREFIX_MATCH letters or
    more, begins with it. Each term is tested on the indexed `head` first, so only the few rows
    that can answer are read.

    Written as SQL, one expression for all the terms, rather than as Q objects (head__in, then
    head= and a key test per term), which give the same rows and plan but cost Django 0.05 to
    0.15 ms more a term to build and compile (measured on SQLite with 1,000 guides: +0.07 ms on
    a one-word search that takes about 2.5 ms in all, +0.8 to 1.5 ms with twelve words)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, query, path=""):
        super().__init__(F(f"{path}head"), F(f"{path}key"))
        self.terms, self.corrections = query.words

    def as_sql(self, compiler, connection, **extra_context):
        (head, head_params), (key, key_params) = (compiler.compile(e) for e in self.source_expressions)
        heads = sorted({term[:SearchKey.HEAD] for term in (*self.terms, *self.corrections)})
        # The heads once, as one IN on the index, before the test of each term: SQLite would
        # otherwise search the index once per term and merge the rows it found.
        in_heads = f"{head} IN ({', '.join(['%s'] * len(heads))})"
        params, answers = [*head_params, *heads], []
        for term in self.terms:
            answers.append(f"({head} = %s AND {_starts_with(key, term)})")
            params += [*head_params, term[:SearchKey.HEAD], *key_params, term]
        for correction in self.corrections:
            answers.append(f"({head} = %s AND {key} = %s)")
            params += [*head_params, correction[:SearchKey.HEAD], *key_params, correction]
        return f"({in_heads} AND ({' OR '.join(answers)}))", params


def _starts_with(key, term):
    """SQL testing that `key` answers `term` (one parameter: the term)."""
    if len(term) < search.MIN_PREFIX_MATCH:
        return f"{key} = %s"
    # SUBSTR counts characters in SQLite and PostgreSQL alike, and has no wildcards.
    return f"SUBSTR({key}, 1, {len(term):d}) = %s"


class MatchPoints(Aggregate):
    """A ranking figure of an entry, from its SearchKey rows that answer the query. Per term and
    field, the best of its rows: `whole` where the key is the term, `prefix` where it only begins
    with it (terms of MIN_PREFIX_MATCH letters or more) or is one of its corrections, 0
    otherwise; summed over the terms, and over `fields` ({name: weight}, or rows of any field)
    with their weights.

    Written as SQL, one expression per figure. Django's Max(Case(When(...))) per term and field,
    added up, give the same results but cost about 2 ms more to build and compile for a one-word
    query and 7 to 8 ms more for three words (measured on SQLite with 1,000 guides), where the
    whole ranked query takes about 2.5 ms and 7 to 11 ms."""

    output_field = IntegerField()

    def __init__(self, query, fields=None, whole=WHOLE_WORD, prefix=START_OF_WORD):
        self.terms, self.whole, self.prefix = query.terms, whole, prefix
        self.corrections = [query.alternatives(index) for index in range(len(query.terms))]
        self.weights = list((fields or {None: 1}).values())
        super().__init__(F("key"), *(F(f"in_{name}") for name in fields or ()))

    def as_sql(self, compiler, connection, **extra_context):
        key, key_params = compiler.compile(self.source_expressions[0])
        flags = [compiler.compile(flag) for flag in self.source_expressions[1:]] or [(None, [])]
        sql, params = [], []
        for (flag, flag_params), weight in zip(flags, self.weights, strict=True):
            for term, corrections in zip(self.terms, self.corrections, strict=True):
                case = ["CASE"]
                if flag:
                    case.append(f"WHEN NOT {flag} THEN 0")
                    params += flag_params
                case.append(f"WHEN {key} = %s THEN {self.whole:d}")
                params += [*key_params, term]
                if len(term) >= search.MIN_PREFIX_MATCH:
                    case.append(f"WHEN {_starts_with(key, term)} THEN {self.prefix:d}")
                    params += [*key_params, term]
                if corrections:
                    listed = ", ".join(["%s"] * len(corrections))
                    case.append(f"WHEN {key} IN ({listed}) THEN {self.prefix:d}")
                    params += [*key_params, *corrections]
                sql.append(f"{weight:d} * MAX({' '.join(case)} ELSE 0 END)")
        return "(" + " + ".join(sql) + ")", params


def corrected(query):
    """`query` with its misspelt words' corrections (content.search.spelling): one query to the
    database when a word may be misspelt, none otherwise."""
    if query.is_empty or len(query.corrections) == len(query.terms):
        return query
    return dataclasses.replace(query, corrections=spelling.corrections(query.terms))


def answering_keys(query, language):
    """The SearchKey rows of live entries in `language` that answer any of the query's terms.

    Whether an entry is live is asked of those rows' entries alone, through the index on
    Procedure.live_version, so it costs the same whatever the number of pages (a list of the
    live versions would grow with them; a join through Publication reads its whole document)."""
    return SearchKey.objects.filter(
        AnswersQuery(query), entry__language=language,
    ).filter(Exists(Procedure.objects.filter(live_version=OuterRef("entry__publication"))))


def _code_point_order(field, vendor):
    """`field` compared by code point, as Python compares str (sort_title is folded, so case
    does not count). SQLite's default collation already does; PostgreSQL's follows the
    database's locale unless told "C"."""
    return Collate(field, "C") if vendor == "postgresql" else F(field)


def ranking(keys, query):
    """The entries of `keys` (answering_keys), one row per entry ("entry", its id, with
    "matched_terms" and "score"), best first (the order the module docstring gives)."""
    return (
        keys.values("entry")
        .annotate(matched_terms=MatchPoints(query, whole=1, prefix=1),
                  score=MatchPoints(query, FIELD_WEIGHTS))
        .order_by("-matched_terms", "-score",
                  _code_point_order("entry__sort_title", connections[keys.db].vendor), "entry")
    )


RESULT_TEXTS = ("title", "title_language", "summary", "headings", "text", "places", "other_places")


def _entry_column(path):
    """A column of a ranking row's entry, read by a subquery of its own. SQLite and PostgreSQL
    compute such a column for the rows returned only, after ORDER BY ... LIMIT; a join would
    carry every matching entry's texts through the sort."""
    return Subquery(SearchEntry.objects.filter(pk=OuterRef("entry")).values(path))


def ranked_entries(query, language, start, count):
    """Rows `start` to `start + count` of ranking() for the live entries in `language`, in one
    query: each a dict of the entry's id ("entry"), its "matched_terms" and "score", the texts a
    result shows, "slug", and "total", how many entries answer in all. No rows for a page past
    the last.

    The database ranks from the index on SearchKey and the entries' sort titles alone, and
    reads the texts of the page returned only."""
    texts = {name: _entry_column(name) for name in RESULT_TEXTS}
    return list(
        ranking(answering_keys(query, language), query)
        .annotate(total=Window(Count("*")), slug=_entry_column("publication__procedure__slug"), **texts)
        [start:start + count]
    )
