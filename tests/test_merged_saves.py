"""Two people saving different parts of a page opened at the same time: both saves are kept.
Only a field both changed is refused, named, with both texts shown and the second person's text
still in the form; the save that merges is recorded as one revision by whoever made it."""

import html

import pytest

from content.editing import roles
from content.models import Procedure
from tests.builders import make_staff
from tests.test_admin import change_url, extract_form_data, section_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_editors(client, demo_procedure):
    """Erin and Omar, each with the change form of the demo procedure opened on one revision."""
    erin = make_staff("erin", group=roles.EDITOR, first_name="Erin", last_name="Editor")
    omar = make_staff("omar", group=roles.EDITOR, first_name="Omar", last_name="Other")
    url = change_url(demo_procedure)
    client.force_login(erin)
    erins = extract_form_data(client.get(url).content.decode())
    client.force_login(omar)
    omars = extract_form_data(client.get(url).content.decode())
    assert erins["loaded_version"] == omars["loaded_version"]
    return client, url, (erin, erins), (omar, omars)


def save_as(client, user, url, data):
    client.force_login(user)
    return client.post(url, data)


def test_saves_of_different_fields_from_forms_opened_together_are_both_kept(two_editors, demo_procedure):
    client, url, (erin, erins), (omar, omars) = two_editors
    opened_on = int(erins["loaded_version"])
    erins["summary_en"] = "Erin's new summary."
    assert save_as(client, erin, url, erins).status_code == 302
    risks = section_index(omars, "risks")
    omars[f"sections-{risks}-body_en"] = "- Omar's rewritten risks"
    response = save_as(client, omar, url, omars)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    demo_procedure.refresh_from_db()
    assert demo_procedure.summary_en == "Erin's new summary."
    assert demo_procedure.sections.get(kind="risks").body_en == "- Omar's rewritten risks"
    # Omar's merged save is one revision, recorded as his, holding both changes.
    latest = demo_procedure.revisions.order_by("-number").first()
    assert latest.number == opened_on + 2
    assert latest.created_by == omar
    assert latest.content["procedure"]["summary_en"] == "Erin's new summary."


def test_a_section_and_the_summary_changed_the_other_way_round_merge_too(two_editors, demo_procedure):
    client, url, (erin, erins), (omar, omars) = two_editors
    risks = section_index(erins, "risks")
    erins[f"sections-{risks}-body_en"] = "- New risks"
    assert save_as(client, erin, url, erins).status_code == 302
    omars["title_en"] = "Omar's title"
    assert save_as(client, omar, url, omars).status_code == 302
    demo_procedure.refresh_from_db()
    assert demo_procedure.title_en == "Omar's title"
    assert demo_procedure.sections.get(kind="risks").body_en == "- New risks"


def test_a_field_both_changed_is_refused_named_with_both_texts_and_mine_kept(two_editors, demo_procedure):
    client, url, (erin, erins), (omar, omars) = two_editors
    risks = section_index(omars, "risks")
    erins[f"sections-{risks}-body_en"] = "- Erin's risks"
    assert save_as(client, erin, url, erins).status_code == 302
    omars[f"sections-{risks}-body_en"] = "- Omar's risks"
    omars["summary_en"] = "Omar's summary, not overlapping."
    response = save_as(client, omar, url, omars)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Section “Risks”" in html.unescape(page)  # the part and field are named
    assert "Erin Editor" in page
    assert "Erin&#x27;s risks" in page or "Erin's risks" in page  # their text is shown
    # Omar's text is still in the input, and nothing of his save was stored.
    assert extract_form_data(page)[f"sections-{risks}-body_en"] == "- Omar's risks"
    demo_procedure.refresh_from_db()
    assert demo_procedure.sections.get(kind="risks").body_en == "- Erin's risks"
    assert demo_procedure.summary_en != "Omar's summary, not overlapping."
    # Sent again as shown (he has now seen both), the form saves his text over the newer revision.
    again = extract_form_data(page)
    assert save_as(client, omar, url, again).status_code == 302
    demo_procedure.refresh_from_db()
    assert demo_procedure.sections.get(kind="risks").body_en == "- Omar's risks"
    assert demo_procedure.summary_en == "Omar's summary, not overlapping."


def test_the_procedures_own_field_both_changed_is_named_and_the_rest_merged_into_the_form(
    two_editors, demo_procedure
):
    client, url, (erin, erins), (omar, omars) = two_editors
    erins["summary_en"] = "Erin's summary."
    erins["title_en"] = "Erin's title"
    assert save_as(client, erin, url, erins).status_code == 302
    omars["summary_en"] = "Omar's summary."
    response = save_as(client, omar, url, omars)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "you both changed summary" in page.lower() or "summary was changed both" in page.lower()
    assert "Erin's summary." in page
    shown = extract_form_data(response.content.decode())
    assert shown["summary_en"] == "Omar's summary."  # his, in the input
    assert shown["title_en"] == "Erin's title"  # hers, merged into the form he sees
    assert Procedure.objects.get(pk=demo_procedure.pk).summary_en == "Erin's summary."
