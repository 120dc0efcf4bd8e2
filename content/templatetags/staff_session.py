"""The element the admin's session script (static/js/admin-session.js) reads: the idle limit,
when to warn, the largest form the server reads, and its texts, translated here, since a
script file cannot be."""

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()

# Warn this long before an idle session ends, or half-way through a shorter limit.
WARN_BEFORE_SECONDS = 5 * 60


@register.inclusion_tag("admin/session_notice.html", takes_context=True)
def staff_session_notice(context):
    idle = settings.STAFF_SESSION_IDLE_SECONDS
    return {
        "idle_seconds": idle,
        "warn_seconds": min(WARN_BEFORE_SECONDS, idle // 2),
        "max_post_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0,
        "stay_url": reverse("staff_session_stay"),
        "csrf_token": context.get("csrf_token"),
    }
