"""PDF handouts: drawn by WeasyPrint from a handout's HTML, and kept in the database.

The PDF is drawn with fonts read from our own static files; it never fetches anything from the
network. PDFs are drawn when a version is published (or the clinic changes) and kept in the
database, so every app server can serve them and no patient waits for one.
"""

import functools
import io
import mimetypes
import time
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.db import IntegrityError, transaction
from django.utils import translation

from content import languages
from content.editing.models import Clinic, Procedure
from content.handouts.layout import PAPER_SIZES, VARIANTS, handout_for, render_handout_html
from content.handouts.models import HandoutFile


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

    from content.handouts.print_fonts import separate_ligatures

    buffer = io.BytesIO()
    font = TTFont(path)
    font.flavor = None
    separate_ligatures(font)
    font.save(buffer)
    return buffer.getvalue()


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


def stored_pdf(publication_id, variant, paper, site_root, clinic_revision):
    return HandoutFile.objects.filter(
        publication_id=publication_id, variant=variant, paper=paper,
        site_root=site_root.rstrip("/"), clinic_revision=clinic_revision or 0,
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


def draw_missing_pdfs(publication, site_root, clinic):
    """Every variant and paper of a version's PDF not yet stored for this site and clinic.

    Returns [(handout, seconds)] for what it drew.
    """
    drawn = []
    for variant in VARIANTS:
        for paper in PAPER_SIZES:
            if stored_pdf(publication.pk, variant, paper, site_root,
                          clinic.revision if clinic else 0) is not None:
                continue
            # Each edition is drawn in its own language; the bilingual one leads in English.
            language = variant if variant in languages.CODES else languages.SOURCE
            with translation.override(language):
                handout = handout_for(publication, variant, paper, site_root, clinic)
                start = time.perf_counter()
                store_pdf(publication, handout)
            drawn.append((handout, time.perf_counter() - start))
    return drawn


def draw_live_pdfs(site_root, clinic=None):
    """Draw what is missing for every live version: after a clinic change, or a new site."""
    clinic = clinic or Clinic.current()
    drawn = []
    for procedure in Procedure.objects.filter(live_version__isnull=False).select_related(
        "live_version"
    ):
        drawn += draw_missing_pdfs(procedure.live_version, site_root, clinic)
    return drawn
