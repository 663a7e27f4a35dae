"""The process pool: same results as one process, in input order, failures reported, input streamed."""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pytest

from rasad.records import Document, InputDoc
from rasad.scale import pool
from rasad.scale.pool import AnalysisError, Failed, analyze_many, analyze_outcomes
from rasad.store import workers

TEXTS = [
    "وصل وزير الخارجية التركي إلى بغداد اليوم في زيارة رسمية يلتقي خلالها نظيره العراقي.",
    "وزير امور خارجه ایران روز دوشنبه در مسقط با همتای عمانی خود دیدار کرد.",
    "أدانت وزارة الخارجية المصرية الهجوم الذي استهدف نقطة أمنية في باكستان.",
    "رئیس جمهور تاجیکستان با نخست وزیر پاکستان تلفنی گفتگو کرد.",
]


def inputs(n: int) -> list[InputDoc]:
    return [InputDoc(f"d{i:03d}", f"{TEXTS[i % len(TEXTS)]} ({i})", published="2024-06-03") for i in range(n)]


def _fake(inp: InputDoc) -> Document:
    """A cheap stand-in analyser that says which process ran it; fails on request."""
    if "FAIL" in inp.text:
        raise ValueError(f"cannot analyse {inp.doc_id}")
    return Document(inp.doc_id, "und", None, None, None, hashlib.sha256(inp.text.encode()).hexdigest(), (), (),
                    (f"pid {os.getpid()}",), inp.text)


def fake_factory() -> pool.Analyzer:
    return _fake


def test_two_workers_give_what_one_process_gives_in_input_order() -> None:
    docs = inputs(24)
    one = [d.to_dict() for d in analyze_many(docs, 1)]
    two = [d.to_dict() for d in analyze_many(docs, 2, chunksize=3)]
    assert [d["doc_id"] for d in two] == [d.doc_id for d in docs]
    assert two == one
    assert any(d["events"] for d in one)  # the comparison covers real analysis, not empty records


def _slow(inp: InputDoc) -> Document:
    time.sleep(0.025)  # long enough that the second worker has started before the first has taken every chunk
    return _fake(inp)


def slow_factory() -> pool.Analyzer:
    return _slow


def test_work_is_spread_over_worker_processes() -> None:
    out = list(analyze_outcomes(inputs(64), 2, factory=slow_factory, chunksize=2))
    pids = {d.warnings[0] for d in out if isinstance(d, Document)}
    assert f"pid {os.getpid()}" not in pids
    assert len(pids) == 2


def test_a_failing_document_is_reported_in_its_place() -> None:
    docs = inputs(10)
    docs[4] = InputDoc("bad", "FAIL here")
    out = list(analyze_outcomes(docs, 2, factory=fake_factory, chunksize=2))
    assert [o.doc_id if isinstance(o, Document) else o.name for o in out] == [d.doc_id for d in docs]
    assert out[4] == Failed("bad", "ValueError: cannot analyse bad")
    with pytest.raises(AnalysisError, match="bad: ValueError"):
        list(analyze_many(docs, 2, factory=fake_factory))
    with pytest.raises(AnalysisError):
        list(analyze_many(docs, 1, factory=fake_factory))


def test_input_is_read_only_as_far_as_the_workers_need() -> None:
    pulled = 0

    def endless() -> Iterator[InputDoc]:
        nonlocal pulled
        i = 0
        while True:
            pulled += 1
            i += 1
            yield InputDoc(f"d{i}", f"text {i}")

    out = analyze_outcomes(endless(), 2, factory=fake_factory, chunksize=4)
    first = [next(out) for _ in range(10)]
    out.close()
    assert [d.doc_id for d in first if isinstance(d, Document)] == [f"d{i}" for i in range(1, 11)]
    # the chunks in flight, plus one submitted for each of the three chunks handed out
    assert pulled == (2 * pool.INFLIGHT_PER_WORKER + 3) * 4


def test_default_workers_follows_the_cores_this_process_may_use() -> None:
    code = "import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); from rasad.scale import pool; " \
           "print(pool.default_workers())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"  # one core allowed, whatever the machine has


def test_results_cross_back_as_the_same_records() -> None:
    # the pool's own pickling rebuilds records by their constructors: nothing may be lost or changed
    docs = list(analyze_many(inputs(4), 1))
    outcomes: list[Document | Failed] = [*docs, Failed("x", "ValueError: y")]
    back = pickle.loads(workers.dumps(outcomes))
    assert back == outcomes
    assert [type(o) for o in back] == [type(o) for o in outcomes]
    assert any(d.entities and d.events for d in docs)
    spans = [s for d in docs for e in d.entities for s in e.mentions]
    assert spans and [type(s) for s in pickle.loads(workers.dumps(spans))] == [type(s) for s in spans]


class _Pair(NamedTuple):
    a: int
    b: str


class _PairWithNote(_Pair):  # a subclass without __slots__ has a __dict__: pickled the default way
    pass


@dataclass(frozen=True, slots=True)
class _One:
    x: tuple[int, ...]


def test_named_tuples_and_one_field_records_keep_their_type_and_state() -> None:
    noted = _PairWithNote(1, "ب")
    noted.note = "ملاحظة"  # type: ignore[attr-defined]
    values = [_Pair(2, "الف"), noted, _One((1, 2)), (3, "ج")]
    back = pickle.loads(workers.dumps(values))
    assert back == values and [type(v) for v in back] == [type(v) for v in values]
    assert back[1].note == "ملاحظة"


def test_ingest_and_the_pool_share_one_implementation() -> None:
    from rasad.store import ingest

    assert pool.analyze_one is workers.analyze_one and pool.Failed is ingest.workers.Failed


def test_the_benchmark_keeps_the_load_block_of_performance_md() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    try:
        import bench_scale
    finally:
        sys.path.pop(0)
    old = "# Performance\n\nold figures\n<!-- load:begin -->\n## Web load\n\n| a | b |\n<!-- load:end -->\nold tail\n"
    new = bench_scale.with_load_block("# Performance\n\nnew figures\n", old)
    assert new == "# Performance\n\nnew figures\n\n<!-- load:begin -->\n## Web load\n\n| a | b |\n<!-- load:end -->\n"
    assert bench_scale.with_load_block("# Performance\n", "# Performance\n\nno block\n") == "# Performance\n"
    # markers must be lines of their own, and closed
    assert bench_scale.with_load_block("x\n", "see <!-- load:begin --> here\n") == "x\n"
    assert bench_scale.with_load_block("x\n", "<!-- load:begin -->\nhalf\n") == "x\n"
