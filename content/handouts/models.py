"""PDF handouts, drawn once per published version and stored for every app server."""

from django.db import models
from django.utils import timezone

from content.publishing.models import Publication


class HandoutFile(models.Model):
    """A PDF handout of a published version, drawn once and served by every app server."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="handouts")
    variant = models.CharField(max_length=16)  # a language code, or "bilingual"
    paper = models.CharField(max_length=8)
    site_root = models.CharField(max_length=200)  # the QR codes point here
    clinic_revision = models.PositiveIntegerField(default=0)  # the contact block printed on it
    pdf = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "variant", "paper", "site_root", "clinic_revision"],
                name="one_file_per_handout",
            )
        ]

    def __str__(self):
        return f"{self.publication} {self.variant} {self.paper}"


class HandoutProblem(models.Model):
    """A handout's PDF that failed to draw: why, how often it was tried, and when it is tried
    again (None: given up). Removed once the PDF is drawn; staff see it on the procedure's page."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="handout_problems")
    variant = models.CharField(max_length=16)
    paper = models.CharField(max_length=8)
    clinic_revision = models.PositiveIntegerField(default=0)
    reason = models.TextField()
    attempts = models.PositiveIntegerField(default=1)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "variant", "paper", "clinic_revision"],
                name="one_problem_per_handout",
            )
        ]

    def __str__(self):
        return f"{self.publication} {self.variant} {self.paper}: {self.reason}"
