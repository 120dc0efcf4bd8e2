"""The portal's content and its rules: status, review dates, clinical order, translation state."""

import functools
import hashlib
import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import classproperty
from django.utils.translation import gettext_lazy as _

from content.rendering import authoring_problems, render_markdown

SOURCE_LANGUAGE = "en"
TRANSLATION_LANGUAGE = "ar"


def reject_raw_html(text):
    """Refuses whatever a Markdown text would lose or garble when rendered, each problem named
    (raw HTML is only one of them; the name stays because migrations refer to it)."""
    # A validator is not told its field's language; Arabic letters say it well enough for the
    # one check that depends on it (rendering in time).
    language = "ar" if re.search("[\u0600-\u06ff]", text or "") else "en"
    problems = authoring_problems(text, language)
    if problems:
        raise ValidationError([ValidationError(problem, code="markdown") for problem in problems])


@functools.cache
def _translated_text_fields(model):
    # Once per model: every row loaded for a page asks (from_db), and the registry does not change
    # after start-up.
    from modeltranslation.translator import translator

    registered = translator.get_options_for_model(model).fields
    # Sorted: the registry's order follows string hashing, which differs between processes, and
    # the English fingerprint must not.
    return tuple(sorted(name for name in registered if name not in model.markdown_fields.values()))


class TranslatedContent(models.Model):
    """Rendered HTML and translation bookkeeping for a model with English and Arabic text.

    `source_digest` fingerprints the English text; `translation_digest` is the fingerprint of the
    English the Arabic was last written against. When the English changes and the Arabic does
    not, the two differ and the Arabic is shown as possibly out of date.
    """

    # Markdown source field -> field holding its rendered HTML (both translated).
    markdown_fields = {}

    source_digest = models.CharField(max_length=64, blank=True, editable=False)
    translation_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_translation = instance._translation_values()
        return instance

    @classproperty
    def translated_text_fields(cls):
        """The fields translation.py registers, less the rendered HTML derived from them."""
        return _translated_text_fields(cls)

    def _translation_values(self):
        return tuple(
            getattr(self, f"{name}_{TRANSLATION_LANGUAGE}", None) or ""
            for name in self.translated_text_fields
        )

    def _source_fingerprint(self):
        text = "\x1f".join(
            getattr(self, f"{name}_{SOURCE_LANGUAGE}", None) or ""
            for name in self.translated_text_fields
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def anchor_prefix(self):
        return "text"

    def render(self):
        for source, target in self.markdown_fields.items():
            for language in (SOURCE_LANGUAGE, TRANSLATION_LANGUAGE):
                text = getattr(self, f"{source}_{language}", None) or ""
                setattr(self, f"{target}_{language}", render_markdown(text, language, self.anchor_prefix()))

    def has_translation(self):
        return any(self._translation_values())

    @property
    def translation_may_be_outdated(self):
        return self.has_translation() and self.translation_digest != self.source_digest

    def confirm_translation(self):
        """A translator checked the Arabic against the current English and it still holds."""
        self._translation_confirmed = True

    def save(self, *args, **kwargs):
        self.source_digest = self._source_fingerprint()
        translation_changed = self._translation_values() != getattr(
            self, "_loaded_translation", None
        )
        # A translator who saves new Arabic has written it against the English as it is now.
        confirmed = getattr(self, "_translation_confirmed", False)
        if translation_changed or confirmed or not self.translation_digest:
            self.translation_digest = self.source_digest
        self._translation_confirmed = False
        self.render()
        super().save(*args, **kwargs)
        self._loaded_translation = self._translation_values()


class ProcedureQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Procedure.Status.PUBLISHED)


class Procedure(TranslatedContent):
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
    title = models.CharField(_("title"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    also_known_as = models.CharField(_("also known as"), max_length=200, blank=True)
    summary = models.TextField(
        _("summary"),
        max_length=600,
        help_text=_("One or two plain sentences shown under the title and in link previews."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)
    next_review_due = models.DateField(_("next review due"), null=True, blank=True)
    reviewer_name = models.CharField(_("reviewer's name"), max_length=120, blank=True)
    reviewer_role = models.CharField(_("reviewer's role"), max_length=120, blank=True)
    revision = models.PositiveIntegerField(
        _("revision"),
        default=1,
        editable=False,
        help_text=_("Goes up with every saved change; printed on handouts."),
    )
    published_at = models.DateTimeField(_("first published"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    def __str__(self):
        return self.title_en or self.title or self.slug

    def get_absolute_url(self):
        return reverse("content:procedure", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        errors = {}
        if self.last_reviewed and self.next_review_due and self.next_review_due < self.last_reviewed:
            errors["next_review_due"] = _("The next review cannot be due before the last review.")
        if self.status == self.Status.PUBLISHED and not self.last_reviewed:
            errors["last_reviewed"] = _(
                "A published page must say when it was last reviewed by a clinician."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def review_overdue(self):
        return bool(self.next_review_due and self.next_review_due < timezone.localdate())

    def save(self, *args, **kwargs):
        if self.pk:
            self.revision = (self.revision or 0) + 1
        if self.is_published and not self.published_at:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def record_change(self):
        """A section, question or citation changed: the page's revision and date move on."""
        Procedure.objects.filter(pk=self.pk).update(
            revision=F("revision") + 1, updated_at=timezone.now()
        )


class PartOfProcedure:
    """Saving or deleting a section, question or citation moves its procedure's revision on, so
    cached pages and handouts of that procedure are replaced and printed copies tell apart."""

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.procedure.record_change()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.procedure.record_change()
        return result


class Section(PartOfProcedure, TranslatedContent):
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

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="sections", verbose_name=_("procedure")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    heading = models.CharField(
        _("heading"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to use the standard heading for this kind of section."),
    )
    body = models.TextField(_("text (Markdown)"), validators=[reject_raw_html])
    body_html = models.TextField(editable=False, blank=True)
    position = models.PositiveSmallIntegerField(editable=False, default=0)

    markdown_fields = {"body": "body_html"}

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

    def anchor_prefix(self):
        return self.kind

    @property
    def anchor(self):
        return self.kind.replace("_", "-")

    def save(self, *args, **kwargs):
        self.position = list(self.Kind.values).index(self.kind)
        super().save(*args, **kwargs)


class Question(PartOfProcedure, TranslatedContent):
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="questions", verbose_name=_("procedure")
    )
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer (Markdown)"), validators=[reject_raw_html])
    answer_html = models.TextField(editable=False, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    markdown_fields = {"answer": "answer_html"}

    class Meta:
        ordering = ["procedure", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.question_en or self.question

    def anchor_prefix(self):
        # Known before the first save and unique among a page's questions, unlike the order.
        return "faq" + hashlib.sha256((self.question_en or "").encode()).hexdigest()[:8]


doi_validator = RegexValidator(
    re.compile(r"^10\.\d{4,9}/\S+$"),
    _("Enter a DOI such as 10.1002/jso.25913, without https://doi.org/."),
)


class Citation(PartOfProcedure, models.Model):
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
    authors = models.CharField(_("authors"), max_length=300)
    title = models.CharField(_("title"), max_length=400, blank=True)
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("Journal, book or institution.")
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("For expert opinions."))
    doi = models.CharField(_("DOI"), max_length=200, blank=True, validators=[doi_validator])
    url = models.URLField(_("URL"), blank=True)
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


class Clinic(TranslatedContent):
    """The deploying clinic: one row, shown on every page and handout."""

    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    emergency_instructions = models.TextField(
        _("emergency instructions"),
        blank=True,
        help_text=_(
            "What a patient should do in an emergency, e.g. call your local emergency number "
            "or go to the nearest emergency department."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("clinic")
        verbose_name_plural = _("clinic")

    def __str__(self):
        return self.name_en or self.name

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first()

    @staticmethod
    def version_of(clinic):
        """Changes whenever the clinic is edited: part of every cached page's and PDF's key."""
        return f"{clinic.pk}.{clinic.updated_at.isoformat()}" if clinic else "no-clinic"
