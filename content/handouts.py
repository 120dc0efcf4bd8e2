"""Print and PDF handouts of a published version: English, Arabic or both, on A4 or Letter.

A handout is the page's content laid out for paper, with the clinic's contact block, review
dates, the version number and its publication date, the references and a QR code back to the
live page in each language, carrying the printed version in its address so that a reader of an
old printout is told the page has changed since. The PDF is drawn by WeasyPrint from the same
HTML, with fonts read from our own static files; it never fetches anything from the network.
PDFs are drawn when a version is published (or the clinic changes) and kept in the database, so
every app server can serve them and no patient waits for one.
"""

import dataclasses
import datetime
import functools
import io
import mimetypes
import time
from pathlib import Path
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from content.localized import clinic_texts, language_direction
from content.models import Clinic, HandoutFile, Procedure
from content.pages import PageInfo, page_context

PAPER_SIZES = {"a4": "A4", "letter": "letter"}
LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)
BILINGUAL = "bilingual"
VARIANTS = (*LANGUAGE_CODES, BILINGUAL)


@dataclasses.dataclass(frozen=True)
class Handout:
    document: dict
    info: PageInfo
    languages: tuple
    paper: str
    site_root: str
    clinic: Clinic | None
    printed_on: datetime.date | None = None  # a stored PDF cannot know when it is printed

    @property
    def is_bilingual(self):
        return len(self.languages) > 1

    @property
    def variant(self):
        return BILINGUAL if self.is_bilingual else self.languages[0]

    @property
    def filename(self):
        return pdf_filename(self.info.slug, self.info.version, self.variant, self.paper)

    @property
    def version(self):
        """What a printed copy carries to be matched to the published version."""
        return f"{self.info.slug} v{self.info.version}"

    def live_url(self, language):
        """The live page in `language`, with the printed version in the address."""
        return f"{self.site_root}{self.info.url(language)}?version={self.info.version}"


def pdf_filename(slug, version, variant, paper):
    languages = "-".join(LANGUAGE_CODES) if variant == BILINGUAL else variant
    paper = "" if paper == "a4" else f"-{paper}"
    return f"{slug}-v{version}-{languages}{paper}.pdf"


def handout_for(publication, variant, paper, site_root, clinic, printed_on=None):
    """The handout a URL asks for, or None when the variant or paper is not one we make."""
    if paper not in PAPER_SIZES:
        return None
    if variant == BILINGUAL:
        languages = LANGUAGE_CODES
    elif variant in LANGUAGE_CODES:
        languages = (variant,)
    else:
        return None
    return Handout(publication.document, PageInfo.of(publication), languages, paper,
                   site_root.rstrip("/"), clinic, printed_on)


def qr_code_svg(url, label):
    """An inline SVG QR code: drawn here, so no image service ever sees a patient's page."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=3, border=2, title=label, svgclass="qr-code", lineclass=None)
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))


def _edition(handout, language):
    """The texts of one language, with every label and fallback resolved in that language."""
    with translation.override(language):
        live_url = handout.live_url(language)
        english_page = f"{handout.site_root}{handout.info.url('en')}"
        return {
            **page_context(handout.document, handout.info, language),
            "language": language,
            "dir": language_direction(language),
            "language_name": get_language_info(language)["name_local"],
            "live_url": live_url,
            # The page itself, without the printed version: what search engines should list.
            "canonical_url": f"{handout.site_root}{handout.info.url(language)}",
            "qr_svg": qr_code_svg(live_url, _("QR code: open this page online")),
            "clinic_text": clinic_texts(handout.clinic, language, english_page),
        }


def _with_own_marker_ids(edition):
    """A bilingual handout shows each text twice; its second copy's marker ids must differ."""
    prefix = f'id="{edition["language"]}-cite-ref-'

    def renamed(view):
        value = mark_safe(view.text.value.replace('id="cite-ref-', prefix))
        return dataclasses.replace(view, text=dataclasses.replace(view.text, value=value))

    return edition | {
        "sections": [renamed(view) for view in edition["sections"]],
        "questions": [renamed(view) for view in edition["questions"]],
    }


def handout_context(handout):
    editions = [_edition(handout, language) for language in handout.languages]
    editions[1:] = [_with_own_marker_ids(edition) for edition in editions[1:]]
    # Each section and question in every language, one after the other, in clinical order; the
    # citation numbers are the same in every language, so one appendix serves them all.
    sections = [
        {"anchor": views[0].anchor, "versions": [
            {"language": e["language"], "dir": e["dir"], "section": view}
            for e, view in zip(editions, views, strict=True)
        ]}
        for views in zip(*(e["sections"] for e in editions), strict=True)
    ]
    questions = [
        {"versions": [
            {"language": e["language"], "dir": e["dir"], "question": view}
            for e, view in zip(editions, views, strict=True)
        ]}
        for views in zip(*(e["questions"] for e in editions), strict=True)
    ]
    return {
        "handout": handout,
        "page": handout.info,
        "clinic": handout.clinic,
        "editions": editions,
        "sections": sections,
        "questions": questions,
        "citations": editions[0]["citations"],
        "other_paper": "letter" if handout.paper == "a4" else "a4",
    }


def render_handout_html(handout, request=None):
    return render_to_string("content/handout.html", handout_context(handout), request)


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
    searched and read aloud (content.print_fonts).
    """
    from fontTools.ttLib import TTFont

    from content.print_fonts import separate_ligatures

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
            language = variant if variant in LANGUAGE_CODES else LANGUAGE_CODES[0]
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
