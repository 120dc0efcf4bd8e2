"""Error pages (400, 403, 404, 410, 500) in the site's design and in the language of the address.

A patient who mistypes an address, follows an old QR code or hits a fault gets a page they can
read (Arabic under /ar/, English otherwise), a way back to the list of guides, and the clinic's
phone. The language comes from the address itself, not from the browser, because the address is
what the patient chose.

These pages are drawn without the template context processors: those query the database, and an
error page must render when the database is what failed. The clinic is looked up here instead,
and a failing lookup just leaves the phone out.
"""

import logging
import sys

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import get_language_from_path
from django.utils.translation import gettext as _

from content import languages

logger = logging.getLogger(__name__)

TEMPLATE = "errors/error.html"
# How long a reader is asked to wait before trying again when the database is busy.
BUSY_RETRY_AFTER_SECONDS = 10


def _language_of(request):
    """The language of the address (/ar/... -> ar); English where the address has none."""
    path = getattr(request, "path_info", "") or ""
    return get_language_from_path(path) or languages.SOURCE


def _clinic():
    """The clinic and its texts in the active language, or (None, {}) if they cannot be read."""
    try:
        # Imported here so that an error page can be drawn even if the models fail to import.
        from content.editing.models import Clinic
        from content.publishing.localized import clinic_texts

        clinic = Clinic.current()
        return clinic, clinic_texts(clinic)
    except Exception:  # the database may be down; the page must still be drawn
        logger.warning("Error page drawn without the clinic's details", exc_info=True)
        return None, {}


def _other_languages(language):
    """Links to the list of guides in the other languages: the way out of a wrong address."""
    links = []
    for code in languages.CODES:
        if code == language:
            continue
        with translation.override(code):
            url = reverse("content:procedure_list")
        links.append({"code": code, "name_local": languages.local_name(code),
                      "dir": languages.direction(code), "url": url})
    return links


def _minimal_page(language, status, heading):
    """The last resort if the designed page itself cannot be drawn: plain, still translated."""
    direction = languages.direction(language)
    heading, back = escape(heading), escape(_("See all procedures and treatments"))
    return (f'<!DOCTYPE html><html lang="{language}" dir="{direction}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{heading}</title></head><body><h1>{heading}</h1>"
            # A literal address: reverse() may be what is failing.
            f'<p><a href="/{language}/">{back}</a></p></body></html>')


def _render(status, heading, explanation, message=""):
    """The designed error page with `status`; texts are in the address's language already.

    Drawn without the request, so no context processor (and no query) runs: see the module's
    docstring."""
    language = translation.get_language()
    clinic, clinic_text = _clinic()
    context = {
        "status": status,
        "heading": heading,
        "explanation": explanation,
        "message": message,
        "clinic": clinic,
        "clinic_text": clinic_text,
        "other_languages": _other_languages(language),
        "page_languages": [],
    }
    try:
        body = render_to_string(TEMPLATE, context)
    except Exception:  # a broken template or static manifest must not turn a 404 into a 500
        logger.exception("Error page template failed; serving the minimal page")
        body = _minimal_page(language, status, heading)
    response = HttpResponse(body, status=status)
    response["Content-Language"] = language
    # An error is about this moment: a shared cache must not keep it.
    response["Cache-Control"] = "no-store"
    return response


def _view_message(exception):
    """The message a view raised for the reader, if it raised one meant for them.

    Django's own 404s carry no such message: the resolver's is a dict of tried patterns, and
    get_object_or_404's names a model ("No Procedure matches the given query."); neither is
    shown. A view that raises Http404(_("...")) with a translated sentence is shown.
    """
    if exception is None or isinstance(exception, Resolver404) or not exception.args:
        return ""
    message = exception.args[0]
    if not isinstance(message, str | Promise):  # Promise: a lazily translated sentence
        return ""
    message = str(message)
    return "" if message.endswith("matches the given query.") else message


def bad_request(request, exception=None):
    with translation.override(_language_of(request)):
        if isinstance(exception, RequestDataTooBig):
            explanation = _("What you sent was larger than a form may be, so nothing was saved. Go "
                            "back: your text should still be in the form. Shorten the longest "
                            "texts, or save them in parts.")
        elif isinstance(exception, TooManyFieldsSent):
            explanation = _("The address or form had too many parts for us to read. "
                            "Please go back and try a shorter one.")
        elif isinstance(exception, TooManyFilesSent):
            explanation = _("You sent too many files at once. Please send fewer at a time.")
        else:
            explanation = _("We could not understand the address or the form you sent. "
                            "Please check it and try again.")
        return _render(400, _("We could not read that request"), explanation)


def permission_denied(request, exception=None):
    with translation.override(_language_of(request)):
        return _render(
            403, _("This page is not open to you"),
            _("You may need to sign in, or this page may be for clinic staff only."),
            _view_message(exception),
        )


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check, most often because its page was open too long.

    For settings.CSRF_FAILURE_VIEW = "content.site.errors.csrf_failure"; `reason` is Django's
    technical one and is logged, not shown.
    """
    logger.warning("CSRF check failed: %s", reason)
    with translation.override(_language_of(request)):
        return _render(
            403, _("This form has expired"),
            _("For your safety, a form can only be sent for a while after it is opened. "
              "Please go back, reload the page and try again."),
        )


def page_not_found(request, exception=None):
    with translation.override(_language_of(request)):
        return _render(
            404, _("We cannot find this page"),
            _("The address may be mistyped, or the page may have moved. "
              "You can find every guide in the list of procedures."),
            _view_message(exception),
        )


def gone(request, message=None):
    """The 410 page for a guide that was withdrawn: it existed, and it will not come back here."""
    with translation.override(_language_of(request)):
        return _render(
            410, _("This guide is no longer available"),
            _("It has been taken down, for example because it was out of date. "
              "Ask your care team for the latest information."),
            message or "",
        )


def server_error(request):
    # Django calls this while it handles the exception, so the exception is at hand here.
    if _database_busy(sys.exc_info()[1]):
        return busy(request)
    with translation.override(_language_of(request)):
        return _render(
            500, _("Something went wrong on our side"),
            _("This is not your fault. Please try again in a few minutes."),
        )


def _database_busy(exception):
    """SQLite refusing a write that waited settings.SQLITE_TIMEOUT_SECONDS for another to finish."""
    return isinstance(exception, OperationalError) and "database is locked" in str(exception)


def busy(request):
    """The 503 page for a request that waited out SQLite's lock: busy, try again, and for a form
    sent, that it was not saved. In the address's language, or for the admin, whose addresses
    have none, in the language it is shown in."""
    language = get_language_from_path(getattr(request, "path_info", "") or "")
    if not language:
        chosen = getattr(request, "LANGUAGE_CODE", "")
        language = chosen if chosen in languages.CODES else languages.SOURCE
    with translation.override(language):
        message = ""
        if request.method == "POST":
            message = _("What you sent has not been saved. Please go back and send it again.")
        response = _render(
            503, _("The portal is busy"),
            _("Other changes are being saved at this moment. Please try again in a minute."),
            message,
        )
    response["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
    # One line, not the traceback Django logs for a 500: the wait is the expected end of a
    # rare collision (SQLITE_TIMEOUT_SECONDS), not a fault in the code.
    logger.warning("Database busy: %s %s waited out the lock and was answered 503",
                   request.method, getattr(request, "path", ""))
    response._has_been_logged = True
    return response
