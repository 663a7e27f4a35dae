"""Multi-word lexicon matching over tokens.

Lexicon forms are tokenised and folded exactly like text, so matching compares key sequences. An entry is
indexed by its first word; a text token matches a word when the word is one of the token's candidates
(its key with clitics stripped), so "وطاجيكستان" matches "طاجيكستان". One look-up per token.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

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


class Match(NamedTuple):  # built for every match in every article: a tuple is cheapest
    entry: Entry
    i: int  # first token
    j: int  # one past the last token


TrieNode = dict[str, tuple["TrieNode", tuple[Entry, ...]]]
Slot = tuple[TrieNode, tuple[Entry, ...]]  # a node's children and the entries that end at it
STARTS_MEMO = 200_000
_KEY = attrgetter("key")
_I, _J = itemgetter(1), itemgetter(2)  # a Match's first token and end
_MISS: tuple[Slot, ...] = (({}, ()),)  # a memo look-up that found nothing: truthy, and no real memo value


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """A trie over folded words: each node maps a word to (child node, entries that end there)."""

    trie: TrieNode
    # suffixes that may be glued after a match by ZWNJ (کشور‌های); any other glued word means the match
    # stopped inside a compound (گفت in گفت‌وگو) and is rejected
    suffixes: frozenset[str] = frozenset()
    size: int = 0
    # token key -> the trie slots its candidates open (most: none). A pure function of the key within one
    # language, memoised because words repeat; cleared when it reaches STARTS_MEMO entries
    starts: dict[str, tuple[Slot, ...]] = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return self.size

    def entries(self) -> list[Entry]:
        out: list[Entry] = []
        stack = [self.trie]
        while stack:
            node = stack.pop()
            for child, ends in node.values():
                out.extend(ends)
                stack.append(child)
        return out


def form_words(form: str, article: str = "") -> tuple[str, ...]:
    """Folded words of a lexicon form, with the language's article removed from each word."""
    out = []
    for w in _WORDS.findall(fold(form)):
        if article and w.startswith(article) and len(w) - len(article) >= 2:
            w = w[len(article) :]
        out.append(w)
    return tuple(out)


def build_gazetteer(entries: Iterable[Entry], suffixes: Iterable[str] = ()) -> Gazetteer:
    root: dict[str, tuple[dict[str, Any], list[Entry]]] = {}
    seen: set[tuple[tuple[str, ...], str, str]] = set()
    for e in entries:
        if not e.words:
            continue
        sig = (e.words, e.kind, e.key)
        if sig in seen:
            continue
        seen.add(sig)
        node = root
        for k, w in enumerate(e.words):
            slot = node.setdefault(w, ({}, []))
            if k == len(e.words) - 1:
                slot[1].append(e)
            node = slot[0]

    def freeze(node: dict[str, tuple[dict[str, Any], list[Entry]]]) -> TrieNode:
        return {w: (freeze(child), tuple(ends)) for w, (child, ends) in node.items()}

    return Gazetteer(freeze(root), frozenset(suffixes), len(seen))


def _walk(gz: Gazetteer, tokens: Sequence[Token], i: int, end: int, slot: tuple[TrieNode, tuple[Entry, ...]],
          words: list[tuple[str, ...] | None]) -> list[Match]:
    """Every entry that matches from token i through the trie below `slot`, longest first."""
    out: list[Match] = []
    frontier = [slot]
    n_tok = len(tokens)
    suffixes = gz.suffixes
    j = i + 1
    while frontier:
        if j >= n_tok:
            ok_end = True
        else:
            t = tokens[j]
            ok_end = not t.glued or t.kind != "word" or t.key in suffixes
        if ok_end:
            for _, ends in frontier:
                for e in ends:
                    out.append(Match(e, i, j))
        if j >= end:
            break
        ws = words[j]
        if ws is None:
            t = tokens[j]
            ws = words[j] = t.stems if t.key in t.stems else (t.key, *t.stems)
        nxt = []
        for child, _ in frontier:
            if child:
                for w in ws:
                    s = child.get(w)
                    if s is not None:
                        nxt.append(s)
        frontier = nxt
        j += 1
    out.reverse()  # found shortest first: longest first now
    return out


def matches_at(gz: Gazetteer, tokens: Sequence[Token], i: int, end: int) -> list[Match]:
    """Every entry that matches starting at token i (not crossing `end`), longest first."""
    tok = tokens[i]
    if tok.glued:
        return []  # the second half of a joined word does not start an entry
    return _matches_from(gz, tokens, i, end, [None] * len(tokens), _slots(gz, tok))


def _slots(gz: Gazetteer, tok: Token) -> tuple[Slot, ...]:
    """The trie slots the token's candidates open, in candidate order (memoised by key)."""
    memo = gz.starts
    got = memo.get(tok.key)
    if got is None:
        if len(memo) >= STARTS_MEMO:
            memo.clear()
        trie = gz.trie
        got = memo[tok.key] = tuple(s for c in tok.stems if (s := trie.get(c)) is not None)
    return got


def _next_words(tokens: Sequence[Token], j: int, words: list[tuple[str, ...] | None]) -> tuple[str, ...]:
    ws = words[j]
    if ws is None:
        t = tokens[j]
        ws = words[j] = t.stems if t.key in t.stems else (t.key, *t.stems)
    return ws


def _matches_from(
    gz: Gazetteer,
    tokens: Sequence[Token],
    i: int,
    end: int,
    words: list[tuple[str, ...] | None],
    slots: tuple[Slot, ...],
) -> list[Match]:
    for slot in slots:
        child, ends = slot
        if not ends:
            # no entry is this one word: the common case (في، در، وزير) fails at the next word, checked here
            # before a walk is set up
            j = i + 1
            if j >= end or not child:
                continue
            for w in _next_words(tokens, j, words):
                if w in child:
                    break
            else:
                continue
        out = _walk(gz, tokens, i, end, slot, words)
        if out:
            return out  # a less stripped candidate that matched wins over more stripping
    return []


def scan(gz: Gazetteer, tokens: Sequence[Token], start: int, end: int) -> list[Match]:
    """All matches in tokens[start:end], every start position, all kinds."""
    out: list[Match] = []
    memo = gz.starts
    words: list[tuple[str, ...] | None] = [None] * len(tokens)  # per token, the words it may stand for
    # most words open no slot of the trie: their memo look-ups run in C (map), and only the positions whose
    # look-up is not empty, or not yet memoised (_MISS, truthy), come back to Python (compress)
    span = tokens if start == 0 and end == len(tokens) else tokens[start:end]
    looked = list(map(memo.get, map(_KEY, span), repeat(_MISS)))
    for off in compress(range(len(looked)), looked):
        i = start + off
        t = tokens[i]
        if t.glued or t.kind == "punct":
            continue
        slots = looked[off]
        if slots is _MISS:
            slots = _slots(gz, t)
            if not slots:
                continue
        # of the words that open a slot, most (في، در، وزير) start only longer entries that the next word does
        # not continue
        if len(slots) == 1 and not slots[0][1]:
            j = i + 1
            if j >= end:
                continue
            child = slots[0][0]
            for w in _next_words(tokens, j, words):
                if w in child:
                    break
            else:
                continue
        out.extend(_matches_from(gz, tokens, i, end, words, slots))
    return out


def _by_start_longest_first(ms: list[Match]) -> None:
    """Sort by first token, the longer match first: (i, -j) in two stable sorts on C-level keys."""
    ms.sort(key=_J, reverse=True)
    ms.sort(key=_I)


def longest_per_kind(found: list[Match]) -> list[Match]:
    """Per kind, drop matches inside a longer match of the same kind; the parts of split triggers (kind PART)
    are all kept: which of them belong together is decided by what follows them (`events._join_parts`)."""
    by_kind: dict[str, list[Match]] = {}
    out: list[Match] = []
    for m in found:
        if m.entry.kind == "PART":
            out.append(m)
        else:
            by_kind.setdefault(m.entry.kind, []).append(m)
    for ms in by_kind.values():
        _by_start_longest_first(ms)
        last_end = -1
        for m in ms:
            if m.i >= last_end:
                out.append(m)
                last_end = m.j
    _by_start_longest_first(out)
    return out
