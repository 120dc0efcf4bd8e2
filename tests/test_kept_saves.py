"""Staff never lose typed work to an ended session: a save sent after it ended is kept for the
account that opened the form (never applied), and offered back to that account only."""

import datetime
import html
import time

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client
from django.utils import timezone

from content.editing import roles
from content.models import KeptSave, Procedure
from portal.security import SESSION_LAST_SEEN, SESSION_STARTED
from tests.builders import make_staff
from tests.test_admin import change_url, extract_form_data

pytestmark = pytest.mark.django_db

TYPED = "A summary typed for longer than the session lasted."


def end_session(client):
    session = client.session
    now = int(time.time())
    session[SESSION_LAST_SEEN] = now - settings.STAFF_SESSION_IDLE_SECONDS - 1
    session[SESSION_STARTED] = now - 3600
    session.save()


@pytest.fixture
def erin():
    return make_staff("erin", group=roles.EDITOR, first_name="Erin", last_name="Editor")


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def open_form(client, user, url):
    client.force_login(user)
    return extract_form_data(client.get(url).content.decode())


def test_a_save_after_the_session_ended_is_kept_and_offered_back_to_its_account_only(
    csrf_client, erin, demo_procedure
):
    url = change_url(demo_procedure)
    before = Procedure.objects.get(pk=demo_procedure.pk).summary_en
    data = open_form(csrf_client, erin, url)
    assert data.get("kept_save_token")
    data["summary_en"] = TYPED
    end_session(csrf_client)

    response = csrf_client.post(url, data)  # the CSRF cookie outlives the session
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert Procedure.objects.get(pk=demo_procedure.pk).summary_en == before  # never applied
    kept = KeptSave.objects.get()
    assert kept.user == erin and kept.object_id == str(demo_procedure.pk)
    assert kept.data["summary_en"] == [TYPED] and "csrfmiddlewaretoken" not in kept.data
    login_page = csrf_client.get(response["Location"]).content.decode()
    assert "your text has been kept" in html.unescape(login_page)

    # Someone else opening the page sees the saved text and no notice.
    other = make_staff("omar", group=roles.EDITOR)
    page = Client()
    assert TYPED not in open_form(page, other, url).values()
    assert "kept-save" not in page.get(url).content.decode()

    # The same account, signed in again, gets its text back, says so, and can save it.
    csrf_client.force_login(erin)
    page = csrf_client.get(url).content.decode()
    assert 'class="kept-save"' in page
    assert "It has not been saved yet" in page
    shown = extract_form_data(page)
    shown.pop("discard_kept_save")  # the discard button's own form, not the change form's
    assert shown["summary_en"] == TYPED
    assert csrf_client.post(url, shown).status_code == 302
    assert Procedure.objects.get(pk=demo_procedure.pk).summary_en == TYPED
    assert not KeptSave.objects.exists()  # saved, so no longer offered


def test_kept_text_can_be_discarded(csrf_client, erin, demo_procedure):
    url = change_url(demo_procedure)
    data = open_form(csrf_client, erin, url)
    data["summary_en"] = TYPED
    end_session(csrf_client)
    csrf_client.post(url, data)
    csrf_client.force_login(erin)
    page = csrf_client.get(url).content.decode()
    token = extract_form_data(page)["csrfmiddlewaretoken"]
    kept = KeptSave.objects.get()
    response = csrf_client.post(url, {"csrfmiddlewaretoken": token, "discard_kept_save": kept.pk})
    assert response.status_code == 302
    assert not KeptSave.objects.exists()
    assert TYPED not in extract_form_data(csrf_client.get(url).content.decode()).values()


@pytest.mark.parametrize("tamper", ["forged", "expired", "other-object", "missing"])
def test_a_forged_or_expired_token_keeps_nothing(csrf_client, erin, demo_procedure, tamper, monkeypatch):
    url = change_url(demo_procedure)
    data = open_form(csrf_client, erin, url)
    data["summary_en"] = TYPED
    if tamper == "forged":
        data["kept_save_token"] = signing.dumps(
            {"user": erin.pk, "model": "content.procedure", "object": str(demo_procedure.pk),
             "revision": 1}, salt="something-else")
    elif tamper == "expired":
        later = time.time() + settings.STAFF_SESSION_MAX_SECONDS + 3 * 3600
        monkeypatch.setattr(signing.time, "time", lambda: later)
    elif tamper == "other-object":
        data["kept_save_token"] = data["kept_save_token"]
        url = change_url(demo_procedure).replace(f"/{demo_procedure.pk}/", "/999/")
    else:
        del data["kept_save_token"]
    end_session(csrf_client)
    response = csrf_client.post(url, data)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not KeptSave.objects.exists()


def test_a_token_for_one_account_sent_with_anothers_session_is_ignored(csrf_client, erin, demo_procedure):
    url = change_url(demo_procedure)
    data = open_form(csrf_client, erin, url)
    omar = make_staff("omar", group=roles.EDITOR)
    csrf_client.force_login(omar)
    data["csrfmiddlewaretoken"] = extract_form_data(csrf_client.get(url).content.decode())[
        "csrfmiddlewaretoken"]
    data["summary_en"] = "Omar's own save."
    assert csrf_client.post(url, data).status_code == 302  # saved normally, as Omar
    assert not KeptSave.objects.exists()
    latest = Procedure.objects.get(pk=demo_procedure.pk).revisions.order_by("-number").first()
    assert latest.created_by == omar


def test_kept_saves_expire(erin, demo_procedure):
    old = KeptSave.objects.create(user=erin, model="content.procedure",
                                  object_id=str(demo_procedure.pk), data={})
    KeptSave.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=KeptSave.KEPT_SAVE_DAYS + 1))
    assert not KeptSave.current().exists()
    assert KeptSave.expired().get() == old
