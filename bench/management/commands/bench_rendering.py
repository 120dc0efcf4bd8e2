"""Print how long checking and rendering take for the worst Markdown an author could try to save.

Figures, not pass/fail (see `bench`). Each input is as large as a Markdown field may be
(MARKDOWN_MAX_CHARS) or as a crafted input needs. authoring_problems decides on the text alone
(content.rendering.bounds): an input it refuses is shown as refused, with the bound it broke and
how long the refusal took, and is not rendered; an input it accepts is rendered in both languages.
The inputs marked "at the bound" are as close to a bound as they can be while still accepted: the
worst accepted texts, whose render times the last line sums up. Inputs that took seconds or raised
on earlier versions say so.
"""

import logging
import time

from django.core.management.base import BaseCommand

from content import languages
from content.rendering.bounds import (
    CODE_SPAN_MAX,
    LINK_ADDRESS_MAX,
    MARKDOWN_MAX_CHARS,
    MAX_BACKTICKS,
    MAX_CELLS,
    MAX_LINES,
    MAX_LINKS,
    MAX_MARKS,
    MAX_NESTING,
)
from content.rendering.markdown import authoring_problems, render_markdown


def _fill(unit, limit=MARKDOWN_MAX_CHARS):
    return unit * (limit // len(unit))


def _line(markup, lines=MAX_LINES):
    """Words for one of `lines` lines that share the size limit, `markup` characters kept for the
    rest of the line."""
    return _fill("word ", MARKDOWN_MAX_CHARS // lines - markup).strip() or "w"


def _padded(text, pad=" word"):
    """text, then words to the size limit, in the same paragraph."""
    return text + _fill(pad, MARKDOWN_MAX_CHARS - len(text))


def pathological_inputs():
    """(kind, text); the kinds main could not handle say what happened there."""
    table_row = "| 5 mL [^1] | **38.5°C** | [link](https://example.org/?a=1&b=2) |\n"
    # Lists nested MAX_NESTING deep count 1 + 2 + ... + MAX_NESTING lines each time.
    nested_blocks = MAX_LINES // sum(range(1, MAX_NESTING + 1))
    nested_lines = nested_blocks * MAX_NESTING
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
        ("'[](' x 5000 (was 6.5 s)", "[](" * 5000),
        ("'![](' x 5000 (was 5 s)", "![](" * 5000),
        ("'[a](' to the limit (was 6.7 s)", _fill("[a](")),
        ("'[a](<b' to the limit (was 8 s)", _fill("[a](<b")),
        ("'[a](\"x)': titles that never close (was 7 s)", _fill('[a]("x)')),
        ("nested emphasis '*a ' ... ' a*'", "*a " * 3300 + "b" + " a*" * 3300),
        ("'*a*' to the limit", _fill("*a*")),
        ("'**' to the limit", _fill("**")),
        ("'_' to the limit (a line to write on)", _fill("_")),
        ("unclosed '`' to the limit", _fill("`a ")),
        ("'``a`': code spans that never close (was 3 s)", _fill("``a`")),
        ("escapes '\\*' to the limit", _fill("\\*")),
        ("entities '&#1;' to the limit", _fill("&#1;")),
        ("paragraphs 'a' to the limit", _fill("a\n\n")),
        ("list items '- a' to the limit", _fill("- a\n")),
        ("long table", "| a | b | c |\n|---|---|---|\n" + _fill(table_row, MARKDOWN_MAX_CHARS - 40)),
        ("wide table (2400 columns)", "|" + " a |" * 2400 + "\n|" + "---|" * 2400 + "\n"),
        ("raw HTML '<b>' to the limit", _fill("<b>")),
        ("unclosed '<!--' and '<script>'", _fill("<!-- <script> ")),
        ("citation markers", _fill("نص [^1] ")),
        ("Arabic with Latin runs", _fill("خذ 5 mL من Lantus® عند 38.5°C و+966 11 123 4567 ")),
        ("callouts", _fill('!!! danger "Call"\n    Now.\n\n')),
        # As close to each bound as a text can be and still be accepted.
        (f"at the bound: {MAX_LINES:,} paragraphs", (_line(2) + "\n\n") * MAX_LINES),
        (f"at the bound: {MAX_LINES:,} list items, each cited twice",
         ("- " + _line(15) + " [^1] y [^2]\n") * MAX_LINES),
        (f"at the bound: {MAX_LINES // 2:,} callouts",
         ('!!! danger "Call"\n    ' + _line(24, MAX_LINES // 2) + "\n\n") * (MAX_LINES // 2)),
        (f"at the bound: lists {MAX_NESTING} deep, {nested_blocks} times", "".join(
            "    " * level + "- " + _line(4 * level + 3, nested_lines) + "\n"
            for level in range(MAX_NESTING)) * nested_blocks),
        (f"at the bound: lines opening {MAX_NESTING} lists each",
         ("1. " * MAX_NESTING + _line(3 * MAX_NESTING + 1, MAX_LINES // MAX_NESTING) + "\n")
         * (MAX_LINES // MAX_NESTING)),
        (f"at the bound: {MAX_MARKS:,} citation markers in one paragraph",
         _padded("نص [^1] " * MAX_MARKS, " نص")),
        (f"at the bound: {MAX_MARKS // 2:,} '*a*' in one paragraph", _padded("*a* " * (MAX_MARKS // 2))),
        (f"at the bound: {MAX_MARKS:,} escapes in one paragraph", _padded("\\. " * MAX_MARKS)),
        (f"at the bound: {MAX_MARKS:,} entities in one paragraph", _padded("&amp; " * MAX_MARKS)),
        (f"at the bound: table of {MAX_CELLS // 11 - 2} rows of words, 9 columns",
         "|" + " a |" * 9 + "\n|" + "---|" * 9 + "\n"
         + (_line(1, MAX_CELLS // 11) + "\n") * (MAX_CELLS // 11 - 2)),
        (f"at the bound: {MAX_LINKS} links read {LINK_ADDRESS_MAX:,} characters each",
         _padded("[a](b'c) " * MAX_LINKS, " w")),
        (f"at the bound: {MAX_BACKTICKS} backticks read {CODE_SPAN_MAX:,} characters each",
         _padded("``a`" * (MAX_BACKTICKS - 1), " w")),
        ("at the bound: runs of three '[[[' ']]]' '(((' ')))' '***'",
         _padded("[[[a]]] (((b))) ***c*** " * (MAX_MARKS // 5))),
    ]


def _time(function, repeat):
    """The least processor time of `repeat` runs: what the text itself costs, whatever else the
    machine is doing (on a busy machine the wall clock shows the queue for the processor too)."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        function()
        times.append(time.process_time() - started)
    return min(times)


class Command(BaseCommand):
    help = "Time authoring checks and rendering on pathological Markdown and print a table."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=3, help="runs per input (the least shown)")

    def handle(self, *args, repeat, **options):
        # A text stored before the bounds may still fall back to plain paragraphs when rendered;
        # such warnings would break the table.
        logging.getLogger("content.rendering.markdown").setLevel(logging.ERROR)
        self.stdout.write(
            f"Checking and rendering pathological Markdown (limit {MARKDOWN_MAX_CHARS:,} characters; "
            f"an input the bounds refuse is not rendered); processor time, least of {repeat} runs"
        )
        header = (f"{'input kind':<58} {'chars':>7} {'check':>8} {'render ' + languages.SOURCE:>10} "
                  f"{'render ' + languages.TRANSLATION:>10}  verdict")
        self.stdout.write(header)
        self.stdout.write("-" * (len(header) + 40))
        worst, worst_kind = 0.0, ""
        for kind, text in pathological_inputs():
            check = _time(lambda text=text: authoring_problems(text, languages.TRANSLATION), repeat)
            problems = authoring_problems(text, languages.TRANSLATION)
            row = f"{kind:<58} {len(text):>7,} {check * 1000:>5.0f} ms"
            if problems:
                self.stdout.write(f"{row} {'-':>10} {'-':>10}  refused: {problems[0][:60]}")
                continue
            times = [_time(lambda text=text, code=code: render_markdown(text, code), repeat)
                     for code in (languages.SOURCE, languages.TRANSLATION)]
            self.stdout.write(f"{row} " + " ".join(f"{seconds * 1000:>7.0f} ms" for seconds in times)
                              + "  accepted")
            if max(times) > worst:
                worst, worst_kind = max(times), kind
        self.stdout.write(f"worst render time over accepted pathological inputs: {worst * 1000:.0f} ms "
                          f"({worst_kind})")
