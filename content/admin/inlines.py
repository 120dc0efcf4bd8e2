"""A procedure's parts (sections, questions, citations) as forms on its change page."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline

from content.admin.display import translation_status_html
from content.admin.forms import CitationFormSet, PartForm, RoleCheckedFormSet
from content.admin.writing_help import HelpsWriting
from content.editing import roles
from content.editing.models import Citation, ProcedureCode, Question, Section


class RoleCheckedInlineMixin:
    formset = RoleCheckedFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.user = request.user
        formset.form.user = request.user
        return formset

    # Whoever may change the procedure gets its parts as forms, with the fields outside their
    # role disabled; so a crafted change to any of them is refused by the form, never silently
    # dropped by a read-only inline.
    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("content.change_procedure")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("content.view_procedure")

    def has_add_permission(self, request, obj=None):
        return roles.can_edit_english(request.user) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return roles.can_edit_english(request.user) and super().has_delete_permission(request, obj)


class TranslatedPartInline(HelpsWriting, RoleCheckedInlineMixin, TranslationStackedInline):
    form = PartForm
    extra = 0
    readonly_fields = ("translation_status",)

    @admin.display(description=_("Arabic"))
    def translation_status(self, part):
        return translation_status_html(part)


class SectionInline(TranslatedPartInline):
    model = Section
    fields = ("kind", "heading", "body", "translation_status", "english_keeps_meaning",
              "confirm_arabic")
    ordering = ("position",)


class QuestionInline(TranslatedPartInline):
    model = Question
    fields = ("position", "question", "answer", "translation_status", "english_keeps_meaning",
              "confirm_arabic")


class CitationInline(RoleCheckedInlineMixin, admin.StackedInline):
    model = Citation
    form = PartForm
    formset = CitationFormSet
    extra = 0
    fields = (
        ("number", "kind"),
        "authors",
        "title",
        ("source", "year", "date"),
        ("doi", "url", "accessed"),
    )

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class CodeInline(RoleCheckedInlineMixin, admin.TabularInline):
    """The codes a health record knows the procedure by: an editor's, like the citations, and
    reviewed and published with the texts (content.editing.revisions)."""

    model = ProcedureCode
    form = PartForm
    extra = 0
    fields = ("system", "code")
