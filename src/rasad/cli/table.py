"""Plain fixed-width tables for the terminal, without a rendering library (so a listing starts fast).

Widths are display columns, not characters: East Asian wide characters take two, combining marks (Arabic
short vowels, shadda) and format characters (ZWNJ) none. A cell wider than its column is cut with an
ellipsis, never wrapped, so every record stays on one line. Right-to-left cells (Arabic, Persian) can be
wrapped in Unicode isolates (FSI ... PDI, zero-width) so that a terminal applying the bidirectional
algorithm keeps each such cell inside its own column; directional controls already in a cell are removed,
as an unbalanced override there would reorder the rest of the line.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence

ELLIPSIS = "…"
GAP = "  "
_FSI, _PDI = "\u2068", "\u2069"
# embeddings, overrides, isolates and marks: a cell may not steer the line's direction
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@functools.lru_cache(maxsize=4096)  # a table repeats few distinct characters many times
def char_width(ch: str) -> int:
    """Display columns one character takes in a terminal: 0, 1 or 2."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def text_width(text: str) -> int:
    if text.isascii():  # the common case: one column a character
        return len(text)
    return sum(map(char_width, text))


def clean(text: str) -> str:
    """A cell's text on one line: control characters become spaces, directional controls go."""
    if text.isprintable():  # no control or format character (bidi controls are format characters)
        return text
    out = []
    for c in text:
        if c in _BIDI_CONTROLS:
            continue
        out.append(" " if unicodedata.category(c) == "Cc" else c)
    return "".join(out)


def truncate(text: str, width: int) -> str:
    """`text` cut to at most `width` columns, ending in an ellipsis when cut (marks stay on their letter)."""
    if text_width(text) <= width:
        return text
    if width <= 0:
        return ""
    kept: list[str] = []
    used = 0
    for c in text:
        w = char_width(c)
        if used + w > width - 1:
            break
        kept.append(c)
        used += w
    return "".join(kept).rstrip() + ELLIPSIS


def is_rtl(text: str) -> bool:
    """Whether the text has a right-to-left letter (Arabic script, Hebrew, Thaana, ...)."""
    return not text.isascii() and any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def fit_widths(natural: Sequence[int], floors: Sequence[int], total: int | None) -> list[int]:
    """Column widths within `total` columns (gaps included): the widest column gives way first, none below
    its floor; `total` None leaves the widths as they are."""
    widths = list(natural)
    if total is None:
        return widths
    excess = sum(widths) + len(GAP) * (len(widths) - 1) - total
    while excess > 0:
        shrinkable = [i for i, w in enumerate(widths) if w > floors[i]]
        if not shrinkable:
            break
        i = max(shrinkable, key=lambda j: widths[j])
        widths[i] -= 1
        excess -= 1
    return widths


def render(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    max_widths: Sequence[int | None] = (),
    total_width: int | None = None,
    isolate: bool = False,
    bold_header: bool = False,
) -> list[str]:
    """The table's lines: a header, then one line per row, columns left-aligned and two spaces apart.

    `max_widths[i]` caps column i; a column without a cap (None, or no entry) is never cut, for ids and
    dates that must stay whole. `total_width` (a terminal's width) narrows the widest capped columns further,
    down to their header's width; when that is not enough, lines are left longer. No line ends in spaces.
    """
    n = len(header)
    if any(len(row) != n for row in rows):
        raise ValueError(f"every row needs {n} cells")
    cells = [[clean(c) for c in row] for row in [header, *rows]]
    sizes = [[text_width(c) for c in row] for row in cells]  # each cell measured once
    caps = [*max_widths, *([None] * (n - len(max_widths)))]
    natural = []
    for i in range(n):
        w = max(row[i] for row in sizes)
        cap = caps[i]
        natural.append(w if cap is None else max(min(w, cap), sizes[0][i]))
    floors = [natural[i] if caps[i] is None else max(min(sizes[0][i], natural[i]), 1) for i in range(n)]
    widths = fit_widths(natural, floors, total_width)

    def line(values: Sequence[str], measured: Sequence[int], bold: bool = False) -> str:
        parts = []
        for i, value in enumerate(values):
            if measured[i] <= widths[i]:
                cut, used = value, measured[i]
            else:
                cut = truncate(value, widths[i])
                used = text_width(cut)
            pad = widths[i] - used
            if isolate and is_rtl(cut):
                cut = _FSI + cut + _PDI
            if bold:
                cut = f"\x1b[1m{cut}\x1b[0m"
            parts.append(cut + (" " * pad if i < n - 1 else ""))
        return GAP.join(parts).rstrip()

    return [line(cells[0], sizes[0], bold_header), *(line(c, w) for c, w in zip(cells[1:], sizes[1:], strict=True))]
