"""Production behaviour: sign-in lockout, headers, admin path, staff sessions, compression, health
checks, the cache a test run owns, and two app servers sharing PostgreSQL and Redis."""

import gzip
import html
import os
import re
import time
import urllib.parse
import urllib.request
import uuid
from datetime import timedelta
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content.editing import roles
from content.models import Procedure, StaffProfile
from content.site.caching import delete_own_keys
from portal.security import SESSION_LAST_SEEN, SESSION_STARTED
from tests.builders import DEMO_SLUG, make_staff
from tests.test_guards import PRODUCTION, ROOT, run_django

LOGIN_URL = "/admin/login/?next=/admin/"
PASSWORD = "a-long-and-correct-password-1"


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_superuser("editor", password=PASSWORD)


def sign_in(client, password, username="editor", **headers):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **headers)


def signed_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


# --- sign-in lockout (django-axes) ---------------------------------------------------------------

def test_after_the_allowed_failures_even_the_right_password_is_refused(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert not signed_in(sign_in(client, "wrong"))
    refused = sign_in(client, PASSWORD)
    assert refused.status_code == 429
    assert "Sign-in locked" in refused.content.decode()
    assert f"{settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_one_failure_fewer_than_the_limit_still_lets_the_right_password_in(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "wrong")
    assert signed_in(sign_in(client, PASSWORD))


def test_the_lockout_is_per_user_and_address(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 429
    # The same user from another address is not locked out by someone guessing elsewhere.
    assert signed_in(sign_in(client, PASSWORD, REMOTE_ADDR="192.0.2.7"))


def test_behind_the_load_balancer_the_lockout_counts_the_address_it_forwards(client, staff, settings):
    settings.BEHIND_TLS_PROXY = True
    # REMOTE_ADDR is the balancer for everyone; the balancer appends the visitor's own address,
    # after whatever the visitor claimed.
    attacker = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "192.0.2.50, 198.51.100.9"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong", **attacker)
    assert sign_in(client, PASSWORD, **attacker).status_code == 429
    # A colleague behind the same balancer, and the attacker claiming another address, are apart.
    colleague = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.4"}
    assert signed_in(sign_in(client, PASSWORD, **colleague))
    client.logout()
    spoofing = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.4, 198.51.100.9"}
    assert sign_in(client, PASSWORD, **spoofing).status_code == 429


def test_the_lockout_ends_after_the_cool_off(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert signed_in(sign_in(client, PASSWORD))


def test_an_administrator_unlocks_a_user_with_a_management_command(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 429
    call_command("axes_reset_username", "editor", verbosity=0)
    assert signed_in(sign_in(client, PASSWORD))


def test_the_lockout_message_is_in_arabic_for_an_arabic_browser(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = sign_in(client, "wrong", HTTP_ACCEPT_LANGUAGE="ar")
    page = response.content.decode()
    assert response.status_code == 429
    assert "Sign-in locked" not in page
    assert re.search(r"[\u0600-\u06FF]{3,}", page.split("<h1>")[-1])


def test_the_number_of_tries_and_the_cool_off_come_from_the_environment():
    script = "from django.conf import settings as s; print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)"
    result = run_django("shell", "-c", script, **PRODUCTION, DJANGO_LOGIN_FAILURE_LIMIT="7",
                        DJANGO_LOGIN_COOLOFF_MINUTES="90")
    assert result.stdout.strip().splitlines()[-1].split() == ["7", "1:30:00"], result.stderr


# --- headers on every kind of response ----------------------------------------------------------

def csp(response):
    return dict(
        (directive.split()[0], directive.split()[1:])
        for directive in response["Content-Security-Policy"].split(";") if directive.strip()
    )


@pytest.mark.parametrize("url", [
    "/en/", f"/ar/procedures/{DEMO_SLUG}/", f"/en/procedures/{DEMO_SLUG}/handout/",
    "/en/procedures/no-such-procedure/", "/static/css/portal.css", "/favicon.ico", "/health/live",
])
def test_public_responses_carry_a_strict_policy_and_refuse_powerful_features(client, demo_procedure, url):
    response = client.get(url)
    assert response.status_code == (404 if "no-such" in url else 200)
    policy = csp(response)
    assert policy["default-src"] == ["'self'"] and policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    features = response["Permissions-Policy"]
    assert "camera=()" in features and "geolocation=()" in features and "microphone=()" in features
    assert "clipboard-write=(self)" in features


@pytest.mark.parametrize("url", ["/admin/login/", "/admin/", "/admin/content/procedure/", "/admin/nowhere/"])
def test_admin_pages_carry_the_same_strict_policy(admin_client, url):
    # That the admin works under it is shown in a browser: tests/browser/test_production_browser.py.
    response = admin_client.get(url)
    policy = csp(response)
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["form-action"] == ["'self'"]
    assert "camera=()" in response["Permissions-Policy"]


def test_favicon_is_served_where_browsers_look_for_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


# --- the admin path ----------------------------------------------------------------------------

def test_the_admin_moves_to_the_path_the_environment_names():
    script = (
        "from django.urls import Resolver404, resolve, reverse\n"
        "def view(path):\n"
        "    try: return resolve(path).view_name\n"
        "    except Resolver404: return 'none'\n"
        "print(reverse('admin:index'), view('/clinic-staff-7f3/login/'), view('/admin/login/'))"
    )
    result = run_django("shell", "-c", script, **PRODUCTION, DJANGO_ADMIN_PATH="/clinic-staff-7f3/")
    assert result.stdout.strip().splitlines()[-1].split() == ["/clinic-staff-7f3/", "admin:login", "none"], (
        result.stderr
    )


@pytest.mark.urls("tests.moved_admin_urls")
def test_a_staff_preview_never_tells_a_stranger_where_a_moved_admin_is(client, settings, demo_procedure):
    from tests.moved_admin_urls import MOVED_ADMIN_PATH

    settings.ADMIN_PATH, settings.ADMIN_URL_PREFIX = MOVED_ADMIN_PATH, "/" + MOVED_ADMIN_PATH
    preview = f"/en/procedures/{DEMO_SLUG}/preview/"
    patient = get_user_model().objects.create_user("patient", password=PASSWORD)
    for visitor in (None, patient):
        if visitor:
            client.force_login(visitor)
        response = client.get(preview)
        assert response.status_code == 404, visitor
        assert MOVED_ADMIN_PATH.strip("/") not in response.content.decode() + str(response.headers)
    client.force_login(make_staff("editor", group=roles.EDITOR))
    assert client.get(preview).status_code == 200


# --- staff sessions ------------------------------------------------------------------------------

def age_session(client, idle, since_sign_in):
    session = client.session
    now = int(time.time())
    session[SESSION_LAST_SEEN] = now - idle
    session[SESSION_STARTED] = now - since_sign_in
    session.save()


def test_a_staff_session_survives_a_short_pause(admin_client):
    assert admin_client.get("/admin/").status_code == 200
    age_session(admin_client, idle=settings.STAFF_SESSION_IDLE_SECONDS - 60, since_sign_in=3600)
    assert admin_client.get("/admin/").status_code == 200


def test_a_staff_session_ends_after_the_idle_timeout(admin_client):
    assert admin_client.get("/admin/").status_code == 200
    age_session(admin_client, idle=settings.STAFF_SESSION_IDLE_SECONDS + 1, since_sign_in=3600)
    response = admin_client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_busy_staff_session_still_ends_at_its_maximum_age(admin_client):
    assert admin_client.get("/admin/").status_code == 200
    age_session(admin_client, idle=0, since_sign_in=settings.STAFF_SESSION_MAX_SECONDS + 1)
    response = admin_client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_session_cookie_ends_with_the_browser_and_the_session_at_the_maximum_age(client, staff):
    response = sign_in(client, PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert signed_in(response) and not cookie["max-age"] and not cookie["expires"]
    assert client.session.get_expiry_age() == settings.STAFF_SESSION_MAX_SECONDS


def test_public_pages_open_no_session(client, demo_procedure):
    response = client.get(f"/en/procedures/{DEMO_SLUG}/")
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert "Cookie" not in response.get("Vary", "")


# --- compression ----------------------------------------------------------------------------------

PUBLIC_HTML = ["/en/", f"/ar/procedures/{DEMO_SLUG}/", f"/ar/procedures/{DEMO_SLUG}/handout/"]


@pytest.mark.parametrize("url", PUBLIC_HTML)
def test_public_html_is_sent_compressed(client, demo_procedure, url):
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert b"</html>" in gzip.decompress(response.content)


def test_admin_pages_are_never_compressed(admin_client):
    # Compressing a page with a CSRF token next to attacker-influenced text leaks it (BREACH).
    for url in ("/admin/", "/admin/content/procedure/add/", "/admin/login/"):
        response = admin_client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
        assert "Content-Encoding" not in response, url


def test_a_staff_preview_which_varies_with_the_session_is_not_compressed(admin_client, demo_procedure):
    response = admin_client.get(f"/en/procedures/{DEMO_SLUG}/preview/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and "Cookie" in response["Vary"]
    assert "Content-Encoding" not in response


def test_a_compressed_page_is_the_same_page(client, demo_procedure):
    url = f"/ar/procedures/{DEMO_SLUG}/"
    plain = client.get(url).content
    for _ in range(2):  # the second is compressed from the memo
        assert gzip.decompress(client.get(url, HTTP_ACCEPT_ENCODING="gzip").content) == plain


def test_pdfs_are_not_compressed_again(client, demo_procedure):
    from tests.worker import draw_one_pdf

    draw_one_pdf(demo_procedure.live_version, "en")
    response = client.get(f"/en/procedures/{DEMO_SLUG}/handout.pdf", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and "Content-Encoding" not in response


# --- health checks ---------------------------------------------------------------------------------

def test_liveness_answers_without_touching_the_database(client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/health/live")
    assert response.status_code == 200 and len(queries) == 0
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_readiness_checks_the_database_and_the_cache(client, db):
    response = client.get("/health/ready")
    assert (response.status_code, response.content) == (200, b"ok\n")
    with mock.patch("portal.health.connection.cursor", side_effect=OSError("database down")):
        response = client.get("/health/ready")
    assert response.status_code == 503 and b"database" in response.content


def test_a_failing_or_full_cache_is_reported_but_keeps_the_server_in_the_balancer(client, db):
    # Every app server shares the one Redis: failing them all for it would be the outage itself,
    # while each still serves every page (drawn, not kept).
    from redis.exceptions import OutOfMemoryError

    full = OutOfMemoryError("OOM command not allowed when used memory > 'maxmemory'.")
    for failure in ({"target": "portal.health.cache.get", "return_value": None},
                    {"target": "portal.health.cache.set", "side_effect": full}):
        with mock.patch(**failure):
            response = client.get("/health/ready")
        assert response.status_code == 200, failure
        assert response.content == b"ok\ncache: failing; pages are drawn without it\n"


# --- the cache this test run owns -------------------------------------------------------------------

def test_the_suite_keys_the_cache_under_a_prefix_of_its_own():
    prefix = caches["default"].key_prefix
    assert prefix != settings.CACHE_KEY_PREFIX and "-test-" in prefix


def shared_redis_url():
    return os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def test_cleaning_up_deletes_only_our_keys_from_a_shared_redis(settings):
    ours, theirs = f"portal-test-{uuid.uuid4().hex}", f"someone-else-{uuid.uuid4().hex}"
    redis = "django.core.cache.backends.redis.RedisCache"
    settings.CACHES = {
        "default": {"BACKEND": redis, "LOCATION": shared_redis_url(), "KEY_PREFIX": ours},
        "neighbour": {"BACKEND": redis, "LOCATION": shared_redis_url(), "KEY_PREFIX": theirs},
    }
    try:
        caches["neighbour"].set("their-page", "kept")
    except Exception as error:
        if os.environ.get("REDIS_URL"):
            raise
        pytest.skip(f"no Redis at {shared_redis_url()} ({error})")
    try:
        caches["default"].set("our-page", "gone")
        assert delete_own_keys("default") == 1
        assert caches["default"].get("our-page") is None
        assert caches["neighbour"].get("their-page") == "kept"
    finally:
        delete_own_keys("neighbour")


# --- two app servers on PostgreSQL + Redis ------------------------------------------------------------

class FormReader(HTMLParser):
    """The fields a browser would submit from the page's main form, as (name, value) pairs."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields, self.textarea, self.select = form_id, False, [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        kind = attrs.get("type", "text")
        if tag == "input" and name and kind not in {"submit", "button", "file", "image"}:
            if kind not in {"checkbox", "radio"}:
                self.fields.append([name, attrs.get("value", "")])
            elif "checked" in attrs:
                self.fields.append([name, attrs.get("value", "on")])
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
            self.fields.append(self.textarea)
        elif tag == "select" and name:
            self.select = [name, None]
        elif tag == "option" and self.select is not None and (self.select[1] is None or "selected" in attrs):
            self.select[1] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select is not None:
            self.fields.append(self.select)
            self.select = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data


def browser():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))


def submit(opener, url, fields):
    data = urllib.parse.urlencode(fields).encode()
    return opener.open(urllib.request.Request(url, data=data, headers={"Referer": url}), timeout=30)


@pytest.mark.django_db(transaction=True)
def test_a_version_published_through_one_app_server_reaches_the_other_at_once(demo_procedure, staff):
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("needs PostgreSQL and REDIS_URL (as CI's second run has)")
    from bench.servers import ProductionServer

    database = connection.settings_dict
    server = ProductionServer(servers=2, workers=1)
    server.env |= {
        # This test's own database and cache prefix, so the suite's cleanup covers what they cache.
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": os.environ["REDIS_URL"],
        "CACHE_KEY_PREFIX": caches["default"].key_prefix,
        "DJANGO_STATIC_MANIFEST": "0",
    }
    page = f"/en/procedures/{DEMO_SLUG}/"
    try:
        server.start()
        one, other = browser(), browser()
        before = other.open(server.url(page, 1)).read().decode()
        assert demo_procedure.title_en in html.unescape(before)
        # Sign in and save a new title through the first server's admin.
        login = server.url("/admin/login/?next=/admin/", 0)
        reader = FormReader("login-form")
        reader.feed(one.open(login).read().decode())
        fields = dict(reader.fields) | {"username": "editor", "password": PASSWORD}
        assert submit(one, login, fields).url.endswith("/admin/")
        change = server.url(f"/admin/content/procedure/{demo_procedure.pk}/change/", 0)
        reader = FormReader("procedure_form")
        reader.feed(one.open(change).read().decode())
        fields = [(n, "Changed through server one" if n == "title_en" else v) for n, v in reader.fields]
        assert any(name == "title_en" for name, _ in fields)
        saved = submit(one, change, [*fields, ("_save", "Save")])
        errors = re.findall(r"errorlist.*", saved.read().decode())
        assert saved.url.endswith("/admin/content/procedure/"), errors
        # A saved draft reaches no one; the reviewer's publish does.
        assert "Changed through server one" not in other.open(server.url(page, 1)).read().decode()
        StaffProfile.objects.create(user=staff, role_en="Clinician", role_ar="طبيب")
        staff.first_name, staff.last_name = "Rana", "Reviewer"
        staff.save()
        reader = FormReader(None)
        reader.feed(one.open(change).read().decode())
        token = dict(reader.fields)["csrfmiddlewaretoken"]
        revision = Procedure.objects.get(pk=demo_procedure.pk).revision
        # Only what was sent for review is published.
        send = server.url(f"/admin/content/procedure/{demo_procedure.pk}/workflow/submit/", 0)
        submit(one, send, {"csrfmiddlewaretoken": token}).read()
        assert Procedure.objects.get(pk=demo_procedure.pk).status == Procedure.Status.IN_REVIEW
        publish = server.url(f"/admin/content/procedure/{demo_procedure.pk}/workflow/publish/", 0)
        submit(one, publish, {"csrfmiddlewaretoken": token, "revision": revision}).read()
        # (Publishing answers at once: a worker, not the request, draws the PDFs.)
        assert Procedure.objects.get(pk=demo_procedure.pk).live_version.number == 2
        # The other server shows it on its next request: no stale page from the shared cache.
        after = other.open(server.url(page, 1)).read().decode()
        assert "Changed through server one" in after
    finally:
        server.close()  # stops both servers and removes their working folder; the database is the suite's


# --- the deployment the README describes -----------------------------------------------------------

def readme_section(title):
    readme = (ROOT / "README.md").read_text()
    return readme.split(f"## {title}")[1].split("\n## ")[0]


def test_the_readme_deployment_variables_make_the_deploy_check_print_nothing():
    block = readme_section("Deployment").split("```sh deploy-check\n")[1].split("```")[0]
    variables = dict(
        re.match(r"(\w+)=(\S+)", line).groups()
        for line in block.splitlines() if line and not line.startswith("#")
    )
    assert "DJANGO_SECRET_KEY" in variables
    variables["DJANGO_SECRET_KEY"] = PRODUCTION["DJANGO_SECRET_KEY"]
    result = run_django("check", "--deploy", "--fail-level", "WARNING", **variables)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr and "?:" not in result.stderr


def test_every_environment_variable_the_settings_read_is_in_the_readme_table():
    source = (ROOT / "portal" / "settings.py").read_text()
    read = set(re.findall(r"""(?:environ\.get|environ\[|env_flag|env_list)\(?\s*["']([A-Z_]+)["']""", source))
    table = readme_section("Configuration")
    documented = set(re.findall(r"^\| `([A-Z_]+)`", table, re.M))
    assert read and read - documented == set()
    assert documented - read == set(), "the README documents variables nothing reads"
