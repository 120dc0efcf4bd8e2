"""Public pages served whole from the cache, and every change a reader could see reaching them at once."""

import datetime
import gzip
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from content.editing.revisions import save_clinic
from content.models import GlossaryTerm, Procedure
from content.publishing import workflow as publishing
from content.site import page_cache
from content.site.caching import count_own_keys
from content.site.lru import LRU
from tests.builders import add_section, make_clinic, make_procedure, publish, publish_glossary

PAGES = ("/en/", "/ar/procedures/pump/", "/en/procedures/pump/handout/",
         "/ar/search/?q=%D9%85%D8%B6%D8%AE%D8%A9", "/en/glossary/")


def live_pump():
    procedure = make_procedure(slug="pump", title_en="Liver pump", title_ar="مضخة الكبد")
    add_section(procedure, "overview", body_en="The pump sends medicine.", body_ar="ترسل المضخة الدواء.")
    publish(procedure)
    return procedure


def text_of(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_a_page_served_again_costs_one_query_and_is_the_same_bytes(client, db):
    make_clinic()
    live_pump()
    for path in PAGES:
        first = text_of(client, path)
        with CaptureQueriesContext(connection) as queries:
            again = text_of(client, path)
        assert again == first, path
        assert len(queries) == 1, (path, [query["sql"] for query in queries])


def test_a_new_clinic_phone_is_on_every_cached_page_at_once(client, db):
    clinic = make_clinic(phone="+1 555 0100")
    live_pump()
    for path in PAGES:
        assert "555 0100" in text_of(client, path), path
    clinic.phone = "+1 555 0199"
    save_clinic(clinic)
    for path in PAGES:
        html = text_of(client, path)
        assert "555 0199" in html and "555 0100" not in html, path


def test_a_published_glossary_edit_is_on_the_glossary_page_at_once(client, db):
    term = GlossaryTerm.objects.create(slug="catheter", term_en="catheter", term_ar="قسطرة",
                                       definition_en="A thin tube.", definition_ar="أنبوب رفيع.")
    publish_glossary()
    assert "A thin tube." in text_of(client, "/en/glossary/")
    term.definition_en = "A thin, soft tube."
    term.save()
    assert "A thin tube." in text_of(client, "/en/glossary/")  # kept: nothing was published
    publish_glossary()
    assert "A thin, soft tube." in text_of(client, "/en/glossary/")
    term.delete()
    publish_glossary()
    assert "A thin, soft tube." not in text_of(client, "/en/glossary/")


def test_a_withdrawn_page_is_gone_on_the_next_request_though_it_was_cached(client, db):
    procedure = live_pump()
    assert "Liver pump" in text_of(client, "/en/")
    assert client.get("/en/procedures/pump/").status_code == 200
    publishing.unpublish(procedure, None, "No longer offered.")
    assert client.get("/en/procedures/pump/").status_code == 410
    assert "Liver pump" not in text_of(client, "/en/")


def test_a_deployment_draws_pages_again_and_a_change_of_day_too(client, db):
    live_pump()
    text_of(client, "/en/procedures/pump/")
    with mock.patch.object(page_cache, "release", return_value="next-release"), \
            CaptureQueriesContext(connection) as queries:
        text_of(client, "/en/procedures/pump/")
    assert len(queries) > 1  # drawn, not served
    key_today = page_cache.page_key(client.get("/en/").wsgi_request)
    with mock.patch("django.utils.timezone.localdate") as localdate:
        localdate.return_value = datetime.date(2099, 1, 1)
        assert page_cache.page_key(client.get("/en/").wsgi_request) != key_today


def test_a_404_and_a_very_long_query_string_are_never_kept(client, db):
    live_pump()
    for _ in range(2):
        assert client.get("/en/procedures/nothing-here/").status_code == 404
    long_query = "/en/search/?q=" + "pump+" * 100
    text_of(client, long_query)
    assert page_cache.page_key(client.get(long_query).wsgi_request) is None
    with CaptureQueriesContext(connection) as queries:
        text_of(client, long_query)
    assert len(queries) > 1


def test_every_change_gets_a_stamp_never_used_before(client, db):
    # Random, not counted: a database restored from a backup brings back a stamp under which only
    # pages of exactly its content were ever stored.
    clinic = make_clinic()
    procedure = live_pump()
    stamps = [page_cache.current_stamp()]
    for change in (lambda: publish(procedure), lambda: save_clinic(clinic),
                   lambda: publishing.unpublish(procedure, None, "No longer offered.")):
        change()
        stamps.append(page_cache.current_stamp())
    assert len(set(stamps)) == len(stamps) and all(len(stamp) == 32 for stamp in stamps)


def test_the_stamp_changes_only_when_the_transaction_commits(transactional_db, client):
    procedure = live_pump()
    before = page_cache.current_stamp()
    try:
        with transaction.atomic():
            publishing.unpublish(procedure, None, "No longer offered.")
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert page_cache.current_stamp() == before
    assert client.get("/en/procedures/pump/").status_code == 200


def test_a_served_page_carries_every_header_it_was_drawn_with(client, db):
    make_clinic()
    live_pump()
    for path in PAGES:
        drawn = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
        served = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
        assert served.content == drawn.content, path
        assert dict(served.headers) == dict(drawn.headers), path
        # Headers from the middleware a served page skips, and from the middleware it still runs.
        for name in ("Content-Language", "X-Frame-Options", "ETag",
                     "Content-Security-Policy", "Permissions-Policy", "Content-Encoding"):
            assert served.has_header(name), (path, name)


def test_a_browser_holding_a_served_page_is_told_it_has_not_changed(client, db):
    live_pump()
    etag = client.get("/en/procedures/pump/").headers["ETag"]
    with CaptureQueriesContext(connection) as queries:
        revalidated = client.get("/en/procedures/pump/", HTTP_IF_NONE_MATCH=etag)
    assert revalidated.status_code == 304 and revalidated.headers["ETag"] == etag
    assert len(queries) == 1
    publish(Procedure.objects.get(slug="pump"))
    assert client.get("/en/procedures/pump/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_signed_in_staff_member_reads_the_same_public_page(client, db, django_user_model):
    live_pump()
    anonymous = text_of(client, "/en/procedures/pump/")
    client.force_login(django_user_model.objects.create_user("editor", is_staff=True))
    with CaptureQueriesContext(connection) as queries:
        assert text_of(client, "/en/procedures/pump/") == anonymous
    assert len(queries) == 1  # no session read: the page is the same for everyone


def test_only_public_pages_are_kept(client, db, django_user_model):
    procedure = live_pump()
    client.force_login(django_user_model.objects.create_superuser("admin", password="x"))
    preview = f"/en/procedures/{procedure.slug}/preview/"
    first = client.get(preview)
    client.logout()
    assert first.status_code == 200
    assert client.get(preview).status_code != 200  # a preview is never served to the next visitor


def test_a_browser_without_gzip_gets_the_plain_page_after_one_with_gzip_was_served(client, db):
    live_pump()
    compressed = client.get("/en/procedures/pump/", HTTP_ACCEPT_ENCODING="gzip, br")
    client.get("/en/procedures/pump/", HTTP_ACCEPT_ENCODING="gzip, br")
    plain = client.get("/en/procedures/pump/")
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert not plain.has_header("Content-Encoding")
    assert gzip.decompress(compressed.content) == plain.content
    assert "Liver pump" in plain.content.decode()


def test_the_in_process_lru_forgets_the_least_recently_used_first():
    pages = LRU(10, size_of=len)
    pages.put("a", "aaaa")
    pages.put("b", "bbbb")
    assert pages.get("a") == "aaaa"  # now the most recent
    pages.put("c", "cccc")  # 12 > 10: b, the least recently used, goes
    assert (pages.get("b"), pages.get("a"), pages.get("c")) == (None, "aaaa", "cccc")
    pages.put("a", "a")  # replacing counts the new size only
    assert pages.size == 5 and len(pages) == 2
    pages.put("huge", "x" * 11)  # larger than the whole: kept by nobody
    assert len(pages) == 0 and pages.size == 0


# --- what a stranger's query string can add to the cache ------------------------------------------

def entries():
    """(keys in the shared cache, pages in this process's memory)."""
    return count_own_keys(), len(page_cache.recent_pages.entries)


JUNK = ("utm_source={n}", "x{n}=1", "version=v{n}&fbclid={n}", "page=0&paper=a4&q{n}=")


def test_junk_query_strings_add_no_cache_entry(client, db):
    make_clinic()
    live_pump()
    for path in ("/ar/", "/en/procedures/pump/", "/en/procedures/pump/handout/", "/en/search/?q=pump",
                 "/ar/glossary/"):
        separator = "&" if "?" in path else "?"
        text_of(client, path)
        before, drawn = entries(), []
        for n in range(60):
            junk = JUNK[n % len(JUNK)].format(n=n)
            with CaptureQueriesContext(connection) as queries:
                text_of(client, f"{path}{separator}{junk}")
            if len(queries) != 1:
                drawn.append(junk)
        assert entries() == before, path
        assert drawn == [], path  # each served: the page kept for the clean address


def test_another_host_or_port_adds_no_cache_entry_and_names_only_the_site_address(client, db, settings):
    """Pages name settings.SITE_URL, never the request's Host: a stranger trying ports makes no
    page of their own, and a host that is not allowed still gets its 400."""
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    make_clinic()
    live_pump()
    page = text_of(client, "/en/procedures/pump/handout/")
    before = entries()
    for port in (8001, 9999, 1234):
        with CaptureQueriesContext(connection) as queries:
            other = client.get("/en/procedures/pump/handout/", HTTP_HOST=f"127.0.0.1:{port}")
        assert other.status_code == 200 and len(queries) == 1, port  # the kept page, served
        assert other.content.decode() == page
        assert f":{port}" not in page
    assert entries() == before
    assert client.get("/en/procedures/pump/handout/", HTTP_HOST="evil.example").status_code == 400


def test_known_parameters_still_get_their_own_page(client, db):
    procedure = live_pump()
    liver = make_procedure(slug="liver", title_en="Liver biopsy", title_ar="خزعة الكبد")
    add_section(liver, "overview", body_en="A needle takes tissue.", body_ar="تأخذ إبرة نسيجا.")
    publish(liver)
    # Results link to the section that matched: "/en/procedures/pump/#overview".
    pump, biopsy = 'href="/en/procedures/pump/', 'href="/en/procedures/liver/'
    found = text_of(client, "/en/search/?q=pump")
    assert pump in found and biopsy not in found
    found = text_of(client, "/en/search/?q=biopsy")
    assert biopsy in found and pump not in found
    assert text_of(client, "/en/search/?q=biopsy&page=1&utm_source=x") == found
    assert biopsy not in text_of(client, "/en/search/?q=biopsy&page=2")
    # An old printout's version is told the page changed; the live one, junk and none are not.
    publish(procedure)
    assert "notice--updated" in text_of(client, "/en/procedures/pump/?version=1")
    assert "notice--updated" in text_of(client, "/en/procedures/pump/?version=01&utm_source=qr")
    for query in ("", "?version=2", "?version=x", "?version=-1"):
        assert "notice--updated" not in text_of(client, f"/en/procedures/pump/{query}"), query
    # A version never published: the page's own address, whatever was kept.
    invented = client.get("/en/procedures/pump/?version=3")
    assert invented.status_code == 302 and invented["Location"] == "/en/procedures/pump/"
    # Each paper size its own handout; an unknown one the designed 404, though A4 is kept.
    a4 = text_of(client, "/en/procedures/pump/handout/")
    assert text_of(client, "/en/procedures/pump/handout/?paper=a4") == a4
    assert text_of(client, "/en/procedures/pump/handout/?paper=letter") != a4
    assert client.get("/en/procedures/pump/handout/?paper=a5").status_code == 404


# --- a cache that fails or is full ---------------------------------------------------------------

def failing_cache(**methods):
    """The shared cache with `methods` raising what a full or unreachable Redis raises."""
    from django.core.cache import cache
    from redis.exceptions import ConnectionError as RedisDown
    from redis.exceptions import OutOfMemoryError

    errors = {"full": OutOfMemoryError("OOM command not allowed when used memory > 'maxmemory'."),
              "down": RedisDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")}
    broken = mock.Mock(wraps=cache)
    for method, error in methods.items():
        getattr(broken, method).side_effect = errors[error]
    return mock.patch.object(page_cache, "cache", broken)


@pytest.mark.parametrize("failing", [{"set": "full"}, {"get": "down", "set": "down"}])
def test_a_cache_that_fails_or_is_full_still_serves_every_page_and_says_so_once(client, db, caplog, failing):
    make_clinic()
    live_pump()
    expected = {path: text_of(client, path) for path in PAGES}  # the cache answers: nothing to report
    page_cache.forget_cached_pages()
    caplog.clear()
    with failing_cache(**failing):
        for path in PAGES:
            for _ in range(2):
                page_cache.recent_pages.clear()  # every page from the shared cache, as a new process
                assert text_of(client, path) == expected[path], path
    warnings = [record for record in caplog.records if record.name == page_cache.__name__]
    assert [record.levelname for record in warnings] == ["WARNING"] * len(failing), warnings
    assert all(record.exc_info is None for record in warnings)
    caplog.clear()
    text_of(client, "/en/")  # answering again: a new failure would be reported again
    with failing_cache(**failing):
        page_cache.recent_pages.clear()
        text_of(client, "/ar/")
    assert len([record for record in caplog.records if record.name == page_cache.__name__]) == len(failing)


# --- HEAD ------------------------------------------------------------------------------------------

def test_a_head_request_never_changes_what_a_get_is_sent(client, db):
    live_pump()
    for path in PAGES:
        head = client.head(path)
        assert head.status_code == 200 and not head.content, path
        drawn = client.get(path)
        assert drawn.has_header("ETag"), path
        page_cache.recent_pages.clear()  # the shared cache's copy, as another process reads it
        with CaptureQueriesContext(connection) as queries:
            served = client.get(path)
        assert len(queries) == 1 and served.headers["ETag"] == drawn.headers["ETag"], path
        assert client.head(path).headers["ETag"] == drawn.headers["ETag"], path
        assert client.get(path).headers["ETag"] == drawn.headers["ETag"], path
