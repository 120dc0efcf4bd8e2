"""Who may change what: editors write English, translators Arabic, clinical reviewers publish.

The clinic's contact block, on every page at once, is changed only by clinical reviewers and clinic
administrators, in both languages. The groups and their permissions are created by migrations
(0003_roles, 0011_review_everything). The admin asks these
functions what a user may do, and the forms refuse, on the server, any post that changes a field
outside them, whatever the page showed.
"""

from content import languages

EDITOR, TRANSLATOR, CLINICAL_REVIEWER = "Editor", "Translator", "Clinical reviewer"
CLINIC_ADMINISTRATOR = "Clinic administrator"

# Form fields that are about the Arabic, not the English, of the row they belong to.
ARABIC_FORM_FIELDS = {"confirm_arabic"}


def can_edit_english(user):
    return user.has_perm("content.edit_english")


def can_edit_arabic(user):
    return user.has_perm("content.edit_arabic")


def can_publish(user):
    return user.has_perm("content.publish_procedure")


def can_change_clinic(user):
    """The clinic's contact block reaches every page when saved: reviewers and clinic
    administrators only (the admin refuses anyone else's POST with 403)."""
    return user.has_perm("content.change_clinic")


def can_check_translation(user):
    return user.has_perm("content.check_translation")


def has_role(user):
    """Whether the account is in a role (or a superuser): a staff account in none may read no
    working copy."""
    return (can_edit_english(user) or can_edit_arabic(user) or can_publish(user)
            or can_check_translation(user))


def arabic_field_names(model):
    names = {languages.field_name(name, languages.TRANSLATION) for name in model.translated_text_fields}
    return names | ARABIC_FORM_FIELDS


def editable_fields(user, model, field_names):
    """The form fields of `model` this user may change: Arabic ones for a translator, everything
    else (English texts, structure, citations) for an editor."""
    arabic = arabic_field_names(model) if hasattr(model, "translated_text_fields") else set()
    allowed = set()
    for name in field_names:
        if name in arabic:
            if can_edit_arabic(user):
                allowed.add(name)
        elif can_edit_english(user):
            allowed.add(name)
    return allowed

