"""Sentences and tokens with offsets; clitic candidates for look-ups."""

from __future__ import annotations

from rasad.lexicon import fold
from rasad.resources import Resources
from rasad.stages.normalise import normalise_text
from rasad.stages.tokens import MAX_SENTENCE_TOKENS, tokenize


def _tok(res: Resources, lang: str, text: str):  # type: ignore[no-untyped-def]
    nt = normalise_text(text, res.normaliser)
    return nt, *tokenize(nt.text, res.langs[lang].clitics, nt.excluded)


def test_arabic_proclitics_give_the_bare_word(res: Resources) -> None:
    _, toks, _ = _tok(res, "ar", "بين إيران وطاجيكستان وللجمهورية")
    assert fold("طاجيكستان") in toks[2].stems
    assert fold("جمهورية") in toks[3].stems


def test_persian_plural_suffix_and_zwnj(res: Resources) -> None:
    _, toks, _ = _tok(res, "fa", "کشورهای منطقه و رحیم‌زاده")
    assert fold("کشور") in toks[0].stems
    parts = [t for t in toks if t.text in ("رحیم", "زاده")]
    assert [p.text for p in parts] == ["رحیم", "زاده"]
    assert parts[1].glued and not parts[0].glued


def test_numbers_and_numeric_dates_are_one_token(res: Resources) -> None:
    _, toks, _ = _tok(res, "fa", "در تاریخ ۱۴۰۲/۰۳/۲۱ حدود 1,500 نفر")
    assert "1402/03/21" in [t.text for t in toks]
    assert "1,500" in [t.text for t in toks]


def test_sentences_split_on_arabic_punctuation_and_lines(res: Resources) -> None:
    text = "التقى الوزيران في طهران. وبحثا التعاون؟ نعم\nسطر جديد"
    nt, _, sents = _tok(res, "ar", text)
    got = [nt.text[s.start : s.end] for s in sents]
    assert got == ["التقى الوزيران في طهران.", "وبحثا التعاون؟", "نعم", "سطر جديد"]
    assert sents[3].paragraph == 1


def test_token_offsets_point_into_the_text(res: Resources) -> None:
    text = "قال الوزيرُ «إن العلاقات جيدة»، وأضاف: ١٢ اتفاقية."
    nt, toks, _ = _tok(res, "ar", text)
    for t in toks:
        s, e = nt.offsets.to_original(t.start, t.end)
        assert normalise_text(text[s:e], res.normaliser).text == t.text


def test_boilerplate_tokens_are_skipped(res: Resources) -> None:
    _, toks, _ = _tok(res, "ar", "شاركوا هذا الخبر\nالتقى الوزير نظيره")
    assert toks[0].text == "التقى"


def test_a_run_on_sentence_is_cut_into_bounded_pieces(res: Resources) -> None:
    """A page without sentence punctuation (a scraped list) is cut, so no per-sentence search grows with it."""
    text = " ".join(["وزير الخارجية التقى نظيره في الدوحة"] * 200)
    nt = normalise_text(text, res.normaliser)
    toks, sents = tokenize(nt.text, res.langs["ar"].clitics, nt.excluded)
    assert len(toks) == 1200
    assert all(s.tok_end - s.tok_start <= MAX_SENTENCE_TOKENS for s in sents)
    assert [s.tok_start for s in sents] == list(range(0, 1200, MAX_SENTENCE_TOKENS))
    assert sents[-1].tok_end == len(toks)
    for s in sents:
        assert nt.text[s.start : s.end].split()[0] == toks[s.tok_start].text
