"""What every translated model admin of the portal shares."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils.translation import gettext
from modeltranslation.admin import TabbedTranslationAdmin

from content.editing.models import KeptSave


class PortalAdminMedia:
    """The portal's Arabic font and admin additions; Arabic inputs are written right to left."""

    class Media:
        css = {"all": ("css/fonts.css", "css/admin.css")}


# modeltranslation's tabs; static/js/admin-tabs.js must come after it (it replaces its choice of
# the tab a form opens on), and Django orders a model admin's scripts only by the lists naming them.
MODELTRANSLATION_TABS_SCRIPT = "modeltranslation/js/tabbed_translation_fields.js"


# The change form's token naming who opened it, for what, on which revision (KeepsTypedWork).
KEPT_SAVE_FIELD = "kept_save_token"
KEPT_SAVE_SALT = "content.admin.kept-save"
# A form may be sent a while after the longest session has ended: the token outlives it by this.
KEPT_SAVE_TOKEN_MARGIN_SECONDS = 2 * 3600
DISCARD_FIELD = "discard_kept_save"
# Posted fields never kept: the CSRF token is the browser's, the token is spent.
NOT_KEPT = {"csrfmiddlewaretoken", KEPT_SAVE_FIELD, "_save", "_continue", "_addanother"}


def kept_save_token(user, model, object_id, revision):
    return signing.dumps(
        {"user": user.pk, "model": model._meta.label_lower, "object": str(object_id or "add"),
         "revision": revision},
        salt=KEPT_SAVE_SALT, compress=True,
    )


def read_kept_save_token(token):
    """The token's claims, or None if it is forged, mangled or older than the longest session."""
    try:
        return signing.loads(token, salt=KEPT_SAVE_SALT,
                             max_age=settings.STAFF_SESSION_MAX_SECONDS + KEPT_SAVE_TOKEN_MARGIN_SECONDS)
    except signing.BadSignature:  # SignatureExpired included
        return None


class KeepsTypedWork:
    """A save posted after the session ended is kept for the account that opened the form.

    The change form carries a signed token naming the account, the object and the revision it
    was opened on. A POST that arrives without a signed-in staff session but with a valid token
    for this page is stored as a KeptSave (never applied to the working copy) and answered with
    the sign-in page and a message. When that account opens the form again, the form shows the
    kept text, bound as if just posted (so a newer save in between is merged, as for any stale
    save), with a notice and a button to discard it. Nobody else is shown it: it is looked up by
    the signed-in account only. CSRF still applies: the CSRF cookie is not tied to the session
    (CSRF_USE_SESSIONS is off), so the expired form's token still passes.
    """

    def get_urls(self):
        urls = super().get_urls()
        info = (self.opts.app_label, self.opts.model_name)
        for pattern in urls:
            if pattern.name in (f"{info[0]}_{info[1]}_add", f"{info[0]}_{info[1]}_change"):
                pattern.callback = self._keeps_expired_saves(pattern.callback)
        return urls

    def _keeps_expired_saves(self, view):
        @wraps(view)
        def keeping(request, object_id=None, **kwargs):
            if (request.method == "POST" and not self.admin_site.has_permission(request)
                    and self._keep_expired_save(request, object_id)):
                messages.warning(request, gettext(
                    "Your session had ended, so nothing was saved yet, but your text has been kept "
                    "for you. Sign in again and open the page: it will be there to check and save."))
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            if object_id is None:
                return view(request, **kwargs)
            return view(request, object_id=object_id, **kwargs)
        return keeping

    def _keep_expired_save(self, request, object_id):
        claims = read_kept_save_token(request.POST.get(KEPT_SAVE_FIELD, ""))
        if (not claims or claims.get("model") != self.opts.label_lower
                or claims.get("object") != str(object_id or "add")):
            return False
        user = get_user_model().objects.filter(pk=claims.get("user"), is_active=True,
                                               is_staff=True).first()
        if user is None:
            return False
        data = {key: values for key, values in request.POST.lists() if key not in NOT_KEPT}
        KeptSave.expired().delete()
        KeptSave.objects.create(user=user, model=self.opts.label_lower,
                                object_id=str(object_id or "add"), revision=claims.get("revision"),
                                data=data)
        return True

    def _kept_save(self, request, object_id):
        if not request.user.is_authenticated:
            return None
        return KeptSave.current().filter(user=request.user, model=self.opts.label_lower,
                                         object_id=str(object_id or "add")).first()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        kept = self._kept_save(request, object_id)
        if kept is not None and request.method == "POST" and DISCARD_FIELD in request.POST:
            KeptSave.objects.filter(user=request.user, model=kept.model,
                                    object_id=kept.object_id).delete()
            self.message_user(request, gettext("Your kept text was discarded."))
            return HttpResponseRedirect(request.path)
        if kept is not None and request.method == "GET":
            request.kept_save = kept
            extra_context = {**(extra_context or {}), "kept_save": kept}
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if kept is not None and request.method == "POST" and response.status_code == 302:
            # Saved: what was kept is in the working copy now, or was replaced by what was sent.
            KeptSave.objects.filter(user=request.user, model=kept.model,
                                    object_id=kept.object_id).delete()
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context[KEPT_SAVE_FIELD] = kept_save_token(
            request.user, self.model, obj.pk if (obj is not None and obj.pk) else None,
            getattr(obj, "revision", None) if obj is not None else None)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def _kept_data(request):
        kept = getattr(request, "kept_save", None)
        if kept is None:
            return None
        data = QueryDict(mutable=True)
        for key, values in kept.data.items():
            data.setlist(key, values)
        return data

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        kept = self._kept_data(request)
        if kept is None:
            return form

        class KeptForm(form):
            def __init__(self, data=None, files=None, *args, **kwargs):
                super().__init__(kept if data is None else data, files, *args, **kwargs)

        KeptForm.__name__ = form.__name__
        return KeptForm

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        kept = self._kept_data(request)
        if kept is not None and "data" not in kwargs:
            kwargs["data"] = kept
        return kwargs


class TranslatedModelAdmin(PortalAdminMedia, KeepsTypedWork, TabbedTranslationAdmin):
    """English and Arabic in tabs; the form is told who is saving, so that it can disable and
    refuse the fields outside their role (content/admin/forms.py). A save sent after the session
    ended is kept for its sender (KeepsTypedWork). The tabs open on the language the person
    writes (content.admin.language.editing_language, static/js/admin-tabs.js)."""

    class Media(PortalAdminMedia.Media):
        js = (MODELTRANSLATION_TABS_SCRIPT, "js/admin-tabs.js")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form
