from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info

from content.localized import clinic_texts, current_clinic, language_direction, page_language
from content.models import SOURCE_LANGUAGE


def portal(request):
    """The clinic for the footer, and the page being shown in each language (for the switch)."""
    current = page_language()
    page_languages = []
    for code, _name in settings.LANGUAGES:
        page_languages.append({
            "code": code,
            "name_local": get_language_info(code)["name_local"],
            "dir": language_direction(code),
            "url": translate_url(request.path, code),
            "is_current": code == current,
        })
    clinic = current_clinic(request)
    english_contact = f"{translate_url(request.path, SOURCE_LANGUAGE)}#clinic-contact"
    return {
        "clinic": clinic,
        "clinic_text": clinic_texts(clinic, english_url=english_contact),
        "page_languages": page_languages,
        "other_languages": [entry for entry in page_languages if not entry["is_current"]],
    }
