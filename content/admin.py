"""Staff editing: English and Arabic side by side in tabs, with what needs attention in view."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
)

from content.models import Citation, Clinic, Procedure, Question, Section


class TranslationDirectionMixin:
    """Arabic inputs are written right to left; the admin stylesheet does the rest."""

    class Media:
        css = {"all": ("css/fonts.css", "css/admin.css")}


class TranslationReviewForm(forms.ModelForm):
    """Lets a translator clear "may be out of date" when an English edit needs no Arabic one."""

    arabic_still_matches = forms.BooleanField(
        label=_("The Arabic still matches the English"),
        required=False,
        help_text=_("Tick after checking the Arabic against the changed English, if it needs no edit."),
    )

    def save(self, commit=True):
        if self.cleaned_data.get("arabic_still_matches"):
            self.instance.confirm_translation()
        return super().save(commit)


class TranslatedPartInline(TranslationStackedInline):
    form = TranslationReviewForm
    extra = 0
    readonly_fields = ("arabic_state",)

    @admin.display(description=_("Arabic"))
    def arabic_state(self, part):
        if not part.pk:
            return "-"
        return translation_state(part)


class SectionInline(TranslatedPartInline):
    model = Section
    fields = ("kind", "heading", "body", "arabic_state", "arabic_still_matches")
    ordering = ("position",)


class QuestionInline(TranslatedPartInline):
    model = Question
    fields = ("position", "question", "answer", "arabic_state", "arabic_still_matches")


def translation_state(part):
    if not part.has_translation():
        return format_html('<span class="state-missing">{}</span>', _("Not translated"))
    if part.translation_may_be_outdated:
        return format_html('<span class="state-outdated">{}</span>', _("May be out of date"))
    return _("Up to date")


class CitationInline(admin.StackedInline):
    model = Citation
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = (
        ("number", "kind"),
        "authors",
        "title",
        ("source", "year", "date"),
        ("doi", "url", "accessed"),
    )


class RefusesStaleSaves(forms.ModelForm):
    """Refuses to save over someone else's newer save, keeping this editor's text in the form.

    The form carries the row's version as it was when opened (`version_field`); a save against a
    newer version is an error, not an overwrite.
    """

    version_field = None
    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self._version(self.instance)

    def _version(self, row):
        return str(getattr(row, self.version_field))

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # The admin saves inside a transaction: locking the row makes check-then-save safe
            # (PostgreSQL; SQLite serialises writes instead).
            current = self._meta.model.objects.select_for_update().filter(pk=self.instance.pk).first()
            if current is not None and cleaned.get("loaded_version") != self._version(current):
                raise ValidationError(
                    _(
                        "Someone else saved this after you opened it. Nothing was saved, and your "
                        "text is still in the form below: open the page again in a new tab to see "
                        "their changes, copy yours across, then save there."
                    ),
                    code="concurrent_edit",
                )
        return cleaned


class ProcedureForm(TranslationReviewForm, RefusesStaleSaves):
    version_field = "revision"  # moves on with every edit of the procedure or its parts

    class Meta:
        model = Procedure
        fields = (
            "title", "slug", "short_name", "also_known_as", "summary", "status", "last_reviewed",
            "next_review_due", "reviewer_name", "reviewer_role",
        )


class ClinicForm(TranslationReviewForm, RefusesStaleSaves):
    version_field = "updated_at"

    class Meta:
        model = Clinic
        fields = ("name", "phone", "address", "emergency_instructions")


@admin.register(Procedure)
class ProcedureAdmin(TranslationDirectionMixin, TabbedTranslationAdmin):
    form = ProcedureForm
    list_display = (
        "title", "status", "arabic_state", "last_reviewed", "next_review_due", "review_state",
        "updated_at", "preview_link",
    )
    list_filter = ("status",)
    search_fields = ("title_en", "title_ar", "slug")
    prepopulated_fields = {"slug": ("title_en",)}
    inlines = (SectionInline, QuestionInline, CitationInline)
    readonly_fields = ("revision", "published_at", "created_at", "updated_at", "preview_link")
    fieldsets = (
        (None, {
            "fields": (
                "title", "slug", "short_name", "also_known_as", "summary", "arabic_still_matches",
                "loaded_version",
            )
        }),
        (_("Review and publishing"), {
            "fields": (
                "status", ("last_reviewed", "next_review_due"), ("reviewer_name", "reviewer_role"),
                "preview_link",
            )
        }),
        (_("History"), {
            "classes": ("collapse",),
            "fields": ("revision", "published_at", "created_at", "updated_at"),
        }),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sections", "questions")

    @admin.display(description=_("Arabic"))
    def arabic_state(self, procedure):
        parts = [procedure, *procedure.sections.all(), *procedure.questions.all()]
        missing = sum(1 for part in parts if not part.has_translation())
        outdated = sum(1 for part in parts if part.translation_may_be_outdated)
        if missing:
            message = ngettext("%(count)d part not translated", "%(count)d parts not translated",
                               missing)
            return format_html('<span class="state-missing">{}</span>', message % {"count": missing})
        if outdated:
            message = ngettext("%(count)d part may be out of date",
                               "%(count)d parts may be out of date", outdated)
            return format_html('<span class="state-outdated">{}</span>', message % {"count": outdated})
        return _("Complete")

    @admin.display(description=_("Review"))
    def review_state(self, procedure):
        if procedure.review_overdue:
            return format_html('<span class="state-overdue">{}</span>', _("Overdue"))
        return _("Up to date") if procedure.next_review_due else _("No date set")

    @admin.display(description=_("Preview"))
    def preview_link(self, procedure):
        if not procedure.pk:
            return _("Save first to preview.")
        links = []
        for code, label in (("en", _("English")), ("ar", _("Arabic"))):
            with translation.override(code):
                url = reverse("content:procedure_preview", kwargs={"slug": procedure.slug})
            links.append(format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, label))
        return format_html("{} · {}", *links)


@admin.register(Clinic)
class ClinicAdmin(TranslationDirectionMixin, TabbedTranslationAdmin):
    form = ClinicForm
    list_display = ("name", "phone", "updated_at")
    fields = (
        "name", "phone", "address", "emergency_instructions", "arabic_still_matches", "loaded_version"
    )

    def has_add_permission(self, request):
        # One clinic runs one portal: its contact block is on every page.
        return not Clinic.objects.exists()
