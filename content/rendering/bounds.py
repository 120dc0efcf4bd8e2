"""Bounds on the shape of a Markdown text, checked before it is rendered, instead of a clock.

Python-Markdown does, for some shapes of text, work that grows with the square of its length: from
every `](` it looks for the end of the link's address, and from every backtick for the end of the
code span, to the end of the paragraph if they are not there; it copies a paragraph's text again
for each piece of formatting it finds in it; every line, list item and table cell costs it a
little Python. `'[](' * 5000` took six seconds.

So a text is refused, before it is rendered, when it exceeds a bound on its input: its size, lines,
nesting, table cells, runs of brackets and marks, and how many formatting marks, link addresses and
backticks it has. Within the bounds every text renders in time proportional to its length: the
worst text in `manage.py bench_rendering`'s corpus, each as close to a bound as it can be, renders
at MARKDOWN_MAX_CHARS in under 100 ms. The renderer stops looking for an address or a closing
backtick after LINK_ADDRESS_MAX or CODE_SPAN_MAX characters (content.rendering.markdown), so each
of the bounded openers costs at most that much. No decision depends on a clock or on how busy the
machine is. Honest texts are inside every bound: the demo's busiest sections, grown to
MARKDOWN_MAX_CHARS, would have about 400 marks and 300 lines, no link address, no table and no run
longer than two.
"""

import re
from collections import Counter

from django.utils.translation import gettext

# The most a Markdown field holds: the longest demo section is under 4,000 characters.
MARKDOWN_MAX_CHARS = 20_000
# Lists and quotes inside one another; Markdown recurses per level, and patients cannot follow
# more than a few anyway.
MAX_NESTING = 8
# Non-blank lines, a line in a list or quote counted once for each level it sits in: each
# paragraph, heading, table row and list item costs Python-Markdown a little, and a nested one as
# much again at each level. The demo has about one line per 80 characters, few of them nested.
MAX_LINES = 500
# Table cells, rows times columns: every row gets as many cells as the table's first row has
# columns, even a row of one word. Counted as the lines of a paragraph with a `|` times the most
# `|` on one of its lines, plus one.
MAX_CELLS = 1_000
# The same bracket, emphasis mark or backtick in a row: Markdown never needs more than `***`.
MAX_RUN = 3
RUN_MARKS = "[]()*`"
# Pieces of inline formatting: each run of `*`, `_` or backticks, and each `[`, `\`, `&`, `<`, `|`.
# Each costs Markdown a copy of its paragraph, so a paragraph full of them costs the square.
MAX_MARKS = 1_000
# Link (or image) addresses, `](`, and backtick runs: from each, the renderer reads up to
# LINK_ADDRESS_MAX or CODE_SPAN_MAX characters looking for its end.
MAX_LINKS = 100
LINK_ADDRESS_MAX = 1_000
MAX_BACKTICKS = 100
CODE_SPAN_MAX = 500

LIST_OR_QUOTE_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])[ \t]+|>[ \t]?")
RUN = re.compile("|".join(f"{re.escape(mark)}{{{MAX_RUN + 1},}}" for mark in RUN_MARKS))
MARK = re.compile(r"\*+|_+|`+|[\[\\&<|]")
BACKTICKS = re.compile(r"`+")
PARENTHESIS = re.compile(r"[()]")


def shape_problems(text):
    """Each bound the text exceeds, in words an author can act on; [] when it may be rendered.

    Linear in the text's length. Assumes the text is at most MARKDOWN_MAX_CHARS long."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    problems = []
    depths = [_nesting(line) for line in lines]
    if max(depths) > MAX_NESTING:
        problems.append(nesting_message(max(depths)))
    count = sum(min(max(depth, 1), MAX_NESTING) for line, depth in zip(lines, depths, strict=True)
                if not _blank(line))
    if count > MAX_LINES:
        problems.append(
            gettext("This text has %(count)s lines, a line in a list or quote counted once for each "
                    "level it is nested in; the most is %(limit)s. Split it into shorter sections, "
                    "or nest less.") % {"count": f"{count:,}", "limit": f"{MAX_LINES:,}"})
    cells = _table_cells(lines)
    if cells > MAX_CELLS:
        problems.append(
            gettext("The tables in this text have %(count)s cells (rows times columns); the most is "
                    "%(limit)s. Split a long table, or make it a list.")
            % {"count": f"{cells:,}", "limit": f"{MAX_CELLS:,}"})
    problems.extend(_run_messages(text))
    marks = MARK.findall(text)
    if len(marks) > MAX_MARKS:
        mark, times = Counter(found[0] for found in marks).most_common(1)[0]
        problems.append(
            gettext("This text has %(count)s formatting marks (* _ ` [ \\ & < |), %(times)s of them "
                    "'%(mark)s'; the most is %(limit)s. Use less formatting, or split the text into "
                    "shorter sections.")
            % {"count": f"{len(marks):,}", "times": f"{times:,}", "mark": mark,
               "limit": f"{MAX_MARKS:,}"})
    problems.extend(_link_messages(text))
    backticks = len(BACKTICKS.findall(text))
    if backticks > MAX_BACKTICKS:
        problems.append(
            gettext("This text has %(count)s backticks (`); the most is %(limit)s. Remove the ones "
                    "that do not mark computer code.")
            % {"count": f"{backticks:,}", "limit": f"{MAX_BACKTICKS:,}"})
    return problems


def nesting_message(depth):
    return gettext("Lists or quotes are nested %(depth)s levels deep; the most is %(limit)s.") % {
        "depth": depth, "limit": MAX_NESTING}


def _blank(line):
    """Blank as Python-Markdown sees it: spaces and tabs only (other spaces are text to it)."""
    return not line.strip(" \t")


def _table_cells(lines):
    """At least as many cells as the tables in these lines have: a table is a paragraph, its
    rows are lines and its columns at most one more than the `|` on a line."""
    cells = rows = pipes = 0
    for line in [*lines, ""]:
        if _blank(line):
            cells += rows * (pipes + 1) if pipes else 0
            rows = pipes = 0
        else:
            rows += 1
            pipes = max(pipes, line.count("|"))
    return cells


def _nesting(line):
    """How deep a line's list or quote sits: its indentation in steps of four, then each list or
    quote marker it starts with (`- > 1. x` is three deep)."""
    content = line.lstrip(" \t")
    indent = len(line[:len(line) - len(content)].expandtabs(4))
    depth, position = indent // 4, 0
    while match := LIST_OR_QUOTE_MARKER.match(content, position):
        depth += 1
        position = match.end()
    return depth


def _run_messages(text):
    longest = {}
    for match in RUN.finditer(text):
        mark = match.group()[0]
        longest[mark] = max(longest.get(mark, 0), len(match.group()))
    return [
        gettext("This text has %(count)s '%(mark)s' in a row; the most is %(limit)s. Remove the "
                "extra ones.") % {"count": f"{count:,}", "mark": mark, "limit": MAX_RUN}
        for mark, count in longest.items()
    ]


def _link_messages(text):
    openers = [match.end() for match in re.finditer(r"\]\(", text)]
    if len(openers) > MAX_LINKS:
        return [gettext("This text has %(count)s link addresses ('](' ); the most is %(limit)s. "
                        "Split it into shorter sections, or remove the '](' that do not start a "
                        "link's address.") % {"count": f"{len(openers):,}", "limit": MAX_LINKS}]
    start = next((start for start in openers if not _address_closes(text, start)), None)
    if start is None:
        return []
    begin = max(text.rfind("[", 0, start), text.rfind("\n", 0, start) + 1, start - 40)
    excerpt = text[begin:start + 30].split("\n")[0]
    return [gettext("A link's address must end with ')' within %(limit)s characters; this one does "
                    "not: %(excerpt)s") % {"limit": f"{LINK_ADDRESS_MAX:,}", "excerpt": excerpt}]


def _address_closes(text, start):
    """Whether the address that starts at `start` (after `](`) has its `)` within the bound."""
    depth = 1
    for match in PARENTHESIS.finditer(text, start, start + LINK_ADDRESS_MAX):
        depth += 1 if match.group() == "(" else -1
        if depth == 0:
            return True
    return False
