"""The glossary's admin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from content import languages
from content.admin.base import TranslatedModelAdmin
from content.admin.display import translation_status_html
from content.admin.forms import GlossaryTermForm
from content.editing.models import GlossaryTerm


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(TranslatedModelAdmin):
    """The glossary, with English and Arabic tabs. Pages carry the glossary as it was when they
    were published, so an edit here shows on a page when the page is next published."""

    form = GlossaryTermForm
    list_display = ("term", "slug", "translation_status", "updated_at")
    search_fields = (*languages.field_names("term"), "slug")
    readonly_fields = ("translation_status",)
    fields = ("slug", "term", "other_forms", "definition", "translation_status",
              "english_keeps_meaning", "confirm_arabic")

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else {"slug": (languages.source_field("term"),)}

    @admin.display(description=_("Arabic"))
    def translation_status(self, term):
        return translation_status_html(term)
