"""Script folding for search and name keys: the fast path agrees with the offset-keeping one."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rasad.store.textfold import fold_text, fold_with_offsets, name_key, script_of

# Arabic-script letters and marks, ZWNJ, tatweel, Latin, digits and spaces
TEXT = st.text(
    alphabet=st.sampled_from(list("ابتثيیىكکةهأإآءؤئـًٌٍَُِّْ\u200c \n\tabcABCéü0123٠١۱")),
    max_size=40,
)


@given(TEXT)
def test_fast_folding_equals_folding_with_offsets(text: str) -> None:
    assert fold_text(text) == fold_with_offsets(text).text


@given(TEXT)
def test_folding_is_idempotent(text: str) -> None:
    assert fold_text(fold_text(text)) == fold_text(text)


@given(TEXT)
def test_every_folded_character_comes_from_its_origin(text: str) -> None:
    folded = fold_with_offsets(text)
    assert len(folded.origin) == len(folded.text)
    assert list(folded.origin) == sorted(folded.origin)
    for ch, i in zip(folded.text, folded.origin, strict=True):
        assert ch == " " or ch in fold_text("a" + text[i] + "a")


def test_both_scripts_spellings_fold_alike() -> None:
    assert fold_text("رحيم زاده") == fold_text("رحیم‌زاده") == fold_text("رحیـــم زادهٔ".replace("ٔ", ""))
    assert fold_text("كشور") == fold_text("کشور")
    assert name_key("رحيم زاده") == name_key("رحیم‌زاده")
    assert name_key("Rahim-Zoda") == name_key("rahimzoda")


def test_script_of() -> None:
    assert (script_of("رحیم‌زاده"), script_of("Rahimzoda"), script_of("Рахимзода"), script_of("123")) == (
        "Arab", "Latn", "Cyrl", "Zyyy")  # fmt: skip
