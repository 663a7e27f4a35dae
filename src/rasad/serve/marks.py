"""Article text as HTML with spans marked (evidence sentence, trigger, entity mentions), from stored offsets.

Offsets are code points into the original text, as the store keeps them. Spans may nest or cross; a span
that crosses the end of an enclosing one is closed there and reopened after it, so the HTML stays well
formed and every character is escaped exactly once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from rasad.store.textfold import fold_text, fold_with_offsets


@dataclass(frozen=True, slots=True)
class Mark:
    start: int
    end: int
    tag: str  # "mark" | "span" | "a" | "b"
    classes: str
    layer: int  # lower layers enclose higher ones when both start at one place
    title: str | None = None
    href: str | None = None
    anchor: str | None = None  # id of the first piece only

    def open(self, first: bool) -> str:
        attrs = [f' class="{escape(self.classes)}"']
        if first and self.anchor:
            attrs.append(f' id="{escape(self.anchor)}"')
        if self.title:
            attrs.append(f' title="{escape(self.title)}"')
        if self.href:
            attrs.append(f' href="{escape(self.href)}"')
        return f"<{self.tag}{''.join(attrs)}>"

    def close(self) -> str:
        return f"</{self.tag}>"


def render(text: str, marks: Iterable[Mark]) -> Markup:
    """`text` escaped, with each mark's range wrapped in its element (split where ranges cross)."""
    n = len(text)
    valid = sorted(
        (m for m in marks if 0 <= m.start < m.end <= n),
        key=lambda m: (m.start, m.layer, -m.end),
    )
    starting: dict[int, list[Mark]] = {}
    for m in valid:
        starting.setdefault(m.start, []).append(m)
    points = sorted({0, n, *(m.start for m in valid), *(m.end for m in valid)})
    out: list[str] = []
    stack: list[Mark] = []
    opened: set[int] = set()  # ids of marks whose first piece is written
    pos = 0
    for p in points:
        if p > pos:
            out.append(str(escape(text[pos:p])))
            pos = p
        while any(m.end <= p for m in stack):
            reopen: list[Mark] = []
            while stack:
                m = stack.pop()
                out.append(m.close())
                if m.end > p:
                    reopen.append(m)
                if not any(x.end <= p for x in stack):
                    break
            for m in reversed(reopen):
                out.append(m.open(first=False))
                stack.append(m)
        for m in starting.get(p, ()):
            out.append(m.open(first=id(m) not in opened))
            opened.add(id(m))
            stack.append(m)
    while stack:
        out.append(stack.pop().close())
    return Markup("".join(out))


# A run of Latin-script words (a name, an acronym, a phrase quoted in English) inside right-to-left text.
_LATIN = "A-Za-z\u00c0-\u024f\u1e00-\u1eff"
_LATIN_RUN = re.compile(rf"[{_LATIN}][{_LATIN}0-9'’.\-]*(?:[ \u00A0][{_LATIN}0-9][{_LATIN}0-9'’.\-]*)*")


def latin_runs(text: str) -> list[Mark]:
    """Marks isolating each run of Latin words, so that the bidirectional algorithm places it as one unit
    among the Arabic-script words around it (punctuation next to it then stays where the writer put it)."""
    out = []
    for m in _LATIN_RUN.finditer(text):
        end = m.end()
        while end > m.start() and text[end - 1] in ".-'’":  # a full stop after the name belongs to the sentence
            end -= 1
        if end > m.start():
            out.append(Mark(m.start(), end, "bdi", "latin", 3))
    return out


def _word_ranges(text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    """Original-text ranges where a folded query word occurs at the start of a word of the folded text."""
    folded = fold_with_offsets(text)
    ranges: list[tuple[int, int]] = []
    for w in words:
        if not w:
            continue
        for m in re.finditer(r"(?<!\w)" + re.escape(w), folded.text):
            ranges.append(folded.to_original(m.start(), m.end()))
    return ranges


def query_words(query: str) -> list[str]:
    """The folded words of a search query (ZWNJ compounds become their parts joined by a space)."""
    words = []
    for w in query.split():
        parts = re.findall(r"\w+", fold_text(w))
        if parts:
            words.append(" ".join(parts))
    return words


def highlight(text: str, query: str) -> Markup:
    """`text` escaped with every occurrence of the query's words marked, in either script's spelling."""
    marks = [Mark(s, e, "mark", "hit", 0) for s, e in _word_ranges(text, query_words(query))]
    return render(text, marks)
