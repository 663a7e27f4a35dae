"""The whole pipeline on real-looking and hostile text: output contract, offsets, bad input."""

from __future__ import annotations

import time
from importlib import resources as importlib_resources
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rasad
from rasad.pipeline import Pipeline
from rasad.records import Document, InputDoc

SAMPLES = Path(str(importlib_resources.files("rasad") / "data" / "samples"))
PIECES = st.one_of(
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.sampled_from(list("\n\u200c\u200f\u0640«»،؛؟ ")),
    st.sampled_from(["وزير الخارجية ", "دیدار کرد ", "طهران ", "إيران ", "التقى ", " زاده", "الإيراني ", "في "]),
)
TEXT = st.lists(PIECES, max_size=120).map("".join)


def _check_spans(doc: Document, text: str) -> None:
    for e in doc.entities:
        for m in e.mentions:
            assert 0 <= m.start <= m.end <= len(text)
            assert text[m.start : m.end] == m.text
    for ev in doc.events:
        assert text[ev.evidence.start : ev.evidence.end] == ev.evidence.text
        ids = {e.id for e in doc.entities}
        assert set(ev.source) <= ids and set(ev.target) <= ids
        assert ev.location is None or ev.location in ids
        assert list(ev.dyad) == sorted(set(ev.dyad))


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.name)
def test_samples_validate_and_spans_hold(pipeline: Pipeline, schema_validator, path: Path) -> None:  # type: ignore[no-untyped-def]
    text = path.read_text(encoding="utf-8")
    doc = pipeline.analyze(InputDoc(doc_id=path.name, text=text))
    schema_validator.validate(doc.to_dict())
    assert doc.lang == ("fa" if "_fa_" in path.name else "ar")
    assert doc.entities, "every sample names states and people"
    _check_spans(doc, text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TEXT)
def test_random_text_never_breaks_the_contract(pipeline: Pipeline, schema_validator, text: str) -> None:  # type: ignore[no-untyped-def]
    doc = pipeline.analyze(InputDoc(doc_id="fuzz", text=text))
    schema_validator.validate(doc.to_dict())
    _check_spans(doc, text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n\t ",
        "!!!! ؟؟؟ «»",
        "\x00\x01\x02 وزير \x7f",
        "\ud800 lone surrogate \udfff التقى الوزير",
        "ـــــــــــــ" * 1000,
        "و" * 50_000,
        "من 21 " * 20_000,
        ("التقى وزير الخارجية الإيراني نظيره العماني في مسقط. " * 2_000),
    ],
    ids=["empty", "blank", "punctuation", "controls", "surrogates", "tatweel", "one-letter", "date-bait", "long"],
)
def test_hostile_input(pipeline: Pipeline, schema_validator, text: str) -> None:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    doc = pipeline.analyze(InputDoc(doc_id="bad", text=text))
    assert time.perf_counter() - t0 < 30
    d = doc.to_dict()
    schema_validator.validate(d)
    clean = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace") if "\ud800" in text else text
    if "\ud800" in text:
        assert any("surrogate" in w for w in doc.warnings)
    else:
        _check_spans(doc, clean)


def test_no_letters_is_und_with_a_warning(pipeline: Pipeline) -> None:
    doc = pipeline.analyze(InputDoc(doc_id="n", text="2024/05/01 12:30 — 45%"))
    assert doc.lang == "und" and not doc.entities and doc.warnings


def test_language_without_data_gets_a_warning_not_a_crash(pipeline: Pipeline) -> None:
    doc = pipeline.analyze(
        InputDoc(doc_id="en", text="The foreign ministers of Iran and Oman met in Muscat on Monday.")
    )
    assert doc.lang == "en"
    assert not doc.entities and not doc.events
    assert any("no rasad data" in w for w in doc.warnings)


def test_library_api() -> None:
    doc = rasad.analyze(
        "التقى وزير الخارجية الإيراني عباس عراقجي نظيره العماني بدر البوسعيدي في مسقط أمس.",
        published="2025-04-13",
        doc_id="api",
    )
    assert doc.lang == "ar"
    d = doc.to_dict()
    assert d["doc_id"] == "api" and d["published"] == "2025-04-13"
    consult = [e for e in doc.events if e.type == "CONSULT"]
    assert consult and consult[0].dyad == ("IRN", "OMN")
    assert consult[0].date is not None and consult[0].date.start == "2025-04-12"
