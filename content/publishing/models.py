"""What patients read: published versions, and the stamp that says public content changed."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from content.editing.models import (
    Procedure,
    Revision,
    SaveOrigin,
    UnicodeJSONEncoder,
    origin_who,
)


class Publication(models.Model):
    """A published version: the rendered page of one revision, approved by a clinical reviewer."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="publications")
    number = models.PositiveIntegerField(_("version"))
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="publications")
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_reviewed = models.DateField(_("last reviewed"))
    next_review_due = models.DateField(_("next review due"))
    # What the page shows, rendered when published: texts, HTML, freshness, reviewer, citations.
    document = models.JSONField(encoder=UnicodeJSONEncoder)
    # Titles and summaries alone, so the list of procedures never loads whole documents.
    listing = models.JSONField(default=dict, encoder=UnicodeJSONEncoder)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # The address this version is published at: the slug of its revision. A slug edited in the
    # working copy becomes the public address only when a version carrying it is published.
    slug = models.SlugField(_("address name"), max_length=80, blank=True, db_index=True)

    class Meta:
        ordering = ["procedure", "-number"]
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="version_numbers_unique")
        ]

    def __str__(self):
        return f"{self.procedure} v{self.number}"

    @property
    def review_overdue(self):
        return self.next_review_due < timezone.localdate()


class ProcedureAddress(models.Model):
    """Every address a procedure was ever published at. The current one serves the page; every
    other answers with a permanent redirect to it, so printed QR codes keep working. An address
    belongs to one procedure forever: no other procedure may take it."""

    slug = models.SlugField(_("address name"), max_length=80, unique=True)
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="addresses")
    first_published_at = models.DateTimeField(_("first published"), default=timezone.now)

    class Meta:
        ordering = ["procedure", "first_published_at"]
        verbose_name = _("published address")
        verbose_name_plural = _("published addresses")

    def __str__(self):
        return self.slug


class GlossaryPublication(models.Model):
    """A published glossary: every term in every language as a clinical reviewer published it.

    The glossary page, and the pages published after it, read the latest one; the GlossaryTerm
    table is the working copy staff edit, which patients never read."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too: history must still name who published after their account is removed.
    published_by_name = models.CharField(max_length=150, blank=True)
    # What published it when no person did (content files, then published_by_name names the
    # folder), worded when shown in the reader's language (published_by_label).
    note_code = models.CharField(max_length=24, blank=True, choices=SaveOrigin.choices)
    # [{"slug": ..., "term_en": ..., "term_ar": ..., "definition_en": ..., "translation": {...}}]
    terms = models.JSONField(default=list, encoder=UnicodeJSONEncoder)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("glossary publication")
        verbose_name_plural = _("glossary publications")

    def __str__(self):
        return f"glossary v{self.number}"

    @property
    def published_by_label(self):
        """Who published it, as the history names them: "Dr Rana Reviewer", or "content files
        (demo)" in the reader's language."""
        who = origin_who(self.note_code)
        if who and self.published_by_name:
            return f"{who} ({self.published_by_name})"
        return who or self.published_by_name


class PublicContent(models.Model):
    """One row: a stamp replaced, in the same transaction, by every change a reader could see (a
    version published or withdrawn, the clinic's contact block, the glossary).

    Public pages are cached under this stamp (content.site.page_cache), so a change reaches every app
    server at once, whatever cache each one has, and a page drawn from the old content can only
    be stored under the old stamp, which nobody asks for again. Random rather than counted: a
    database restored from a backup brings back its own stamp, under which only pages of exactly
    that content were ever stored, where a counter would go back to numbers that later content
    was cached under.
    """

    stamp = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("public content stamp")

    def __str__(self):
        return self.stamp
