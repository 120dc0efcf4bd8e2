"""Pictures in a section's text: uploads made safe and re-encoded, referenced from Markdown in
each language, pinned by the version that published them, served by digest, and on paper."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from content import languages
from content.editing import pictures as picture_files
from content.editing.pictures import Picture, PictureRefused, store_upload
from content.rendering import svg
from content.rendering.markdown import authoring_problems, render_markdown, sanitize
from tests.builders import DEMO_SLUG, add_section, make_procedure, publish

pytestmark = pytest.mark.django_db

EN, AR = languages.SOURCE, languages.TRANSLATION


@pytest.fixture(autouse=True)
def messages_in_english():
    """The messages are matched in English, whatever language an earlier test left active."""
    with translation.override(EN):
        yield


def png(width, height, mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, (width, height), "teal").save(buffer, "PNG")
    return buffer.getvalue()


DRAWING = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100">'
           b'<rect x="1" y="1" width="50" height="50" fill="red"/><text x="10" y="80">%s</text></svg>')


def drawing(label):
    return DRAWING % label.encode()


def make_picture(slug="pump-diagram", english=None, arabic=None):
    source = store_upload(english or drawing("Pump"))
    translation = store_upload(arabic) if arabic else None
    return Picture.objects.create(slug=slug, source_file=source, translation_file=translation)


# --- Uploads: re-encoding and limits -------------------------------------------------------------

def test_a_photograph_becomes_webp_at_each_screen_width_and_a_jpeg_for_paper():
    stored = store_upload(png(2000, 1000))
    renditions = {(r.format, r.width, r.height) for r in stored.renditions.all()}
    assert renditions == {("webp", 480, 240), ("webp", 960, 480), ("webp", 1440, 720),
                          ("jpg", 1440, 720)}
    for rendition in stored.renditions.all():
        image = Image.open(io.BytesIO(bytes(rendition.data)))
        assert image.format == {"webp": "WEBP", "jpg": "JPEG"}[rendition.format]
        assert image.size == (rendition.width, rendition.height)


def test_a_small_photograph_is_never_made_larger():
    stored = store_upload(png(600, 300))
    assert max(r.width for r in stored.renditions.all()) == 600
    assert {(r.format, r.width) for r in stored.renditions.all()} == {
        ("webp", 480), ("webp", 600), ("jpg", 600)}


def test_a_transparent_picture_is_printed_on_white():
    stored = store_upload(png(100, 100, "RGBA"))
    jpeg = Image.open(io.BytesIO(bytes(stored.renditions.get(format="jpg").data)))
    assert jpeg.mode == "RGB"


def test_the_same_file_uploaded_twice_is_stored_once():
    assert store_upload(png(300, 200)) == store_upload(png(300, 200))


@pytest.mark.parametrize(("data", "words"), [
    (b"this is not a picture at all", "not a picture we can read"),
    (png(300, 200)[:60], "not a picture we can read"),
])
def test_a_file_that_is_not_a_picture_is_refused_with_a_message(data, words):
    with pytest.raises(PictureRefused, match=words):
        store_upload(data)


def test_a_picture_wider_than_the_limit_is_refused():
    with pytest.raises(PictureRefused, match="6000 pixels a side"):
        store_upload(png(6001, 10, "L"))


def test_a_decompression_bomb_is_refused_before_it_is_decoded(monkeypatch):
    monkeypatch.setattr(picture_files, "MAX_PIXELS", 1000)
    with pytest.raises(PictureRefused):
        store_upload(png(100, 100))


def test_a_file_over_five_megabytes_is_refused():
    upload = SimpleUploadedFile("big.png", b"\0" * (5 * 1024 * 1024 + 1), content_type="image/png")
    with pytest.raises(PictureRefused, match="5 MB"):
        store_upload(upload)


# --- SVG: the allow-list ----------------------------------------------------------------------------

@pytest.mark.parametrize("construct", [
    b'<script>alert(1)</script>',
    b'<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">hi</p></foreignObject>',
    b'<rect width="5" height="5" onclick="alert(1)"/>',
    b'<a href="https://example.org/"><rect width="5" height="5"/></a>',
    b'<use xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="https://example.org/x.svg#a"/>',
    b'<image href="https://example.org/x.png" width="5" height="5"/>',
    b'<rect width="5" height="5" style="fill:url(https://example.org/x.svg#g)"/>',
    b'<rect width="5" height="5" fill="url(https://example.org/x.svg#g)"/>',
    b'<style>rect { fill: url(https://example.org/) }</style>',
])
def test_every_dangerous_svg_construct_is_removed_and_the_upload_refused(construct):
    data = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">' + construct + b"</svg>"
    clean, removed = svg.sanitise_svg(data)
    for word in (b"script", b"foreignObject", b"onclick", b"href", b"url(", b"<image", b"<style",
                 b"example.org"):
        assert word not in clean
    assert svg.dangerous(removed)
    with pytest.raises(PictureRefused, match="could run or load"):
        store_upload(data)


def test_entities_and_doctypes_are_refused():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><text>&a;</text></svg>')
    with pytest.raises(svg.SvgRefused):
        svg.sanitise_svg(bomb)


def test_a_safe_drawing_keeps_its_shapes_text_and_presentation():
    clean, removed = svg.sanitise_svg(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>t</title>'
        '<g fill="#123"><path d="M0 0L5 5" stroke-width="2"/><text x="1" y="9" direction="rtl">'
        'الكبد<tspan dy="2">x</tspan>y</text></g></svg>'.encode())
    assert removed == []
    assert "الكبد".encode() in clean and b"<tspan" in clean and b'stroke-width="2"' in clean
    assert b"</tspan>y</text>" in clean


def test_an_svg_without_size_or_viewbox_is_refused():
    with pytest.raises(PictureRefused, match="viewBox"):
        store_upload(b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="5" height="5"/></svg>')


# --- The Markdown reference ---------------------------------------------------------------------------

def test_a_picture_reference_renders_a_figure_with_srcset_alt_size_and_caption():
    make_picture("photo", english=png(1600, 800))
    pins = picture_files.picture_pins()
    html = render_markdown('Before.\n\n![The pump, seen from the front](picture:photo "Its size")', EN,
                           pictures=pins)
    figure = re.search(r"<figure class=\"picture\">.*</figure>", html, re.S)[0]
    assert 'alt="The pump, seen from the front"' in figure
    assert re.search(r'srcset="/pictures/[0-9a-f]{64}\.webp 480w, /pictures/[0-9a-f]{64}\.webp 960w, '
                     r'/pictures/[0-9a-f]{64}\.webp 1440w"', figure)
    assert re.search(r'src="/pictures/[0-9a-f]{64}\.jpg"', figure)
    assert 'width="1600"' in figure and 'height="800"' in figure and 'sizes="' in figure
    assert 'loading="lazy"' in figure and "<figcaption>Its size</figcaption>" in figure


def test_the_arabic_text_gets_the_arabic_file_and_falls_back_to_the_english_one():
    labelled = make_picture("labelled", arabic=drawing("الكبد"))
    plain = make_picture("plain", english=drawing("x"))
    pins = picture_files.picture_pins()
    arabic = render_markdown("![الكبد](picture:labelled)", AR, pictures=pins)
    english = render_markdown("![liver](picture:labelled)", EN, pictures=pins)
    assert labelled.translation_file.pin()["src"] in arabic
    assert labelled.source_file.pin()["src"] in english
    assert plain.source_file.pin()["src"] in render_markdown("![س](picture:plain)", AR, pictures=pins)


@pytest.mark.parametrize(("text", "words"), [
    ("![](picture:pump-diagram)", "needs alternative text"),
    ("![A pump](picture:no-such-picture)", "no picture named no-such-picture"),
    ("![A pump](https://example.org/pump.png)", "image from elsewhere"),
    ("![A pump](data:image/png;base64,AAAA)", "image from elsewhere"),
    ("Here ![A pump](picture:pump-diagram) inline.", "line of its own"),
])
def test_the_authoring_rule_refuses_what_cannot_be_shown(text, words):
    problems = authoring_problems(text, EN, picture_slugs={"pump-diagram"})
    assert any(words in problem for problem in problems), problems


def test_a_good_reference_passes_the_authoring_rule():
    assert authoring_problems('![A pump](picture:pump-diagram "Caption")', AR, {"pump-diagram"}) == []


def test_the_admin_names_the_section_field_that_shows_an_unknown_picture(admin_client, demo_procedure):
    from django.core.exceptions import ValidationError

    from content.editing.models import reject_raw_html

    with pytest.raises(ValidationError, match="no picture named missing"):
        reject_raw_html("![A pump](picture:missing)")
    reject_raw_html('![A pump](picture:pump-diagram "Where it sits")')  # the demo's picture exists


def test_the_sanitiser_lets_an_img_show_only_a_picture_file():
    good = "/pictures/" + "a" * 64 + ".jpg"
    html = sanitize(f'<img src="javascript:alert(1)" onerror="x"><img src="/admin/" alt="a">'
                    f'<img src="{good}" srcset="https://example.org/x.png 1w" alt="b">')
    assert "javascript" not in html and "onerror" not in html and "/admin/" not in html
    assert "example.org" not in html and f'src="{good}"' in html


# --- Pinning at publish -------------------------------------------------------------------------------

def test_a_published_page_keeps_its_picture_until_it_is_published_again(client):
    picture = make_picture("diagram", english=drawing("first"))
    first_src = picture.source_file.pin()["src"]
    procedure = make_procedure()
    add_section(procedure, "overview", body_en="![A drawing](picture:diagram)",
                body_ar="![رسم](picture:diagram)")
    publish(procedure)
    page = f"/en/procedures/{procedure.slug}/"
    assert first_src in client.get(page).content.decode()
    picture.source_file = store_upload(drawing("second"))
    picture.save()
    second_src = picture.source_file.pin()["src"]
    from django.core.management import call_command
    call_command("render_content", stdout=io.StringIO())
    from content.site.page_cache import forget_cached_pages
    forget_cached_pages()
    html = client.get(page).content.decode()
    assert first_src in html and second_src not in html
    assert client.get(first_src).status_code == 200  # the pinned file is still served
    publish(procedure)
    forget_cached_pages()
    assert second_src in client.get(page).content.decode()


def test_publishing_refuses_a_picture_that_does_not_exist():
    from content.publishing.workflow import WorkflowRefused

    procedure = make_procedure()
    add_section(procedure, "overview", body_en="![A drawing](picture:gone)", body_ar="نص.")
    with pytest.raises(WorkflowRefused, match="no picture named gone"):
        publish(procedure)


# --- Serving ------------------------------------------------------------------------------------------

def test_a_picture_file_is_served_immutable_with_its_type_and_a_closed_policy(client):
    stored = store_upload(drawing("x"))
    response = client.get(stored.pin()["src"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "immutable" in response["Cache-Control"] and "max-age=31536000" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert response.content.startswith(b"<svg")


def test_a_raster_file_is_served_as_what_it_is(client):
    stored = store_upload(png(500, 250))
    webp = stored.renditions.get(format="webp", width=480)
    response = client.get(webp.url())
    assert response["Content-Type"] == "image/webp" and response.content == bytes(webp.data)


@pytest.mark.parametrize("path", ["/pictures/" + "0" * 64 + ".svg", "/pictures/abc.svg",
                                  "/pictures/" + "0" * 64 + ".exe"])
def test_an_unknown_picture_address_is_a_404(client, path):
    assert client.get(path).status_code == 404


def test_a_file_is_only_served_in_its_own_format(client):
    stored = store_upload(drawing("x"))
    digest = stored.renditions.get().digest
    assert client.get(f"/pictures/{digest}.jpg").status_code == 404


# --- On the page, the handout and the PDF ---------------------------------------------------------

@pytest.mark.parametrize("language", languages.CODES)
def test_the_demo_page_and_handout_show_the_pump_diagram_in_their_language(client, demo_procedure, language):
    picture = Picture.objects.get(slug="pump-diagram")
    src = picture.file_for(language).pin()["src"]
    for url in (f"/{language}/procedures/{DEMO_SLUG}/", f"/{language}/procedures/{DEMO_SLUG}/handout/"):
        html = client.get(url).content.decode()
        figure = re.search(r'<figure class="picture">.*?</figure>', html, re.S)[0]
        assert src in figure and "<figcaption>" in figure
        assert re.search(r'alt="[^"]{40,}"', figure)
    assert picture.translation_file_id and picture.file_for(EN) != picture.file_for(AR)


@pytest.mark.parametrize("language", languages.CODES)
def test_the_pdf_draws_the_pump_diagram_of_its_language_from_the_database(demo_procedure, language,
                                                                          monkeypatch):
    from django.conf import settings

    from content.editing.models import Clinic
    from content.handouts import pdf
    from content.handouts.layout import handout_for

    fetched = []
    original = pdf._picture_file

    def spy(static_files, url):
        found = original(static_files, url)
        fetched.append((url, found))
        return found

    monkeypatch.setattr(pdf, "_picture_file", spy)
    handout = handout_for(demo_procedure.live_version, language, "a4", settings.SITE_URL,
                          Clinic.objects.first())
    drawn = pdf.draw_pdf(handout)
    src = Picture.objects.get(slug="pump-diagram").file_for(language).pin()["src"]
    served = [found for url, found in fetched if url.endswith(src)]
    assert served and served[0][1] == "image/svg+xml" and served[0][0].startswith(b"<svg")
    assert drawn.startswith(b"%PDF-")


def test_a_drawings_labels_are_shaped_outlines_not_letters():
    """WeasyPrint draws SVG text letter by letter (Arabic came out unjoined and reversed), so a
    drawing's labels are drawn as shaped paths when it is uploaded."""
    stored = store_upload(drawing("الكبد"))
    served = bytes(stored.renditions.get().data)
    assert b"<text" not in served and "الكبد".encode() not in served
    assert served.count(b"<path") == 1  # the label, one path per run of text


def test_the_demo_diagram_has_its_labels_as_shaped_outlines_in_each_language(demo_procedure):
    picture = Picture.objects.get(slug="pump-diagram")
    for language in languages.CODES:
        served = bytes(picture.file_for(language).renditions.get().data)
        assert b"<text" not in served and served.count(b"<path") > 10


# --- The admin ------------------------------------------------------------------------------------

def test_an_editor_adds_a_picture_and_sees_its_preview_and_markdown(client, editor):
    client.force_login(editor)
    upload = SimpleUploadedFile("pump.png", png(800, 400), content_type="image/png")
    response = client.post("/admin/content/picture/add/", {"slug": "pump-photo", "english_upload": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    picture = Picture.objects.get(slug="pump-photo")
    page = client.get(f"/admin/content/picture/{picture.pk}/change/").content.decode()
    assert picture.source_file.pin()["src"] in page and "picture:pump-photo" in page


def test_a_bad_upload_is_refused_by_name_and_keeps_what_was_typed(client, editor):
    client.force_login(editor)
    upload = SimpleUploadedFile("pump.png", b"not a picture", content_type="image/png")
    response = client.post("/admin/content/picture/add/", {"slug": "my-typed-name", "english_upload": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "not a picture we can read" in html and 'value="my-typed-name"' in html
    assert not Picture.objects.exists()


def test_a_translator_may_give_the_arabic_file_but_not_replace_the_english_one(client, translator):
    picture = make_picture("diagram")
    client.force_login(translator)
    url = f"/admin/content/picture/{picture.pk}/change/"
    refused = client.post(url, {"slug": "diagram", "english_upload": SimpleUploadedFile(
        "x.svg", drawing("other"), content_type="image/svg+xml")})
    assert refused.status_code == 200 and "Your role cannot change this field." in refused.content.decode()
    accepted = client.post(url, {"slug": "diagram", "arabic_upload": SimpleUploadedFile(
        "x.svg", drawing("الكبد"), content_type="image/svg+xml")})
    assert accepted.status_code == 302
    picture.refresh_from_db()
    assert picture.translation_file_id and picture.translation_file != picture.source_file


def test_a_damaged_photograph_is_refused_even_after_weasyprint_relaxed_pillow():
    import weasyprint  # noqa: F401  (importing it sets Pillow to load cut-short files)
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    with pytest.raises(PictureRefused, match="not a picture we can read"):
        store_upload(png(300, 200)[:200])
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # left as WeasyPrint wants it for drawing
