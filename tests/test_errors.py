"""Error pages: designed, in the address's language, with a way back and the clinic's phone."""

import contextlib
import logging
import re
import sqlite3
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import OperationalError, connection, connections
from django.http import Http404
from django.test import Client, RequestFactory, override_settings
from django.utils import translation

from content.site import errors
from tests.builders import make_clinic, make_published_procedure

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.error_urls")]

ARABIC = re.compile(r"[\u0600-\u06FF]")


@pytest.fixture
def client():
    # A fault in a view comes back as the 500 page, as in production, instead of being raised.
    return Client(raise_request_exception=False)


def html_of(response):
    return response.content.decode()


def h1_of(html):
    [heading] = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    return heading


def assert_designed_page(response, status, language):
    html = html_of(response)
    direction = "rtl" if language == "ar" else "ltr"
    assert response.status_code == status
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert html.count("<h1") == 1
    assert 'class="site-header"' in html
    assert f'href="/{language}/"' in html  # the way back to the list of guides
    heading = h1_of(html)
    assert bool(ARABIC.search(heading)) == (language == "ar"), heading
    assert response["Content-Language"] == language
    return html


def request_for(path):
    request = RequestFactory().get(path)
    return request


@pytest.mark.parametrize("language", ["en", "ar"])
def test_an_unknown_address_gets_the_designed_404_in_its_language(client, language):
    make_clinic(phone="+1 555 0123")
    html = assert_designed_page(client.get(f"/{language}/procedures/no-such-guide/"), 404, language)
    assert 'href="tel:+15550123"' in html.split("</main>")[0]
    assert "No Procedure matches" not in html


def test_an_address_without_a_language_gets_the_english_404(client):
    assert_designed_page(client.get("/xx/nothing/", HTTP_ACCEPT_LANGUAGE="ar"), 404, "en")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_handouts_paper_size_message_reaches_the_reader(client, language):
    procedure = make_published_procedure()
    response = client.get(f"/{language}/procedures/{procedure.slug}/handout/?paper=a5")
    html = assert_designed_page(response, 404, language)
    with translation.override(language):
        expected = translation.gettext("There is no handout on paper size %(paper)s.") % {"paper": "a5"}
    assert f'<p class="error-page__message" role="status">{expected}</p>' in html


def test_a_resolver_404_shows_no_technical_message():
    response = errors.page_not_found(request_for("/en/x/"), Http404({"path": "x", "tried": []}))
    assert "tried" not in html_of(response)
    assert "error-page__message" not in html_of(response)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_forbidden_page_gets_the_designed_403(client, language):
    assert_designed_page(client.get(f"/{language}/staff-only/"), 403, language)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_withdrawn_guide_gets_the_designed_410_with_the_given_message(language):
    with translation.override(language):
        message = translation.gettext("This guide is no longer available")
    response = errors.gone(request_for(f"/{language}/procedures/old/"), message="Replaced by v2.")
    html = assert_designed_page(response, 410, language)
    assert "Replaced by v2." in html
    assert h1_of(html) == message


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_fault_gets_the_designed_500_in_its_language(client, language):
    make_clinic(phone="+1 555 0199")
    html = assert_designed_page(client.get(f"/{language}/fails/"), 500, language)
    assert 'href="tel:+15550199"' in html


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_500_page_is_drawn_when_the_database_is_down(client, language):
    down = OperationalError("database is down")
    with mock.patch("content.editing.models.Clinic.current", side_effect=down):
        html = assert_designed_page(client.get(f"/{language}/fails/"), 500, language)
    assert "tel:" not in html


def test_the_500_page_is_drawn_without_any_database_query(django_assert_num_queries):
    with mock.patch("content.editing.models.Clinic.current", side_effect=OperationalError("down")), \
            django_assert_num_queries(0):
        response = errors.server_error(request_for("/ar/fails/"))
    assert response.status_code == 500


def test_a_broken_template_still_gives_a_plain_translated_page():
    with mock.patch("content.site.errors.render_to_string", side_effect=ValueError("broken")):
        response = errors.page_not_found(request_for("/ar/x/"))
    html = html_of(response)
    assert response.status_code == 404
    assert '<html lang="ar" dir="rtl">' in html
    assert html.count("<h1>") == 1 and ARABIC.search(h1_of(html))


@pytest.mark.parametrize("language", ["en", "ar"])
def test_an_address_with_too_many_parts_gets_a_400_that_says_so(client, language):
    procedure = make_published_procedure()
    query = "&".join(f"p{n}=1" for n in range(1200))
    response = client.get(f"/{language}/procedures/{procedure.slug}/handout/?{query}")
    html = assert_designed_page(response, 400, language)
    with translation.override(language):
        expected = translation.gettext("The address or form had too many parts for us to read. "
                                       "Please go back and try a shorter one.")
    assert expected in html


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_form_too_large_gets_a_400_that_says_what_was_too_large(language):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.cookies["csrftoken"] = "a" * 32  # so the CSRF check reads the form, as in real life
    response = client.post(f"/{language}/", {"text": "x" * 5000})
    html = assert_designed_page(response, 400, language)
    with translation.override(language):
        expected = translation.gettext(
            "What you sent was larger than a form may be, so nothing was saved. Go back: your "
            "text should still be in the form. Shorten the longest texts, or save them in parts.")
    assert expected in html


def test_a_request_for_an_unknown_host_gets_the_400_page_without_echoing_the_host(client):
    response = client.get("/ar/", HTTP_HOST="evil.example")
    html = assert_designed_page(response, 400, "ar")
    assert "evil.example" not in html


def test_a_request_for_an_unknown_host_is_one_warning_line_in_the_log(client, caplog):
    # Robots send these by the thousand: one line each, not an ERROR with a traceback.
    assert client.get("/en/", HTTP_HOST="evil.example").status_code == 400
    [record] = caplog.records
    assert (record.name, record.levelname) == ("django.security.DisallowedHost", "WARNING")
    line = logging.Formatter().format(record)  # as the settings' console handler writes it
    assert "evil.example" in line and "\n" not in line and "Traceback" not in line


def test_error_pages_are_not_kept_by_shared_caches(client):
    assert client.get("/en/procedures/none/")["Cache-Control"] == "no-store"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_an_expired_form_gets_a_designed_403_that_says_so(language):
    with override_settings(CSRF_FAILURE_VIEW="content.site.errors.csrf_failure"):
        client = Client(enforce_csrf_checks=True)
        response = client.post(f"/{language}/", {"text": "x"})
    html = assert_designed_page(response, 403, language)
    with translation.override(language):
        assert translation.gettext("This form has expired") == h1_of(html)


def test_a_lazily_translated_message_is_shown_in_the_address_language():
    from django.utils.translation import gettext_lazy

    message = gettext_lazy("This guide is no longer available")
    response = errors.page_not_found(request_for("/ar/x/"), Http404(message))
    with translation.override("ar"):
        assert str(message) in html_of(response)


# --- SQLite's lock: a save that waited it out ------------------------------------------------------

@pytest.fixture
def sqlite_file(transactional_db, tmp_path, settings):
    """A function that copies the test database, as it is, to a file that requests use from then
    on, with the project's SQLite options but half a second for SQLITE_TIMEOUT_SECONDS, and returns
    a function holding its write lock from another connection, as another save would. (The
    in-memory test database locks differently, tests/test_concurrency.py.)"""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write lock")
    original, path = connections["default"], tmp_path / "portal.sqlite3"

    def copy():
        original.ensure_connection()
        target = sqlite3.connect(path)
        original.connection.backup(target)
        target.close()
        options = {**settings.SQLITE_OPTIONS, "timeout": 0.5}
        connections["default"] = original.__class__(
            {**original.settings_dict, "NAME": str(path), "OPTIONS": options}, alias="default")
        # Earlier transactional tests flush and recreate the content types; the admin's log entry
        # must name the ones in this copy, not ids this process remembers from before.
        ContentType.objects.clear_cache()
        return another_save

    @contextlib.contextmanager
    def another_save():
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()

    yield copy
    if connections["default"] is not original:
        connections["default"].close()
        connections["default"] = original


BUSY = "Other changes are being saved at this moment. Please try again in a minute."
NOT_SAVED = "What you sent has not been saved. Please go back and send it again."


def assert_busy_page(response, language, saved_nothing=True):
    html = assert_designed_page(response, 503, language)
    assert response["Retry-After"].isdigit()
    with translation.override(language):
        assert translation.gettext(BUSY) in html
        assert (translation.gettext(NOT_SAVED) in html) == saved_nothing


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_save_that_waits_out_sqlites_lock_is_told_it_was_not_saved(
    client, sqlite_file, django_user_model, language, caplog
):
    client.force_login(django_user_model.objects.create_superuser("editor", password="x"))
    add = "/admin/content/glossaryterm/add/"
    assert client.get(add, HTTP_ACCEPT_LANGUAGE=language).status_code == 200  # the session is set up
    another_save = sqlite_file()
    form = {"slug": "stent", "term_en": "stent", "definition_en": "A small tube.", "_save": "Save"}
    with another_save():
        response = client.post(add, form, HTTP_ACCEPT_LANGUAGE=language)
    assert_busy_page(response, language)
    assert [(record.levelname, record.exc_info) for record in caplog.records] == [("WARNING", None)]
    assert client.post(add, form, HTTP_ACCEPT_LANGUAGE=language).status_code == 302  # then it saves


def test_a_sign_in_that_waits_out_sqlites_lock_is_told_to_try_again(client, sqlite_file, django_user_model):
    django_user_model.objects.create_superuser("editor", password="a-long-password-1")
    another_save = sqlite_file()
    sign_in = {"username": "editor", "password": "a-long-password-1"}
    with another_save():
        response = client.post("/admin/login/?next=/admin/", sign_in)
    assert_busy_page(response, "en")
    assert client.post("/admin/login/?next=/admin/", sign_in).status_code == 302
