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

_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+")
# Letters that only Persian uses (پ چ ژ گ and the Persian forms of kaf and yeh), and the ones only Arabic uses.
_FA_LETTERS = re.compile(r"[\u067E\u0686\u0698\u06AF\u06A9\u06CC]")
_AR_LETTERS = re.compile(r"[\u0629\u064A\u0643\u0649]")


@functools.cache
def _langid() -> Callable[[str], tuple[str, float]]:
    from py3langid import langid

    return langid.classify


def identify(text: str, model: LanguageModel, sample: int = 1000) -> str:
    """ISO 639-1 code of `text`, or 'und' when there is nothing to go on."""
    head = text[:sample]
    letters = len(_LETTER.findall(head))
    if letters == 0:
        return "und"
    arabic = len(_ARABIC_SCRIPT.findall(head))
    if arabic >= 0.5 * letters:
        fa = len(_FA_LETTERS.findall(head))
        ar = len(_AR_LETTERS.findall(head))
        fa_words = model.function_words.get("fa", frozenset())
        ar_words = model.function_words.get("ar", frozenset())
        for w in _WORD.findall(head):
            k = fold_word(w)
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
