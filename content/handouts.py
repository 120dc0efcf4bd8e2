"""Print and PDF handouts of a procedure: English, Arabic or both, on A4 or Letter paper.

A handout is the page's content laid out for paper, with the clinic's contact block, review
dates, a version that matches a printed copy to what was published, the date it was printed, the
references and a QR code back to the live page in each language. The PDF is rendered on the
server by WeasyPrint from the same HTML, with fonts read from our own static files; it never
fetches anything from the network. A PDF is cached until its content, the clinic or the day
changes.
"""

import dataclasses
import datetime
import functools
import hashlib
import io
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from content.localized import clinic_texts
from content.models import Clinic, Procedure
from content.pages import fetch_parts, procedure_page_context

PAPER_SIZES = {"a4": "A4", "letter": "letter"}
LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)
BILINGUAL = "bilingual"


@dataclasses.dataclass(frozen=True)
class Handout:
    procedure: Procedure
    languages: tuple
    paper: str
    site_root: str
    clinic: Clinic | None
    printed_on: datetime.date = dataclasses.field(default_factory=timezone.localdate)

    @property
    def is_bilingual(self):
        return len(self.languages) > 1

    @property
    def filename(self):
        paper = "" if self.paper == "a4" else f"-{self.paper}"
        return f"{self.procedure.slug}-{'-'.join(self.languages)}{paper}.pdf"

    @property
    def version(self):
        """What a printed copy carries to be matched to the published content."""
        return f"{self.procedure.slug} r{self.procedure.revision}"

    def live_url(self, language):
        with translation.override(language):
            path = reverse("content:procedure", kwargs={"slug": self.procedure.slug})
        return f"{self.site_root}{path}"

    @property
    def fingerprint(self):
        """Changes with anything the PDF shows: content, clinic, variant, paper, site, day."""
        parts = [
            str(self.procedure.pk), str(self.procedure.revision), Clinic.version_of(self.clinic),
            "-".join(self.languages), self.paper, self.printed_on.isoformat(), self.site_root,
            translation.get_language(),
        ]
        return hashlib.sha256(":".join(parts).encode()).hexdigest()


def handout_for(procedure, variant, paper, site_root, clinic=None):
    """The handout a URL asks for, or None when the variant or paper is not one we make."""
    if paper not in PAPER_SIZES:
        return None
    if variant == BILINGUAL:
        languages = LANGUAGE_CODES
    elif variant in LANGUAGE_CODES:
        languages = (variant,)
    else:
        return None
    return Handout(procedure, languages, paper, site_root.rstrip("/"), clinic)


def qr_code_svg(url, label):
    """An inline SVG QR code: drawn here, so no image service ever sees a patient's page."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=3, border=2, title=label, svgclass="qr-code", lineclass=None)
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))


def _edition(handout, language, parts, clinic):
    """The texts of one language, with every label and fallback resolved in that language."""
    with translation.override(language):
        live_url = handout.live_url(language)
        info = get_language_info(language)
        return {
            **procedure_page_context(handout.procedure, parts),
            "language": language,
            "dir": "rtl" if info["bidi"] else "ltr",
            "language_name": info["name_local"],
            "live_url": live_url,
            "qr_svg": qr_code_svg(live_url, _("QR code: open this page online")),
            "clinic_text": clinic_texts(clinic),
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
    clinic = handout.clinic
    parts = fetch_parts(handout.procedure)  # once: every language shows the same parts
    editions = [_edition(handout, language, parts, clinic) for language in handout.languages]
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
        "procedure": handout.procedure,
        "clinic": clinic,
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


def render_handout_pdf(handout, request=None):
    """The PDF bytes, from cache when nothing it shows has changed since it was made."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    key = f"handout-pdf:{handout.fingerprint}"
    pdf = cache.get(key)
    if pdf is None:
        html = render_handout_html(handout, request)
        fetcher = _static_files_only_fetcher()(StaticFiles(handout.site_root))
        document = HTML(string=html, base_url=f"{handout.site_root}/", url_fetcher=fetcher)
        pdf = document.write_pdf(font_config=FontConfiguration())
        cache.set(key, pdf, _seconds_until_tomorrow())
    return pdf


def _seconds_until_tomorrow():
    """A PDF carries the date it was printed, so it is good until the day ends, not longer."""
    now = timezone.localtime()
    midnight = timezone.make_aware(
        datetime.datetime.combine(now.date() + datetime.timedelta(days=1), datetime.time())
    )
    return max(60, int((midnight - now).total_seconds()))
