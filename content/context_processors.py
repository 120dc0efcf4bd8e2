from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info

from content.localized import clinic_texts, page_language
from content.models import Clinic


def portal(request):
    """The clinic for the footer, and the page being shown in each language (for the switch)."""
    current = page_language()
    page_languages = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        page_languages.append({
            "code": code,
            "name_local": info["name_local"],
            "dir": "rtl" if info["bidi"] else "ltr",
            "url": translate_url(request.path, code),
            "is_current": code == current,
        })
    clinic = Clinic.current()
    return {
        "clinic": clinic,
        "clinic_text": clinic_texts(clinic),
        "page_languages": page_languages,
        "other_languages": [entry for entry in page_languages if not entry["is_current"]],
    }
