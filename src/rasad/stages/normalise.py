"""Stage: script normalisation with an offset map back to the original text, and boilerplate exclusion.

Only characters that change are visited: a precompiled class of "unsafe" code points (those in the
character table or not NFKC-stable) is searched, and the text between matches is copied as is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from rasad.lexicon import fold
from rasad.records import Doc, NormText, OffsetMap

# CJK ideographs (U+3400–U+9FFF): every code point is NFKC-stable, so the table
# build skips the block (tests/test_normalise.py checks that this stays true).
_STABLE_BLOCK = (0x3400, 0x9FFF)


@dataclass(frozen=True, slots=True)
class Normaliser:
    table: dict[str, str]  # char -> replacement (already NFKC'd and mapped)
    unsafe: re.Pattern[str]
    boilerplate: frozenset[str]  # folded line texts that are page furniture


def build_normaliser(charmap: dict[int, str], boilerplate_forms: list[str]) -> Normaliser:
    table: dict[str, str] = {}
    ranges: list[tuple[int, int]] = []

    def mapped(ch: str) -> str:
        cp = ord(ch)
        if cp in charmap:
            return charmap[cp]
        nf = unicodedata.normalize("NFKC", ch)
        return "".join(charmap.get(ord(c), c) for c in nf)

    for cp in range(0x80, 0x10000):
        if 0xD800 <= cp <= 0xDFFF or _STABLE_BLOCK[0] <= cp <= _STABLE_BLOCK[1]:
            continue
        ch = chr(cp)
        rep = mapped(ch)
        if rep != ch:
            table[ch] = rep
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    for cp in charmap:
        if cp < 0x80:
            table[chr(cp)] = charmap[cp]
            ranges.append((cp, cp))
    cls = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in sorted(ranges)
    )
    # Astral characters are rare in news text: they go through the slow path one by one.
    unsafe = re.compile(f"[{cls}\U00010000-\U0010ffff]")
    forms = frozenset(_line_key(f) for f in boilerplate_forms)
    return Normaliser(table=table, unsafe=unsafe, boilerplate=forms)


_PUNCT_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def _line_key(line: str) -> str:
    return fold(_PUNCT_EDGES.sub("", line))


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
        if len(line) <= 60 and _line_key(line) in nz.boilerplate:
            out.append((m.start(), m.end()))
    return tuple(out)


def normalise(doc: Doc, nz: Normaliser) -> Doc:
    return replace(doc, norm=normalise_text(doc.text, nz))
