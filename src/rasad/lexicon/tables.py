"""Compiled tables the stages use, built once from the data files by `rasad.resources`.

They live here, below the stages, so that resources can build them without importing any stage.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rasad.lexicon import fold

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
    forms = frozenset(line_key(f) for f in boilerplate_forms)
    return Normaliser(table=table, unsafe=unsafe, boilerplate=forms)


_PUNCT_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def line_key(line: str) -> str:
    return fold(_PUNCT_EDGES.sub("", line))


@dataclass(frozen=True, slots=True, eq=False)  # identity hash: it keys the word-key memo
class Clitics:
    proclitics: tuple[tuple[str, ...], ...]  # ordered slots; one string of each slot may be stripped
    article: str  # folded article stripped from every look-up key ("ال" for Arabic, "" otherwise)
    suffixes: tuple[str, ...]
    abbreviations: frozenset[str] = frozenset()
    # the article and the proclitics that contain it (ال، لل): what a word "has the article" means
    article_forms: tuple[str, ...] = ()
    # word -> (folded key, look-up candidates): a pure function of the word, memoised per table
    # because words repeat a lot; cleared when it reaches MEMO_SIZE entries
    memo: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict, repr=False)


MEMO_SIZE = 200_000


def build_clitics(rows: list[dict[str, str]]) -> Clitics:
    by_kind: dict[str, list[str]] = {}
    for r in rows:
        by_kind.setdefault(r["kind"], []).append(fold(r["form"]))
    slots = tuple(tuple(by_kind[k]) for k in ("conjunction", "preposition", "preposition_article") if k in by_kind)
    article = by_kind.get("article", [""])[0]
    return Clitics(
        proclitics=slots,
        article=article,
        suffixes=tuple(sorted(by_kind.get("suffix", []), key=len)),
        article_forms=tuple(f for f in (article, *by_kind.get("preposition_article", [])) if f),
    )


def has_article(key: str, word: str, cl: Clitics) -> bool:
    """Whether the folded token `key`, found as the lexicon word `word`, carries the article (الرئيس، للرئيس)."""
    return any(key.endswith(f + word) for f in cl.article_forms)


def strip_article(key: str, cl: Clitics) -> str:
    if cl.article and key.startswith(cl.article) and len(key) - len(cl.article) >= 2:
        return key[len(cl.article) :]
    return key


def candidates(key: str, cl: Clitics) -> tuple[str, ...]:
    """The word's key first, then keys with clitics stripped; article-stripped throughout."""
    out = [strip_article(key, cl)]
    if cl.proclitics:
        forms = [key]
        for slot in cl.proclitics:
            new = []
            for f in forms:
                for p in slot:
                    if f.startswith(p) and len(f) - len(p) >= 2:
                        new.append(f[len(p) :])
            forms += new
        for f in forms[1:]:
            c = strip_article(f, cl)
            if c not in out:
                out.append(c)
    for s in cl.suffixes:
        if key.endswith(s) and len(key) - len(s) >= 2:
            c = key[: -len(s)]
            if c not in out:
                out.append(c)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class LanguageModel:
    function_words: dict[str, frozenset[str]]  # lang -> folded words
