"""Small functions that build test data; each returns saved objects with sensible defaults.

A procedure built here is a working copy, invisible to patients until `publish` makes its
current state the next live version, as a clinical reviewer would.
"""

import datetime
import importlib

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from content.editing.revisions import latest_revision, record_revision, save_clinic
from content.models import Citation, Clinic, Procedure, Question, Section, StaffProfile
from content.publishing.localized import text_entry
from content.publishing.workflow import publish_revision

DEMO_SLUG = "hai-pump-chemotherapy"
REVIEWER = {
    "name": "Dr Test",
    "role": text_entry({"role_en": "Surgeon", "role_ar": "جرّاح"}, "role", {"source": "Surgeon"}),
}


def publish_glossary():
    """Publish the glossary's working copy, as a clinical reviewer would: patients read nothing
    of it before."""
    from content.publishing.glossary_workflow import publish_glossary as publish_it

    return publish_it(name=REVIEWER["name"])


def make_procedure(slug="test-procedure", **fields):
    values = {
        "title_en": "Test procedure",
        "title_ar": "إجراء تجريبي",
        "summary_en": "A short summary for patients.",
        "summary_ar": "ملخص قصير للمرضى.",
    }
    values.update(fields)
    return Procedure.objects.create(slug=slug, **values)


def publish(procedure, reviewer=REVIEWER, last_reviewed=datetime.date(2026, 1, 15),
            next_review_due=datetime.date(2027, 1, 15), **kwargs):
    """Record the working copy as a revision and publish it, as a clinical reviewer would."""
    record_revision(procedure)
    procedure.refresh_from_db()
    return publish_revision(procedure, latest_revision(procedure), reviewer,
                            last_reviewed=last_reviewed, next_review_due=next_review_due, **kwargs)


def make_published_procedure(slug="test-procedure", **fields):
    """A live procedure with an overview, in both languages."""
    procedure = make_procedure(slug, **fields)
    add_section(procedure, "overview")
    publish(procedure)
    return procedure


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
    return save_clinic(Clinic(**values))


def make_staff(username, group=None, superuser=False, role_en="", role_ar="", **fields):
    """A staff account in one of the role groups, named as patients would see it."""
    users = get_user_model()
    if superuser:
        user = users.objects.create_superuser(username, password="a-long-password-1", **fields)
    else:
        user = users.objects.create_user(username, password="a-long-password-1", is_staff=True,
                                         **fields)
    if group:
        user.groups.add(role_group(group))
    if role_en:
        StaffProfile.objects.create(user=user, role_en=role_en, role_ar=role_ar)
    return user


def role_group(name):
    """A role's group, as migration 0003 made it. Live-server tests flush the database between
    tests, which removes what data migrations wrote; the migration's own code puts it back."""
    if not Group.objects.filter(name=name).exists():
        from django.apps import apps

        importlib.import_module("content.migrations.0003_roles").create_groups(apps, None)
        importlib.import_module("content.migrations.0011_review_everything").regroup(apps, None)
    return Group.objects.get(name=name)


def load_demo_content():
    """The shipped demo, loaded exactly as `make run` loads it."""
    call_command("load_demo", verbosity=0)
    return Procedure.objects.get(slug=DEMO_SLUG)
