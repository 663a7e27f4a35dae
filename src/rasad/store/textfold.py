"""Script folding for search and name matching, with a map back to the original text.

The letter tables are `rasad.lexicon.fold`'s (data/common/fold.tsv): this module only applies them
character by character so that every folded character remembers where it came from.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from rasad.lexicon import fold


@dataclass(frozen=True, slots=True)
class Folded:
    text: str
    origin: tuple[int, ...]  # origin[i]: index in the original of folded character i

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        if not self.origin:
            return 0, 0
        start = min(start, len(self.origin) - 1)
        end = max(start + 1, min(end, len(self.origin)))
        return self.origin[start], self.origin[end - 1] + 1


@functools.lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    # framed by letters so that `fold`'s strip keeps a character that folds to a space (ZWNJ)
    return " " if ch.isspace() else fold(f"a{ch}a")[1:-1]


def fold_with_offsets(text: str) -> Folded:
    """`fold` of the whole text, runs of spaces collapsed, each character mapped to its original index."""
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for c in _fold_char(ch):
            if c == " " and (not chars or chars[-1] == " "):
                continue
            chars.append(c)
            origin.append(i)
    return Folded("".join(chars), tuple(origin))


_SPACES = re.compile(r" {2,}")


def fold_text(text: str) -> str:
    """What `fold_with_offsets` gives, without the offsets (one `str.translate`, for indexing whole texts)."""
    table = {ord(ch): _fold_char(ch) for ch in set(text)}
    return _SPACES.sub(" ", text.translate(table)).lstrip(" ")


def name_key(name: str) -> str:
    """Matching key of a name: folded, Latin accents removed, spaces and punctuation dropped.

    رحيم زاده and رحیم‌زاده give the same key; so do "Rahimzoda" and "Rahim-Zoda".
    """
    decomposed = unicodedata.normalize("NFKD", fold(name))
    return "".join(c for c in decomposed if c.isalnum())


def _quick_script(ch: str) -> str | None:
    cp = ord(ch)
    if 0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F or 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF:
        return "Arab"
    if cp < 0x0250:
        return "Latn"
    return None


def script_of(text: str) -> str:
    """ISO 15924 code of the script `text` is written in, judged by its first letter (a name is in one script)."""
    for ch in text:
        if not ch.isalpha():
            continue
        quick = _quick_script(ch)
        if quick:
            return quick
        try:
            word = unicodedata.name(ch).split(" ", 1)[0]
        except ValueError:
            return "Zyyy"
        return {"ARABIC": "Arab", "LATIN": "Latn", "CYRILLIC": "Cyrl", "HEBREW": "Hebr", "GREEK": "Grek"}.get(
            word, "Zyyy"
        )
    return "Zyyy"
