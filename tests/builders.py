"""Small functions that build test data; each returns saved objects with sensible defaults."""

import datetime

from django.core.management import call_command

from content.models import Citation, Clinic, Procedure, Question, Section

DEMO_SLUG = "hai-pump-chemotherapy"


def make_procedure(slug="test-procedure", status=Procedure.Status.PUBLISHED, **fields):
    values = {
        "title_en": "Test procedure",
        "title_ar": "إجراء تجريبي",
        "summary_en": "A short summary for patients.",
        "summary_ar": "ملخص قصير للمرضى.",
        "last_reviewed": datetime.date(2026, 1, 15),
        "next_review_due": datetime.date(2027, 1, 15),
        "reviewer_name": "Dr Test",
    }
    values.update(fields)
    return Procedure.objects.create(slug=slug, status=status, **values)


def add_section(procedure, kind, body_en="English text.", body_ar="نص عربي.", **fields):
    return Section.objects.create(
        procedure=procedure, kind=kind, body_en=body_en, body_ar=body_ar, **fields
    )


def add_question(procedure, position=1, question_en="A question?", question_ar="سؤال؟",
                 answer_en="An answer.", answer_ar="جواب."):
    return Question.objects.create(
        procedure=procedure, position=position, question_en=question_en,
        question_ar=question_ar, answer_en=answer_en, answer_ar=answer_ar,
    )


def add_citation(procedure, number=1, **fields):
    values = {"authors": "Doe J, et al.", "title": "A study", "source": "A Journal",
              "year": 2024, "doi": f"10.1000/test.{number}"}
    values.update(fields)
    return Citation.objects.create(procedure=procedure, number=number, **values)


def make_clinic(**fields):
    values = {"name_en": "Test Clinic", "name_ar": "العيادة التجريبية", "phone": "+1 555 0100",
              "emergency_instructions_en": "Call your local emergency number.",
              "emergency_instructions_ar": "اتصل برقم الطوارئ المحلي."}
    values.update(fields)
    return Clinic.objects.create(**values)


def load_demo_content():
    """The shipped demo, loaded exactly as `make run` loads it."""
    call_command("load_demo", verbosity=0)
    return Procedure.objects.get(slug=DEMO_SLUG)
