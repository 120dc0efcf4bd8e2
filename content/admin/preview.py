"""Preview before saving: a procedure's change form as posted, shown as patients would see it,
saved nowhere.

The change page's Preview button posts the whole form (with its sections, questions, citations and
codes) here, in a new tab. It is checked by the same form and formsets as a save; refused, the
change page is shown again with the errors and everything typed. Accepted, the texts the save
would record (content.editing.revisions.snapshot_of, with each field's translation record brought
up as a save would) are kept in this person's session under a new token, and

    GET <id>/preview/<token>/<language>/page/      the page, by the public page's template
    GET <id>/preview/<token>/<language>/handout/   the handout as a web page (?paper=letter)
    GET <id>/preview/<token>/<language>/pdf/       the handout's PDF, drawn now

draw them through the public pipeline (content.publishing.document, .pages, content.handouts).
Nothing is written to the content tables: no revision, no row, no search entry, no stored PDF, and
no response is kept by the public page cache (these addresses are the admin's, never cached). A
token names one procedure and lives in one session: another procedure's, or another person's, is
not found (404).
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.formsets import all_valid
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from content import languages
from content.editing import revisions, roles
from content.editing.models import Citation, Clinic, ProcedureCode, Question, Section
from content.handouts.layout import PAPER_SIZES, Handout, render_handout_html
from content.handouts.pdf import draw_pdf
from content.publishing.document import build_document
from content.publishing.pages import PageInfo, page_context

SESSION_KEY = "procedure_previews"
# Previews kept per session, newest last (about 35 kB each, compressed): a few tabs open at once,
# and a bound on what every request of the session reads.
KEPT_PREVIEWS = 3
NOT_INDEXED = "noindex, nofollow"
NOTICE_TEMPLATE = "includes/unsaved_preview_notice.html"
KIND_ORDER = {kind: index for index, kind in enumerate(Section.Kind.values)}


@dataclass(frozen=True)
class PreviewInfo(PageInfo):
    """A page that is not saved: its addresses are the preview's own, in each language."""

    object_id: int = 0
    token: str = ""
    shows: str = "page"  # or "handout": what the language links lead to
    notice_template: str = NOTICE_TEMPLATE

    def _address(self, name, language=None):
        return reverse(f"admin:content_procedure_preview_{name}", kwargs={
            "object_id": self.object_id, "token": self.token,
            "language": language or translation.get_language()})

    def url(self, language=None, anchor=""):
        return self._address("page", language) + (f"#{anchor}" if anchor else "")

    def public_url(self, language=None):
        """Where patients will read the page once a version carrying it is published."""
        return PageInfo.url(self, language)

    @property
    def handout_url(self):
        return self._address("handout")

    @property
    def pdf_url(self):
        return self._address("pdf")

    @property
    def other_languages(self):
        """The preview in each other language, as the public header's switch lists them."""
        current = translation.get_language()
        return [{"code": code, "name_local": languages.local_name(code),
                 "dir": languages.direction(code), "url": self._address(self.shows, code)}
                for code in languages.CODES if code != current]


@dataclass(frozen=True)
class PreviewHandout(Handout):
    """A handout of an unsaved page: no version yet, so none is printed, and its QR code leads to
    where the page will be read once published."""

    @property
    def version(self):
        return self.info.slug

    @property
    def filename(self):
        return f"{self.info.slug}-preview-{self.variant}.pdf"

    @property
    def pdf_url(self):
        return f"{self.info.pdf_url}?paper={self.paper}"

    def live_url(self, language):
        return f"{self.site_root}{self.info.public_url(language)}"


def unsaved_content(form, formsets):
    """The snapshot a save of these valid forms would record, made without writing anything: each
    form's instance takes the posted values (as Django's save(commit=False) does), and each row's
    texts are prepared as its save would prepare them (content.editing.models.prepare_texts)."""
    procedure = form.save(commit=False)
    rows = {Section: [], Question: [], Citation: [], ProcedureCode: []}
    for formset in formsets:
        for index, part in enumerate(formset.forms):
            if formset.can_delete and formset._should_delete_form(part):
                continue
            if index >= formset.initial_form_count() and not part.has_changed():
                continue  # an empty added form, which a save skips too
            rows.setdefault(formset.model, []).append(part.save(commit=False))
    for row in (procedure, *rows[Section], *rows[Question]):
        row.prepare_texts()
    sections = sorted(rows[Section], key=lambda s: KIND_ORDER.get(s.kind, len(KIND_ORDER)))
    # As the database lists them: by position, then saved ones by id before new ones.
    questions = sorted(rows[Question], key=lambda q: (q.position, q.pk is None, q.pk or 0))
    citations = sorted(rows[Citation], key=lambda c: c.number or 0)
    codes = sorted(rows[ProcedureCode], key=lambda c: (c.system, c.code))
    return revisions.snapshot_of(procedure, sections, questions, citations, codes)


def keep_preview(request, procedure, content):
    """Keep `content` for this session under a new token; the oldest beyond KEPT_PREVIEWS go."""
    previews = dict(request.session.get(SESSION_KEY) or {})
    token = secrets.token_urlsafe(16)
    previews[token] = {"procedure": procedure.pk, "content": content}
    for old in list(previews)[:-KEPT_PREVIEWS]:
        del previews[old]
    request.session[SESSION_KEY] = previews
    return token


def first_language(user):
    """The language a preview opens in: a translator's own, else the admin's."""
    if roles.can_edit_arabic(user) and not roles.can_edit_english(user):
        return languages.TRANSLATION
    active = translation.get_language()
    return active if active in languages.CODES else languages.SOURCE


def _not_indexed(response, language):
    response["X-Robots-Tag"] = NOT_INDEXED
    response["Content-Language"] = language
    return response


class PreviewPages:
    """ProcedureAdmin's preview of an unsaved change form (mixed in before ProcedurePages)."""

    def get_urls(self):
        view = self.admin_site.admin_view
        shown = "<int:object_id>/preview/<str:token>/<str:language>/"
        own = [
            path("<int:object_id>/preview/", view(self.preview_view), name="content_procedure_preview"),
            path(f"{shown}page/", view(self.preview_page_view), name="content_procedure_preview_page"),
            path(f"{shown}handout/", view(self.preview_handout_view),
                 name="content_procedure_preview_handout"),
            path(f"{shown}pdf/", view(self.preview_pdf_view), name="content_procedure_preview_pdf"),
        ]
        return own + super().get_urls()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and obj.pk and self._may_preview(request, obj):
            context["preview_url"] = reverse("admin:content_procedure_preview", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _may_preview(self, request, procedure):
        return roles.has_role(request.user) and self.has_change_permission(request, procedure)

    def preview_view(self, request, object_id):
        """The Preview button: check the posted form as a save would, then show it, or the form
        again with its errors. Never saves."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        procedure = self.get_object(request, str(object_id))
        if procedure is None:
            raise Http404(gettext("There is no page at this address."))
        if not self._may_preview(request, procedure):
            raise PermissionDenied
        # The stale-save check locks the procedure's row while it reads it, as a save does.
        with transaction.atomic():
            fieldsets = self.get_fieldsets(request, procedure)
            form_class = self.get_form(request, procedure, change=True,
                                       fields=flatten_fieldsets(fieldsets))
            form = form_class(request.POST, request.FILES, instance=procedure)
            formsets, inline_instances = self._create_formsets(request, form.instance, change=True)
            valid = form.is_valid()
            valid = all_valid(formsets) and valid
            if valid:
                content = unsaved_content(form, formsets)
        if not valid:
            return self._refused_preview(request, procedure, form, formsets, inline_instances)
        token = keep_preview(request, procedure, content)
        url = reverse("admin:content_procedure_preview_page", kwargs={
            "object_id": procedure.pk, "token": token, "language": first_language(request.user)})
        return HttpResponseRedirect(url, status=303)

    def _refused_preview(self, request, procedure, form, formsets, inline_instances):
        """The change page again, as a refused save shows it: the errors, and everything typed."""
        self.message_user(request, gettext(
            "No preview: correct what is marked below, then press Preview again. Nothing was "
            "saved."), messages.ERROR)
        fieldsets = self.get_fieldsets(request, procedure)
        admin_form = helpers.AdminForm(
            form, list(fieldsets), self.get_prepopulated_fields(request, procedure),
            self.get_readonly_fields(request, procedure), model_admin=self)
        media = self.media + admin_form.media
        inline_formsets = self.get_inline_formsets(request, formsets, inline_instances, procedure)
        for inline_formset in inline_formsets:
            media += inline_formset.media
        context = {
            **self.admin_site.each_context(request),
            "title": translation.gettext("Change %s") % self.opts.verbose_name,
            "subtitle": str(procedure),
            "adminform": admin_form,
            "object_id": str(procedure.pk),
            "original": procedure,
            "is_popup": False,
            "to_field": None,
            "media": media,
            "inline_admin_formsets": inline_formsets,
            "errors": helpers.AdminErrorList(form, formsets),
            "preserved_filters": self.get_preserved_filters(request),
            **self.change_page_context(request, procedure),
        }
        request.current_app = self.admin_site.name
        change_url = reverse("admin:content_procedure_change", args=[procedure.pk])
        return self.render_change_form(request, context, change=True, obj=procedure,
                                       form_url=change_url)

    def _kept(self, request, object_id, token, language):
        """The procedure and the kept texts a preview address names, for this person only."""
        procedure = self.get_object(request, str(object_id))
        if procedure is None:
            raise Http404(gettext("There is no page at this address."))
        if not (roles.has_role(request.user) and self.has_view_or_change_permission(request, procedure)):
            raise PermissionDenied
        kept = (request.session.get(SESSION_KEY) or {}).get(token)
        if kept is None or kept.get("procedure") != procedure.pk or language not in languages.CODES:
            raise Http404(gettext(
                "This preview is not kept any more: press Preview on the form again."))
        return procedure, kept["content"]

    @staticmethod
    def _info(procedure, content, token, shows="page"):
        return PreviewInfo(
            content["procedure"]["slug"], None, None, None, None,
            status_label=gettext("Status of the saved working copy: %(status)s.")
            % {"status": procedure.get_status_display()},
            is_live=procedure.is_live, object_id=procedure.pk, token=token, shows=shows)

    def preview_page_view(self, request, object_id, token, language):
        procedure, content = self._kept(request, object_id, token, language)
        with translation.override(language):
            info = self._info(procedure, content, token)
            context = page_context(build_document(content), info) | {
                "page_url": f"{settings.SITE_URL}{request.path}",
                "og_locale": languages.open_graph_locale(language),
                "og_locale_alternates": [],
                # The header's language switch leads to this preview in the other language; no
                # alternate address is announced.
                "page_languages": [],
                "other_languages": info.other_languages,
            }
            html = render_to_string("content/procedure_detail.html", context, request)
        return _not_indexed(HttpResponse(html), language)

    def _handout(self, request, object_id, token, language, printed_on):
        procedure, content = self._kept(request, object_id, token, language)
        paper = request.GET.get("paper", "a4")
        if paper not in PAPER_SIZES:
            raise Http404(gettext("There is no handout on paper size %(paper)s.") % {"paper": paper[:20]})
        return PreviewHandout(build_document(content), self._info(procedure, content, token, "handout"),
                              (language,), paper, settings.SITE_URL.rstrip("/"), Clinic.current(),
                              printed_on)

    def preview_handout_view(self, request, object_id, token, language):
        with translation.override(language):
            handout = self._handout(request, object_id, token, language, timezone.localdate())
            html = render_handout_html(handout, request)
        return _not_indexed(HttpResponse(html), language)

    def preview_pdf_view(self, request, object_id, token, language):
        """The PDF drawn now, for the person who asked: never stored (content.handouts.pdf keeps
        only published versions' PDFs)."""
        with translation.override(language):
            handout = self._handout(request, object_id, token, language, timezone.localdate())
            pdf = draw_pdf(handout)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{handout.filename}"'
        return _not_indexed(response, language)
