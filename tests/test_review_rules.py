"""Review rules that once broke without any test noticing.

- "This English edit does not change the meaning" keeps a *current* Arabic current; it must not
  make an Arabic that was already out of date look current.
- Publishing the revision that is already live is refused: it would add a version that changes
  nothing.
- A send-back needs a comment the editor can act on; whitespace alone is no comment.

Each is checked where a person notices it: the working copy, the translator's change page, the
reviewer's message, the Arabic patient page.
"""

import html
import re

import pytest
from django.utils import translation

from content.editing import freshness
from content.editing.revisions import record_revision
from content.models import Procedure, Publication, WorkflowEvent
from content.publishing.workflow import WorkflowRefused, publish, send_back, submit_for_review
from tests.builders import DEMO_SLUG, add_section, make_procedure
from tests.test_admin import change_url, section_index
from tests.test_workflow import as_user, edit, publish_latest, workflow

pytestmark = pytest.mark.django_db

# Only strings `str.strip()` removes completely, as a browser would post them.
BLANK_COMMENTS = [" ", "   ", "\t", "\n", "\r\n", " \t\r\n ", "\u00a0", "\u00a0 \u00a0\n"]
BLANK_IDS = ["space", "spaces", "tab", "newline", "crlf", "mixed", "no-break-space",
             "no-break-spaces-and-newline"]


@pytest.fixture(autouse=True)
def messages_in_english():
    """Refusals are worded in the active language, and a request to an Arabic page earlier in the
    same thread leaves Arabic active: the function-level tests read them in English, whatever
    ran before. (Each admin request activates its own language anyway.)"""
    with translation.override("en"):
        yield


def workflow_seen(client, procedure, action, **data):
    """Post a workflow button and follow the redirect to the page the reviewer then sees."""
    return client.post(f"/admin/content/procedure/{procedure.pk}/workflow/{action}/", data,
                       follow=True)


def shown_errors(response):
    """The error messages the admin shows on a page reached by following a redirect."""
    found = re.search(r'<ul class="messagelist">(.*?)</ul>', response.content.decode(), re.S)
    return [html.unescape(text) for text in
            re.findall(r'<li class="error">(.*?)</li>', found.group(1), re.S)] if found else []


def inline_block(page, prefix, index):
    """The HTML of one inline form (e.g. sections-3) on an admin change page."""
    start = page.index(f'id="{prefix}-{index}"')
    end = page.find(f'id="{prefix}-', start + 1)
    return page[start:end if end != -1 else len(page)]


def section_translation_status(page, kind):
    block = inline_block(page, "sections", section_index(page, kind))
    return block.split('<ul class="translation-status">')[1].split("</ul>")[0]


def public_section(page, kind):
    anchor = kind.replace("_", "-")
    return page.split(f'<section class="procedure__section" id="{anchor}"')[1].split("</section>")[0]


# 1. "This English edit does not change the meaning"


def test_the_meaning_unchanged_tick_keeps_a_current_arabic_current_but_an_out_of_date_one_out_of_date():
    procedure = make_procedure()
    risks = add_section(procedure, "risks", body_en="Bleeding is rare.", body_ar="النزيف نادر.")
    travel = add_section(procedure, "travel", body_en="Flying is generally fine.",
                         body_ar="السفر بالطائرة آمن عادةً.")
    # An English change nobody said keeps the meaning: the Arabic no longer covers it.
    risks.body_en = "Bleeding is rare. Rarely, the pump stops workng."
    risks.save()
    assert risks.field_state("body") == freshness.OUTDATED

    # Later the editor fixes the typo and ticks the box, for both parts.
    for section, english in ((risks, "Bleeding is rare. Rarely, the pump stops working."),
                             (travel, "Flying is usually fine.")):
        section.body_en = english
        section.meaning_unchanged = True
        section.save()

    risks.refresh_from_db()
    travel.refresh_from_db()
    assert risks.field_state("body") == freshness.OUTDATED
    assert risks.translation["body"]["source"] == "Bleeding is rare."
    assert travel.field_state("body") == freshness.CURRENT


def test_an_out_of_date_arabic_stays_flagged_for_translator_and_patients_after_a_meaning_unchanged_edit(
    client, demo_procedure, editor, translator, reviewer
):
    as_user(client, editor)
    # An added sentence, with a typo, saved without the tick: the risks Arabic is out of date.
    response = edit(client, demo_procedure,
                    **{"section:risks:body_en": lambda t: t + "\n\nRarely, the pump stops workng."})
    assert response.status_code == 302
    assert demo_procedure.sections.get(kind="risks").field_state("body") == freshness.OUTDATED
    # The typo fixed with the tick; in the same save, a wording change to the travel section,
    # whose Arabic was current, also with the tick.
    response = edit(client, demo_procedure, **{
        "section:risks:body_en": lambda t: t.replace("workng", "working"),
        "section:risks:english_keeps_meaning": "on",
        "section:travel:body_en": lambda t: t.replace("generally fine", "usually fine", 1),
        "section:travel:english_keeps_meaning": "on",
    })
    assert response.status_code == 302

    # The working copy.
    states = {s.kind: s.field_state("body") for s in demo_procedure.sections.all()}
    assert states["risks"] == freshness.OUTDATED
    assert states["travel"] == freshness.CURRENT
    assert Procedure.objects.get(pk=demo_procedure.pk).arabic_outdated == 1
    workflow(client, demo_procedure, "submit")

    # The translator: risks flagged with the whole English change since the Arabic was written,
    # travel up to date.
    as_user(client, translator)
    page = client.get(change_url(demo_procedure)).content.decode()
    risks = section_translation_status(page, "risks")
    assert "May be out of date" in risks
    assert "<ins>Rarely, the pump stops working.</ins>" in risks
    travel = section_translation_status(page, "travel")
    assert "Up to date" in travel and "May be out of date" not in travel
    assert "1 part may be out of date" in page

    # Patients, once a reviewer publishes: the Arabic risks section says it may be out of date.
    as_user(client, reviewer)
    assert publish_latest(client, demo_procedure).status_code == 302
    assert Procedure.objects.get(pk=demo_procedure.pk).live_version.number == 2
    arabic = client.__class__().get(f"/ar/procedures/{DEMO_SLUG}/").content.decode()
    risks = public_section(arabic, "risks")
    assert "notice--outdated" in risks
    assert f'href="/en/procedures/{DEMO_SLUG}/#risks"' in risks  # to the part in English
    assert "notice--outdated" not in public_section(arabic, "travel")


# 2. Republishing the live revision


def published_state(procedure):
    procedure = Procedure.objects.select_related("live_version").get(pk=procedure.pk)
    return {
        "versions": Publication.objects.filter(procedure=procedure).count(),
        "live": procedure.live_version.number,
        "live_revision": procedure.live_version.revision.number,
        "published_events": procedure.events.filter(action=WorkflowEvent.Action.PUBLISHED).count(),
    }


def test_publishing_the_revision_that_is_already_live_is_refused_and_adds_no_version(
    demo_procedure, reviewer
):
    before = published_state(demo_procedure)
    assert before["live_revision"] == demo_procedure.revision  # the latest revision is live
    with pytest.raises(WorkflowRefused, match=r"Revision 1 is already the live version\."):
        publish(demo_procedure, reviewer, seen_revision=demo_procedure.revision)
    assert published_state(demo_procedure) == before


def test_a_reviewer_publishing_the_live_revision_again_in_the_admin_is_told_so_and_nothing_changes(
    client, demo_procedure, editor, reviewer
):
    as_user(client, editor)
    edit(client, demo_procedure, summary_en="A clearer summary.")
    workflow(client, demo_procedure, "submit")
    as_user(client, reviewer)
    assert publish_latest(client, demo_procedure).status_code == 302  # v2, of revision 2
    before = published_state(demo_procedure)
    assert (before["versions"], before["live"], before["published_events"]) == (2, 2, 1)

    # A second click, or the same page open in another tab.
    response = workflow_seen(client, demo_procedure, "publish", revision=2)
    assert response.status_code == 200
    assert "Revision 2 is already the live version." in shown_errors(response)
    assert published_state(demo_procedure) == before


# 3. Sending back with a blank comment


def _in_review(editor):
    procedure = make_procedure()
    add_section(procedure, "overview")
    record_revision(procedure, editor)
    submit_for_review(procedure, editor)
    procedure.refresh_from_db()
    assert procedure.status == Procedure.Status.IN_REVIEW
    return procedure


@pytest.mark.parametrize("comment", BLANK_COMMENTS, ids=BLANK_IDS)
def test_sending_back_with_a_whitespace_only_comment_is_refused(editor, reviewer, comment):
    procedure = _in_review(editor)
    with pytest.raises(WorkflowRefused, match="Say what needs to change"):
        send_back(procedure, reviewer, comment)
    procedure.refresh_from_db()
    assert procedure.status == Procedure.Status.IN_REVIEW
    assert not procedure.events.filter(action=WorkflowEvent.Action.SENT_BACK).exists()


def test_sending_back_with_a_comment_between_spaces_is_accepted_and_keeps_the_words(editor, reviewer):
    procedure = _in_review(editor)
    send_back(procedure, reviewer, "\u00a0 Say which doses are meant.\n ")
    procedure.refresh_from_db()
    assert procedure.status == Procedure.Status.DRAFT
    event = procedure.events.get(action=WorkflowEvent.Action.SENT_BACK)
    assert event.comment == "Say which doses are meant."


@pytest.mark.parametrize("comment", [" \t\r\n ", "\u00a0", "\u00a0 \u00a0\n"],
                         ids=["mixed", "no-break-space", "no-break-spaces-and-newline"])
def test_a_reviewer_sending_back_with_a_whitespace_only_comment_in_the_admin_is_told_to_say_what_to_change(
    client, demo_procedure, editor, reviewer, comment
):
    as_user(client, editor)
    edit(client, demo_procedure, summary_en="Unclear summary.")
    workflow(client, demo_procedure, "submit")
    assert Procedure.objects.get(pk=demo_procedure.pk).status == Procedure.Status.IN_REVIEW
    as_user(client, reviewer)
    response = workflow_seen(client, demo_procedure, "send_back", comment=comment)
    assert response.status_code == 200
    assert ("Say what needs to change, so the editor knows what to do."
            in shown_errors(response))
    assert Procedure.objects.get(pk=demo_procedure.pk).status == Procedure.Status.IN_REVIEW
    assert not demo_procedure.events.filter(action=WorkflowEvent.Action.SENT_BACK).exists()
    as_user(client, editor)
    assert "Sent back by" not in client.get(change_url(demo_procedure)).content.decode()
