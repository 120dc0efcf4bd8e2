"""Which fields exist in English and in Arabic (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from content import languages
from content.editing.models import Clinic, GlossaryTerm, Procedure, Question, Section, StaffProfile


@register(Procedure)
class ProcedureTranslation(TranslationOptions):
    fields = ("title", "short_name", "also_known_as", "summary")
    # English is the source: a procedure cannot exist without its English title and summary.
    required_languages = {languages.SOURCE: ("title", "summary"), "default": ()}


@register(Section)
class SectionTranslation(TranslationOptions):
    fields = ("heading", "body")
    required_languages = {languages.SOURCE: ("body",), "default": ()}


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("question", "answer")
    required_languages = {languages.SOURCE: ("question", "answer"), "default": ()}


@register(Clinic)
class ClinicTranslation(TranslationOptions):
    fields = ("name", "address", "emergency_instructions", "after_hours_note")
    required_languages = {languages.SOURCE: ("name",), "default": ()}


@register(StaffProfile)
class StaffProfileTranslation(TranslationOptions):
    fields = ("role",)


@register(GlossaryTerm)
class GlossaryTermTranslation(TranslationOptions):
    fields = ("term", "other_forms", "definition")
    required_languages = {languages.SOURCE: ("term", "definition"), "default": ()}
