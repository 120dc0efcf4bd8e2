"""The admin's session notice and its "Stay signed in" endpoint; what a too-large or tampered
post is told."""

import time

import pytest
from django.test import Client
from django.utils import translation

from content.models import Procedure
from portal.security import SESSION_LAST_SEEN
from tests.test_admin import change_url, extract_form_data

pytestmark = pytest.mark.django_db

STAY_URL = "/admin/session/stay/"


def test_admin_pages_carry_the_idle_limit_and_translated_texts_for_the_script(admin_client, settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 600
    page = admin_client.get("/admin/").content.decode()
    assert 'src="/static/js/admin-session.js"' in page
    assert 'data-idle-seconds="600"' in page and 'data-warn-seconds="300"' in page
    assert 'role="alert"' in page and "Stay signed in" in page
    arabic = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    with translation.override("ar"):
        assert translation.gettext("Stay signed in") != "Stay signed in"
        assert translation.gettext("Stay signed in") in arabic


def test_the_sign_in_page_has_no_session_notice(client):
    assert "portal-session" not in client.get("/admin/login/").content.decode()


def test_stay_signed_in_marks_the_session_active(admin_client):
    admin_client.get("/admin/")
    session = admin_client.session
    session[SESSION_LAST_SEEN] = int(time.time()) - 600
    session.save()
    response = admin_client.post(STAY_URL)
    assert response.status_code == 204
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert admin_client.session[SESSION_LAST_SEEN] >= int(time.time()) - 2


def test_stay_signed_in_refuses_anyone_not_signed_in_and_needs_a_post(client, admin_client):
    assert client.post(STAY_URL).status_code == 401
    assert admin_client.get(STAY_URL).status_code == 405


def test_stay_signed_in_is_protected_against_cross_site_posts(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert client.post(STAY_URL).status_code == 403


def test_a_tampered_inline_id_names_the_part_and_keeps_the_text(admin_client, demo_procedure):
    url = change_url(demo_procedure)
    data = extract_form_data(admin_client.get(url).content.decode())
    data["sections-2-id"] = "999999"
    data["sections-2-body_en"] = "Text I typed into the third section."
    response = admin_client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Section 3 could not be matched to the page" in page
    assert "Text I typed into the third section." in page
    assert not Procedure.objects.get(pk=demo_procedure.pk).sections.filter(
        body_en="Text I typed into the third section.").exists()
