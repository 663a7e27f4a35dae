"""Stage: language identification.

Arabic against Persian is decided by letters only one of them uses and by function words, which works
on a single sentence; any other text goes to py3langid (its model ships in its wheel).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import replace

from rasad.lexicon import fold_word
from rasad.lexicon.tables import LanguageModel
from rasad.records import Doc

_WORD = re.compile(r"[^\W\d_]+")
# Letters that only Persian uses (پ چ ژ گ and the Persian forms of kaf and yeh), and the ones only Arabic uses.
_FA_LETTERS = re.compile(r"[\u067E\u0686\u0698\u06AF\u06A9\u06CC]")
_AR_LETTERS = re.compile(r"[\u0629\u064A\u0643\u0649]")


@functools.cache
def _langid() -> Callable[[str], tuple[str, float]]:
    from py3langid import langid

    return langid.classify


@functools.cache
def _drop_arabic_script() -> dict[int, None]:
    """A str.translate table deleting the Arabic-script blocks (Arabic, its supplement, presentation forms)."""
    blocks = ((0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
    return {cp: None for a, b in blocks for cp in range(a, b + 1)}


def identify(text: str, model: LanguageModel, sample: int = 1000) -> str:
    """ISO 639-1 code of `text`, or 'und' when there is nothing to go on."""
    head = text[:sample]
    words = _WORD.findall(head)
    letters = sum(map(len, words))  # every letter is in one of the words
    if letters == 0:
        return "und"
    arabic = len(head) - len(head.translate(_drop_arabic_script()))
    if arabic >= 0.5 * letters:
        fa = len(_FA_LETTERS.findall(head))
        ar = len(_AR_LETTERS.findall(head))
        fa_words = model.function_words.get("fa", frozenset())
        ar_words = model.function_words.get("ar", frozenset())
        # one fold of all the words: folding maps no letter to a space, so the split gives them back one by one
        for k in fold_word(" ".join(words)).split(" "):
            # function words are stronger evidence than letters, which old keyboards mix up
            if k in fa_words:
                fa += 4
            if k in ar_words:
                ar += 4
        # Persian text often keeps Arabic yeh/kaf from old keyboards; Persian-only letters and words decide.
        return "fa" if fa > ar else "ar"
    lang, _ = _langid()(head)
    return lang


def detect_language(doc: Doc, model: LanguageModel, forced: str | None = None) -> Doc:
    assert doc.norm is not None
    lang = forced or identify(doc.norm.text, model)
    return replace(doc, lang=lang)
