"""The staff dashboard: what needs doing, at a glance, on the admin's front page."""

import datetime

from django.utils import timezone

from content import languages
from content.editing.models import Procedure

DUE_SOON = datetime.timedelta(days=30)


def dashboard(clinic=None):
    today = timezone.localdate()
    procedures = list(
        Procedure.objects.select_related("live_version").order_by(languages.source_field("title")))
    live = [p for p in procedures if p.live_version_id]
    return {
        "drafts": [p for p in procedures if p.status == Procedure.Status.DRAFT],
        "in_review": [p for p in procedures if p.status == Procedure.Status.IN_REVIEW],
        "due_soon": [p for p in live if today <= p.live_version.next_review_due <= today + DUE_SOON],
        "overdue": [p for p in live if p.live_version.next_review_due < today],
        "procedures": procedures,
        "clinic": clinic,
        "clinic_arabic": clinic.translation_facts() if clinic else None,
    }
