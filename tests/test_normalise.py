"""Normalisation: character tables, the offset map back to the original text, boilerplate exclusion."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rasad.resources import Resources
from rasad.stages.normalise import normalise_text

ARABIC = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
MIXED = st.one_of(
    ARABIC,
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.sampled_from(
        [
            "\u200c",
            "\u200d",
            "\u200e",
            "\u200f",
            "\u202b",
            "\u202c",
            "\u0640",
            "\u064e",
            "\u0651",
            "\ufefb",
            "\ufe8d",
            "\u00a0",
            "\n",
            "😀",
            "\u0301",
            "\u06f2",
            "\u0662",
            "\u2066",
        ]
    ),
)


def test_diacritics_tatweel_digits_and_bidi(res: Resources) -> None:
    text = "وَزِيـــرُ الخارجيّة\u200f زار طهران في ٢١ حزيران و۱۴۰۲"
    nt = normalise_text(text, res.normaliser)
    assert nt.text == "وزير الخارجية زار طهران في 21 حزيران و1402"


def test_zwnj_is_kept_for_persian(res: Resources) -> None:
    nt = normalise_text("دیدار و گفت‌وگو کرد", res.normaliser)
    assert "\u200c" in nt.text


def test_presentation_forms_expand_and_map_back(res: Resources) -> None:
    text = "قال \ufefb شيء"  # lam-alef ligature: one code point, two letters after NFKC
    nt = normalise_text(text, res.normaliser)
    assert "لا" in nt.text
    i = nt.text.index("لا")
    s, e = nt.offsets.to_original(i, i + 2)
    assert text[s:e] == "\ufefb"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=MIXED, max_size=200))
def test_idempotent(res: Resources, text: str) -> None:
    once = normalise_text(text, res.normaliser).text
    assert normalise_text(once, res.normaliser).text == once


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=MIXED, max_size=200), st.data())
def test_offset_map_round_trips(res: Resources, text: str, data: st.DataObject) -> None:
    nt = normalise_text(text, res.normaliser)
    assert len(nt.offsets.origin) == len(nt.text) + 1
    assert nt.offsets.origin[-1] == len(text)
    assert list(nt.offsets.origin) == sorted(nt.offsets.origin)
    if nt.text:
        a = data.draw(st.integers(0, len(nt.text) - 1))
        b = data.draw(st.integers(a + 1, len(nt.text)))
        s, e = nt.offsets.to_original(a, b)
        assert 0 <= s <= e <= len(text)
        # every character of the normalised span comes from the original span
        assert nt.text[a:b] in normalise_text(text[s:e], res.normaliser).text


def test_boilerplate_lines_are_excluded_without_changing_offsets(res: Resources) -> None:
    text = "شاركوا هذا الخبر\n\nالتقى وزير الخارجية نظيره.\n\nاقرأ أيضا:\n\n/انتهى/"
    nt = normalise_text(text, res.normaliser)
    assert nt.text == text
    excluded = [nt.text[s:e] for s, e in nt.excluded]
    assert "شاركوا هذا الخبر" in excluded
    assert "اقرأ أيضا:" in excluded
    assert "/انتهى/" in excluded
    assert not any("التقى" in x for x in excluded)


def test_persian_boilerplate(res: Resources) -> None:
    nt = normalise_text("وزیر کشور با همتای خود دیدار کرد.\nانتهای پیام", res.normaliser)
    assert [nt.text[s:e] for s, e in nt.excluded] == ["انتهای پیام"]


def test_skipped_block_is_nfkc_stable() -> None:
    import unicodedata

    from rasad.lexicon.tables import _STABLE_BLOCK

    lo, hi = _STABLE_BLOCK
    assert all(unicodedata.normalize("NFKC", chr(cp)) == chr(cp) for cp in range(lo, hi + 1))
