"""The glossary's admin: the working copy staff edit, and the publishing of it.

Editors write the terms' English, translators their Arabic; patients read only the glossary a
clinical reviewer last published (content.publishing.glossary_workflow). The list says what is
unpublished and offers reviewers the Publish button; deleting a term is a reviewer's decision,
and reaches patients, like every other change, when they publish. The list also offers the
glossary's texts to translate as XLIFF, and takes the translation back (content.admin.xliff)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from content import languages
from content.admin.base import TranslatedModelAdmin
from content.admin.display import translation_status_html
from content.admin.forms import GlossaryTermForm
from content.admin.writing_help import WritingHelpAdmin
from content.admin.xliff import GlossaryXliffPages
from content.editing import roles
from content.editing.models import GlossaryTerm
from content.publishing.glossary import latest_glossary, unpublished_changes
from content.publishing.glossary_workflow import publish_glossary
from content.publishing.workflow import WorkflowRefused


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(GlossaryXliffPages, WritingHelpAdmin, TranslatedModelAdmin):
    """The glossary, with English and Arabic tabs."""

    form = GlossaryTermForm
    list_display = ("term", "slug", "translation_status", "updated_at")
    search_fields = (*languages.field_names("term"), "slug")
    readonly_fields = ("translation_status",)
    fields = ("slug", "term", "other_forms", "definition", "translation_status",
              "english_keeps_meaning", "confirm_arabic", "loaded_version")

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else {"slug": (languages.source_field("term"),)}

    def has_delete_permission(self, request, obj=None):
        # Removing an explanation patients read is a reviewer's decision, as publishing is.
        return roles.can_publish(request.user) and super().has_delete_permission(request, obj)

    @admin.display(description=_("Arabic"))
    def translation_status(self, term):
        return translation_status_html(term)

    def get_urls(self):
        return [
            path("publish/", self.admin_site.admin_view(self.publish_view),
                 name="content_glossaryterm_publish"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        changes = unpublished_changes()
        extra_context = (extra_context or {}) | {"glossary_publishing": {
            "latest": latest_glossary(),
            "changes": changes,
            "has_changes": any(changes.values()),
            "may_publish": roles.can_publish(request.user),
        }, "glossary_xliff": self.xliff_offers(request)}
        return super().changelist_view(request, extra_context)

    def publish_view(self, request):
        return _publish(request, self)


@require_POST
def _publish(request, model_admin):
    # Checked here, on the POST, whatever the page showed.
    if not roles.can_publish(request.user):
        raise PermissionDenied
    try:
        publication = publish_glossary(request.user)
    except WorkflowRefused as refusal:
        model_admin.message_user(request, str(refusal), messages.ERROR)
    else:
        model_admin.message_user(request, gettext(
            "Glossary version %(number)d published: patients read it now, and pages published from "
            "now on explain their terms with it.") % {"number": publication.number}, messages.SUCCESS)
    return redirect("admin:content_glossaryterm_changelist")
