"""Offline reading, the server's side: the worker at the root, the manifest and the offline page
in each language, and the markup the worker and static/js/offline.js rely on."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from content import languages
from tests.builders import DEMO_SLUG

pytestmark = pytest.mark.django_db


def localized(name, code, *args):
    with translation.override(code):
        return reverse(name, args=args)


def test_service_worker_is_served_from_the_root_with_its_settings(client):
    response = client.get("/service-worker.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    first_line, source = response.content.decode().split("\n", 1)
    config = json.loads(first_line.removeprefix("self.PORTAL_OFFLINE = ").removesuffix(";"))
    assert config["offlinePages"] == {code: f"/{code}/offline/" for code in languages.CODES}
    assert config["defaultLanguage"] == languages.SOURCE
    assert config["staticUrl"] == "/static/"
    assert 'addEventListener("fetch"' in source


def test_service_worker_refuses_a_post(client):
    assert client.post("/service-worker.js").status_code == 405


@pytest.mark.parametrize("code", languages.CODES)
def test_manifest_speaks_the_page_language(client, code):
    response = client.get(localized("content:web_manifest", code))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["lang"] == code
    assert manifest["dir"] == languages.direction(code)
    assert manifest["start_url"] == f"/{code}/"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    with translation.override(code):
        assert manifest["name"] == translation.gettext("Patient education")


def test_manifest_icons_are_served(client):
    manifest = json.loads(client.get(localized("content:web_manifest", "en")).content)
    for icon in manifest["icons"]:
        # The test run serves static files from the finders.
        assert client.get(icon["src"]).status_code == 200, icon["src"]


@pytest.mark.parametrize("code", languages.CODES)
def test_offline_page_explains_in_the_page_language(client, code):
    response = client.get(localized("content:offline", code))
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override(code):
        assert translation.gettext("You are offline") in html
    assert 'id="saved-pages"' in html
    assert f'data-offline-paths="/{languages.CODES[0]}/offline/' in html
    assert 'name="robots" content="noindex"' in html


def test_every_public_page_links_the_manifest_and_the_worker_script(client, demo_procedure):
    for path in (localized("content:procedure_list", "ar"), localized("content:procedure", "ar", DEMO_SLUG),
                 localized("content:handout", "en", DEMO_SLUG), localized("content:glossary", "en")):
        html = client.get(path).content.decode()
        assert 'rel="manifest"' in html, path
        assert 'data-service-worker="/service-worker.js"' in html, path
        # The worker marks a saved copy by filling this attribute: it must be there, empty, once.
        assert html.count('data-saved-at=""') == 1, path


def test_saved_copy_notice_is_hidden_on_a_page_served_online(client, demo_procedure):
    html = client.get(localized("content:procedure", "ar", DEMO_SLUG)).content.decode()
    notice_tag = re.search(r'<div[^>]*id="saved-copy"[^>]*>', html).group(0)
    assert re.search(r"\shidden[\s>]", notice_tag), notice_tag


def test_handout_offers_to_be_saved_for_offline_reading(client, demo_procedure):
    html = client.get(localized("content:procedure", "en", DEMO_SLUG)).content.decode()
    assert (f'data-save-offline="{localized("content:handout", "en", DEMO_SLUG)}" '
            f'data-save-offline-optional="{localized("content:handout_pdf", "en", DEMO_SLUG)}"') in html
    bilingual = client.get(localized("content:handout_bilingual", "ar", DEMO_SLUG)).content.decode()
    assert f'data-save-offline="{localized("content:handout_bilingual", "ar", DEMO_SLUG)}"' in bilingual


def test_read_aloud_button_waits_hidden_for_the_browser_to_offer_speech(client, demo_procedure):
    html = client.get(localized("content:procedure", "ar", DEMO_SLUG)).content.decode()
    assert 'class="read-aloud__button" hidden' in html
    with translation.override("ar"):
        assert translation.gettext("Listen to this page") in html


def test_a_staff_preview_is_never_offered_for_keeping_on_a_device(admin_client, demo_procedure):
    response = admin_client.get(localized("content:procedure_preview", "ar", DEMO_SLUG))
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-service-worker" not in html and 'rel="manifest"' not in html
