"""The working copy staff edit, and its history.

Staff edit a working copy (Procedure with its sections, questions and citations; the Clinic; the
glossary). Every save of a procedure records a Revision, a snapshot of all its texts in every
language (content.editing.revisions); content.publishing turns a revision into what patients read.
"""

import datetime
import re
import zoneinfo

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import classproperty
from django.utils.text import capfirst
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

    def in_active_language(self, field):
        """The text in the language of the page being drawn, or the source text while it has
        none: how the admin names a row (a translator reading the Arabic admin reads the Arabic
        title in its breadcrumbs and headings)."""
        return (getattr(self, languages.field_name(field, languages.active()), None)
                or self.english(field))

    def field_state(self, field):
        return freshness.field_state(self.english(field), self.arabic(field),
                                     self.translation.get(field))

    def field_states(self):
        return {field: self.field_state(field) for field in self.translated_text_fields}

    def translation_facts(self):
        return freshness.count_states(self.field_states().values())

    def prepare_texts(self):
        """What a save does to the texts before writing them: line endings made LF and each
        field's translation record brought up to date. A preview of an unsaved form
        (content.admin.preview) calls it on rows it never saves."""
        for field in self.translated_text_fields:
            for name in languages.field_names(field):
                value = getattr(self, name, None)
                if isinstance(value, str):
                    # Browsers post CRLF; stored text has LF, so untouched text stays untouched.
                    setattr(self, name, value.replace("\r\n", "\n").replace("\r", "\n"))
        self._update_translation_records()

    def save(self, *args, **kwargs):
        self.prepare_texts()
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
        return self.in_active_language("title") or self.slug

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
        # Named on its procedure's page, where the procedure's title would only be repeated.
        return str(self.get_kind_display())

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
        return self.in_active_language("question")


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


class OpenDays(models.TextChoices):
    MONDAY_TO_FRIDAY = "mon-fri", _("Monday to Friday")
    SUNDAY_TO_THURSDAY = "sun-thu", _("Sunday to Thursday")
    MONDAY_TO_SATURDAY = "mon-sat", _("Monday to Saturday")
    EVERY_DAY = "every-day", _("Every day")


OPEN_WEEKDAYS = {
    OpenDays.MONDAY_TO_FRIDAY: ("Mon", "Tue", "Wed", "Thu", "Fri"),
    OpenDays.SUNDAY_TO_THURSDAY: ("Sun", "Mon", "Tue", "Wed", "Thu"),
    OpenDays.MONDAY_TO_SATURDAY: ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat"),
    OpenDays.EVERY_DAY: ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"),
}


def validate_time_zone(name):
    """An IANA time zone name the server (and so every browser's Intl) knows."""
    if not name:
        return
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("“%(name)s” is not a time zone name such as Asia/Riyadh."),
                              params={"name": name}, code="time_zone") from None


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
    # Opening hours: when `phone` answers. Outside them (and on public holidays, which the
    # after-hours note can say) a patient calls `after_hours_phone`. Pages show both numbers with
    # the hours; a script on the reader's device marks the one for now (pages are cached whole,
    # so the server never chooses by the clock).
    open_days = models.CharField(_("open on"), max_length=10, choices=OpenDays.choices,
                                 default=OpenDays.MONDAY_TO_FRIDAY)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_time_zone],
        help_text=_("The clinic's time zone, e.g. Asia/Riyadh or America/Chicago: the opening hours "
                    "are in it. Empty: the site's time zone."),
    )
    after_hours_phone = models.CharField(
        _("after-hours phone"), max_length=40, blank=True, validators=[reject_unsafe_text],
        help_text=_("The number that answers outside opening hours, day and night."),
    )
    after_hours_note = models.TextField(
        _("after-hours note"), blank=True, validators=[reject_unsafe_text],
        help_text=_("Who answers the after-hours number, e.g. \"A doctor on call answers at night, at "
                    "weekends and on public holidays.\""),
    )
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("clinic")
        verbose_name_plural = _("clinic")

    def __str__(self):
        return self.in_active_language("name")

    def clean(self):
        super().clean()
        if (self.opens_at is None) != (self.closes_at is None):
            raise ValidationError(_("Give both the opening and the closing time, or neither."))
        if self.opens_at is not None and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": _("The clinic must close after it opens.")})

    @property
    def has_hours(self):
        return self.opens_at is not None and self.closes_at is not None

    @property
    def hours_time_zone(self):
        return self.time_zone or settings.TIME_ZONE

    @property
    def open_weekdays(self):
        """The open days as English short day names ("Mon Tue ..."), for the page's script."""
        return " ".join(OPEN_WEEKDAYS[self.open_days])

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
    # The language this person's admin is drawn in, whatever their browser asks for; empty: the
    # browser's (content.admin.language). Not patient-facing, so not translated.
    admin_language = models.CharField(
        _("admin language"), max_length=16, blank=True, choices=settings.LANGUAGES,
        help_text=_("The language of the admin for this person; empty follows the browser."),
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


class SaveOrigin(models.TextChoices):
    """What made a revision other than a person's save of the form. Stored as the code; the
    sentence is worded when shown, in the reader's language (origin_text)."""

    RESTORED = "restored", _("Restored from an earlier revision")
    CONTENT_FILES = "content_files", _("Loaded from content files")
    XLIFF = "xliff", _("Imported from an XLIFF file")


def origin_text(code, data):
    """A revision's note in the active language, from its code and data; "" for no code."""
    if code == SaveOrigin.RESTORED:
        return _("Restored from r%(number)d") % {"number": int((data or {}).get("number") or 0)}
    if code == SaveOrigin.CONTENT_FILES:
        return str(_("content files"))
    if code == SaveOrigin.XLIFF:
        return str(_("XLIFF file"))
    return ""


def origin_who(code):
    """Who is named for a save no person made: the content files a command loaded."""
    return str(_("content files")) if code == SaveOrigin.CONTENT_FILES else ""


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
    # How the revision came about, when not by a person's save of the form: a code and its data
    # (e.g. the revision restored), worded in the reader's language when shown (note_text). `note`
    # is free text kept as written (notes from before the codes that no code matches).
    note_code = models.CharField(max_length=24, blank=True, choices=SaveOrigin.choices)
    note_data = models.JSONField(default=dict, blank=True, encoder=UnicodeJSONEncoder)
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

    def note_text(self):
        """The note in the active language: "Restored from r3", or the free text as written."""
        return origin_text(self.note_code, self.note_data) or self.note

    @property
    def saved_by(self):
        """Who saved it as history names them: the person, or what saved it (content files)."""
        return self.created_by_name or origin_who(self.note_code)


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
        return self.in_active_language("term") or self.slug


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
    # What the portal itself says about the event, as data worded when shown (details): the
    # revision restored ({"from": 3}), the parts an English edit kept the meaning of ({"parts":
    # [{"field": "body", "section": "overview"}, ...]}). `comment` is what a person wrote, as written.
    data = models.JSONField(default=dict, blank=True, encoder=UnicodeJSONEncoder)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["procedure", "-at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} by {self.user_name or '-'} at {self.at:%Y-%m-%d %H:%M}"

    def details(self):
        """The event's details in the active language: the portal's words from `data`, then
        what a person wrote."""
        said = []
        data = self.data or {}
        if "from" in data:
            said.append(str(_("From revision %(number)d") % {"number": int(data["from"])}))
        if data.get("parts"):
            said.append("; ".join(part_label(part) for part in data["parts"]))
        if self.comment:
            said.append(self.comment)
        return "\n".join(said)


def part_label(part):
    """A field of a page's part as people read it, in the active language: "Summary",
    "Overview: Text (Markdown)", "Question 2: Answer (Markdown)". `part` is {"field": name} with
    "section": kind or "question": position for a section's or question's field."""
    model = Section if "section" in part else Question if "question" in part else Procedure
    try:
        field = capfirst(model._meta.get_field(part["field"]).verbose_name)
    except (KeyError, FieldDoesNotExist):
        return str(part.get("field", "?"))
    if "section" in part:
        kind = dict(Section.Kind.choices).get(part["section"], part["section"])
        return f"{kind}: {field}"
    if "question" in part:
        return str(_("Question %(number)d: %(field)s") % {"number": int(part["question"]), "field": field})
    return str(field)


class ClinicRevision(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too: history must still name who saved after their account is removed.
    created_by_name = models.CharField(max_length=150, blank=True)
    # What saved it when no person did (content files), worded when shown (saved_by).
    note_code = models.CharField(max_length=24, blank=True, choices=SaveOrigin.choices)
    content = models.JSONField(encoder=UnicodeJSONEncoder)

    class Meta:
        ordering = ["clinic", "-number"]

    def __str__(self):
        return f"{self.clinic} r{self.number}"

    @property
    def saved_by(self):
        return self.created_by_name or origin_who(self.note_code)


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
