"""One worker at a time draws a version's PDFs.

Two drawing tasks for the same version can run at once: a publish and a clinic change each queued
one, or a retry came due beside a new task. Both would draw all six PDFs (the store keeps one of
each, so nothing is wrong, but the work is done twice). The first to start claims the version; the
other leaves it and looks again later, when whatever is still missing (a clinic changed meanwhile)
is drawn by whoever claims it then.

A claim is a lock that goes when its holder goes, so a worker killed in the middle of a drawing
never leaves a version no one may draw: on PostgreSQL a session advisory lock, dropped with the
worker's connection; on SQLite, which serves one machine, an exclusive flock on a file beside the
database, dropped with the worker's process. Nothing here waits or times out: a claim is taken at
once or not at all.
"""

import contextlib
import fcntl
import hashlib
import tempfile
from pathlib import Path

from django.db import connection

# The first key of PostgreSQL's two-key advisory locks: this module's claims, apart from any other.
ADVISORY_NAMESPACE = 0x48414E44  # "HAND"


def _lock_folder():
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and name and ":memory:" not in name and "mode=memory" not in name:
        return Path(name).resolve().parent
    # An in-memory database (the tests) lives in one process; a folder of this machine will do.
    return Path(tempfile.gettempdir())


def _lock_file(publication_id):
    database = hashlib.blake2b(str(connection.settings_dict["NAME"]).encode(), digest_size=6).hexdigest()
    return _lock_folder() / f".handout-drawing-{database}-{publication_id}.lock"


@contextlib.contextmanager
def drawing_claim(publication_id):
    """Yield True with the version claimed for this worker, or False if another worker holds it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [ADVISORY_NAMESPACE, publication_id])
            claimed = cursor.fetchone()[0]
        try:
            yield claimed
        finally:
            if claimed:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_NAMESPACE, publication_id])
        return
    with open(_lock_file(publication_id), "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
