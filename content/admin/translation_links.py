"""Links into a procedure's translation view (content/admin/translation_view.py), filtered: the
query parameter and its values, and the dashboard's Arabic counts as links to them.

Plain functions, importing no ModelAdmin, so that the dashboard's template tags can use them.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext

SHOW = "show"
OUTDATED, MISSING, ALL = "outdated", "missing", "all"
FILTERS = (OUTDATED, MISSING, ALL)


def translation_url(procedure_id, show=ALL):
    url = reverse("admin:content_procedure_translation", args=[procedure_id])
    return url if show == ALL else f"{url}?{urlencode({SHOW: show})}"


def arabic_state_links_html(procedure):
    """The Arabic state, as display.arabic_state_html says it, each count a link to the
    translation view showing just those parts."""
    missing, outdated = procedure.arabic_missing, procedure.arabic_outdated
    parts = []
    if missing:
        message = ngettext("%(count)d part not translated", "%(count)d parts not translated", missing)
        parts.append(format_html('<a class="state-missing" href="{}">{}</a>',
                                 translation_url(procedure.pk, MISSING), message % {"count": missing}))
    if outdated:
        message = ngettext("%(count)d part may be out of date", "%(count)d parts may be out of date",
                           outdated)
        parts.append(format_html('<a class="state-outdated" href="{}">{}</a>',
                                 translation_url(procedure.pk, OUTDATED), message % {"count": outdated}))
    return format_html_join(", ", "{}", ((part,) for part in parts)) if parts else gettext("Complete")
