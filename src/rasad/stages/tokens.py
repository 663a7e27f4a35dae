"""Stage: sentences and tokens, with offsets into the normalised text.

Each word token carries its folded key and the look-up candidates obtained by stripping the
language's clitics (Arabic proclitics و ف ب ل ك ال لل; Persian plural and ezafe suffixes), so that
"وطاجيكستان" is found as Tajikistan and "کشورهای" as "کشور". ZWNJ splits a token into parts marked
`glued`, so "رحیم‌زاده" and "رحيم زاده" give the same key sequence.
"""

from __future__ import annotations

import re
from dataclasses import replace

from rasad.lexicon import fold
from rasad.lexicon.tables import MEMO_SIZE, Clitics, candidates
from rasad.records import Doc, Sentence, Token

# A number with internal separators (1402/03/21, 1,000, 2.5), a word, or one punctuation mark;
# the group that matched tells the kind.
_TOKEN = re.compile(r"(\d+(?:[.,/:\-]\d+)*)|([^\W\d_]+)|([^\w\s\u200c])")
_KINDS = (None, "num", "word", "punct")
_SENT_END = frozenset(".!?؟؛;…")
_PARA = re.compile(r"\n\s*\n|\n")
MAX_SENTENCE_TOKENS = 250  # news sentences, long as Arabic ones are, stay well under this
_NEVER = 1 << 62  # a position past any text
_new_token = tuple.__new__  # builds a Token without its Python-level __new__ (the hot loop makes hundreds)


def tokenize(text: str, cl: Clitics, excluded: tuple[tuple[int, int], ...] = ()) -> tuple[list[Token], list[Sentence]]:
    tokens: list[Token] = []
    sentences: list[Sentence] = []
    append = tokens.append
    para_breaks = [m.start() for m in _PARA.finditer(text)]
    para_breaks.append(_NEVER)
    ex = sorted(excluded)
    ex.append((_NEVER, _NEVER))
    memo = cl.memo
    sent_start_tok = 0
    sent_start = -1
    para = 0
    pb = 0
    next_break = para_breaks[0]
    exi = 0
    ex_start, ex_end = ex[0]
    prev_end = -1
    prev_punct = True  # nothing before the first token to be glued to

    for m in _TOKEN.finditer(text):
        s = m.start()
        if ex_end <= s:
            while ex[exi][1] <= s:
                exi += 1
            ex_start, ex_end = ex[exi]
        if ex_start <= s:
            continue
        # a line break between tokens ends the sentence and may start a paragraph
        if next_break < s:
            if len(tokens) > sent_start_tok:
                sentences.append(Sentence(sent_start, tokens[-1].end, sent_start_tok, len(tokens), para))
                sent_start_tok = len(tokens)
                sent_start = -1
            while para_breaks[pb] < s:
                pb += 1
                para += 1
            next_break = para_breaks[pb]
        e = m.end()
        w = m.group()
        kind = _KINDS[m.lastindex or 0]
        if sent_start < 0:
            sent_start = s
        if kind == "punct":
            append(_new_token(Token, (w, w, s, e, kind, False, (w,))))
            prev_punct = True
            if w in _SENT_END and not _is_abbreviation(tokens, cl):
                sentences.append(Sentence(sent_start, e, sent_start_tok, len(tokens), para))
                sent_start_tok = len(tokens)
                sent_start = -1
        else:
            # joined to the previous word without a space, or by ZWNJ (رحیم‌زاده); not after punctuation
            glued = not prev_punct and (s == prev_end or (s - prev_end == 1 and text[prev_end] == "\u200c"))
            if kind == "word":
                key, stems = memo.get(w) or _word_keys(w, cl)
                append(_new_token(Token, (w, key, s, e, kind, glued, stems)))
            else:
                append(_new_token(Token, (w, w, s, e, kind, glued, (w,))))
            prev_punct = False
        prev_end = e
        if len(tokens) - sent_start_tok >= MAX_SENTENCE_TOKENS:
            # a run-on "sentence" (a scraped list or table, a page without punctuation) is cut, so that no
            # per-sentence search grows with the length of the page
            sentences.append(Sentence(sent_start, e, sent_start_tok, len(tokens), para))
            sent_start_tok = len(tokens)
            sent_start = -1
    if len(tokens) > sent_start_tok:
        sentences.append(Sentence(sent_start, tokens[-1].end, sent_start_tok, len(tokens), para))
    return tokens, sentences


def _word_keys(word: str, cl: Clitics) -> tuple[str, tuple[str, ...]]:
    """Folded key and look-up candidates of a word, memoised in the clitics table."""
    memo = cl.memo
    if len(memo) >= MEMO_SIZE:
        memo.clear()
    got = memo[word] = (key := fold(word)), candidates(key, cl)
    return got


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
