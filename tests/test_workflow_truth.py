"""The workflow and its history tell the truth, and no saved text can make the admin unusable.

- Publishing is of what was reviewed: only a page in review is published; unpublishing asks for
  a reason; republishing a withdrawn revision makes a new version, and History lists every one.
- Each role is shown only what it can use, and each save says one thing.
- The change page's and the compare view's word diffs are bounded, whatever was saved.
"""

import difflib
import re

import pytest

from content.editing import freshness
from content.models import Procedure, WorkflowEvent
from tests.builders import DEMO_SLUG, make_staff
from tests.test_admin import change_url, extract_form_data, section_index
from tests.test_review_rules import section_translation_status
from tests.test_workflow import as_user, edit, publish_latest, workflow

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


def history(client, procedure):
    return client.get(f"/admin/content/procedure/{procedure.pk}/history/").content.decode()


def live_number(procedure):
    live = Procedure.objects.get(pk=procedure.pk).live_version
    return live.number if live else None


# Publishing is of what was reviewed


@pytest.mark.parametrize("who", ["reviewer", "superuser"])
def test_a_draft_never_sent_for_review_is_not_published_by_anyone(
    client, demo_procedure, editor, reviewer, who
):
    publisher = reviewer if who == "reviewer" else make_staff(
        "root", superuser=True, first_name="Sam", last_name="Super", role_en="Medical director",
        role_ar="المدير الطبي")
    as_user(client, editor)
    edit(client, demo_procedure, summary_en="Never reviewed.")
    as_user(client, publisher)
    response = publish_latest(client, demo_procedure)
    assert any("Send it for review first" in m for m in messages_of(response))
    assert live_number(demo_procedure) == 1
    assert not demo_procedure.events.filter(action=WorkflowEvent.Action.PUBLISHED).exists()
    # Sent for review (by anyone who may: the history then says who), it is published.
    as_user(client, editor if who == "reviewer" else publisher)
    workflow(client, demo_procedure, "submit")
    as_user(client, publisher)
    publish_latest(client, demo_procedure)
    assert live_number(demo_procedure) == 2


def test_unpublishing_asks_for_confirmation_and_a_reason_that_history_shows(
    client, demo_procedure, reviewer
):
    as_user(client, reviewer)
    page = client.get(change_url(demo_procedure)).content.decode()
    box = page.split('class="workflow__actions"')[1].split("</div>")[0]
    confirm_url = f"/admin/content/procedure/{demo_procedure.pk}/workflow/unpublish/"
    assert f'<a href="{confirm_url}" class="button">Unpublish</a>' in box  # no one-click POST
    confirm = client.get(confirm_url)
    assert confirm.status_code == 200 and live_number(demo_procedure) == 1
    assert re.search(r'<textarea[^>]*name="comment"[^>]*required', confirm.content.decode())
    for blank in ("", "  \n\t "):
        refused = client.post(confirm_url, {"comment": blank})
        assert refused.status_code == 200
        html = refused.content.decode()
        assert "Say why the page is withdrawn" in html
        assert f"required>{blank}</textarea>" in html  # what was typed is kept
        assert live_number(demo_procedure) == 1
    assert not demo_procedure.events.filter(action=WorkflowEvent.Action.UNPUBLISHED).exists()
    done = client.post(confirm_url, {"comment": " The dose table is being corrected. "})
    assert done.status_code == 302 and live_number(demo_procedure) is None
    event = demo_procedure.events.get(action=WorkflowEvent.Action.UNPUBLISHED)
    assert event.comment == "The dose table is being corrected." and event.version_number == 1
    assert "The dose table is being corrected." in history(client, demo_procedure)


def test_republishing_a_withdrawn_revision_makes_a_new_version_and_history_lists_both(
    client, demo_procedure, editor, reviewer
):
    as_user(client, reviewer)
    workflow(client, demo_procedure, "unpublish", comment="A check of the doses.")
    as_user(client, editor)
    workflow(client, demo_procedure, "submit")
    as_user(client, reviewer)
    assert publish_latest(client, demo_procedure).status_code == 302
    assert live_number(demo_procedure) == 2
    assert Procedure.objects.get(pk=demo_procedure.pk).live_version.revision.number == 1
    row = history(client, demo_procedure).split("<td>r1")[1].split("</tr>")[0]
    assert re.search(r"v1, [\d: -]+ \(withdrawn\)", row)
    assert re.search(r"v2, [\d: -]+ \(<strong>live</strong>\)", row)


def test_a_does_not_change_the_meaning_tick_is_recorded_in_history_with_who_and_which_parts(
    client, demo_procedure, editor
):
    as_user(client, editor)
    data = extract_form_data(client.get(change_url(demo_procedure)).content.decode())
    index = section_index(data, "overview")
    data[f"sections-{index}-body_en"] = data[f"sections-{index}-body_en"].replace("liver", "Liver", 1)
    data[f"sections-{index}-english_keeps_meaning"] = "on"
    data["summary_en"] += " "  # untouched as far as meaning goes: not a change
    assert client.post(change_url(demo_procedure), data).status_code == 302
    event = demo_procedure.events.get(action=WorkflowEvent.Action.MEANING_KEPT)
    assert (event.user, event.user_name, event.revision_number) == (editor, "Erin Editor", 2)
    assert event.data == {"parts": [{"section": "overview", "field": "body"}]}
    shown = history(client, demo_procedure)
    assert "English edited without changing the meaning" in shown
    assert "Overview: Text (Markdown)" in shown
    # An edit without the tick records no such event.
    edit(client, demo_procedure, summary_en="A different summary.")
    assert demo_procedure.events.filter(action=WorkflowEvent.Action.MEANING_KEPT).count() == 1


# Each role sees what it can use; previews are for the roles


def test_a_staff_account_in_no_group_is_refused_previews(client, demo_procedure, editor):
    preview = f"/en/procedures/{DEMO_SLUG}/preview/"
    as_user(client, make_staff("nobody"))
    assert client.get(preview).status_code == 403
    assert client.get(f"/ar/procedures/{DEMO_SLUG}/preview/").status_code == 403
    as_user(client, editor)
    assert client.get(preview).status_code == 200


def save_buttons(client, procedure):
    html = client.get(change_url(procedure)).content.decode()
    return re.findall(r'<input type="submit"[^>]*name="(_\w+)"', html)


def test_a_reviewer_who_may_change_no_text_is_shown_no_save_button(
    client, demo_procedure, editor, translator, reviewer
):
    as_user(client, reviewer)
    assert save_buttons(client, demo_procedure) == []
    for role in (editor, translator):
        as_user(client, role)
        assert "_save" in save_buttons(client, demo_procedure), role


def test_each_save_says_one_thing(client, demo_procedure, editor):
    as_user(client, editor)
    data = extract_form_data(client.get(change_url(demo_procedure)).content.decode())
    response = client.post(change_url(demo_procedure), data)
    assert messages_of(response) == ["Nothing had changed; no revision was recorded."]
    response = edit(client, demo_procedure, summary_en="A clearer summary.")
    assert len(messages_of(response)) == 1 and "Saved as revision 2" in messages_of(response)[0]


# Bounded diffs

# What one matcher may compare, a side: words, spaces and marks of a changed stretch, or
# paragraphs. difflib's matcher takes time growing faster than the square of this.
MATCHED_A_SIDE = 200


@pytest.fixture
def matcher_sizes(monkeypatch):
    """The sizes of everything given to difflib's matcher; a comparison over the bound fails
    at once, before the work it would take."""
    sizes = []

    class Recording(difflib.SequenceMatcher):
        def __init__(self, isjunk=None, a="", b="", autojunk=True):
            sizes.append((len(a), len(b)))
            assert max(len(a), len(b)) <= MATCHED_A_SIDE, f"compared {len(a)} with {len(b)} items"
            super().__init__(isjunk, a, b, autojunk)

    monkeypatch.setattr(freshness.difflib, "SequenceMatcher", Recording)
    return sizes


def test_a_huge_accepted_english_text_opens_the_change_page_with_bounded_diff_work(
    client, demo_procedure, editor, translator, matcher_sizes
):
    huge = "x " * 9999
    as_user(client, editor)
    assert edit(client, demo_procedure, **{"section:overview:body_en": huge}).status_code == 302
    as_user(client, translator)
    response = client.get(change_url(demo_procedure))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<ins>x x x") == 1  # the new text, shown whole as added
    assert len(matcher_sizes) <= 20
    compare = client.get(f"/admin/content/procedure/{demo_procedure.pk}/compare/",
                         {"from": 1, "to": 2})
    assert compare.status_code == 200 and compare.content.decode().count("<ins>x x x") == 1
    assert len(matcher_sizes) <= 40


def test_a_text_with_many_changed_paragraphs_shows_ten_and_says_how_many_more(
    client, demo_procedure, editor, translator, matcher_sizes
):
    before = "\n\n".join(f"Paragraph {n} says one thing." for n in range(25))
    after = "\n\n".join(f"Paragraph {n} says another thing." for n in range(25))
    changes = freshness.changed_paragraphs(before, after)
    assert len(changes.shown) == 10 and changes.hidden == 15
    assert changes.shown[0] == "Paragraph 0 says <del>one</del><ins>another</ins> thing."
    as_user(client, editor)
    assert edit(client, demo_procedure, **{"section:risks:body_en": after}).status_code == 302
    as_user(client, translator)
    html = client.get(change_url(demo_procedure)).content.decode()
    risks = section_translation_status(html, "risks")
    assert risks.count('class="word-diff"') == 10
    assert re.search(r"\d+ more changes not shown", risks)
    assert len(matcher_sizes) <= 30


def test_a_small_edit_in_a_long_paragraph_still_shows_the_exact_word_diff(matcher_sizes):
    long = " ".join(f"word{n}" for n in range(2000)) + " the dose is 5 mg daily. " + "end " * 500
    edited = long.replace("5 mg daily", "10 mg twice daily")
    shown = freshness.changed_paragraphs(long, edited).shown
    assert len(shown) == 1 and shown[0].count("<del>") == 1 and shown[0].count("<ins>") == 2
    assert "the dose is <del>5</del><ins>10</ins> mg<ins> twice</ins> daily. end" in shown[0]
    assert freshness.word_diff("a strong drug", "a powerful drug") == (
        "a <del>strong</del><ins>powerful</ins> drug")
