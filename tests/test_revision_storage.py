"""How revisions are stored: one JSON document each, and the migration that made them so from the
content-addressed SnapshotParts of 0007, forwards and back, on real-shaped data."""

import copy
import hashlib
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from content.editing.revisions import record_revision, snapshot
from content.models import Revision
from tests.builders import add_citation, add_question, add_section, load_demo_content, make_procedure

BEFORE_DOCUMENTS = ("content", "0007_search_key_ranking_index")


def migrate(*targets):
    """Migrate the test database to `targets` (every app's latest when none are named) and
    return the models as they are there."""
    executor = MigrationExecutor(connection)
    targets = list(targets) or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def migrations_undone(transactional_db):
    """A test that moves the schema gets the latest one back, whatever happens in it."""
    yield
    migrate()


def canonical(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def stored_as_parts(apps, procedure, number, content):
    """A revision recorded as 0007 recorded it: each row a part, stored once, named by digest."""
    SnapshotPart = apps.get_model("content", "SnapshotPart")
    Revision = apps.get_model("content", "Revision")

    def part(value):
        data = canonical(value)
        digest = hashlib.sha256(data.encode()).hexdigest()
        SnapshotPart.objects.get_or_create(digest=digest, defaults={"data": data})
        return digest

    index = {
        "format": content["format"],
        "procedure": part(content["procedure"]),
        "sections": [part(section) for section in content["sections"]],
        "questions": [part(question) for question in content["questions"]],
        "citations": part(content["citations"]),
    }
    return Revision.objects.create(procedure=procedure, number=number, parts=index,
                                   digest=hashlib.sha256(canonical(content).encode()).hexdigest())


def read_from_parts(apps, revision):
    """A revision's snapshot read back from its parts, as 0007's load_snapshot read it."""
    index = revision.parts
    data = {part.digest: json.loads(part.data)
            for part in apps.get_model("content", "SnapshotPart").objects.all()}
    return {
        "format": index["format"],
        "procedure": data[index["procedure"]],
        "sections": [data[digest] for digest in index["sections"]],
        "questions": [data[digest] for digest in index["questions"]],
        "citations": data[index["citations"]],
    }


def texts(slug, title_ar, **fields):
    values = {"title_en": "Liver pump", "title_ar": title_ar, "summary_en": "A pump.",
              "summary_ar": "مضخة.", "short_name_en": "", "short_name_ar": "",
              "also_known_as_en": "", "also_known_as_ar": "",
              "translation": {"title": {"source": "Liver pump", "by": "مترجم",
                                        "at": "2026-01-15T10:00:00+00:00"}}}
    return {"slug": slug, **values, **fields}


def section(kind, body_en, body_ar):
    return {"kind": kind, "heading_en": "", "heading_ar": "", "body_en": body_en,
            "body_ar": body_ar, "translation": {"body": {"source": body_en,
                                                         "source_changed_at": None}}}


CITATION = {"number": 1, "kind": "article", "authors": "Doe J, et al.", "title": "A study",
            "source": "A Journal", "year": 2024, "date": None, "doi": "10.1000/test.1",
            "url": "", "accessed": "2026-01-15"}


def snapshots():
    """Three revisions of one procedure and one of another: most rows unchanged from one to
    the next, so most parts are shared, across procedures too (an empty list of citations)."""
    first = {"format": 1, "procedure": texts("pump", "مضخة الكبد"),
             "sections": [section("overview", "The pump.", "المضخة.")],
             "questions": [], "citations": [CITATION]}
    second = copy.deepcopy(first)
    second["sections"].append(section("risks", "Infection.", "عدوى."))
    second["questions"].append({"position": 1, "question_en": "Will it hurt?",
                                "question_ar": "هل يؤلم؟", "answer_en": "A little.",
                                "answer_ar": "قليلاً.", "translation": {}})
    third = copy.deepcopy(second)
    third["sections"][1]["body_en"] = "Infection, rarely."
    other = {"format": 1, "procedure": texts("port", "منفذ"), "sections": [], "questions": [],
             "citations": []}
    return {"pump": [first, second, third], "port": [other]}


def test_revisions_recorded_as_parts_read_back_the_same_after_the_migration(migrations_undone):
    apps = migrate(BEFORE_DOCUMENTS)
    Procedure = apps.get_model("content", "Procedure")
    recorded = {}
    for slug, contents in snapshots().items():
        procedure = Procedure.objects.create(slug=slug, title="x", title_en="x", summary="x",
                                             summary_en="x", revision=len(contents))
        for number, content in enumerate(contents, start=1):
            revision = stored_as_parts(apps, procedure, number, content)
            recorded[revision.pk] = (content, revision.digest)
    assert apps.get_model("content", "SnapshotPart").objects.count() == 8  # of 15 rows

    migrate()

    revisions = {revision.pk: (revision.content, revision.digest) for revision in Revision.objects.all()}
    assert revisions == recorded
    assert "content_snapshotpart" not in connection.introspection.table_names()


def without_codes(content):
    return {key: value for key, value in content.items() if key != "codes"}


def test_going_back_to_0007_stores_the_same_parts_again(migrations_undone):
    demo = load_demo_content()
    for section in demo.sections.filter(kind__in=["travel", "results"]):
        section.body_en += "\n\nOne more sentence."
        section.save()
        record_revision(demo)
    demo.sections.filter(kind="alternatives").delete()
    add_question(demo, position=9)
    add_citation(demo, number=99)
    record_revision(demo)
    # The parts storage before 0008 predates codes (0016, undone first, drops their table): going
    # back that far keeps every text and forgets the codes.
    recorded = {revision.pk: (without_codes(revision.content), revision.digest)
                for revision in Revision.objects.all()}
    assert len(recorded) >= 4

    apps = migrate(BEFORE_DOCUMENTS)
    old_revisions = apps.get_model("content", "Revision").objects.all()
    assert {revision.pk: (read_from_parts(apps, revision), revision.digest)
            for revision in old_revisions} == recorded
    parts = apps.get_model("content", "SnapshotPart").objects.values_list("digest", "data")
    assert all(hashlib.sha256(data.encode()).hexdigest() == digest for digest, data in parts)
    rows = sum(len(content["sections"]) + len(content["questions"]) + 2
               for content, _digest in recorded.values())
    assert len(parts) < rows  # rows unchanged between revisions are stored once

    migrate()

    assert {revision.pk: (revision.content, revision.digest)
            for revision in Revision.objects.all()} == recorded


@pytest.mark.django_db
def test_a_revision_is_read_whole_in_one_query_with_its_arabic_stored_as_itself(
        django_assert_num_queries):
    procedure = make_procedure(title_ar="إجراء تجريبي")
    add_section(procedure, "overview", body_ar="نص عربي.")
    pk, expected = record_revision(procedure).pk, snapshot(procedure)
    with django_assert_num_queries(1):
        assert Revision.objects.get(pk=pk).content == expected
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT CAST(content AS TEXT) FROM {Revision._meta.db_table} WHERE id = %s", [pk])
        stored = cursor.fetchone()[0]
    assert "إجراء تجريبي" in stored and "نص عربي." in stored and "\\u" not in stored
