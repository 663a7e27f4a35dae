"""Reading rasad's TSV data files, and the letter folding that makes look-up keys."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path

# rasad/data beside this package (a plain path: importlib.resources costs commands that read names start-up time)
DATA_DIR = Path(__file__).parent.parent / "data"


class DataError(ValueError):
    """A data file is malformed: the message names the file and line."""


def read_tsv(path: Path, required: Iterable[str] = ()) -> list[dict[str, str]]:
    """Rows of a TSV data file as dicts keyed by its header; '#' lines are comments.

    Every row must have as many columns as the header (trailing empty columns may be omitted).
    """
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    with path.open(encoding="utf-8", newline="") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                header = [c.strip() for c in cells]
                missing = [c for c in required if c not in header]
                if missing:
                    raise DataError(f"{path}: header lacks columns {missing}")
                continue
            if len(cells) > len(header):
                raise DataError(f"{path}:{lineno}: {len(cells)} columns, header has {len(header)}")
            cells += [""] * (len(header) - len(cells))
            rows.append({h: c.strip() for h, c in zip(header, cells, strict=True)})
    if header is None:
        raise DataError(f"{path}: no header line")
    return rows


def _char_table(path: Path) -> dict[int, str]:
    table: dict[int, str] = {}
    for row in read_tsv(path, ("char", "replacement")):
        rep = row["replacement"]
        table[int(row["char"], 16)] = "".join(chr(int(h, 16)) for h in rep.split()) if rep else ""
    return table


@functools.cache
def charmap() -> dict[int, str]:
    """Language-neutral normalisation table (code point -> replacement, '' deletes)."""
    return _char_table(DATA_DIR / "common" / "charmap.tsv")


@functools.cache
def _fold_table() -> dict[int, str]:
    table = _char_table(DATA_DIR / "common" / "fold.tsv")
    # Diacritics and tatweel never matter for keys either.
    for cp, rep in charmap().items():
        if rep == "":
            table.setdefault(cp, "")
    return table


_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Look-up key of a word or phrase: letter variants folded, marks removed, spaces collapsed, lower case."""
    return _SPACES.sub(" ", text.translate(_fold_table())).strip().lower()


def fold_word(word: str) -> str:
    """`fold` for a single word already free of spaces and upper case (fast path for large name lists)."""
    return word.translate(_fold_table())


def fold_char_table() -> dict[int, str]:
    """The 1:1 part of the fold table, for callers that must keep offsets (deletions excluded)."""
    return {cp: rep for cp, rep in _fold_table().items() if len(rep) == 1}


def lang_dir(lang: str) -> Path:
    return DATA_DIR / "lang" / lang


def available_languages() -> tuple[str, ...]:
    base = DATA_DIR / "lang"
    return tuple(sorted(p.name for p in base.iterdir() if p.is_dir() and (p / "states.tsv").exists()))
