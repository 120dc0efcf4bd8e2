"""The clinic's contact block: on every page and every handout, so a save has every live
version's PDFs drawn again, by a background task once it commits (never in the request).

Only clinical reviewers and clinic administrators may change it (the change permission, migration
0011); an editor or translator sees it read-only and a POST of theirs is refused with 403. Each
save is recorded with the account, the person's name and the time, listed on the page."""

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from content.admin.base import TranslatedModelAdmin
from content.admin.display import translation_status_html
from content.admin.forms import ClinicForm
from content.admin.writing_help import WritingHelpAdmin
from content.editing import revisions
from content.editing.models import Clinic
from content.handouts import tasks as handout_tasks


@admin.register(Clinic)
class ClinicAdmin(WritingHelpAdmin, TranslatedModelAdmin):
    form = ClinicForm
    list_display = ("name", "phone", "after_hours_phone", "updated_at")
    readonly_fields = ("translation_status", "recorded_changes")
    fields = ("name", "phone", "address", "emergency_instructions", "open_days", "opens_at",
              "closes_at", "time_zone", "after_hours_phone", "after_hours_note", "translation_status",
              "english_keeps_meaning", "confirm_arabic", "loaded_version", "recorded_changes")

    def has_add_permission(self, request):
        # One clinic runs one portal: its contact block is on every page.
        return not Clinic.objects.exists() and super().has_add_permission(request)

    @admin.display(description=_("Arabic"))
    def translation_status(self, clinic):
        return translation_status_html(clinic)

    @admin.display(description=_("Recorded changes"))
    def recorded_changes(self, clinic):
        """Who changed the contact block and when: what it said on a given day can be traced."""
        rows = list(clinic.revisions.select_related("created_by")[:20]) if clinic.pk else []
        if not rows:
            return "-"
        return format_html('<ul class="recorded-changes">{}</ul>', format_html_join(
            "", "<li>r{} · {} · {}</li>",
            ((r.number, timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
              _who(r)) for r in rows),
        ))

    def save_model(self, request, obj, form, change):
        revisions.save_clinic(obj, request.user)
        handout_tasks.prepare_live_handouts()


def _who(revision):
    """The person's name and, while it exists, their account: "Dr Jane Roe (jroe)"."""
    name = revision.saved_by or "-"
    account = revision.created_by.get_username() if revision.created_by_id and revision.created_by else ""
    return f"{name} ({account})" if account and account != name else name
