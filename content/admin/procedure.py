"""Procedures: the working copy in English and Arabic tabs, each role changing only its own part,
every save recorded as a revision, and publishing left to clinical reviewers."""


from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from content import languages
from content.admin.base import TranslatedModelAdmin
from content.admin.display import arabic_state_html, translation_status_html
from content.admin.forms import MISSING, ProcedureForm
from content.admin.inlines import CitationInline, CodeInline, QuestionInline, SectionInline
from content.admin.preview import PreviewPages
from content.admin.procedure_pages import ProcedurePages
from content.admin.translation_view import TranslationPages
from content.admin.writing_help import PublishChecklist, WritingHelpAdmin
from content.admin.xliff import XliffPages
from content.editing import revisions, roles
from content.editing.models import Citation, Procedure, Question, Section
from content.publishing.models import Publication


class ArabicStateFilter(admin.SimpleListFilter):
    title = _("Arabic")
    parameter_name = "arabic"

    def lookups(self, request, model_admin):
        return [("complete", _("Complete")), ("missing", _("Parts not translated")),
                ("outdated", _("Parts out of date"))]

    def queryset(self, request, queryset):
        if self.value() == "complete":
            return queryset.filter(arabic_missing=0, arabic_outdated=0)
        if self.value() == "missing":
            return queryset.filter(arabic_missing__gt=0)
        if self.value() == "outdated":
            return queryset.filter(arabic_outdated__gt=0)
        return queryset


@admin.register(Procedure)
class ProcedureAdmin(WritingHelpAdmin, PublishChecklist, PreviewPages, TranslationPages, XliffPages,
                     ProcedurePages, TranslatedModelAdmin):
    form = ProcedureForm
    list_display = ("title", "workflow_state", "arabic_state", "review_state", "updated_at",
                    "preview_link")
    list_filter = ("status", ArabicStateFilter)
    search_fields = (*languages.field_names("title"), "slug")
    prepopulated_fields = {"slug": (languages.source_field("title"),)}
    inlines = (SectionInline, QuestionInline, CitationInline, CodeInline)
    readonly_fields = ("translation_status", "preview_link")
    fieldsets = (
        (None, {
            "fields": (
                "title", "slug", "short_name", "also_known_as", "summary", "translation_status",
                "english_keeps_meaning", "confirm_arabic", "loaded_version", "preview_link",
            )
        }),
    )

    def get_queryset(self, request):
        # The list's columns read these for every row: joined and annotated here, so that the
        # list costs the same queries for one procedure or a hundred.
        return super().get_queryset(request).select_related("live_version").annotate(
            ever_published=Exists(Publication.objects.filter(procedure=OuterRef("pk"))))

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if roles.can_edit_english(request.user) else {}

    def has_add_permission(self, request):
        return roles.can_edit_english(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        # History is never rewritten: a page leaves the public by being unpublished.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        # The citations' formset checks markers in the texts being saved alongside it.
        texts = [f for f in formsets if f.model in (Section, Question)]
        for formset in formsets:
            formset.siblings = texts
        # What was posted, or a kept save shown again (bound as if posted): merged alike.
        posted = request.POST if request.method == "POST" else self._kept_data(request)
        if posted is not None and change:
            self._give_parts_their_merge_base(posted, obj, formsets)
        return formsets, inline_instances

    # The snapshot's key for each kind of part, in the order the change page lists them.
    SNAPSHOT_PARTS = {Section: "sections", Question: "questions", Citation: "citations"}

    def _give_parts_their_merge_base(self, posted, procedure, formsets):
        """A page opened on an older revision: tell each existing part what it said then.

        The inline forms list the parts in the order the snapshot does (sections by position,
        questions by position then id, citations by number), so form i was opened on the
        snapshot's row i; a section whose kind differs there has no known base (MISSING).
        """
        loaded = posted.get("loaded_version", "")
        if loaded == str(procedure.revision):
            return
        revision = procedure.revisions.filter(number=int(loaded)).first() if loaded.isdigit() else None
        latest = revisions.latest_revision(procedure)
        saved_by = (latest.saved_by, latest.created_at) if latest else ("", procedure.updated_at)
        for formset in formsets:
            key = self.SNAPSHOT_PARTS.get(formset.model)
            if key is None:
                continue
            rows = revision.content[key] if revision is not None else []
            for index, form in enumerate(formset.forms[:formset.initial_form_count()]):
                base = rows[index] if index < len(rows) else MISSING
                if (base is not MISSING and formset.model is Section
                        and base.get("kind") != getattr(form.instance, "kind", None)):
                    base = MISSING
                form.merge_base = base
                form.merge_saved_by = saved_by
                form.merge_part = self._part_name(form.instance, index)

    @staticmethod
    def _part_name(part, index):
        if isinstance(part, Section):
            return gettext("Section “%(kind)s”") % {"kind": part.get_kind_display()}
        if isinstance(part, Question):
            return gettext("Question %(number)d") % {"number": index + 1}
        return gettext("Reference %(number)d") % {"number": part.number or index + 1}

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        procedure = form.instance
        revision = revisions.record_revision(procedure, request.user)
        # This save's message says what happened; Django's own "changed successfully" would be
        # a second one, and untrue when nothing changed (see message_user).
        request.procedure_save_reported = True
        if revision is not None:
            kept = _kept_meaning(form, formsets)
            if kept:
                revisions.record_kept_meaning(procedure, request.user, revision, kept)
        if revision is None:
            self.message_user(request, gettext("Nothing had changed; no revision was recorded."))
        elif procedure.live_version_id:
            self.message_user(request, gettext(
                "Saved as revision %(revision)d. Patients still read version %(version)d until a "
                "clinical reviewer publishes this one.") % {
                    "revision": revision.number, "version": procedure.live_version.number})
        else:
            self.message_user(request, gettext(
                "Saved as revision %(revision)d, a draft: patients cannot see it until a clinical "
                "reviewer publishes it.") % {"revision": revision.number})

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if level == messages.SUCCESS and getattr(request, "procedure_save_reported", False):
            return  # Django's "was changed/added successfully": save_related said what happened
        super().message_user(request, message, level, *args, **kwargs)

    @admin.display(description=_("Arabic"))
    def translation_status(self, procedure):
        return translation_status_html(procedure)

    @admin.display(description=_("Status"), ordering="status")
    def workflow_state(self, procedure):
        state = procedure.get_status_display()
        if procedure.live_version_id:
            live = gettext("live: version %(number)d") % {"number": procedure.live_version.number}
            return format_html("{} ({})", state, live)
        if procedure.ever_published:
            return format_html('{} (<span class="state-overdue">{}</span>)', state, gettext("withdrawn"))
        return state

    @admin.display(description=_("Arabic"))
    def arabic_state(self, procedure):
        return arabic_state_html(procedure.arabic_missing, procedure.arabic_outdated)

    @admin.display(description=_("Review"))
    def review_state(self, procedure):
        live = procedure.live_version
        if live is None:
            return "-"
        if live.review_overdue:
            return format_html('<span class="state-overdue">{}</span>', gettext("Overdue"))
        return gettext("Due %(date)s") % {"date": live.next_review_due.isoformat()}

    @admin.display(description=_("Preview"))
    def preview_link(self, procedure):
        if not procedure.pk:
            return gettext("Save first to preview.")
        links = []
        for code in languages.CODES:
            label = languages.name(code)
            with translation.override(code):
                url = reverse("content:procedure_preview", kwargs={"slug": procedure.slug})
            links.append(format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, label))
        return format_html("{} · {}", *links)


def _kept_meaning(form, formsets):
    """The parts whose English this save changed with "does not change the meaning" ticked, as
    data the history words in its reader's language (content.editing.models.part_label)."""
    rows = [form.instance] + [f.instance for formset in formsets for f in formset.forms
                              if f.instance.pk and not getattr(f, "cleaned_data", {}).get("DELETE")]
    parts = []
    for row in rows:
        for name in getattr(row, "kept_meaning", ()):
            if isinstance(row, Section):
                parts.append({"section": row.kind, "field": name})
            elif isinstance(row, Question):
                parts.append({"question": row.position, "field": name})
            else:
                parts.append({"field": name})
    return parts
