"""PDF handouts: drawn by WeasyPrint from a handout's HTML, and kept in the database.

The PDF is drawn with fonts read from our own static files; it never fetches anything from the
network. PDFs are drawn by a background task (content.handouts.tasks) when a version is published
or the clinic changes, never in a request, for the one configured SITE_URL, and kept in the
database, so every app server serves the same file.
"""

import dataclasses
import functools
import io
import logging
import mimetypes
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from content import languages
from content.editing.models import Clinic, Procedure
from content.handouts.layout import PAPER_SIZES, VARIANTS, handout_for, render_handout_html
from content.handouts.models import HandoutFile, HandoutProblem

logger = logging.getLogger(__name__)


class StaticFiles:
    """Finds the file on disk behind one of this site's URLs under STATIC_URL."""

    def __init__(self, site_root):
        root = urlsplit(site_root)
        self.origin = (root.scheme, root.netloc)
        self.prefix = urlsplit(f"{site_root}/{settings.STATIC_URL.lstrip('/')}").path

    def path_for(self, url):
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != self.origin or not parts.path.startswith(self.prefix):
            return None
        name = parts.path.removeprefix(self.prefix)
        if ".." in name.split("/"):
            return None
        try:
            if settings.STATIC_MANIFEST and staticfiles_storage.exists(name):
                return Path(staticfiles_storage.path(name))
            found = finders.find(name)
        except SuspiciousFileOperation:
            return None
        return Path(found) if found and Path(found).is_file() else None


@functools.cache
def _decoded_font(path):
    """A web font as a plain TrueType/OpenType file, decoded once per process.

    Browsers want WOFF2; WeasyPrint would otherwise decompress it anew for every PDF, which was a
    quarter of the time a handout took. Ligatures are separated so the PDF's text can be copied,
    searched and read aloud (content.handouts.print_fonts).
    """
    from fontTools.ttLib import TTFont

    from content.handouts.print_fonts import (
        bake_mark_heights,
        separate_ligatures,
        separate_mirrored_brackets,
    )

    buffer = io.BytesIO()
    font = TTFont(path)
    font.flavor = None
    separate_ligatures(font)
    bake_mark_heights(font)
    separate_mirrored_brackets(font)
    font.save(buffer)
    return buffer.getvalue()


def _picture_file(static_files, url):
    """(bytes, content type) of a picture file on this site (content.editing.pictures), from the
    database; None for any other address."""
    from content.editing.pictures import FORMATS, PictureRendition

    parts = urlsplit(url)
    match = re.fullmatch(r"/pictures/([0-9a-f]{64})\.(webp|jpg|svg)", parts.path)
    if (parts.scheme, parts.netloc) != static_files.origin or not match:
        return None
    rendition = PictureRendition.objects.filter(digest=match[1], format=match[2]).only("data").first()
    return None if rendition is None else (bytes(rendition.data), FORMATS[match[2]])


@functools.cache
def _static_files_only_fetcher():
    # WeasyPrint takes half a second to import: only processes that make a PDF pay for it.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnlyFetcher(URLFetcher):
        """Gives WeasyPrint our static files from disk and refuses every other address: a
        handout must not reach the network, not a CDN and not even this server over HTTP."""

        def __init__(self, static_files):
            super().__init__(allowed_protocols=(), fail_on_errors=False)
            self.static_files = static_files

        def fetch(self, url, headers=None):
            picture = _picture_file(self.static_files, url)
            if picture is not None:
                return URLFetcherResponse(url, picture[0], {"Content-Type": picture[1]})
            path = self.static_files.path_for(url)
            if path is None:
                raise ValueError(f"handouts use only this portal's static files, not {url}")
            if path.suffix in {".woff", ".woff2"}:
                return URLFetcherResponse(url, _decoded_font(path), {"Content-Type": "font/sfnt"})
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return StaticFilesOnlyFetcher


def draw_pdf(handout):
    """The PDF bytes of a handout, drawn now (one to three seconds)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_handout_html(handout)
    fetcher = _static_files_only_fetcher()(StaticFiles(handout.site_root))
    document = HTML(string=html, base_url=f"{handout.site_root}/", url_fetcher=fetcher)
    return document.write_pdf(font_config=FontConfiguration())


def stored_pdf(publication_id, variant, paper, clinic_revision):
    """The stored PDF of a handout for SITE_URL and this clinic revision, or None."""
    return HandoutFile.objects.filter(
        publication_id=publication_id, variant=variant, paper=paper,
        site_root=settings.SITE_URL, clinic_revision=clinic_revision or 0,
    ).values_list("pdf", flat=True).first()


def store_pdf(publication, handout):
    """Draw and keep a handout's PDF; a file another process stored first is kept instead."""
    pdf = draw_pdf(handout)
    try:
        with transaction.atomic():
            HandoutFile.objects.create(
                publication=publication, variant=handout.variant, paper=handout.paper,
                site_root=handout.site_root,
                clinic_revision=handout.clinic.revision if handout.clinic else 0, pdf=pdf,
            )
    except IntegrityError:
        pass
    return pdf


def handout_to_draw(publication, variant, paper, clinic):
    """The handout a stored PDF shows: QR codes and links to SITE_URL, never a request's Host."""
    return handout_for(publication, variant, paper, settings.SITE_URL, clinic)


@dataclasses.dataclass
class Drawing:
    """What one pass over a version's handouts did: [(handout, seconds)] drawn, and
    [(variant, paper, reason)] that failed."""

    drawn: list = dataclasses.field(default_factory=list)
    failed: list = dataclasses.field(default_factory=list)


def draw_missing_pdfs(publication, clinic, attempt=1, next_attempt_at=None):
    """Draw every variant and paper of a version's PDF not yet stored for SITE_URL and the clinic.

    A PDF that fails is recorded (HandoutProblem: the reason, the attempt, when it is tried again)
    and the others are still drawn; one that is drawn clears its problem.
    """
    clinic_revision = clinic.revision if clinic else 0
    done = Drawing()
    for variant in VARIANTS:
        for paper in PAPER_SIZES:
            if stored_pdf(publication.pk, variant, paper, clinic_revision) is not None:
                continue
            # Each edition is drawn in its own language; the bilingual one leads in English.
            language = variant if variant in languages.CODES else languages.SOURCE
            start = time.perf_counter()
            try:
                with translation.override(language):
                    handout = handout_to_draw(publication, variant, paper, clinic)
                    store_pdf(publication, handout)
            except Exception as error:
                reason = f"{type(error).__name__}: {error}"[:2000]
                logger.exception("PDF handout %s %s %s (attempt %d) failed to draw",
                                 publication, variant, paper, attempt)
                HandoutProblem.objects.update_or_create(
                    publication=publication, variant=variant, paper=paper,
                    clinic_revision=clinic_revision,
                    defaults={"reason": reason, "attempts": attempt, "failed_at": timezone.now(),
                              "next_attempt_at": next_attempt_at},
                )
                done.failed.append((variant, paper, reason))
                continue
            HandoutProblem.objects.filter(
                publication=publication, variant=variant, paper=paper, clinic_revision=clinic_revision,
            ).delete()
            done.drawn.append((handout, time.perf_counter() - start))
    return done


def live_publications():
    return [procedure.live_version for procedure in Procedure.objects.filter(
        live_version__isnull=False).select_related("live_version")]


def draw_live_pdfs(clinic=None):
    """Draw what is missing for every live version now (warm_handouts, without a worker)."""
    clinic = clinic or Clinic.current()
    drawn = []
    for publication in live_publications():
        drawn += draw_missing_pdfs(publication, clinic).drawn
    return drawn


def redraw_live_pdfs(clinic=None):
    """Draw every live version's PDFs again and replace the stored ones, each as soon as its new
    one is drawn (warm_handouts --redraw, after a deployment changed how handouts are laid out):
    patients are served the old file until then, never a "being prepared" page."""
    clinic = clinic or Clinic.current()
    clinic_revision = clinic.revision if clinic else 0
    drawn = []
    for publication in live_publications():
        for variant in VARIANTS:
            language = variant if variant in languages.CODES else languages.SOURCE
            for paper in PAPER_SIZES:
                with translation.override(language):
                    handout = handout_to_draw(publication, variant, paper, clinic)
                    pdf = draw_pdf(handout)
                HandoutFile.objects.update_or_create(
                    publication=publication, variant=variant, paper=paper, site_root=handout.site_root,
                    clinic_revision=clinic_revision, defaults={"pdf": pdf, "created_at": timezone.now()},
                )
                drawn.append(handout)
    return drawn


@dataclasses.dataclass(frozen=True)
class HandoutState:
    """One PDF of the live version as staff see it: waiting, drawn or failed (with the reason)."""

    variant: str
    paper: str
    state: str
    problem: HandoutProblem | None = None

    WAITING, DRAWN, FAILED = "waiting", "drawn", "failed"


def handout_states(publication, clinic=None):
    """The state of each of the live version's PDFs, for SITE_URL and the current clinic."""
    if clinic is None:
        clinic = Clinic.current()
    clinic_revision = clinic.revision if clinic else 0
    drawn = set(HandoutFile.objects.filter(
        publication=publication, site_root=settings.SITE_URL, clinic_revision=clinic_revision,
    ).values_list("variant", "paper"))
    problems = {(problem.variant, problem.paper): problem for problem in HandoutProblem.objects.filter(
        publication=publication, clinic_revision=clinic_revision)}
    states = []
    for variant in VARIANTS:
        for paper in PAPER_SIZES:
            if (variant, paper) in drawn:
                states.append(HandoutState(variant, paper, HandoutState.DRAWN))
            elif (variant, paper) in problems:
                states.append(HandoutState(variant, paper, HandoutState.FAILED,
                                           problems[(variant, paper)]))
            else:
                states.append(HandoutState(variant, paper, HandoutState.WAITING))
    return states


def remove_stale_pdfs(procedure):
    """Delete the stored PDFs no patient can be served any more: every version's but the live
    one's, and the live one's for an older clinic revision or another address. A withdrawn page
    keeps none. Returns how many were deleted."""
    procedure = Procedure.objects.select_related("live_version").get(pk=procedure.pk)
    stale = HandoutFile.objects.filter(publication__procedure=procedure)
    problems = HandoutProblem.objects.filter(publication__procedure=procedure)
    if procedure.live_version_id is not None:
        clinic = Clinic.current()
        current = {"publication_id": procedure.live_version_id,
                   "clinic_revision": clinic.revision if clinic else 0}
        stale = stale.exclude(site_root=settings.SITE_URL, **current)
        problems = problems.exclude(**current)
    problems.delete()
    return stale.delete()[0]
