"""Stage: script normalisation with an offset map back to the original text, and boilerplate exclusion.

Only characters that change are visited: a precompiled class of "unsafe" code points (those in the
character table or not NFKC-stable) is searched, and the text between matches is copied as is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from rasad.lexicon.tables import Normaliser, line_key
from rasad.records import Doc, NormText, OffsetMap


def normalise_text(text: str, nz: Normaliser) -> NormText:
    parts: list[str] = []
    origin: list[int] = []
    pos = 0
    table = nz.table
    for m in nz.unsafe.finditer(text):
        i = m.start()
        if i > pos:
            parts.append(text[pos:i])
            origin.extend(range(pos, i))
        ch = text[i]
        rep = table.get(ch)
        if rep is None:  # astral
            rep = unicodedata.normalize("NFKC", ch)
        if rep:
            parts.append(rep)
            origin.extend([i] * len(rep))
        pos = i + 1
    if pos < len(text):
        parts.append(text[pos:])
        origin.extend(range(pos, len(text)))
    origin.append(len(text))
    norm = "".join(parts)
    return NormText(text=norm, offsets=OffsetMap(tuple(origin)), excluded=_boilerplate(norm, nz))


_LINE = re.compile(r"[^\n]+")


def _boilerplate(norm: str, nz: Normaliser) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for m in _LINE.finditer(norm):
        line = m.group()
        if len(line) <= 60 and line_key(line) in nz.boilerplate:
            out.append((m.start(), m.end()))
    return tuple(out)


def normalise(doc: Doc, nz: Normaliser) -> Doc:
    return replace(doc, norm=normalise_text(doc.text, nz))
