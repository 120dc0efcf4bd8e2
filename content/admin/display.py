"""How the admin shows a row's translation state, as HTML: in the procedure list, on the change
pages, and on the dashboard.

Plain functions of a row, importing no ModelAdmin and no form, so that the dashboard's template
tags (content/templatetags/portal_admin.py) can use them without depending on the admin's
registration modules.
"""

from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext

from content import languages
from content.editing import freshness

# (lang, dir) of the English the staff write and of its Arabic translation, for the HTML.
SOURCE = (languages.SOURCE, languages.direction(languages.SOURCE))
TRANSLATION = (languages.TRANSLATION, languages.direction(languages.TRANSLATION))


def arabic_state_html(missing, outdated):
    """The Arabic state as the list, the dashboard and the change page show it."""
    parts = []
    if missing:
        message = ngettext("%(count)d part not translated", "%(count)d parts not translated", missing)
        parts.append(format_html('<span class="state-missing">{}</span>', message % {"count": missing}))
    if outdated:
        message = ngettext("%(count)d part may be out of date", "%(count)d parts may be out of date",
                           outdated)
        parts.append(format_html('<span class="state-outdated">{}</span>', message % {"count": outdated}))
    return format_html_join(", ", "{}", ((part,) for part in parts)) if parts else gettext("Complete")


def more_changes_html(hidden):
    """The note under a diff cut short (content.editing.freshness bounds what it shows)."""
    if not hidden:
        return ""
    message = ngettext("%(count)d more change not shown", "%(count)d more changes not shown", hidden)
    return format_html('<p class="diff-more">{}</p>', message % {"count": hidden})


def translation_status_html(row):
    """Each translated field's state; for an out-of-date one, the English change word by word
    beside the Arabic, so a translator sees exactly what to update."""
    if not row.pk:
        return "-"
    items = []
    for name, state in row.field_states().items():
        if state == freshness.NOT_APPLICABLE:
            continue
        label = capfirst(row._meta.get_field(name).verbose_name)
        if state == freshness.MISSING:
            items.append(format_html('<li><strong>{}</strong>: <span class="state-missing">{}</span>'
                                     '</li>', label, gettext("Not translated")))
        elif state == freshness.OUTDATED:
            record = row.translation.get(name) or {}
            changes = freshness.changed_paragraphs(record.get("source", ""), row.english(name))
            items.append(format_html(
                '<li><strong>{}</strong>: <span class="state-outdated">{}</span>'
                '<div class="english-change"><p>{}</p>{}'
                '{}<details><summary>{}</summary><p class="arabic-now" lang="{}" dir="{}">{}</p>'
                '</details></div></li>',
                label, gettext("May be out of date"),
                gettext("The English changed like this since the Arabic was written:"),
                format_html_join("", '<p class="word-diff" lang="{}" dir="{}">{}</p>',
                                 ((*SOURCE, change) for change in changes.shown)),
                more_changes_html(changes.hidden),
                gettext("The Arabic now"), *TRANSLATION, row.arabic(name),
            ))
        else:
            items.append(format_html('<li><strong>{}</strong>: {}</li>', label, gettext("Up to date")))
    return format_html('<ul class="translation-status">{}</ul>',
                       format_html_join("", "{}", ((item,) for item in items)))
