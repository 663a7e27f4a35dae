"""Charts drawn on the server as SVG: events per period stacked by type, and an interaction network.

No JavaScript and no external assets: the SVG is part of the page, every label escaped. Colours follow the
quad classes (verbal/material cooperation, verbal/material conflict): one hue per quad, one shade per type,
so that a chart reads at a glance and its types can still be told apart. `palette_css` gives the same
colours to the HTML (badges, legends), so they are defined once, here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from markupsafe import Markup, escape

from rasad.serve.labels import Labels

# Shades per quad class, darkest first: blues (verbal cooperation), greens (material cooperation),
# ambers (verbal conflict), reds (material conflict).
QUAD_SHADES: dict[int, tuple[str, ...]] = {
    1: ("#1f5fa8", "#3f86d0", "#77aee3", "#143f73", "#a7cbef"),
    2: ("#237a4b", "#3fa468", "#7cc796", "#15533a"),
    3: ("#b8560f", "#dd8126", "#efab5c", "#8a3e0b", "#f5c992"),
    4: ("#b3262b", "#7c1d2c", "#dc5752", "#5a1420", "#ec8e86", "#3d0d16"),
}
OTHER = "#8a8f98"
MIN_BINS = 12  # months shown at least on a timeline
MAX_BAR = 38.0  # px: a bar no wider than this, however few the bins


def type_colours(labels: Labels) -> dict[str, str]:
    """Each PLOVER type's colour: its quad's hue, the n-th shade for the n-th type of that quad."""
    seen: dict[int, int] = {}
    out: dict[str, str] = {}
    for t, info in labels.types.items():
        if info.quad is None or info.quad not in QUAD_SHADES:
            out[t] = OTHER
            continue
        i = seen.get(info.quad, 0)
        seen[info.quad] = i + 1
        shades = QUAD_SHADES[info.quad]
        out[t] = shades[i % len(shades)]
    return out


def palette_css(labels: Labels) -> str:
    """CSS custom properties for `.t-TYPE` and `.q1`…`.q4`: badges and legends use `var(--tc)` / `var(--qc)`."""
    lines = [f".q{q}{{--qc:{shades[0]}}}" for q, shades in QUAD_SHADES.items()]
    lines += [f".t-{t}{{--tc:{c}}}" for t, c in type_colours(labels).items()]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- timeline


@dataclass(frozen=True, slots=True)
class Bin:
    key: str  # YYYY-MM, YYYY-Qn or YYYY
    label: str
    counts: tuple[tuple[str, int], ...]  # (type, count), in ontology order

    @property
    def total(self) -> int:
        return sum(c for _, c in self.counts)


def _month_index(ym: str) -> int:
    return int(ym[:4]) * 12 + int(ym[5:7]) - 1


def bin_months(counts: Mapping[tuple[str, str], int], type_order: Sequence[str]) -> tuple[list[Bin], str]:
    """Months (YYYY-MM) → a continuous run of bins, by month, quarter or year so that there are at most ~100.

    Returns (bins, unit) with unit "month" | "quarter" | "year".
    """
    months = sorted({m for m, _ in counts if len(m) == 7 and m[4] == "-" and m[:4].isdigit() and m[5:].isdigit()})
    if not months:
        return [], "month"
    lo, hi = _month_index(months[0]), _month_index(months[-1])
    # a short run is shown within a year, so that one busy month does not look like a trend
    lo = min(lo, hi - (MIN_BINS - 1))
    span = hi - lo + 1
    unit = "month" if span <= 100 else "quarter" if span <= 300 else "year"

    def key_of(idx: int) -> str:
        y, m = divmod(idx, 12)
        if unit == "month":
            return f"{y:04d}-{m + 1:02d}"
        if unit == "quarter":
            return f"{y:04d}-Q{m // 3 + 1}"
        return f"{y:04d}"

    order: list[str] = []
    for idx in range(lo, hi + 1):
        k = key_of(idx)
        if not order or order[-1] != k:
            order.append(k)
    valid = set(months)
    agg: dict[str, dict[str, int]] = {k: {} for k in order}
    for (m, t), c in counts.items():
        if m in valid:
            d = agg[key_of(_month_index(m))]
            d[t] = d.get(t, 0) + c
    known = list(type_order)
    bins = []
    for k in order:
        d = agg[k]
        types = [t for t in known if d.get(t)] + sorted(t for t in d if t not in known and d[t])
        bins.append(Bin(k, k, tuple((t, d[t]) for t in types)))
    return bins, unit


def _nice_max(v: int) -> tuple[int, int]:
    """An axis maximum ≥ v and a tick step giving 2–5 ticks."""
    if v <= 4:
        return max(v, 1), 1
    mag = 10 ** int(math.log10(v))
    for step in (mag // 10 or 1, mag // 5 or 1, mag // 2 or 1, mag, mag * 2, mag * 5):
        if v / step <= 5:
            return int(math.ceil(v / step) * step), step
    return v, v


def timeline_svg(
    bins: Sequence[Bin], colours: Mapping[str, str], *, title: str, width: int = 960, height: int = 240
) -> Markup:
    """Stacked bars, one per bin, a segment per type; each segment's tooltip gives period, type and count."""
    left, right, top, bottom = 44, 8, 10, 26
    pw, ph = width - left - right, height - top - bottom
    parts = [
        f'<svg class="chart timeline" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    if not bins:
        parts.append("</svg>")
        return Markup("".join(parts))
    vmax, step = _nice_max(max(b.total for b in bins))
    for tick in range(0, vmax + 1, step):
        y = top + ph - ph * tick / vmax
        parts.append(f'<line class="gridline" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    slot = pw / len(bins)
    bar = min(MAX_BAR, max(1.0, slot * 0.78))
    label_every = max(1, math.ceil(len(bins) / 12))
    for i, b in enumerate(bins):
        x = left + i * slot + (slot - bar) / 2
        y = top + ph
        for t, c in b.counts:
            h = ph * c / vmax
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colours.get(t, OTHER)}">'
                f"<title>{escape(b.label)} · {escape(t)}: {c}</title></rect>"
            )
        if i % label_every == 0:
            cx = left + i * slot + slot / 2
            parts.append(
                f'<text class="tick" x="{cx:.1f}" y="{height - 8}" text-anchor="middle">{escape(b.label)}</text>'
            )
    parts.append(f'<line class="axis" x1="{left}" x2="{width - right}" y1="{top + ph}" y2="{top + ph}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


# --------------------------------------------------------------------------- network


@dataclass(frozen=True, slots=True)
class Node:
    key: str
    label: str
    weight: int  # events the node takes part in (within the graph's selection)
    href: str | None = None


@dataclass(frozen=True, slots=True)
class Edge:
    a: str
    b: str
    weight: int
    type: str  # the most frequent event type between the two
    href: str | None = None


def force_layout(
    keys: Sequence[str], edges: Sequence[Edge], *, iterations: int = 150
) -> dict[str, tuple[float, float]]:
    """Positions in the unit square by a Fruchterman–Reingold spring layout started from a circle.

    Deterministic: the same graph always gets the same picture (no random start).
    """
    n = len(keys)
    if n == 0:
        return {}
    if n == 1:
        return {keys[0]: (0.5, 0.5)}
    index = {k: i for i, k in enumerate(keys)}
    angle = np.linspace(0, 2 * np.pi, n, endpoint=False)
    pos = np.stack([np.cos(angle), np.sin(angle)], axis=1) * 0.5
    w = np.zeros((n, n))
    for e in edges:
        if e.a in index and e.b in index and e.a != e.b:
            i, j = index[e.a], index[e.b]
            w[i, j] = w[j, i] = 1.0 + math.log(e.weight)
    k = math.sqrt(1.0 / n)
    temp = 0.1
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((delta**2).sum(axis=2)) + 1e-6
        np.fill_diagonal(dist, 1.0)
        force = (k * k / dist**2 - w * dist / k)[:, :, None] * delta
        # a weak pull to the centre keeps unconnected nodes on the canvas
        disp = force.sum(axis=1) - pos * 0.05
        length = np.sqrt((disp**2).sum(axis=1))[:, None] + 1e-9
        pos = pos + disp / length * np.minimum(length, temp)
        temp *= 0.97
    lo, hi = pos.min(axis=0), pos.max(axis=0)
    scale = np.where(hi - lo > 1e-9, hi - lo, 1.0)
    norm = (pos - lo) / scale
    return {key: (float(norm[i, 0]), float(norm[i, 1])) for key, i in index.items()}


def network_svg(
    nodes: Sequence[Node],
    edges: Sequence[Edge],
    colours: Mapping[str, str],
    *,
    title: str,
    width: int = 960,
    height: int = 620,
) -> Markup:
    """Nodes sized by their events, edges as wide as their interactions and coloured by their main type."""
    pad = 70
    pos = force_layout([n.key for n in nodes], edges)
    max_node = max((n.weight for n in nodes), default=1)
    max_edge = max((e.weight for e in edges), default=1)
    names = {n.key: n.label for n in nodes}

    def xy(key: str) -> tuple[float, float]:
        x, y = pos[key]
        return pad + x * (width - 2 * pad), pad + y * (height - 2 * pad)

    parts = [
        f'<svg class="chart network" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for e in sorted(edges, key=lambda e: e.weight):
        if e.a not in pos or e.b not in pos:
            continue
        (x1, y1), (x2, y2) = xy(e.a), xy(e.b)
        sw = 1.0 + 7.0 * math.sqrt(e.weight / max_edge)
        line = (
            f'<line class="edge" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{colours.get(e.type, OTHER)}" stroke-width="{sw:.1f}">'
            f"<title>{escape(names[e.a])} – {escape(names[e.b])}: {e.weight} ({escape(e.type)})</title></line>"
        )
        parts.append(f'<a href="{escape(e.href)}">{line}</a>' if e.href else line)
    for n in sorted(nodes, key=lambda n: n.weight):
        x, y = xy(n.key)
        r = 5.0 + 17.0 * math.sqrt(n.weight / max_node)
        body = (
            f'<circle class="node" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"><title>{escape(n.label)}: {n.weight}</title>'
            f'</circle><text class="label" x="{x:.1f}" y="{y + r + 13:.1f}" text-anchor="middle">'
            f"{escape(n.label)}</text>"
        )
        parts.append(f'<a href="{escape(n.href)}">{body}</a>' if n.href else body)
    parts.append("</svg>")
    return Markup("".join(parts))


def hbar(value: int, maximum: int, colour: str, *, width: int = 120, height: int = 10) -> Markup:
    """A small horizontal bar for a table cell (SVG: no inline styles under the page's CSP)."""
    w = 0.0 if maximum <= 0 else max(1.0, width * value / maximum)
    return Markup(
        f'<svg class="hbar" width="{width}" height="{height}" viewBox="0 0 {width} {height}" aria-hidden="true">'
        f'<rect width="{w:.1f}" height="{height}" rx="2" fill="{escape(colour)}"/></svg>'
    )
