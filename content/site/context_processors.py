from django.conf import settings
from django.urls import translate_url

from content import languages
from content.publishing.localized import clinic_texts, current_clinic


def portal(request):
    """The clinic for the footer, and the page being shown in each language (for the switch)."""
    current = languages.active()
    page_languages = []
    for code in languages.CODES:
        page_languages.append({
            "code": code,
            "name_local": languages.local_name(code),
            "dir": languages.direction(code),
            "url": translate_url(request.path, code),
            "is_current": code == current,
        })
    clinic = current_clinic(request)
    english_contact = f"{translate_url(request.path, languages.SOURCE)}#clinic-contact"
    return {
        "clinic": clinic,
        "clinic_text": clinic_texts(clinic, english_url=english_contact),
        "page_languages": page_languages,
        "other_languages": [entry for entry in page_languages if not entry["is_current"]],
        # Absolute addresses name the configured site, never the request's Host.
        "site_url": settings.SITE_URL,
    }
