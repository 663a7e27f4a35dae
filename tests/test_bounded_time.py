"""Bounded time: the per-document budget of the pipeline, and analysis time that grows linearly with length."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rasad import pipeline as pipeline_module
from rasad.pipeline import Pipeline
from rasad.records import Document, InputDoc
from rasad.resources import Resources

SCHEMA_PATH = Path(__file__).resolve().parents[1].parent / "shared" / "spec" / "document.schema.json"
ARTICLE = (
    "التقى وزير الخارجية الإيراني نظيره العماني في مسقط يوم الأحد 12 مايو 2024 لبحث العلاقات الثنائية.",
    "وأعلنت وزارة الدفاع التركية أن قواتها نفذت ضربات جوية شمال العراق أمس.",
    "ووقع الرئيس المصري والعاهل الأردني اتفاقية للتعاون الأمني في القاهرة.",
)
PERSIAN_ARTICLE = (
    "وزیر امور خارجه ایران روز دوشنبه با همتای عمانی خود در مسقط دیدار و گفتگو کرد.",
    "سخنگوی وزارت امور خارجه حمله به کنسولگری را محکوم کرد.",
    "ایران و پاکستان یادداشت تفاهم همکاری مرزی امضا کردند.",
)


def _valid(doc: Document) -> None:
    d = doc.to_dict()
    json.dumps(d, ensure_ascii=False).encode("utf-8")
    if SCHEMA_PATH.exists():
        import jsonschema

        jsonschema.validate(d, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


# --------------------------------------------------------------------------- the time budget


def test_no_budget_warning_within_budget(res: Resources) -> None:
    doc = Pipeline(res, budget=60.0).analyze(InputDoc("a", " ".join(ARTICLE)))
    assert doc.events and not any("time budget" in w for w in doc.warnings)


def test_tiny_budget_stops_after_the_first_stage(res: Resources) -> None:
    text = " ".join(ARTICLE)
    doc = Pipeline(res, budget=0.0).analyze(InputDoc("a", text))
    (w,) = [w for w in doc.warnings if "time budget" in w]
    assert "time budget of 0 s exceeded after the normalise stage" in w and "later stages skipped" in w
    assert not doc.entities and not doc.events and doc.lang == "und"
    _valid(doc)
    # the argument of analyze overrides the pipeline's own budget, both ways
    assert Pipeline(res, budget=0.0).analyze(InputDoc("a", text), budget=60.0).events
    assert not Pipeline(res, budget=60.0).analyze(InputDoc("a", text), budget=0.0).entities


def _ticking() -> Iterator[float]:
    """A clock that advances one second per reading: the n-th stage check sees n seconds."""
    return itertools.count(0.0, 1.0)


@pytest.mark.parametrize(
    ("budget", "stage", "entities", "events"),
    [
        (0.5, "normalise", False, False),
        (1.5, "language", False, False),
        (2.5, "tokens", False, False),
        (3.5, "entities", True, False),
        (4.5, "events", True, False),
        (5.5, "dates", True, False),
        (6.5, "dedup", True, True),  # the last check: the document is whole, only slow
    ],
)
def test_budget_names_the_stage_reached(
    res: Resources, monkeypatch: pytest.MonkeyPatch, budget: float, stage: str, entities: bool, events: bool
) -> None:
    clock = _ticking()
    monkeypatch.setattr(pipeline_module, "_clock", lambda: next(clock))
    doc = Pipeline(res).analyze(InputDoc("a", " ".join(ARTICLE)), budget=budget)
    (w,) = [w for w in doc.warnings if "time budget" in w]
    assert f"time budget of {budget:g} s exceeded after the {stage} stage" in w
    assert ("every stage ran" in w) == (stage == "dedup")
    assert bool(doc.entities) == entities and bool(doc.events) == events
    assert doc.lang == ("und" if stage == "normalise" else "ar")
    _valid(doc)


def test_pipeline_load_takes_a_budget(res: Resources, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline_module, "load_resources", lambda: res)  # loading twice takes seconds
    assert Pipeline.load(budget=0.25).budget == 0.25
    assert Pipeline.load().budget == pipeline_module.TIME_BUDGET


# --------------------------------------------------------------------------- growth with length


def _cpu(p: Pipeline, text: str) -> float:
    """Least CPU time of two runs: the machine is shared, the least is the least disturbed."""
    best = float("inf")
    for _ in range(2):
        t0 = time.process_time()
        p.analyze(InputDoc("s", text), budget=1e9)
        best = min(best, time.process_time() - t0)
    return best


def _article(sentences: tuple[str, ...], chars: int) -> str:
    """Paragraphs of the sentences, repeated to `chars` characters: a long but ordinary article."""
    para = " ".join(sentences) + "\n\n"
    return (para * (chars // len(para) + 1))[:chars]


LINEAR = 4 * 2.0  # 4n characters may take at most twice 4x the time of n (plus a little, for tiny times)


@pytest.mark.slow
@pytest.mark.parametrize(
    "until",
    ["tokens", "entities", None],
    ids=["tokens", "entities", "all"],
)
@pytest.mark.parametrize("sentences", [ARTICLE, PERSIAN_ARTICLE], ids=["ar", "fa"])
def test_time_grows_linearly_with_length(res: Resources, until: str | None, sentences: tuple[str, ...]) -> None:
    p = Pipeline(res, until=until)
    n = 40_000
    _cpu(p, _article(sentences, 2_000))  # warm the memo tables
    small, large = _cpu(p, _article(sentences, n)), _cpu(p, _article(sentences, 4 * n))
    assert large <= LINEAR * small + 0.05, f"{n:,} chars: {small:.2f} s; {4 * n:,} chars: {large:.2f} s CPU"
