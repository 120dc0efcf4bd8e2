"""Two saves at the same moment: the second waits for the first and then goes on, on SQLite as
on PostgreSQL, rather than failing with "database is locked" (a 500 in the admin)."""

import threading
import time
import uuid

import pytest
from django.conf import settings
from django.db import OperationalError, connection, connections, transaction

from content.models import Procedure
from tests.builders import make_procedure

HOLD_SECONDS = 0.4


def save_twice_at_once(using, read, write):
    """Two threads each read, pause while holding their transaction, then write. Returns the
    errors they met and how long the slower one took."""
    errors, barrier = [], threading.Barrier(2)

    def save():
        try:
            barrier.wait()
            with transaction.atomic(using=using):
                read()
                time.sleep(HOLD_SECONDS)
                write()
        except OperationalError as error:
            errors.append(str(error))
        finally:
            connections[using].close()

    started = time.perf_counter()
    threads = [threading.Thread(target=save) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors, time.perf_counter() - started


@pytest.fixture
def sqlite_file(tmp_path, django_db_blocker):
    """A file SQLite database with the given OPTIONS, under its own alias: the test database
    may be in memory, where SQLite locks differently. No test case wraps it, so threads may use it."""
    aliases = []
    unblocked = django_db_blocker.unblock()
    unblocked.__enter__()

    def open_(options):
        alias = f"concurrent-{uuid.uuid4().hex}"  # a fresh wrapper, not one cached for an old file
        connections.settings[alias] = {
            **connections["default"].settings_dict,
            "ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / f"{alias}.sqlite3"),
            "OPTIONS": options, "CONN_MAX_AGE": 0,
        }
        aliases.append(alias)
        with connections[alias].cursor() as cursor:
            cursor.execute("CREATE TABLE page (id INTEGER PRIMARY KEY, saves INTEGER)")
            cursor.execute("INSERT INTO page VALUES (1, 0)")
        connections[alias].close()
        return alias

    yield open_
    for alias in aliases:
        connections[alias].close()
        del connections.settings[alias]
    unblocked.__exit__(None, None, None)


def read_then_write(alias):
    def read():
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT saves FROM page WHERE id = 1")

    def write():
        with connections[alias].cursor() as cursor:
            cursor.execute("UPDATE page SET saves = saves + 1 WHERE id = 1")

    return read, write


def saves_recorded(alias):
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT saves FROM page WHERE id = 1")
        return cursor.fetchone()[0]


def test_on_sqlite_the_second_of_two_saves_waits_and_then_goes_on(sqlite_file):
    alias = sqlite_file(settings.SQLITE_OPTIONS)
    errors, elapsed = save_twice_at_once(alias, *read_then_write(alias))
    assert errors == []
    assert saves_recorded(alias) == 2
    assert elapsed >= 2 * HOLD_SECONDS  # one after the other, not side by side


def test_without_immediate_transactions_sqlite_refuses_one_of_two_saves(sqlite_file):
    alias = sqlite_file({"timeout": 5})  # SQLite's default, deferred transactions
    errors, _elapsed = save_twice_at_once(alias, *read_then_write(alias))
    assert len(errors) == 1 and "database is locked" in errors[0]


def test_the_projects_database_lets_two_admin_saves_of_one_procedure_through(transactional_db):
    procedure = make_procedure(slug="saved-twice")
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite test database shares one cache; the file test above covers it")

    def read():
        Procedure.objects.get(pk=procedure.pk)

    def write():
        Procedure.objects.filter(pk=procedure.pk).update(short_name_en="Saved concurrently")

    errors, _elapsed = save_twice_at_once("default", read, write)
    assert errors == []
    assert Procedure.objects.get(pk=procedure.pk).short_name_en == "Saved concurrently"
