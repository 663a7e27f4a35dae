"""Stage: sentences and tokens, with offsets into the normalised text.

Each word token carries its folded key and the look-up candidates obtained by stripping the
language's clitics (Arabic proclitics و ف ب ل ك ال لل; Persian plural and ezafe suffixes), so that
"وطاجيكستان" is found as Tajikistan and "کشورهای" as "کشور". ZWNJ splits a token into parts marked
`glued`, so "رحیم‌زاده" and "رحيم زاده" give the same key sequence.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from rasad.lexicon import fold
from rasad.lexicon.tables import Clitics, candidates
from rasad.records import Doc, Sentence, Token

# A number with internal separators (1402/03/21, 1,000, 2.5), a word, or one punctuation mark.
_TOKEN = re.compile(r"\d+(?:[.,/:\-]\d+)*|[^\W\d_]+|[^\w\s\u200c]")
_SENT_END = frozenset(".!?؟؛;…")
_PARA = re.compile(r"\n\s*\n|\n")


def tokenize(text: str, cl: Clitics, excluded: tuple[tuple[int, int], ...] = ()) -> tuple[list[Token], list[Sentence]]:
    tokens: list[Token] = []
    sentences: list[Sentence] = []
    para_breaks = [m.start() for m in _PARA.finditer(text)]
    ex = sorted(excluded)
    sent_start_tok = 0
    sent_start = -1
    para = 0
    pb = 0
    exi = 0
    prev_end = -1

    def close(end: int) -> None:
        nonlocal sent_start_tok, sent_start
        if len(tokens) > sent_start_tok:
            sentences.append(Sentence(sent_start, end, sent_start_tok, len(tokens), para))
        sent_start_tok = len(tokens)
        sent_start = -1

    for m in _TOKEN.finditer(text):
        s, e = m.start(), m.end()
        while exi < len(ex) and ex[exi][1] <= s:
            exi += 1
        if exi < len(ex) and ex[exi][0] <= s < ex[exi][1]:
            continue
        # a line break between tokens ends the sentence and may start a paragraph
        if pb < len(para_breaks) and para_breaks[pb] < s:
            if tokens:
                close(tokens[-1].end)
            while pb < len(para_breaks) and para_breaks[pb] < s:
                pb += 1
                para += 1
        w = m.group()
        c = w[0]
        if c.isdigit():
            kind = "num"
        elif c.isalpha():
            kind = "word"
        else:
            kind = "punct"
        # joined to the previous word without a space, or by ZWNJ (رحیم‌زاده); not after punctuation
        glued = (
            prev_end >= 0
            and kind != "punct"
            and tokens[-1].kind != "punct"
            and (s == prev_end or (s - prev_end == 1 and text[prev_end] == "\u200c"))
        )
        if kind == "word":
            key, stems = _word_keys(w, cl)
        else:
            key, stems = w, (w,)
        if sent_start < 0:
            sent_start = s
        tokens.append(Token(w, key, s, e, kind, glued, stems))
        prev_end = e
        if kind == "punct" and w in _SENT_END and not _is_abbreviation(tokens, cl):
            close(e)
    if tokens:
        close(tokens[-1].end)
    return tokens, sentences


@functools.lru_cache(maxsize=262_144)
def _word_keys(word: str, cl: Clitics) -> tuple[str, tuple[str, ...]]:
    """Folded key and look-up candidates of a word (a pure function: memoised, words repeat a lot)."""
    key = fold(word)
    return key, candidates(key, cl)


def _is_abbreviation(tokens: list[Token], cl: Clitics) -> bool:
    # "د." (Dr.) and single letters before a full stop are abbreviations, not sentence ends.
    if tokens[-1].text != "." or len(tokens) < 2:
        return False
    prev = tokens[-2]
    return prev.kind == "word" and (len(prev.text) == 1 or prev.key in cl.abbreviations)


def tokenise(doc: Doc, clitics: dict[str, Clitics]) -> Doc:
    assert doc.norm is not None
    cl = clitics.get(doc.lang)
    if cl is None:
        return doc
    toks, sents = tokenize(doc.norm.text, cl, doc.norm.excluded)
    return replace(doc, tokens=tuple(toks), sentences=tuple(sents))
