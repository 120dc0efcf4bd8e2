"""Typed work in the browser: the admin warns before an idle session ends and keeps it on
request, and a form too large for the server is stopped before it is sent, its text kept."""

import time

import pytest

PASSWORD = "a-long-and-correct-password-1"


@pytest.fixture
def signed_in(chromium, portal_url, django_user_model):
    django_user_model.objects.create_superuser("editor", password=PASSWORD)
    context = chromium.new_context()
    page = context.new_page()
    page.goto(f"{portal_url}/admin/login/?next=/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{portal_url}/admin/")
    yield page
    context.close()


def test_the_admin_warns_before_an_idle_session_ends_and_stay_signed_in_keeps_it(
    signed_in, portal_url, demo_procedure, settings
):
    settings.STAFF_SESSION_IDLE_SECONDS = 12  # the notice comes half-way: after 6 seconds
    page = signed_in
    change = f"{portal_url}/admin/content/procedure/{demo_procedure.pk}/change/"
    page.goto(change)
    signed_in_at = time.monotonic()
    notice = page.locator('#portal-session[role="alert"]')
    assert not notice.is_visible()
    notice.wait_for(state="visible", timeout=15_000)
    assert "signed out in" in notice.inner_text()
    page.get_by_role("button", name="Stay signed in").click()
    page.locator("#portal-session", has_text="You are still signed in.").wait_for(timeout=5_000)
    # Past the moment the session would have ended without the button, it is still open.
    time.sleep(max(0, 12 + 2 - (time.monotonic() - signed_in_at)))
    page.goto(change)
    assert page.url == change
    assert page.locator("#procedure_form").count() == 1


def test_a_form_too_large_for_the_server_is_stopped_in_the_browser_with_the_text_kept(
    signed_in, portal_url, demo_procedure
):
    page = signed_in
    change = f"{portal_url}/admin/content/procedure/{demo_procedure.pk}/change/"
    page.goto(change)
    summary = page.locator("#id_summary_en")
    page.evaluate("document.getElementById('id_summary_en').value = 'x'.repeat(3 * 1024 * 1024)")
    page.locator("input[name=_continue]").click()
    notice = page.locator('#portal-session[role="alert"]')
    notice.wait_for(state="visible", timeout=5_000)
    message = notice.inner_text()
    assert "too large to send" in message
    assert "Summary" in message or "summary" in message  # the field is named
    assert page.url == change  # nothing was sent
    assert len(summary.input_value()) == 3 * 1024 * 1024
