"""The admin's language, chosen per person: a switch in the header, remembered on the account.

A member of staff picks English or Arabic in the admin's header (`set_admin_language`, a POST
with the CSRF token); the choice is kept on their StaffProfile, and every admin page they open is
drawn in it, whatever their browser's Accept-Language says (`AdminLanguageMiddleware`). Nobody
chose yet, or not signed in (the sign-in page): the browser's language, as Django picks it.
Public pages carry their language in the address (/en/, /ar/) and are not affected.

Which language tab an input opens on is a different matter, the language the person may write
(`editing_language`): translators land on Arabic, everyone else on English.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from content import languages
from content.editing import roles
from content.editing.models import StaffProfile


def is_staff(user):
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def account_language(user):
    """The admin language the account chose, or None (never chose: the browser decides)."""
    if not is_staff(user):
        return None
    code = StaffProfile.objects.filter(user=user).values_list("admin_language", flat=True).first()
    return code if code in languages.CODES else None


def remember_language(user, code):
    profile, _created = StaffProfile.objects.get_or_create(user=user)
    StaffProfile.objects.filter(pk=profile.pk).update(admin_language=code)


def editing_language(user):
    """The language whose tab the change forms open on: the one this person writes. A translator
    writes the translation; an editor the source; a reviewer, who writes neither, reads the source
    first. Someone who may write both (a superuser) opens on the admin's own language."""
    english, arabic = roles.can_edit_english(user), roles.can_edit_arabic(user)
    if arabic and not english:
        return languages.TRANSLATION
    if arabic and english:
        return languages.active()
    return languages.SOURCE


def is_admin_path(path):
    return path.startswith(settings.ADMIN_URL_PREFIX)


class AdminLanguageMiddleware:
    """Draws every admin page of a signed-in member of staff in the language their account chose.

    Placed after LocaleMiddleware (which picked the browser's language) and the authentication
    middleware (which says who is asking)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_admin_path(request.path_info):
            code = account_language(getattr(request, "user", None))
            if code:
                translation.activate(code)
                request.LANGUAGE_CODE = code
        return self.get_response(request)


def _safe_next(request):
    """Where to go back to: the page the switch was on, if it is on this site; else the admin."""
    wanted = request.POST.get("next") or request.headers.get("referer", "")
    if wanted and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return reverse("admin:index")


@require_POST
def set_admin_language(request):
    """The header switch: remember the language on the account and go back to the same page."""
    if not is_staff(request.user):
        return redirect_to_login(reverse("admin:index"), reverse("admin:login"))
    code = request.POST.get("language", "")
    if code not in languages.CODES:
        return HttpResponseBadRequest(
            gettext("Choose one of the admin's languages: %(choices)s.")
            % {"choices": ", ".join(languages.local_name(c) for c in languages.CODES)},
            content_type="text/plain; charset=utf-8")
    remember_language(request.user, code)
    return HttpResponseRedirect(_safe_next(request))


def switch_choices(request):
    """The header switch's entries: each language named in itself, the current one marked."""
    current = languages.active()
    return [{"code": code, "name": languages.local_name(code), "dir": languages.direction(code),
             "current": code == current} for code in languages.CODES]
