"""Admin forms: what each role may change (checked on the server), translation freshness per
field, and refusing a save over someone else's newer one."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from content import languages
from content.editing import freshness, roles
from content.editing.models import Clinic, GlossaryTerm, Procedure, person_name
from content.publishing.addresses import taken_by_another
from content.rendering.markdown import missing_citations


def _same(value, initial):
    if isinstance(value, str) or isinstance(initial, str):
        return freshness.normalise(value or "") == freshness.normalise(initial or "")
    return value == initial


class RoleCheckedForm(forms.ModelForm):
    """Fields outside the user's role are shown disabled; a post that changes one anyway is
    refused with an error naming it, rather than silently ignored."""

    user = None  # set per request by the admin (get_form / get_formset)

    english_keeps_meaning = forms.BooleanField(
        label=_("This English edit does not change the meaning"),
        required=False,
        help_text=_("Tick for a typo, punctuation or formatting fix: the Arabic then stays "
                    "marked as up to date. Leave it unticked for any change a translator must see."),
    )
    confirm_arabic = forms.MultipleChoiceField(
        label=_("The Arabic still matches the changed English"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick a part after checking its Arabic against the English change shown "
                    "above, if it needs no edit."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = self._meta.model
        if hasattr(model, "translated_text_fields"):
            self.fields["confirm_arabic"].choices = [
                (name, model._meta.get_field(name).verbose_name)
                for name, state in self.instance.field_states().items()
                if state == freshness.OUTDATED
            ] if self.instance.pk else []
        if self.user is not None:
            allowed = self.editable_fields(self.user)
            for name, field in self.fields.items():
                if name not in allowed and name != "loaded_version" and not name.endswith("DELETE"):
                    field.disabled = True

    def editable_fields(self, user):
        return roles.editable_fields(user, self._meta.model, self.fields)

    def clean(self):
        cleaned = super().clean()
        refused = [field.label or name for name, field in self.fields.items()
                   if field.disabled and self._posted_change(name, field)]
        if refused:
            raise ValidationError(
                gettext("Your role may not change %(fields)s, so nothing was saved. Reload the "
                        "page to start again from the saved text.")
                % {"fields": ", ".join(str(label) for label in refused)},
                code="not_your_role",
            )
        return cleaned

    def _posted_change(self, name, field):
        key = self.add_prefix(name)
        if key not in self.data:
            return False  # browsers do not send disabled fields
        try:
            value = field.to_python(field.widget.value_from_datadict(self.data, self.files, key))
        except ValidationError:
            return True
        initial = self.get_initial_for_field(field, name)
        if hasattr(field, "queryset"):
            initial = getattr(initial, "pk", initial)
            value = getattr(value, "pk", value)
        return not _same(value, initial)

    def save(self, commit=True):
        instance = self.instance
        if self.user is not None:
            instance.actor = person_name(self.user)
        instance.meaning_unchanged = bool(self.cleaned_data.get("english_keeps_meaning"))
        instance.confirmed_fields = set(self.cleaned_data.get("confirm_arabic") or ())
        return super().save(commit)


class RefusesStaleSaves(forms.ModelForm):
    """Refuses to save over someone else's newer save, keeping this person's text in the form.

    The form carries the row's revision as it was when opened; a save against a newer revision
    is an error naming who saved in between and when, not an overwrite.
    """

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = str(self.instance.revision)

    def saved_in_between(self, current):
        """(who, when) of the newer save, as the history recorded it."""
        return "", current.updated_at

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # The admin saves inside a transaction: locking the row makes check-then-save safe
            # (PostgreSQL; SQLite takes its write lock at the start of the transaction instead).
            current = self._meta.model.objects.select_for_update().filter(pk=self.instance.pk).first()
            if current is not None and cleaned.get("loaded_version") != str(current.revision):
                who, when = self.saved_in_between(current)
                raise ValidationError(
                    gettext(
                        "%(who)s saved this at %(when)s, after you opened it. Nothing was saved, "
                        "and your text is still in the form below: open the page again in a new "
                        "tab to see their changes, copy yours across, then save there."
                    ) % {"who": who or gettext("Someone else"),
                         "when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M")},
                    code="concurrent_edit",
                )
        return cleaned


class ProcedureForm(RoleCheckedForm, RefusesStaleSaves):
    class Meta:
        model = Procedure
        fields = ("title", "slug", "short_name", "also_known_as", "summary")

    def clean_slug(self):
        # An address another page was ever published at redirects to that page for ever (printed
        # QR codes carry it), so no other page may take it. A page's own new address becomes
        # public when a version carrying it is published.
        slug = self.cleaned_data.get("slug")
        if slug and taken_by_another(slug, self.instance.pk):
            raise ValidationError(gettext(
                "Another page was published at this address, and its printed handouts still lead "
                "there: choose another address name."), code="address_taken")
        return slug

    def saved_in_between(self, current):
        revision = current.revisions.order_by("-number").first()
        if revision is None:
            return "", current.updated_at
        return revision.created_by_name, revision.created_at


class ClinicForm(RoleCheckedForm, RefusesStaleSaves):
    class Meta:
        model = Clinic
        fields = ("name", "phone", "address", "emergency_instructions")

    def editable_fields(self, user):
        # Whoever may change the clinic (a reviewer, a clinic administrator) changes it whole.
        return set(self.fields) if roles.can_change_clinic(user) else set()

    def saved_in_between(self, current):
        revision = current.revisions.order_by("-number").first()
        return (revision.created_by_name, revision.created_at) if revision else ("", current.updated_at)


class RoleCheckedFormSet(BaseInlineFormSet):
    """Adding or deleting a section, question or citation is an editor's change: refused, with a
    message, when anyone else's post tries it."""

    user = None
    siblings = ()  # the other inline formsets of the same save, for cross-checks

    def clean(self):
        super().clean()
        if self.user is None or roles.can_edit_english(self.user):
            return
        total = int(self.data.get(f"{self.prefix}-TOTAL_FORMS", 0) or 0)
        adds = any(
            value for key, value in self.data.items()
            for index in range(self.initial_form_count(), total)
            if key.startswith(f"{self.prefix}-{index}-")
        )
        deletes = any(key.startswith(f"{self.prefix}-") and key.endswith("-DELETE")
                      and self.data[key] for key in self.data)
        if adds or deletes:
            raise ValidationError(gettext(
                "Your role may not add or remove %(things)s, so nothing was saved.")
                % {"things": self.model._meta.verbose_name_plural})


class CitationFormSet(RoleCheckedFormSet):
    """A citation the text still cites cannot be deleted, and a marker must have its citation."""

    def clean(self):
        super().clean()
        numbers = {
            form.cleaned_data["number"] for form in self.forms
            if getattr(form, "cleaned_data", None) and form.cleaned_data.get("number")
            and not self._should_delete_form(form)
        }
        problems = []
        for formset in self.siblings:
            for form in formset.forms:
                data = getattr(form, "cleaned_data", None)
                if not data or formset._should_delete_form(form):
                    continue
                label = _part_label(form, data)
                for text in data.values():
                    if not isinstance(text, str):
                        continue
                    for number in missing_citations(text, numbers):
                        problems.append(gettext(
                            "%(part)s cites [^%(number)d], but there is no reference "
                            "%(number)d (deleted, or never added).")
                            % {"part": label, "number": number})
        if problems:
            raise ValidationError(list(dict.fromkeys(problems)))


def _part_label(form, data):
    if "kind" in data:
        return dict(form.fields["kind"].choices).get(data["kind"], data["kind"])
    question = data.get(languages.source_field("question")) or ""
    return gettext("The question “%(question)s”") % {"question": question[:60]}


class GlossaryTermForm(RoleCheckedForm):
    class Meta:
        model = GlossaryTerm
        fields = ("slug", "term", "other_forms", "definition")
