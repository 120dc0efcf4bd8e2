"""The working copy staff edit, and its history.

Staff edit a working copy (Procedure with its sections, questions and citations; the Clinic; the
glossary). Every save of a procedure records a Revision, a snapshot of all its texts in every
language (content.editing.revisions); content.publishing turns a revision into what patients read.
"""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import classproperty
from django.utils.translation import gettext_lazy as _

from content import languages
from content.editing import codes, freshness
from content.editing.pictures import known_slugs
from content.rendering.markdown import authoring_problems, plain_text_problems
from content.rendering.urls import WEB_SCHEMES


class UnicodeJSONEncoder(DjangoJSONEncoder):
    """JSON as UTF-8 text: Arabic kept as itself, not as six-byte \\uXXXX escapes (SQLite stores
    JSON as text; on PostgreSQL's jsonb it makes no difference)."""

    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


# A validator is not told its field's language, so a text is checked as the most demanding
# language renders it: with the right-to-left pass that isolates left-to-right runs.
_STRICTEST_LANGUAGE = next((code for code in languages.CODES if languages.is_right_to_left(code)),
                           languages.SOURCE)


def reject_raw_html(text):
    """Refuses whatever a Markdown text would lose or garble when rendered, each problem named
    (raw HTML is only one of them; the name stays because migrations refer to it)."""
    slugs = known_slugs([text]) if text and "picture:" in text else set()
    problems = authoring_problems(text, _STRICTEST_LANGUAGE, slugs)
    if problems:
        raise ValidationError([ValidationError(problem, code="markdown") for problem in problems])


def reject_unsafe_text(text):
    """Refuses what a plain text a patient reads (a title, summary, heading, question, glossary or
    clinic text, a role) must not hold: direction controls, raw HTML, more than a bounded size. The
    same authoring rule as reject_raw_html, for text shown as written rather than rendered."""
    problems = plain_text_problems(text)
    if problems:
        raise ValidationError([ValidationError(problem, code="plain_text") for problem in problems])


class TranslatedContent(models.Model):
    """A row with English and Arabic texts whose Arabic freshness is tracked field by field.

    Before saving, a form may set `actor` (who saves), `meaning_unchanged` (an editor's English
    edit that needs no new translation) and `confirmed_fields` (fields whose Arabic a translator
    checked against the changed English). `translation` then records, per field, the English its
    Arabic was written against (see content.editing.freshness).
    """

    translation = models.JSONField(default=dict, blank=True, editable=False, encoder=UnicodeJSONEncoder)

    class Meta:
        abstract = True

    @classproperty
    def translated_text_fields(cls):
        """The fields translation.py registers in English and Arabic."""
        return languages.translated_fields(cls)

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        # Django 6.1 passes the queryset's fetch mode (and warns about overrides that cannot take
        # it); Django 5.2 has no such argument.
        extra = {} if fetch_mode is None else {"fetch_mode": fetch_mode}
        instance = super().from_db(db, field_names, values, **extra)
        instance._loaded_texts = instance._texts()
        return instance

    def _texts(self):
        return {
            field: tuple(getattr(self, languages.field_name(field, language), None) or ""
                         for language in (languages.SOURCE, languages.TRANSLATION))
            for field in self.translated_text_fields
        }

    def english(self, field):
        return getattr(self, languages.field_name(field, languages.SOURCE), None) or ""

    def arabic(self, field):
        return getattr(self, languages.field_name(field, languages.TRANSLATION), None) or ""

    def field_state(self, field):
        return freshness.field_state(self.english(field), self.arabic(field),
                                     self.translation.get(field))

    def field_states(self):
        return {field: self.field_state(field) for field in self.translated_text_fields}

    def translation_facts(self):
        return freshness.count_states(self.field_states().values())

    def save(self, *args, **kwargs):
        for field in self.translated_text_fields:
            for name in languages.field_names(field):
                value = getattr(self, name, None)
                if isinstance(value, str):
                    # Browsers post CRLF; stored text has LF, so untouched text stays untouched.
                    setattr(self, name, value.replace("\r\n", "\n").replace("\r", "\n"))
        self._update_translation_records()
        super().save(*args, **kwargs)
        self._loaded_texts = self._texts()
        self.confirmed_fields, self.meaning_unchanged = set(), False

    def _update_translation_records(self):
        loaded = getattr(self, "_loaded_texts", None) or {}
        confirmed = set(getattr(self, "confirmed_fields", ()) or ())
        actor = getattr(self, "actor", "") or ""
        meaning_unchanged = getattr(self, "meaning_unchanged", False)
        # The fields whose English this save changed under "does not change the meaning": the
        # admin records them in the history (content.editing.revisions.record_kept_meaning).
        self.kept_meaning = []
        records = dict(self.translation or {})
        for field, after in self._texts().items():
            before = loaded.get(field, ("", ""))
            change = freshness.FieldChange(
                english_changed=freshness.normalise(before[0]) != freshness.normalise(after[0]),
                arabic_changed=freshness.normalise(before[1]) != freshness.normalise(after[1]),
                confirmed=field in confirmed,
            )
            if change.english_changed and meaning_unchanged:
                self.kept_meaning.append(field)
            if change.english_changed or change.arabic_changed or change.confirmed:
                records[field] = freshness.update_record(
                    records.get(field), before, after, change, meaning_unchanged, actor,
                )
        self.translation = records


class Procedure(TranslatedContent):
    """The working copy staff edit. Patients never read it: they read its live Publication."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(
        _("address name"),
        max_length=80,
        unique=True,
        allow_unicode=False,
        help_text=_("Lower-case ASCII letters, digits and hyphens; the same in every language."),
    )
    title = models.CharField(_("title"), max_length=200, validators=[reject_unsafe_text])
    short_name = models.CharField(_("short name"), max_length=100, blank=True,
                                  validators=[reject_unsafe_text])
    also_known_as = models.CharField(_("also known as"), max_length=200, blank=True,
                                     validators=[reject_unsafe_text])
    summary = models.TextField(
        _("summary"),
        max_length=600,
        help_text=_("One or two plain sentences shown under the title and in link previews."),
        validators=[reject_unsafe_text],
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    revision = models.PositiveIntegerField(
        _("latest revision"), default=0, editable=False,
        help_text=_("The number of the latest recorded revision of this working copy."),
    )
    live_version = models.OneToOneField(
        "Publication", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        editable=False, verbose_name=_("live version"),
    )
    # Counted over the working copy's fields when a revision is recorded, for the list filter.
    arabic_missing = models.PositiveSmallIntegerField(default=0, editable=False)
    arabic_outdated = models.PositiveSmallIntegerField(default=0, editable=False)
    # Who checked the Arabic as a whole, and the Arabic they checked (a digest).
    arabic_check = models.JSONField(default=dict, blank=True, editable=False, encoder=UnicodeJSONEncoder)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        permissions = [
            ("edit_english", _("Can write English texts, structure and citations")),
            ("edit_arabic", _("Can write Arabic texts")),
            ("publish_procedure", _("Can publish, unpublish and send back for changes")),
            ("check_translation", _("Can record that a translation was checked")),
        ]

    def __str__(self):
        return self.english("title") or self.slug

    def get_absolute_url(self):
        return reverse("content:procedure", kwargs={"slug": self.slug})

    @property
    def is_live(self):
        return self.live_version_id is not None


class Section(TranslatedContent):
    class Kind(models.TextChoices):
        # Declared in the fixed clinical order in which a page shows them.
        OVERVIEW = "overview", _("Overview")
        WHY = "why", _("Why it's done")
        ALTERNATIVES = "alternatives", _("Alternatives")
        RISKS = "risks", _("Risks")
        PREPARE = "prepare", _("How you prepare")
        DURING = "during", _("During the procedure")
        AFTER = "after", _("After the procedure")
        LIVING_WITH = "living_with", _("Living with it: things to avoid")
        TRAVEL = "travel", _("Travel")
        WHEN_TO_CALL = "when_to_call", _("When to call your care team")
        RESULTS = "results", _("Results")
        # Last, beside the common questions: what to take to the next appointment. (New kinds go
        # at the end, so the stored positions of existing sections stay right.)
        QUESTIONS_TO_ASK = "questions_to_ask", _("Questions to ask your care team")

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="sections", verbose_name=_("procedure")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    heading = models.CharField(
        _("heading"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to use the standard heading for this kind of section."),
        validators=[reject_unsafe_text],
    )
    body = models.TextField(_("text (Markdown)"), validators=[reject_raw_html])
    position = models.PositiveSmallIntegerField(editable=False, default=0)

    class Meta:
        ordering = ["procedure", "position"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "kind"], name="one_section_of_each_kind_per_procedure"
            )
        ]

    def __str__(self):
        return f"{self.procedure}: {self.get_kind_display()}"

    @staticmethod
    def anchor_for(kind):
        return kind.replace("_", "-")

    def save(self, *args, **kwargs):
        self.position = list(self.Kind.values).index(self.kind)
        super().save(*args, **kwargs)


class Question(TranslatedContent):
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="questions", verbose_name=_("procedure")
    )
    question = models.CharField(_("question"), max_length=300, validators=[reject_unsafe_text])
    answer = models.TextField(_("answer (Markdown)"), validators=[reject_raw_html])
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["procedure", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.english("question")


doi_validator = RegexValidator(
    re.compile(r"^10\.\d{4,9}/\S+$"),
    _("Enter a DOI such as 10.1002/jso.25913, without https://doi.org/."),
)


# A reference links to a web page; URLField alone would take ftp:// too, which pages never link.
web_url_validator = URLValidator(
    schemes=sorted(WEB_SCHEMES), message=_("Enter a web address that starts with https:// or http://."),
)


class Citation(models.Model):
    """A reference in its original language; only the appendix's labels are translated."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("Journal article")
        BOOK = "book", _("Book or chapter")
        EXPERT_OPINION = "expert_opinion", _("Expert opinion")

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="citations", verbose_name=_("procedure")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    authors = models.CharField(_("authors"), max_length=300, validators=[reject_unsafe_text])
    title = models.CharField(_("title"), max_length=400, blank=True, validators=[reject_unsafe_text])
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("Journal, book or institution."),
        validators=[reject_unsafe_text],
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("For expert opinions."))
    doi = models.CharField(_("DOI"), max_length=200, blank=True, validators=[doi_validator])
    url = models.URLField(_("URL"), blank=True, validators=[web_url_validator])
    accessed = models.DateField(_("accessed"), null=True, blank=True)

    class Meta:
        ordering = ["procedure", "number"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="citation_numbers_unique_per_procedure"
            )
        ]

    def __str__(self):
        return f"[{self.number}] {self.authors}. {self.title}".strip()

    @property
    def reference_text(self):
        """Authors, title, source and date as one reference line, each part ending in a stop."""
        when = self.date.isoformat() if self.date else (str(self.year) if self.year else "")
        parts = [part.strip() for part in (self.authors, self.title, self.source, when)]
        return " ".join(part if part.endswith((".", "?", "!")) else f"{part}." for part in parts if part)

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def anchor(self):
        return f"cite-{self.number}"


class ProcedureCode(models.Model):
    """A code a health record knows the procedure by (CPT, ICD-10-PCS, SNOMED CT), or a condition it
    treats (ICD-10-CM): what an EHR's infobutton sends (content.handoff). Part of the working copy,
    so codes are reviewed and published with the texts."""

    class System(models.TextChoices):
        CPT = codes.CPT.key, _("CPT (procedure)")
        ICD10PCS = codes.ICD10PCS.key, _("ICD-10-PCS (procedure)")
        SNOMED = codes.SNOMED.key, _("SNOMED CT (procedure)")
        ICD10CM = codes.ICD10CM.key, _("ICD-10-CM (condition it treats)")

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="codes", verbose_name=_("procedure")
    )
    system = models.CharField(_("code system"), max_length=16, choices=System.choices)
    code = models.CharField(_("code"), max_length=20)

    class Meta:
        ordering = ["procedure", "system", "code"]
        verbose_name = _("code")
        verbose_name_plural = _("codes")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "system", "code"],
                                    name="procedure_codes_unique")
        ]

    def __str__(self):
        return f"{codes.SYSTEMS[self.system].label} {self.code}" if self.system in codes.SYSTEMS \
            else self.code

    def clean(self):
        super().clean()
        system = codes.SYSTEMS.get(self.system)
        if system is None:
            return
        self.code = system.normalise(self.code)
        if not system.is_valid(self.code):
            raise ValidationError({"code": ValidationError(system.hint, code="code_format")})


class Clinic(TranslatedContent):
    """The deploying clinic: one row, shown on every page and handout.

    Contact details take effect when saved (a changed phone number must not wait for a
    publication), so only a clinical reviewer or a clinic administrator may change them, never an
    editor or a translator (migration 0011); every save is recorded as a ClinicRevision with who
    and when.
    """

    name = models.CharField(_("name"), max_length=200, validators=[reject_unsafe_text])
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[reject_unsafe_text])
    address = models.TextField(_("address"), blank=True, validators=[reject_unsafe_text])
    emergency_instructions = models.TextField(
        _("emergency instructions"),
        blank=True,
        help_text=_(
            "What a patient should do in an emergency, e.g. call your local emergency number "
            "or go to the nearest emergency department."
        ),
        validators=[reject_unsafe_text],
    )
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("clinic")
        verbose_name_plural = _("clinic")

    def __str__(self):
        return self.english("name")

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first()


class StaffProfile(TranslatedContent):
    """What patients are told about a member of staff who reviews pages: their clinical role."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    role = models.CharField(
        _("clinical role"), max_length=120, blank=True,
        help_text=_("Shown to patients beside your name on pages you review, e.g. "
                    "\"Consultant liver surgeon\"."),
        validators=[reject_unsafe_text],
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return str(self.user)


def person_name(user):
    """How a member of staff is named in history and, for reviewers, to patients."""
    if user is None:
        return ""
    return user.get_full_name().strip() or user.get_username()


class Revision(models.Model):
    """A snapshot of a procedure's working copy (every text, both languages) after a save."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    created_at = models.DateTimeField(_("saved"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too: history must still name who saved after their account is removed.
    created_by_name = models.CharField(max_length=150, blank=True)
    note = models.CharField(max_length=200, blank=True)
    # The snapshot itself, one JSON document: every text of the page in both languages (see
    # content.editing.revisions). Reading a revision reads its texts, with no second query.
    content = models.JSONField(encoder=UnicodeJSONEncoder)
    # The snapshot's digest: a save whose snapshot has the latest revision's digest records nothing.
    digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["procedure", "-number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="revision_numbers_unique")
        ]

    def __str__(self):
        return f"{self.procedure} r{self.number}"


class GlossaryTerm(TranslatedContent):
    """A medical word explained in plain language, in English and Arabic.

    This table is the glossary's working copy: patients read the latest GlossaryPublication, which
    a clinical reviewer publishes (content.publishing.glossary). Pages carry the published terms
    they use as they were when the page was published.
    """

    slug = models.SlugField(
        _("address name"), max_length=80, unique=True, allow_unicode=False,
        help_text=_("The entry's anchor on the glossary page: lower-case ASCII letters, digits and "
                    "hyphens, the same in every language."),
    )
    term = models.CharField(_("term"), max_length=120, validators=[reject_unsafe_text])
    other_forms = models.TextField(
        _("other forms"), blank=True,
        help_text=_("Other ways the text writes the term, one per line: a short form, a plural "
                    "the matching rules do not cover, another spelling."),
        validators=[reject_unsafe_text],
    )
    definition = models.TextField(
        _("plain definition"), max_length=400,
        help_text=_("One or two short, plain sentences, read in the middle of a sentence. Changes "
                    "reach patients when a clinical reviewer publishes the glossary."),
        validators=[reject_unsafe_text],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary")

    def __str__(self):
        return self.english("term") or self.slug


class WorkflowEvent(models.Model):
    """Submit, publish, unpublish, send back, restore, translation checked: who, when, why."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")
        SENT_BACK = "sent_back", _("Sent back for changes")
        RESTORED = "restored", _("Restored an earlier revision")
        TRANSLATION_CHECKED = "translation_checked", _("Arabic translation checked")
        MEANING_KEPT = "meaning_kept", _("English edited without changing the meaning")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=24, choices=Action.choices)
    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_name = models.CharField(max_length=150, blank=True)
    revision_number = models.PositiveIntegerField(null=True, blank=True)
    version_number = models.PositiveIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["procedure", "-at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} by {self.user_name or '-'} at {self.at:%Y-%m-%d %H:%M}"


class ClinicRevision(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too: history must still name who saved after their account is removed.
    created_by_name = models.CharField(max_length=150, blank=True)
    content = models.JSONField(encoder=UnicodeJSONEncoder)

    class Meta:
        ordering = ["clinic", "-number"]

    def __str__(self):
        return f"{self.clinic} r{self.number}"


class KeptSave(models.Model):
    """A save that arrived after its sender's session had ended: kept, never applied, until the
    same account signs in and opens the form again (content.admin.base). Only that account is
    ever shown it; it is deleted when they save or discard it, or after KEPT_SAVE_DAYS."""

    KEPT_SAVE_DAYS = 30

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    model = models.CharField(max_length=100)  # app_label.model_name
    object_id = models.CharField(max_length=64)  # the primary key, or "add" for a new object
    revision = models.PositiveIntegerField(null=True, blank=True)  # the revision it was opened on
    data = models.JSONField(encoder=UnicodeJSONEncoder)  # the posted fields: {name: [values]}
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "model", "object_id"], name="kept_save_lookup")]

    def __str__(self):
        return f"{self.model} {self.object_id} kept for user {self.user_id}"

    @classmethod
    def _cutoff(cls):
        return timezone.now() - datetime.timedelta(days=cls.KEPT_SAVE_DAYS)

    @classmethod
    def current(cls):
        """The kept saves still offered back."""
        return cls.objects.filter(created_at__gte=cls._cutoff())

    @classmethod
    def expired(cls):
        """Kept saves no longer offered: deleted whenever a new one is kept."""
        return cls.objects.filter(created_at__lt=cls._cutoff())
