"""Search entries of a published version, and ranking them: search's one ranking, in the database.

Computed once, when a version is published, from the version's own document, so search only
ever reflects live, reviewed text, and a public request never re-indexes:

- `search_entries` makes one SearchEntry per language: content.search.text's keys per field, the
  plain texts a snippet is drawn from; `store_search_entries` adds a SearchKey row per distinct
  key, with the fields it occurs in.
- `ranked_entries` answers a search from those rows: the database finds every live entry with a
  key that answers the query, ranks, counts them, and returns one page with its texts, without
  loading the others (1,000 guides cost about what one does).

The ranking: more of the query's terms found first; then more points, where a field's weight
(FIELD_WEIGHTS: the title, then headings and glossary terms alike, then the text) counts twice
for a whole word and once for the start of a longer one; then the folded title, by code point;
then the entry's id, so pages of results never overlap.
"""

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
from content.search import text as search
from content.search.models import SearchCode, SearchEntry, SearchKey


def _entry_texts(document, language):
    texts = {name: local_text(entry, language) for name, entry in document["texts"].items()}
    headings, bodies = [], []
    with translation.override(language):
        for section in document["sections"]:
            heading = local_text(section["heading"], language).value
            headings.append(heading or str(Section.Kind(section["kind"]).label))
            bodies.append(search.text_from_html(local_text(section["body"], language, is_html=True).value))
    for question in document["questions"]:
        headings.append(local_text(question["question"], language).value)
        bodies.append(search.text_from_html(local_text(question["answer"], language, is_html=True).value))
    return texts, headings, bodies


def search_entries(publication):
    """One unsaved SearchEntry per language for a publication whose document is complete."""
    document = publication.document
    glossary = document.get("glossary") or {}
    rows = []
    for language in languages.CODES:
        local, headings, bodies = _entry_texts(document, language)
        texts = {name: text.value for name, text in local.items()}
        names = [texts.get("title", ""), texts.get("short_name", ""), texts.get("also_known_as", "")]
        terms = [form for entry in glossary.get(language, [])
                 for form in (entry["term"], *entry["forms"])]
        index = search.build_index({
            "title": "\n".join(name for name in names if name),
            "headings": headings,
            "glossary_terms": terms,
            "text": "\n".join([texts.get("summary", ""), *bodies]),
        }, language)
        rows.append(SearchEntry(
            publication=publication, language=language,
            title_index=index["title"], headings_index=index["headings"],
            glossary_terms_index=index["glossary_terms"], text_index=index["text"],
            title=texts.get("title", "")[:200], title_language=local["title"].language,
            sort_title=fold(texts.get("title", "")[:200]),
            summary=texts.get("summary", ""),
            headings="\n".join(headings), text="\n".join(bodies),
        ))
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
    SearchCode.objects.filter(publication__procedure_id=publication.procedure_id).delete()
    SearchCode.objects.bulk_create(
        SearchCode(publication=publication, system=row["system"], code=row["code"],
                   key=code_key(row["code"]))
        for row in publication.document.get("codes", []))


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
    is the term or, for a term of search.MIN_PREFIX_MATCH letters or more, begins with it. Each
    term is tested on the indexed `head` first, so only the few rows that can answer are read.

    Written as SQL, one expression for all the terms, rather than as Q objects (head__in, then
    head= and a key test per term), which give the same rows and plan but cost Django 0.05 to
    0.15 ms more a term to build and compile (measured on SQLite with 1,000 guides: +0.07 ms on
    a one-word search that takes about 2.5 ms in all, +0.8 to 1.5 ms with twelve words)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, terms, path=""):
        super().__init__(F(f"{path}head"), F(f"{path}key"))
        self.terms = terms

    def as_sql(self, compiler, connection, **extra_context):
        (head, head_params), (key, key_params) = (compiler.compile(e) for e in self.source_expressions)
        heads = sorted({term[:SearchKey.HEAD] for term in self.terms})
        # The heads once, as one IN on the index, before the test of each term: SQLite would
        # otherwise search the index once per term and merge the rows it found.
        in_heads = f"{head} IN ({', '.join(['%s'] * len(heads))})"
        params, answers = [*head_params, *heads], []
        for term in self.terms:
            answers.append(f"({head} = %s AND {_starts_with(key, term)})")
            params += [*head_params, term[:SearchKey.HEAD], *key_params, term]
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
    with it (terms of MIN_PREFIX_MATCH letters or more), 0 otherwise; summed over the terms, and
    over `fields` ({name: weight}, or rows of any field) with their weights.

    Written as SQL, one expression per figure. Django's Max(Case(When(...))) per term and field,
    added up, give the same results but cost about 2 ms more to build and compile for a one-word
    query and 7 to 8 ms more for three words (measured on SQLite with 1,000 guides), where the
    whole ranked query takes about 2.5 ms and 7 to 11 ms."""

    output_field = IntegerField()

    def __init__(self, terms, fields=None, whole=WHOLE_WORD, prefix=START_OF_WORD):
        self.terms, self.whole, self.prefix = terms, whole, prefix
        self.weights = list((fields or {None: 1}).values())
        super().__init__(F("key"), *(F(f"in_{name}") for name in fields or ()))

    def as_sql(self, compiler, connection, **extra_context):
        key, key_params = compiler.compile(self.source_expressions[0])
        flags = [compiler.compile(flag) for flag in self.source_expressions[1:]] or [(None, [])]
        sql, params = [], []
        for (flag, flag_params), weight in zip(flags, self.weights, strict=True):
            for term in self.terms:
                case = ["CASE"]
                if flag:
                    case.append(f"WHEN NOT {flag} THEN 0")
                    params += flag_params
                case.append(f"WHEN {key} = %s THEN {self.whole:d}")
                params += [*key_params, term]
                if len(term) >= search.MIN_PREFIX_MATCH:
                    case.append(f"WHEN {_starts_with(key, term)} THEN {self.prefix:d}")
                    params += [*key_params, term]
                sql.append(f"{weight:d} * MAX({' '.join(case)} ELSE 0 END)")
        return "(" + " + ".join(sql) + ")", params


def answering_keys(query, language):
    """The SearchKey rows of live entries in `language` that answer any of the query's terms.

    Whether an entry is live is asked of those rows' entries alone, through the index on
    Procedure.live_version, so it costs the same whatever the number of pages (a list of the
    live versions would grow with them; a join through Publication reads its whole document)."""
    return SearchKey.objects.filter(
        AnswersQuery(query.terms), entry__language=language,
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
        .annotate(matched_terms=MatchPoints(query.terms, whole=1, prefix=1),
                  score=MatchPoints(query.terms, FIELD_WEIGHTS))
        .order_by("-matched_terms", "-score",
                  _code_point_order("entry__sort_title", connections[keys.db].vendor), "entry")
    )


RESULT_TEXTS = ("title", "title_language", "summary", "headings", "text")


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
