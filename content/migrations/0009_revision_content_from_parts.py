"""Each revision's snapshot, read from its SnapshotParts into its own JSON document; going back,
the parts and the index of them, written again from the documents.

The code is the revisions module's as it was at 0007 (load_snapshot and store_snapshot), copied
rather than imported: the app's code will not keep those functions, and a migration must go on
doing what it did.
"""

import hashlib
import json

from django.db import migrations

REVISIONS_PER_BATCH = 100
DIGESTS_PER_QUERY = 500  # well under any database's limit on parameters in one statement


def _canonical(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _batches(Revision, *fields, **filters):
    """(pk, *fields) of the revisions, a batch at a time, in primary key order: no cursor stays
    open on the table while its rows are updated."""
    last = None
    while True:
        rows = Revision.objects.filter(**filters).order_by("pk")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        batch = list(rows.values_list("pk", *fields)[:REVISIONS_PER_BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1][0]


def _index_digests(index):
    return {index["procedure"], index["citations"], *index["sections"], *index["questions"]}


def _load_snapshot(index, data):
    """The snapshot an index names, as load_snapshot made it from the parts' data."""
    return {
        "format": index["format"],
        "procedure": data[index["procedure"]],
        "sections": [data[digest] for digest in index["sections"]],
        "questions": [data[digest] for digest in index["questions"]],
        "citations": data[index["citations"]],
    }


def documents_from_parts(apps, schema_editor):
    Revision = apps.get_model("content", "Revision")
    SnapshotPart = apps.get_model("content", "SnapshotPart")
    for batch in _batches(Revision, "parts", content__isnull=True):
        digests = sorted(set().union(*(_index_digests(index) for _pk, index in batch)))
        data = {}
        for start in range(0, len(digests), DIGESTS_PER_QUERY):
            chunk = digests[start:start + DIGESTS_PER_QUERY]
            data |= {digest: json.loads(text) for digest, text in
                     SnapshotPart.objects.filter(digest__in=chunk).values_list("digest", "data")}
        for pk, index in batch:
            missing = sorted(_index_digests(index) - data.keys())
            if missing:
                raise RuntimeError(f"Revision {pk} names snapshot parts that are not stored: "
                                   f"{', '.join(missing)}")
            Revision.objects.filter(pk=pk).update(content=_load_snapshot(index, data))


def parts_from_documents(apps, schema_editor):
    Revision = apps.get_model("content", "Revision")
    SnapshotPart = apps.get_model("content", "SnapshotPart")
    for batch in _batches(Revision, "content", parts__isnull=True):
        parts = {}

        def part(value):
            text = _canonical(value)
            digest = hashlib.sha256(text.encode()).hexdigest()
            parts[digest] = text
            return digest

        indexes = [(pk, {
            "format": content["format"],
            "procedure": part(content["procedure"]),
            "sections": [part(section) for section in content["sections"]],
            "questions": [part(question) for question in content["questions"]],
            "citations": part(content["citations"]),
        }) for pk, content in batch]
        SnapshotPart.objects.bulk_create(
            [SnapshotPart(digest=digest, data=text) for digest, text in parts.items()],
            ignore_conflicts=True,
        )
        for pk, index in indexes:
            Revision.objects.filter(pk=pk).update(parts=index)


class Migration(migrations.Migration):

    dependencies = [
        ('content', '0008_revision_content'),
    ]

    operations = [
        migrations.RunPython(documents_from_parts, parts_from_documents),
    ]
