"""Project-wide guards: migrations, stylesheets, the Arabic catalogue, production settings."""

import os
import re
import shutil
import subprocess
import sys
from ast import literal_eval
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "ar" / "LC_MESSAGES" / "django.po"


def run_django(*args, cwd=ROOT, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=cwd, env=environment,
        capture_output=True, text=True, timeout=120,
    )


@pytest.mark.django_db
def test_there_are_no_model_changes_without_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


# Addresses our own code makes (reverse(), the request, the handout's live page): no stored text
# reaches them. Any other variable a template writes into a link passes a scheme check there.
OWN_URLS = {"x_default_url", "page.url", "page_url", "text.english_url", "language.url",
            "previous_page_url", "next_page_url", "first_page_url", "href", "request.scheme",
            "editions.0.canonical_url", "site_url", "handout_url",
            "item.url"}  # item.url: a live page's address, SITE_URL + reverse() (content.handoff)
# A preview's own addresses, all reverse() (content.admin.preview).
OWN_URLS |= {"preview_url", "page.handout_url", "page.pdf_url", "handout.pdf_url"}
URL_ATTRIBUTE = re.compile(r'\b(?:href|src|action|formaction|poster|cite)="\{\{\s*([^}]*?)\s*\}\}')


def test_every_stored_url_a_template_writes_into_a_link_passes_the_scheme_check():
    unchecked = []
    for template in (ROOT / "templates").rglob("*.html"):
        for expression in URL_ATTRIBUTE.findall(template.read_text(encoding="utf-8")):
            variable, *filters = expression.split("|")
            if variable.strip() not in OWN_URLS and not {"safe_url", "web_url"} & {
                    name.split(":")[0].strip() for name in filters}:
                unchecked.append(f"{template.relative_to(ROOT)}: {expression}")
    assert unchecked == []


def test_stylesheets_use_logical_properties_not_left_or_right():
    for stylesheet in (ROOT / "static" / "css").glob("*.css"):
        css = re.sub(r"/\*.*?\*/", "", stylesheet.read_text(), flags=re.S)
        found = re.findall(r"[\w-]*\b(?:left|right)\b[\w-]*", css)
        assert not found, f"{stylesheet.name}: {found}"


def po_entries(path):
    """(msgid, msgstr forms, flags) for each entry of a .po file, header excluded."""
    entries, flags, msgid, msgstrs, current = [], [], None, [], None
    def close():
        if msgid:
            entries.append((msgid, msgstrs, flags))
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            close()
            flags, msgid, msgstrs, current = [], None, [], None
        elif line.startswith("#,"):
            flags = [flag.strip() for flag in line[2:].split(",")]
        elif line.startswith("msgid "):
            msgid, current = literal_eval(line[6:]), "msgid"
        elif line.startswith("msgid_plural "):
            current = "plural"
        elif line.startswith("msgstr"):
            msgstrs.append(literal_eval(line.split(" ", 1)[1]))
            current = "msgstr"
        elif line.startswith('"'):
            if current == "msgid":
                msgid += literal_eval(line)
            elif current == "msgstr":
                msgstrs[-1] += literal_eval(line)
    return entries


def test_the_arabic_catalogue_has_no_untranslated_or_fuzzy_entry():
    entries = po_entries(CATALOGUE)
    assert len(entries) > 50
    untranslated = [msgid for msgid, msgstrs, _ in entries if not all(msgstrs)]
    fuzzy = [msgid for msgid, _, flags in entries if "fuzzy" in flags]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy


def test_the_arabic_catalogue_holds_every_string_the_code_and_templates_use(tmp_path):
    # Extract afresh from a copy of the sources, so the working tree is never touched.
    for name in ("manage.py", "portal", "content", "templates", "locale"):
        source = ROOT / name
        copy = shutil.copytree if source.is_dir() else shutil.copy
        copy(source, tmp_path / name)
    result = run_django("makemessages", "-l", "ar", "--no-obsolete", cwd=tmp_path, DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    fresh = {msgid for msgid, _, _ in po_entries(tmp_path / CATALOGUE.relative_to(ROOT))}
    shipped = {msgid for msgid, _, _ in po_entries(CATALOGUE)}
    assert fresh - shipped == set(), "run makemessages -l ar and translate the new strings"


def test_ui_strings_come_out_in_arabic():
    with translation.override("ar"):
        assert translation.gettext("Skip to main content") != "Skip to main content"
        assert translation.gettext("Risks") == "المخاطر"
        assert re.search(r"[\u0600-\u06FF]", translation.gettext("References"))


def test_a_production_start_without_a_secret_key_stops_with_a_clear_message():
    result = run_django("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


PRODUCTION = {
    "DJANGO_SECRET_KEY": "k3Jq9-vX2mZp7RtL0wYb4NcS8hUe1GaD6fQo5iTj-Wy3Ks9VxE7rP2sN4uB8cF0",
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
    "DJANGO_SSL_REDIRECT": "1",
    "DJANGO_HSTS_SECONDS": "31536000",
    "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "1",
    "DJANGO_HSTS_PRELOAD": "1",
}


def test_a_production_deployment_configured_from_the_environment_passes_every_deploy_check():
    result = run_django("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_without_the_tls_settings_the_deploy_check_warns():
    result = run_django(
        "check", "--deploy", "--fail-level", "WARNING",
        **{k: v for k, v in PRODUCTION.items() if "SSL" not in k and "HSTS" not in k},
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout


@pytest.mark.parametrize("debug, expected", [(None, "False"), ("0", "False"), ("1", "True")])
def test_debug_is_off_unless_asked_for(debug, expected):
    env = dict(PRODUCTION) | ({"DJANGO_DEBUG": debug} if debug is not None else {})
    result = run_django("shell", "-c", "from django.conf import settings; print(settings.DEBUG)", **env)
    assert result.stdout.strip().splitlines()[-1] == expected, result.stderr
