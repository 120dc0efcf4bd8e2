"""Page objects for the browser tests: what a patient's browser sees, asked in the browser's terms.

Each object wraps one Playwright page and one portal URL. It records every request the page
makes from the moment it is created, so a test can check that nothing leaves the portal.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import translation

from tests.builders import DEMO_SLUG

# WCAG 2.0, 2.1 and 2.2 at levels A and AA, as axe-core tags its rules.
WCAG_AA_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")

# Resolves once every font the page asked for has loaded (or failed), then lists the faces.
_FONT_FACES_JS = """async () => {
  await document.fonts.ready;
  return [...document.fonts].map(face => ({
    family: face.family.replace(/^["']|["']$/g, ""),
    weight: face.weight,
    status: face.status,
  }));
}"""

# Elements that stick out of the viewport sideways: the culprits when a page scrolls sideways.
_OVERFLOWING_JS = """() => {
  const width = document.documentElement.clientWidth;
  const describe = el => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += "#" + el.id;
    if (typeof el.className === "string" && el.className.trim())
      name += "." + el.className.trim().split(/\\s+/).join(".");
    return name;
  };
  const found = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right > width + 0.5 || box.left < -0.5) {
      found.push(`${describe(el)} [left ${Math.round(box.left)}, right ${Math.round(box.right)}]`);
    }
  }
  return found.slice(0, 10);
}"""

_FOCUSED_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    hash: el.hash === undefined ? null : el.hash,
    text: (el.textContent || "").trim(),
  };
}"""


def _localized_path(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


class PortalPage:
    """One public page of the portal, opened in one browser tab."""

    expected_status = 200

    def __init__(self, page, base_url, language):
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.language = language
        self.requested_urls = []
        self.font_responses = []
        page.on("request", lambda request: self.requested_urls.append(request.url))
        page.on("response", self._note_font_response)

    def _note_font_response(self, response):
        if "/fonts/" in response.url:
            self.font_responses.append((response.url, response.status))

    @property
    def path(self):
        raise NotImplementedError

    @property
    def url(self):
        return self.base_url + self.path

    def open(self):
        response = self.page.goto(self.url, wait_until="networkidle")
        status = response and response.status
        assert status == self.expected_status, f"GET {self.url} -> {status}"
        self.font_faces()  # waits for document.fonts.ready: the page is as the patient sees it
        return self

    def scroll_through(self):
        """Scroll to the end and back, so anything loaded on scroll is requested too."""
        self.page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        self.page.wait_for_load_state("networkidle")
        self.page.evaluate("window.scrollTo(0, 0)")

    # What the document says about itself.
    def html_attributes(self):
        return self.page.evaluate(
            "() => ({lang: document.documentElement.getAttribute('lang'),"
            " dir: document.documentElement.getAttribute('dir')})"
        )

    def computed_font_family(self, selector):
        return self.page.locator(selector).first.evaluate("el => getComputedStyle(el).fontFamily")

    def font_faces(self):
        return self.page.evaluate(_FONT_FACES_JS)

    def loaded_font_families(self):
        return {face["family"] for face in self.font_faces() if face["status"] == "loaded"}

    # Layout.
    def horizontal_scroll(self):
        """(scrollWidth, clientWidth) of the document: scrolls sideways when the first is larger."""
        return tuple(
            self.page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
        )

    def overflowing_elements(self):
        return self.page.evaluate(_OVERFLOWING_JS)

    # Accessibility.
    def axe_violations(self, axe, tags=WCAG_AA_TAGS):
        options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
        return axe.run(self.page, options=options).response["violations"]

    # Keyboard.
    def press_tab(self):
        self.page.keyboard.press("Tab")
        return self.focused()

    def press_enter(self):
        self.page.keyboard.press("Enter")
        return self.focused()

    def focused(self):
        return self.page.evaluate(_FOCUSED_JS)

    def focused_box(self):
        return self.page.evaluate(
            "() => { const r = document.activeElement.getBoundingClientRect();"
            " return {x: r.x, y: r.y, width: r.width, height: r.height}; }"
        )

    def focused_is_topmost(self):
        """True when the focused element is what is painted at its own centre (not covered)."""
        return self.page.evaluate(
            """() => {
              const el = document.activeElement;
              const r = el.getBoundingClientRect();
              const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
              return hit !== null && (hit === el || el.contains(hit));
            }"""
        )

    def viewport(self):
        return self.page.evaluate("() => ({width: window.innerWidth, height: window.innerHeight})")

    def location_hash(self):
        return self.page.evaluate("() => location.hash")

    # Printing.
    def visible_when_printed(self, selector):
        """Whether any element matching selector shows on paper (print media emulated)."""
        self.page.emulate_media(media="print")
        try:
            return self.page.evaluate(
                """selector => [...document.querySelectorAll(selector)].some(el => {
                  const box = el.getBoundingClientRect();
                  return getComputedStyle(el).display !== "none" && box.width > 0 && box.height > 0;
                })""",
                selector,
            )
        finally:
            self.page.emulate_media(media="screen")


class ProcedurePage(PortalPage):
    def __init__(self, page, base_url, language, slug=DEMO_SLUG):
        super().__init__(page, base_url, language)
        self.slug = slug

    @property
    def path(self):
        return _localized_path(self.language, "content:procedure", self.slug)


class ListPage(PortalPage):
    @property
    def path(self):
        return _localized_path(self.language, "content:procedure_list")


class HandoutPage(ProcedurePage):
    """The handout as a web page, in the page's language."""

    url_name = "content:handout"

    @property
    def path(self):
        return _localized_path(self.language, self.url_name, self.slug)


class BilingualHandoutPage(HandoutPage):
    url_name = "content:handout_bilingual"


class NotFoundPage(PortalPage):
    """The 404 page a mistyped or outdated address gets (content/errors.py)."""

    expected_status = 404

    @property
    def path(self):
        return f"/{self.language}/procedures/no-such-guide/"


class GlossaryPage(PortalPage):
    @property
    def path(self):
        return _localized_path(self.language, "content:glossary")


class SearchPage(PortalPage):
    """Search results for a word the demo uses in each language (the pump)."""

    queries = {"en": "pump", "ar": "المضخة"}

    @property
    def path(self):
        query = urlencode({"q": self.queries[self.language]})
        return f"{_localized_path(self.language, 'content:search')}?{query}"


class EmptySearchPage(SearchPage):
    """A search that finds nothing: what to try next, and the way to the full list."""

    queries = {"en": "zebra", "ar": "حمار وحشي"}


PAGE_KINDS = {
    "glossary": GlossaryPage,
    "search": SearchPage,
    "search-empty": EmptySearchPage,
    "not-found": NotFoundPage,
    "procedure": ProcedurePage,
    "list": ListPage,
    "handout": HandoutPage,
    "bilingual": BilingualHandoutPage,
}


def format_violations(violations, targets_per_rule=5):
    """One readable block per axe rule: id, impact, help, and where it failed."""
    lines = []
    for violation in violations:
        nodes = violation["nodes"]
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']} "
            f"[{len(nodes)} element(s)] {violation.get('helpUrl', '')}"
        )
        for node in nodes[:targets_per_rule]:
            target = " ".join(str(part) for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ").strip()
            html = node.get("html", "").replace("\n", " ")
            lines.append(f"    {target}  {html[:160]}")
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(nodes) > targets_per_rule:
            lines.append(f"    ... and {len(nodes) - targets_per_rule} more")
    return "\n".join(lines)
