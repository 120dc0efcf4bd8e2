"""Help beside each patient text while staff write it: its reading level, its long sentences and
the glossary terms it uses, with their approved Arabic; and the publish checklist of a page's
figures, where a clinical reviewer publishes.

- Beside every text patients read as sentences (PROSE_FIELDS, in both languages) the change form
  shows a panel drawn on the server with the page, so it is there without JavaScript.
  static/js/writing-help.js asks the staff-only endpoint (`writing_help_view`, POST with the CSRF
  token) for a new panel as the person types, a moment after they pause.
- Titles, short names and headings (LABEL_FIELDS) are labels rather than sentences: a reading
  grade of three words says nothing, so their panel lists only the glossary terms they use.
- Terms come from the glossary patients read (its latest publication, which a clinical reviewer
  reviewed), never from the working copy, so translators are shown only approved Arabic.
- The checklist warns when an English text reads above READING_GRADE_LIMIT; publishing stays
  the reviewer's decision and is never refused for it.
"""

from django import forms
from django.conf import settings
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from content import languages
from content.admin import workflow_actions
from content.admin.workflow_actions import Situation
from content.editing import revisions
from content.editing.models import Clinic, GlossaryTerm, Procedure, Question, Section
from content.publishing.glossary import published_terms
from content.rendering import readability
from content.rendering.bounds import MARKDOWN_MAX_CHARS
from content.rendering.term_finder import terms_used

# The texts patients read as sentences, per model: the ones measured and helped.
PROSE_FIELDS = {
    Procedure: ("summary",),
    Section: ("body",),
    Question: ("question", "answer"),
    GlossaryTerm: ("definition",),
    Clinic: ("emergency_instructions",),
}
# Labels patients read: glossary terms only.
LABEL_FIELDS = {
    Procedure: ("title", "short_name", "also_known_as"),
    Section: ("heading",),
}
PANEL_TEMPLATE = "admin/content/writing_help/panel.html"
PANEL_BODY_TEMPLATE = "admin/content/writing_help/panel_body.html"


def grade_limit():
    return settings.READING_GRADE_LIMIT


# --- The glossary's approved words ------------------------------------------------------------


def approved_glossary():
    """The published glossary's terms as the help uses them: slug, and per language the term
    and its other forms."""
    glossary = []
    for term in published_terms():
        words = {}
        for code in languages.CODES:
            word = (getattr(term, languages.field_name("term", code), "") or "").strip()
            forms = getattr(term, languages.field_name("other_forms", code), "") or ""
            if isinstance(forms, str):
                forms = forms.splitlines()
            words[code] = {"term": word, "forms": [f.strip() for f in forms if f and f.strip()]}
        glossary.append({"slug": term.slug, "words": words})
    return glossary


def terms_in(text, language, glossary):
    """The glossary terms `text` (in `language`) uses, in order of first use, each with its
    English and its approved Arabic ("" where the glossary has none yet)."""
    entries = [{"term": g["words"][language]["term"], "forms": g["words"][language]["forms"],
                "anchor": g["slug"]}
               for g in glossary if g["words"].get(language, {}).get("term")]
    by_slug = {g["slug"]: g for g in glossary}
    return [{"slug": slug,
             "source": by_slug[slug]["words"][languages.SOURCE]["term"],
             "translation": by_slug[slug]["words"].get(languages.TRANSLATION, {}).get("term", "")}
            for slug in terms_used(text, entries, language)]


# --- The panel ----------------------------------------------------------------------------------


def panel_context(text, language, glossary, measures=True):
    """What the panel shows; a label's (`measures` false) has no reading level."""
    reading = readability.measure(text or "", language) if measures else None
    return {
        "measures": measures,
        "reading": reading,
        "above_limit": bool(reading) and reading.above(grade_limit()),
        "limit": f"{grade_limit():g}",
        "higher_is_easier": bool(reading and reading.measure)
        and not readability.MEASURES[reading.measure]["higher_is_harder"],
        "terms": terms_in(text or "", language, glossary),
        "text_language": language,
        "text_direction": languages.direction(language),
        "source": languages.SOURCE,
        "source_direction": languages.direction(languages.SOURCE),
        "translation": languages.TRANSLATION,
        "translation_direction": languages.direction(languages.TRANSLATION),
        "translation_name": languages.name(languages.TRANSLATION),
        "has_glossary": bool(glossary),
    }


class WritingHelpWidget:
    """Mixed into a text field's own widget class (see `give_help`): the field as Django draws
    it, then the help panel for its current value."""

    writing_help_language = languages.SOURCE
    writing_help_url = ""
    writing_help_measures = True  # False for a label: glossary terms only
    writing_help_glossary = staticmethod(list)  # a function: the glossary, read once per request

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        field_id = (attrs or {}).get("id") or self.attrs.get("id") or ""
        context = panel_context(value or "", self.writing_help_language, self.writing_help_glossary(),
                                self.writing_help_measures)
        context |= {"field_id": field_id, "url": self.writing_help_url,
                    "body_template": PANEL_BODY_TEMPLATE}
        return mark_safe(field + render_to_string(PANEL_TEMPLATE, context))


def give_help(widget, language, url, glossary, measures=True):
    """Make `widget` draw the help panel after itself, keeping its class, attributes and
    whatever else the admin and modeltranslation gave it."""
    cls = widget.__class__
    if not issubclass(cls, WritingHelpWidget):
        widget.__class__ = type(f"WritingHelp{cls.__name__}", (WritingHelpWidget, cls), {})
    widget.writing_help_language = language
    widget.writing_help_url = url
    widget.writing_help_glossary = glossary
    widget.writing_help_measures = measures
    return widget


def _request_glossary(request):
    """The approved glossary, read at most once per request however many panels the page has."""
    def read():
        if not hasattr(request, "_writing_help_glossary"):
            request._writing_help_glossary = approved_glossary()
        return request._writing_help_glossary
    return read


class HelpsWriting:
    """For a model admin or inline: a help panel beside each prose field, in each language."""

    def writing_help_model(self):
        return self.model

    def writing_help_url_name(self):
        """The endpoint of the model admin the form is on (an inline's parent)."""
        opts = getattr(self, "parent_model", self.model)._meta
        return f"admin:{opts.app_label}_{opts.model_name}_writing_help"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        language = getattr(db_field, "language", None)
        translated = getattr(getattr(db_field, "translated_field", None), "name", None)
        prose = translated in PROSE_FIELDS.get(self.model, ())
        if (formfield is not None and language in languages.CODES
                and (prose or translated in LABEL_FIELDS.get(self.model, ()))):
            give_help(formfield.widget, language, reverse(self.writing_help_url_name()),
                      _request_glossary(request), measures=prose)
        return formfield


class WritingHelpAdmin(HelpsWriting):
    """HelpsWriting for a model admin, with the endpoint its panels ask."""

    @property
    def media(self):
        return super().media + forms.Media(js=["js/writing-help.js"])

    def get_urls(self):
        opts = self.model._meta
        view = never_cache(csrf_protect(self.writing_help_view))
        return [path("writing-help/", view, name=f"{opts.app_label}_{opts.model_name}_writing_help"),
                *super().get_urls()]

    def writing_help_view(self, request):
        """POST text=...&language=...: the panel for that text, as JSON ({"html", "reading",
        "terms"}); with measure=0 (a label's panel), the terms only and "reading" null. Staff
        who may see this model only; anything else is refused with a reason."""
        user = request.user
        if not (user.is_active and user.is_staff and self.has_view_or_change_permission(request)):
            return _refused(gettext("Only signed-in staff may ask for writing help."), 403)
        if request.method != "POST":
            return _refused(gettext("Send the text with POST."), 405)
        language = request.POST.get("language", "")
        text = request.POST.get("text")
        if language not in languages.CODES:
            return _refused(gettext("Say which language the text is in: one of %(codes)s.")
                            % {"codes": ", ".join(languages.CODES)}, 400)
        if text is None:
            return _refused(gettext("Send the text to measure (an empty one is measured too)."), 400)
        if len(text) > MARKDOWN_MAX_CHARS:
            return _refused(gettext("The text is longer than %(limit)d characters, the most a "
                                    "text may hold.") % {"limit": MARKDOWN_MAX_CHARS}, 400)
        glossary = approved_glossary()
        context = panel_context(text, language, glossary, request.POST.get("measure") != "0")
        reading = context["reading"]
        return JsonResponse({
            "html": render_to_string(PANEL_BODY_TEMPLATE, context, request=request),
            "reading": reading.as_json() | {"above_limit": context["above_limit"]} if reading else None,
            "terms": context["terms"],
        })


def _refused(message, status):
    return JsonResponse({"error": message}, status=status)


# --- The publish checklist ----------------------------------------------------------------------


def checklist(content, limit=None):
    """Every measured text of a revision's snapshot, as the publish checklist lists them: rows of
    (part, {language: Reading}), and the English rows above the grade limit."""
    limit = grade_limit() if limit is None else limit
    rows = []
    for label, row, field in _measured_parts(content):
        readings = {code: readability.measure(row.get(languages.field_name(field, code)) or "", code)
                    for code in languages.CODES}
        rows.append({"label": label, "readings": [(code, readings[code]) for code in languages.CODES],
                     "above": readings[languages.SOURCE].above(limit)})
    return {"rows": rows, "above": [row["label"] for row in rows if row["above"]],
            "limit": f"{limit:g}", "columns": [_column(code) for code in languages.CODES]}


def _column(code):
    """A language's column heading: "English: Flesch-Kincaid grade"."""
    name = languages.READING_MEASURES.get(code)
    if name is None:
        return languages.name(code)
    measure = readability.MEASURES[name]
    heading = gettext("%(language)s: %(measure)s") % {"language": languages.name(code),
                                                      "measure": measure["label"]}
    if not measure["higher_is_harder"]:
        heading = f"{heading} {gettext('(higher reads more easily)')}"
    return heading


def _field_name(model, field):
    return str(capfirst(model._meta.get_field(field).verbose_name))


def _measured_parts(content):
    yield _field_name(Procedure, "summary"), content["procedure"], "summary"
    for section in content["sections"]:
        try:
            kind = Section.Kind(section["kind"]).label
        except ValueError:
            kind = section["kind"]
        yield str(kind), section, "body"
    for number, question in enumerate(content["questions"], start=1):
        for field in ("question", "answer"):
            yield (gettext("Question %(number)d: %(field)s")
                   % {"number": number, "field": _field_name(Question, field)}), question, field


class PublishChecklist:
    """For the procedure admin: the reading checklist in the review box, where the publish
    button is, for whoever may publish it."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        procedure = self.get_object(request, object_id)
        if procedure is not None and workflow_actions.may_do(request.user, "publish"):
            latest = revisions.latest_revision(procedure)
            situation = Situation(procedure, latest, revision=latest)
            if latest is not None and workflow_actions.ACTIONS["publish"].offered(situation):
                extra_context["reading_checklist"] = checklist(latest.content) | {
                    "revision": latest.number}
        return super().change_view(request, object_id, form_url, extra_context)
