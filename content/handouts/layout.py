"""Handouts of a published version laid out for paper: English, Arabic or both, on A4 or Letter.

A handout is the page's content laid out for paper, with the clinic's contact block, review
dates, the version number and its publication date, the references and a QR code back to the
live page in each language, carrying the printed version in its address so that a reader of an
old printout is told the page has changed since. The PDF is drawn by WeasyPrint from the same
HTML (content.handouts.pdf).
"""

import dataclasses
import datetime

import segno
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from content import languages
from content.editing.models import Clinic
from content.publishing.localized import clinic_texts
from content.publishing.pages import PageInfo, page_context

PAPER_SIZES = {"a4": "A4", "letter": "letter"}
BILINGUAL = "bilingual"
VARIANTS = (*languages.CODES, BILINGUAL)


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
    codes = "-".join(languages.CODES) if variant == BILINGUAL else variant
    paper = "" if paper == "a4" else f"-{paper}"
    return f"{slug}-v{version}-{codes}{paper}.pdf"


def handout_for(publication, variant, paper, site_root, clinic, printed_on=None):
    """The handout a URL asks for, or None when the variant or paper is not one we make."""
    if paper not in PAPER_SIZES:
        return None
    if variant == BILINGUAL:
        codes = languages.CODES
    elif variant in languages.CODES:
        codes = (variant,)
    else:
        return None
    return Handout(publication.document, PageInfo.of(publication), codes, paper,
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
        english_page = f"{handout.site_root}{handout.info.url(languages.SOURCE)}"
        return {
            **page_context(handout.document, handout.info, language, on_paper=True),
            "language": language,
            "dir": languages.direction(language),
            "language_name": languages.local_name(language),
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
            {"language": e["language"], "dir": e["dir"], "section": view,
             "clinic_text": e["clinic_text"]}
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
