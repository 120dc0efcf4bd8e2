"""Admin forms: what each role may change (checked on the server), translation freshness per
field, and refusing a save over someone else's newer one."""

from django import forms
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.text import capfirst
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


# Inputs holding addresses, identifiers and numbers, written left to right in every language:
# slugs, web addresses, e-mail addresses, DOIs, phone numbers, codes.
LEFT_TO_RIGHT_FIELDS = frozenset({"slug", "url", "doi", "phone", "code", "email"})
LEFT_TO_RIGHT_TYPES = (forms.SlugField, forms.URLField, forms.EmailField)


def give_inputs_their_direction(model, fields):
    """Each input written in its own language's direction, whatever the admin's language: a
    translated field's column in language L gets dir and lang of L (English "ltr"/"en", Arabic
    "rtl"/"ar"); addresses and identifiers "ltr"; any other text (a reference, kept in its
    original language) "auto", so the browser follows what is typed."""
    columns = {}
    if hasattr(model, "translated_text_fields"):
        columns = {languages.field_name(name, code): code
                   for name in model.translated_text_fields for code in languages.CODES}
    for name, field in fields.items():
        if field.widget.is_hidden:
            continue
        code = columns.get(name)
        if code is not None:
            field.widget.attrs.update(dir=languages.direction(code), lang=code)
        elif name in LEFT_TO_RIGHT_FIELDS or isinstance(field, LEFT_TO_RIGHT_TYPES):
            field.widget.attrs["dir"] = "ltr"
        elif isinstance(field, forms.CharField):
            field.widget.attrs["dir"] = "auto"


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
        give_inputs_their_direction(model, self.fields)
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


MISSING = object()


def _comparable(value):
    """A value as a merge compares it: text normalised, dates as their ISO form, None as ""."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value.pk)
    return freshness.normalise(str(value))


def _shown(value):
    text = _comparable(value)
    return text if text else gettext("(empty)")


class MergesStaleSaves(forms.ModelForm):
    """Merges a save made on an older revision into the newer working copy, field by field.

    `merge_base` holds what each field said in the revision the form was opened on (None: the
    form is not stale; MISSING: that revision is unknown). Per field: if only this person changed
    it, theirs is taken; if only the newer save changed it, that is kept; if both changed it to
    different texts, the field gets an error naming it and showing both, and (the whole save
    being refused) this person's text stays in the input. The bound data is rewritten to the
    merged result, so the form shown again is what a second save would store.
    """

    merge_base = None
    merge_saved_by = ("", None)  # (who, when) of the newer save, for the messages
    merge_part = ""  # the part of the page this form edits, for the messages ("" for the page)

    def merge_fields(self):
        model_fields = {f.name for f in self._meta.model._meta.concrete_fields}
        return [name for name, field in self.fields.items()
                if name in model_fields and not field.disabled and name in self.cleaned_data]

    def merge(self, current):
        """Merge against `current` (the working copy's row now); returns the conflicting names."""
        if self.merge_base is None:
            return []
        conflicts, merged = [], {}
        for name in self.merge_fields():
            mine, theirs = self.cleaned_data[name], getattr(current, name, None)
            if _comparable(mine) == _comparable(theirs):
                continue
            base = MISSING if self.merge_base is MISSING else self.merge_base.get(name, MISSING)
            if base is not MISSING and _comparable(mine) == _comparable(base):
                self.cleaned_data[name] = theirs  # only they changed it: keep theirs
                merged[name] = theirs
            elif base is not MISSING and _comparable(theirs) == _comparable(base):
                continue  # only I changed it: mine
            else:
                conflicts.append(name)
                self.add_error(name, self.conflict_error(name, theirs, mine))
        if merged:
            self.data = self.data.copy()
            for name, value in merged.items():
                self.data[self.add_prefix(name)] = "" if value is None else (
                    value.pk if hasattr(value, "pk") else value)
        return conflicts

    def conflict_error(self, name, theirs, mine):
        who, when = self.merge_saved_by
        label = self.fields[name].label or name
        if self.merge_part:
            label = f"{self.merge_part}: {label}"
        return ValidationError(
            gettext("%(field)s was changed both by %(who)s (saved at %(when)s, after you opened "
                    "the page) and by you. Their text: “%(theirs)s”. Your text: “%(mine)s”, "
                    "still in the box below. Combine the two there, then save again.")
            % {"field": label, "who": who or gettext("someone else"),
               "when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else "",
               "theirs": _shown(theirs), "mine": _shown(mine)},
            code="conflicting_edit",
        )


class RefusesStaleSaves(MergesStaleSaves):
    """Merges a save over someone else's newer one (MergesStaleSaves), refusing only when both
    changed the same field; this person's text stays in the form either way.

    The form carries the row's revision as it was when opened; the revision's snapshot says what
    each field was then. Without that snapshot (an unknown revision), a stale save is refused
    whole, naming who saved in between and when.
    """

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.version_of(self.instance)

    def version_of(self, row):
        """What the form carries to tell the row as it was opened from any later save."""
        return str(row.revision)

    def saved_in_between(self, current):
        """(who, when) of the newer save, as the history recorded it."""
        return "", current.updated_at

    def base_values(self, loaded_version):
        """What each field said in revision `loaded_version`, or MISSING if that is unknown."""
        return MISSING

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # The admin saves inside a transaction: locking the row makes check-then-save safe
            # (PostgreSQL; SQLite takes its write lock at the start of the transaction instead).
            current = self._meta.model.objects.select_for_update().filter(pk=self.instance.pk).first()
            if current is not None and cleaned.get("loaded_version") != self.version_of(current):
                who, when = self.saved_in_between(current)
                when_text = timezone.localtime(when).strftime("%Y-%m-%d %H:%M")
                self.merge_base = self.base_values(cleaned.get("loaded_version"))
                if self.merge_base is MISSING:
                    raise ValidationError(
                        gettext(
                            "%(who)s saved this at %(when)s, after you opened it. Nothing was "
                            "saved, and your text is still in the form below: open the page "
                            "again in a new tab to see their changes, copy yours across, then "
                            "save there."
                        ) % {"who": who or gettext("Someone else"), "when": when_text},
                        code="concurrent_edit",
                    )
                self.merge_saved_by = (who, when)
                conflicts = self.merge(current)
                # The form now holds the merged text: a second save is made on the current revision.
                self.data = self.data.copy()
                self.data[self.add_prefix("loaded_version")] = self.version_of(current)
                if conflicts:
                    raise ValidationError(
                        gettext(
                            "%(who)s saved this at %(when)s, after you opened it. Their changes "
                            "and yours were combined where they did not overlap, but you both "
                            "changed %(fields)s, so nothing was saved. Each is shown below with "
                            "both texts; your text is still in the form."
                        ) % {"who": who or gettext("Someone else"), "when": when_text,
                             "fields": ", ".join(str(self.fields[n].label or n) for n in conflicts)},
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

    def base_values(self, loaded_version):
        content = _revision_content(self.instance, loaded_version)
        return MISSING if content is None else content["procedure"]

    def saved_in_between(self, current):
        revision = current.revisions.order_by("-number").first()
        if revision is None:
            return "", current.updated_at
        return revision.saved_by, revision.created_at


class ClinicForm(RoleCheckedForm, RefusesStaleSaves):
    class Meta:
        model = Clinic
        fields = ("name", "phone", "address", "emergency_instructions", "open_days", "opens_at",
                  "closes_at", "time_zone", "after_hours_phone", "after_hours_note")

    def editable_fields(self, user):
        # Whoever may change the clinic (a reviewer, a clinic administrator) changes it whole.
        return set(self.fields) if roles.can_change_clinic(user) else set()

    def saved_in_between(self, current):
        revision = current.revisions.order_by("-number").first()
        return (revision.saved_by, revision.created_at) if revision else ("", current.updated_at)

    def base_values(self, loaded_version):
        revision = (self.instance.revisions.filter(number=loaded_version).first()
                    if str(loaded_version or "").isdigit() else None)
        return MISSING if revision is None else revision.content


def _revision_content(procedure, number):
    """The snapshot of the procedure's revision `number` (as posted), or None if there is none."""
    if not str(number or "").isdigit():
        return None
    revision = procedure.revisions.filter(number=int(number)).first()
    return revision.content if revision is not None else None


class PartForm(RoleCheckedForm, MergesStaleSaves):
    """A section, question or citation on the procedure's page: role-checked, and merged field by
    field when the page was opened on an older revision (the admin sets merge_base per form)."""

    def clean(self):
        cleaned = super().clean()
        if self.merge_base is not None and self.instance.pk and not cleaned.get("DELETE"):
            self.merge(self.instance)
        return cleaned


class RoleCheckedFormSet(BaseInlineFormSet):
    """Adding or deleting a section, question or citation is an editor's change: refused, with a
    message, when anyone else's post tries it. A part whose hidden id matches none of the page's
    parts (tampered with, or removed since the page was opened) is named, not left as a bare
    "Please correct the error below"."""

    user = None
    siblings = ()  # the other inline formsets of the same save, for cross-checks

    def unmatched_parts(self):
        pk_name = self.model._meta.pk.name
        return [index for index, form in enumerate(self.forms[:self.initial_form_count()])
                if pk_name in form.errors]

    def clean(self):
        unmatched = self.unmatched_parts()
        if unmatched:
            thing = capfirst(self.model._meta.verbose_name)
            raise ValidationError([
                gettext("%(part)s %(number)d could not be matched to the page (it may have been "
                        "removed since you opened it), so nothing was saved. Your text is kept "
                        "in the form: copy it, then reload the page.")
                % {"part": thing, "number": index + 1}
                for index in unmatched
            ], code="unmatched_part")
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


class GlossaryTermForm(RoleCheckedForm, RefusesStaleSaves):
    """A term has no revisions, so a save over a newer one (another person's, or an XLIFF import
    of the glossary) is refused whole, with this person's text kept in the form."""

    class Meta:
        model = GlossaryTerm
        fields = ("slug", "term", "other_forms", "definition")

    def version_of(self, row):
        return row.updated_at.isoformat() if row.updated_at else ""

    def saved_in_between(self, current):
        # The admin and the XLIFF import write a history entry naming who saved, after the save;
        # an entry older than the save is about an earlier one (a save from the shell writes none).
        entry = (LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(GlossaryTerm),
                                         object_id=str(current.pk))
                 .select_related("user").order_by("-action_time").first())
        if entry is None or entry.action_time < current.updated_at:
            return "", current.updated_at
        return person_name(entry.user), entry.action_time


class StaffProfileForm(forms.ModelForm):
    """What patients are told about a member of staff, each role text in its own direction, and
    the language of their admin."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        give_inputs_their_direction(self._meta.model, self.fields)
