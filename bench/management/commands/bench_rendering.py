"""Print how long rendering and checking take for the worst Markdown an author could save.

Figures, not pass/fail (see `bench`): each input is as large as a Markdown field may be
(content.rendering.markdown.MARKDOWN_MAX_CHARS) or as a crafted input needs, and each must stay well under
a second, the limit beyond which authoring_problems refuses a text as too slow. Inputs that took
seconds or raised on earlier versions are marked.
"""

import logging
import statistics
import time

from django.core.management.base import BaseCommand

from content.rendering.markdown import (
    MARKDOWN_MAX_CHARS,
    RENDER_SECONDS_LIMIT,
    authoring_problems,
    render_markdown,
)


def _fill(unit, limit=MARKDOWN_MAX_CHARS):
    return unit * (limit // len(unit))


def pathological_inputs():
    """(kind, text); the kinds main could not handle say what happened there."""
    table_row = "| 5 mL [^1] | **38.5°C** | [link](https://example.org/?a=1&b=2) |\n"
    return [
        ("deep list '- ' x 1000 (was RecursionError, a 500)", "- " * 1000 + "x"),
        ("deep list '1. ' x 1000", "1. " * 1000 + "x"),
        ("deep quote '> ' x 1000", "> " * 1000 + "x"),
        ("indented lists 90 levels", "".join("    " * level + "- x\n" for level in range(90))),
        ("unclosed '[' x 8000 (was 10 s)", "[" * 8000),
        ("unclosed '[' to the limit (was the worker timeout)", _fill("[")),
        ("nested '[' ... ']' 10000 deep", "[" * 10_000 + "]" * 10_000),
        ("links and unclosed '['", _fill("[a](b) " + "[" * 20)),
        ("unclosed '![' to the limit", _fill("![")),
        ("nested emphasis '*a ' ... ' a*'", "*a " * 3300 + "b" + " a*" * 3300),
        ("'**' to the limit", _fill("**")),
        ("unclosed '`' to the limit", _fill("`a ")),
        ("long table", "| a | b | c |\n|---|---|---|\n" + _fill(table_row, MARKDOWN_MAX_CHARS - 40)),
        ("wide table (2400 columns)", "|" + " a |" * 2400 + "\n|" + "---|" * 2400 + "\n"),
        ("raw HTML '<b>' to the limit", _fill("<b>")),
        ("unclosed '<!--' and '<script>'", _fill("<!-- <script> ")),
        ("citation markers", _fill("نص [^1] ")),
        ("Arabic with Latin runs", _fill("خذ 5 mL من Lantus® عند 38.5°C و+966 11 123 4567 ")),
        ("callouts", _fill('!!! danger "Call"\n    Now.\n\n')),
    ]


def _time(function, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


class Command(BaseCommand):
    help = "Time rendering and authoring checks on pathological Markdown and print a table."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=3, help="runs per input (median shown)")

    def handle(self, *args, repeat, **options):
        # The deep lists fall back to plain paragraphs on purpose; their warnings would break the table.
        logging.getLogger("content.rendering.markdown.markdown").setLevel(logging.ERROR)
        self.stdout.write(
            f"Rendering pathological Markdown (limit {MARKDOWN_MAX_CHARS:,} characters; a save is "
            f"refused past {RENDER_SECONDS_LIMIT * 1000:.0f} ms); median of {repeat}"
        )
        header = f"{'input kind':<52} {'chars':>7} {'render en':>10} {'render ar':>10} {'check':>10}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for kind, text in pathological_inputs():
            english = _time(lambda text=text: render_markdown(text, "en"), repeat)
            arabic = _time(lambda text=text: render_markdown(text, "ar"), repeat)
            check = _time(lambda text=text: authoring_problems(text, "ar"), repeat)
            self.stdout.write(
                f"{kind:<52} {len(text):>7,} {english * 1000:>7.0f} ms {arabic * 1000:>7.0f} ms "
                f"{check * 1000:>7.0f} ms"
            )
