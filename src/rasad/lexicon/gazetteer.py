"""Multi-word lexicon matching over tokens.

Lexicon forms are tokenised and folded exactly like text, so matching compares key sequences. An entry is
indexed by its first word; a text token matches a word when the word is one of the token's candidates
(its key with clitics stripped), so "وطاجيكستان" matches "طاجيكستان". One look-up per token.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rasad.lexicon import fold
from rasad.records import Token

_WORDS = re.compile(r"\d+(?:[.,/:\-]\d+)*|[^\W\d_]+|[^\w\s]")


@dataclass(frozen=True, slots=True)
class Entry:
    words: tuple[str, ...]
    kind: str  # COUNTRY, PLACE, ORG, ROLE, PERSON, TRIGGER, TOPIC, MARKER, ...
    key: str
    form: str
    attrs: tuple[tuple[str, str], ...] = ()

    def attr(self, name: str, default: str = "") -> str:
        for k, v in self.attrs:
            if k == name:
                return v
        return default


@dataclass(frozen=True, slots=True)
class Match:
    entry: Entry
    i: int  # first token
    j: int  # one past the last token


@dataclass(frozen=True, slots=True)
class Gazetteer:
    index: dict[str, tuple[Entry, ...]]  # first word -> entries, longest first
    # suffixes that may be glued after a match by ZWNJ (کشور‌های); any other glued word means the match
    # stopped inside a compound (گفت in گفت‌وگو) and is rejected
    suffixes: frozenset[str] = frozenset()

    def __len__(self) -> int:
        return sum(len(v) for v in self.index.values())


def form_words(form: str, article: str = "") -> tuple[str, ...]:
    """Folded words of a lexicon form, with the language's article removed from each word."""
    out = []
    for w in _WORDS.findall(fold(form)):
        if article and w.startswith(article) and len(w) - len(article) >= 2:
            w = w[len(article) :]
        out.append(w)
    return tuple(out)


def build_gazetteer(entries: Iterable[Entry], suffixes: Iterable[str] = ()) -> Gazetteer:
    buckets: dict[str, list[Entry]] = {}
    seen: set[tuple[tuple[str, ...], str, str]] = set()
    for e in entries:
        if not e.words:
            continue
        sig = (e.words, e.kind, e.key)
        if sig in seen:
            continue
        seen.add(sig)
        buckets.setdefault(e.words[0], []).append(e)
    index = {k: tuple(sorted(v, key=lambda e: -len(e.words))) for k, v in buckets.items()}
    return Gazetteer(index, frozenset(suffixes))


def matches_at(gz: Gazetteer, tokens: Sequence[Token], i: int, end: int) -> list[Match]:
    """Every entry that matches starting at token i (not crossing `end`), longest first."""
    out: list[Match] = []
    tok = tokens[i]
    if tok.glued:
        return out  # the second half of a joined word does not start an entry
    for c in tok.stems:
        for e in gz.index.get(c, ()):
            n = len(e.words)
            if i + n > end:
                continue
            ok = True
            for k in range(1, n):
                t = tokens[i + k]
                w = e.words[k]
                if w != t.key and w not in t.stems:
                    ok = False
                    break
            if ok and i + n < len(tokens):
                nxt = tokens[i + n]
                ok = not nxt.glued or nxt.kind != "word" or nxt.key in gz.suffixes
            if ok:
                out.append(Match(e, i, i + n))
        if out:
            break  # a less stripped candidate that matched wins over more stripping
    return out


def scan(gz: Gazetteer, tokens: Sequence[Token], start: int, end: int) -> list[Match]:
    """All matches in tokens[start:end], every start position, all kinds."""
    out: list[Match] = []
    for i in range(start, end):
        if tokens[i].kind == "punct":
            continue
        out.extend(matches_at(gz, tokens, i, end))
    return out


def longest_per_kind(found: list[Match]) -> list[Match]:
    """Per kind, drop matches inside a longer match of the same kind."""
    by_kind: dict[str, list[Match]] = {}
    for m in found:
        by_kind.setdefault(m.entry.kind, []).append(m)
    out: list[Match] = []
    for ms in by_kind.values():
        ms.sort(key=lambda m: (m.i, -(m.j - m.i)))
        last_end = -1
        for m in ms:
            if m.i >= last_end:
                out.append(m)
                last_end = m.j
    out.sort(key=lambda m: (m.i, -(m.j - m.i)))
    return out
