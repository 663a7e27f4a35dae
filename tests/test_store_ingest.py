"""Ingest: idempotent by text hash, re-analysis in place with stable ids, versions recorded, bad documents isolated."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from rasad.records import Document, InputDoc
from rasad.stages.ingest import Skipped
from rasad.store.db import connect, integrity_problems
from rasad.store.ingest import document_uid, ingest_documents, ingest_inputs, stored_inputs, text_sha256
from test_store_helpers import (
    AR_MEETING,
    VERSIONS,
    ar_meeting,
    corpus,
    count,
    ev,
    memory_store,
    synthetic_analyzer,
    synthetic_text,
)

TABLES = ("documents", "entities", "mentions", "events", "event_participants", "event_topics", "event_contexts",
          "event_states", "stories", "actors", "actor_names", "documents_fts")  # fmt: skip


def snapshot(conn: sqlite3.Connection) -> dict[str, object]:
    out: dict[str, object] = {t: count(conn, t) for t in TABLES}
    out["events"] = conn.execute("SELECT id, uid, story_id, type FROM events ORDER BY id").fetchall()
    out["documents"] = conn.execute("SELECT id, uid, text_sha256, analysed_at FROM documents ORDER BY id").fetchall()
    out["actors"] = conn.execute("SELECT id, key, name FROM actors ORDER BY id").fetchall()
    return out


def test_ingesting_twice_changes_nothing() -> None:
    with memory_store() as conn:
        first = ingest_documents(conn, corpus(), versions=VERSIONS)
        assert (first.added, first.unchanged, first.events) == (3, 0, 3)
        before = snapshot(conn)
        second = ingest_documents(conn, corpus(), versions=VERSIONS)
        assert (second.added, second.unchanged, second.events) == (0, 3, 0)
        assert snapshot(conn) == before


def test_the_same_text_under_another_name_is_stored_once() -> None:
    with memory_store() as conn:
        ingest_documents(conn, [ar_meeting()], versions=VERSIONS)
        again = ingest_documents(conn, [dataclasses.replace(ar_meeting(), doc_id="copy.txt")], versions=VERSIONS)
        assert again.unchanged == 1
        assert count(conn, "documents") == 1


def test_document_row_keeps_text_metadata_and_versions() -> None:
    with memory_store() as conn:
        ingest_documents(conn, [ar_meeting()], versions=("9.9.9", "2030.1.1"))
        row = conn.execute(
            "SELECT uid, text_sha256, name, lang, title, published, published_day, source, url, text, rasad_version, "
            "data_version FROM documents"
        ).fetchone()
        sha = text_sha256(AR_MEETING)
        assert row == (
            document_uid(sha), sha, "ar_meeting.txt", "ar", ar_meeting().title, "2025-06-22", "2025-06-22",
            "Arab Outlet", "https://example.org/ar/1", AR_MEETING, "9.9.9", "2030.1.1",
        )  # fmt: skip
        # offsets point into the stored original text
        for text, start, end in conn.execute("SELECT text, start_offset, end_offset FROM mentions"):
            assert AR_MEETING[start:end] == text
        for text, start, end in conn.execute("SELECT evidence, evidence_start, evidence_end FROM events"):
            assert AR_MEETING[start:end] == text


def test_event_dates_resolve_with_the_publication_year() -> None:
    with memory_store() as conn:
        ingest_documents(conn, corpus(), versions=VERSIONS)
        rows = dict(conn.execute("SELECT d.name, e.day_start || ' ' || e.when_basis FROM events e "
                                 "JOIN documents d ON d.id = e.document_id").fetchall())  # fmt: skip
        assert rows["ar_meeting.txt"] == "2025-06-21 event"  # "--06-21" read in a report of 2025-06-22
        assert rows["ar_later.txt"] == "2025-07-25 event"
        assert conn.execute("SELECT day_start, when_date, when_basis FROM events e JOIN documents d "
                            "ON d.id = e.document_id WHERE d.name = 'fa_meeting.txt'").fetchone() == (
            None, "2025-06-21", "published")  # fmt: skip


def test_reanalysis_keeps_ids_and_records_new_versions() -> None:
    with memory_store() as conn:
        ingest_documents(conn, corpus(), versions=VERSIONS)
        before = snapshot(conn)
        again = ingest_documents(conn, corpus(), reanalyse=True, versions=("0.2", "2027.1.1"))
        assert again.reanalysed == 3
        after = snapshot(conn)
        assert [r[:3] for r in after["events"]] == [r[:3] for r in before["events"]]  # type: ignore[attr-defined]
        assert [r[:3] for r in after["documents"]] == [r[:3] for r in before["documents"]]  # type: ignore[attr-defined]
        assert after["actors"] == before["actors"]
        assert {k: v for k, v in after.items() if isinstance(v, int)} == {
            k: v for k, v in before.items() if isinstance(v, int)
        }
        assert set(conn.execute("SELECT rasad_version, data_version FROM documents").fetchall()) == {
            ("0.2", "2027.1.1")
        }
        assert integrity_problems(conn) == []


def test_reanalysis_that_finds_other_events_keeps_the_ones_found_again() -> None:
    d = ar_meeting()
    t = d.text
    extra = ev(t, "e2", "ACCUSE", "111", evidence="وقال رحيم زاده إن التعاون الأمني يتعزز", source=["p2"],
               dyad=["TJK"])  # fmt: skip
    with memory_store() as conn:
        ingest_documents(conn, [d], versions=VERSIONS)
        (uid1,) = conn.execute("SELECT uid FROM events").fetchone()
        # upgrade 1: a second event found, the first kept
        ingest_documents(conn, [dataclasses.replace(d, events=(*d.events, extra))], reanalyse=True, versions=VERSIONS)
        uids = [r[0] for r in conn.execute("SELECT uid FROM events ORDER BY id")]
        assert uids == [uid1, uid1[:-1] + "2"]
        # upgrade 2: the first event dropped; the second keeps its id, and a third gets a new number
        third = dataclasses.replace(extra, id="e3", type="REQUEST", cameo="020")
        third = dataclasses.replace(third, evidence=d.events[0].evidence)
        ingest_documents(conn, [dataclasses.replace(d, events=(extra, third))], reanalyse=True, versions=VERSIONS)
        rows = dict(conn.execute("SELECT uid, type FROM events").fetchall())
        assert rows[uid1[:-1] + "2"] == "ACCUSE"
        # the REQUEST has the first event's evidence span: it takes the freed id rather than a new one
        assert rows[uid1] == "REQUEST"
        assert count(conn, "events") == 2
        assert conn.execute("SELECT next_event_no FROM documents").fetchone()[0] == 3
        assert integrity_problems(conn) == []


def test_reanalysis_that_finds_a_new_event_first_renumbers_without_collisions() -> None:
    d = ar_meeting()
    first = dataclasses.replace(d.events[0], id="e2")
    extra = ev(d.text, "e1", "ACCUSE", "111", evidence="وقال رحيم زاده إن التعاون الأمني يتعزز", source=["p2"],
               dyad=["TJK"])  # fmt: skip
    with memory_store() as conn:
        ingest_documents(conn, [d], versions=VERSIONS)
        (uid1,) = conn.execute("SELECT uid FROM events").fetchone()
        stats = ingest_documents(
            conn, [dataclasses.replace(d, events=(extra, first))], reanalyse=True, versions=VERSIONS
        )
        assert stats.failed == []
        rows = dict(conn.execute("SELECT local_id, uid FROM events").fetchall())
        assert rows == {"e2": uid1, "e1": uid1[:-1] + "2"}


def test_a_document_that_cannot_be_stored_does_not_stop_its_batch() -> None:
    bad = dataclasses.replace(ar_meeting(), events=(dataclasses.replace(ar_meeting().events[0], confidence=None),))  # type: ignore[arg-type]
    with memory_store() as conn:
        stats = ingest_documents(conn, [bad, *corpus()[1:]], versions=VERSIONS)
        assert stats.added == 2
        assert [p.name for p in stats.failed] == ["ar_meeting.txt"]
        assert count(conn, "documents") == 2
        assert count(conn, "entities") == 10  # nothing of the failed document left behind
        assert integrity_problems(conn) == []


def test_a_failure_mid_batch_rewrites_the_batch_without_counting_twice() -> None:
    # the batch is written without savepoints first; the failure rolls it back and it is written again
    bad = dataclasses.replace(ar_meeting(), events=(dataclasses.replace(ar_meeting().events[0], confidence=None),))  # type: ignore[arg-type]
    fa, later = corpus()[1:]
    with memory_store() as conn:
        stats = ingest_documents(conn, [fa, bad, later], versions=VERSIONS, batch_size=8)
        assert (stats.added, stats.unchanged, [p.name for p in stats.failed]) == (2, 0, ["ar_meeting.txt"])
        assert stats.events == count(conn, "events") == len(fa.events) + len(later.events)
        assert count(conn, "stories") == len({r[0] for r in conn.execute("SELECT story_id FROM events")})
        # the registry forgot what the rolled-back attempt wrote: the good one stores its actors afresh
        good = ingest_documents(conn, [ar_meeting()], versions=VERSIONS)
        assert good.added == 1 and integrity_problems(conn) == []


def test_text_with_lone_surrogates_is_stored_with_offsets_intact() -> None:
    d = ar_meeting()
    text = d.text.replace("دوشنبه -", "دوشنبه \ud800")
    d = dataclasses.replace(d, text=text, text_sha256=text_sha256(text))
    with memory_store() as conn:
        assert ingest_documents(conn, [d], versions=VERSIONS).added == 1
        stored = conn.execute("SELECT text FROM documents").fetchone()[0]
        assert len(stored) == len(text) and "\ufffd" in stored
        assert ingest_documents(conn, [d], versions=VERSIONS).unchanged == 1


def _inputs(n: int) -> list[InputDoc]:
    return [InputDoc(f"doc{k}", synthetic_text(k), published="2025-07-01") for k in range(n)]


def _failing_factory() -> Callable[[InputDoc], Document]:
    analyze = synthetic_analyzer()

    def run(inp: InputDoc) -> Document:
        if inp.doc_id == "doc3":
            raise RuntimeError("analysis bug")
        return analyze(inp)

    return run


def test_ingest_inputs_reports_skips_and_failures_and_only_analyses_new_texts() -> None:
    calls: list[str] = []  # in this process: processes=0

    def counting_factory() -> Callable[[InputDoc], Document]:
        inner = _failing_factory()

        def run(inp: InputDoc) -> Document:
            calls.append(inp.doc_id)
            return inner(inp)

        return run

    with memory_store() as conn:
        items: list[object] = [*_inputs(6), Skipped("broken.bin", "binary file")]
        stats = ingest_inputs(conn, items, factory=counting_factory, batch_size=4)
        assert (stats.added, len(stats.failed), [s.name for s in stats.skipped]) == (5, 1, ["broken.bin"])
        assert stats.failed[0].reason == "RuntimeError: analysis bug"
        calls.clear()
        again = ingest_inputs(conn, _inputs(6), factory=counting_factory, batch_size=4)
        assert calls == ["doc3"]  # stored texts are recognised before analysis
        assert (again.added, again.unchanged) == (0, 5)
        runs = conn.execute("SELECT added, unchanged, skipped, failed, finished_at IS NOT NULL FROM ingest_runs")
        assert runs.fetchall() == [(5, 0, 1, 1, 1), (0, 5, 0, 1, 1)]


def test_failures_in_worker_processes_are_reported_too() -> None:
    with memory_store() as conn:
        stats = ingest_inputs(conn, _inputs(6), factory=_failing_factory, batch_size=2, processes=1)
        assert (stats.added, [p.name for p in stats.failed]) == (5, ["doc3"])
        assert stats.failed[0].reason == "RuntimeError: analysis bug"


def test_worker_processes_store_the_same_as_one_process(tmp_path: Path) -> None:
    one = connect(tmp_path / "one.db").conn
    many = connect(tmp_path / "many.db").conn
    try:
        ingest_inputs(one, _inputs(20), factory=synthetic_analyzer, batch_size=6)
        ingest_inputs(many, _inputs(20), factory=synthetic_analyzer, batch_size=6, processes=2)
        q = (
            "SELECT e.uid, e.type, e.story_id, d.name FROM events e JOIN documents d ON d.id = e.document_id "
            "ORDER BY e.id"
        )
        assert one.execute(q).fetchall() == many.execute(q).fetchall()
    finally:
        one.close()
        many.close()


def test_stored_documents_can_be_read_back_for_reanalysis() -> None:
    with memory_store() as conn:
        ingest_documents(conn, corpus(), versions=VERSIONS)
        inputs = list(stored_inputs(conn))
        assert [i.doc_id for i in inputs] == ["ar_meeting.txt", "fa_meeting.txt", "ar_later.txt"]
        assert inputs[0].text == AR_MEETING and inputs[0].url == "https://example.org/ar/1"
        assert [i.doc_id for i in stored_inputs(conn, ["fa_meeting.txt"])] == ["fa_meeting.txt"]


@pytest.mark.parametrize("missing", ["title", "source"])
def test_input_metadata_fills_what_the_analysis_lacks(missing: str) -> None:
    analyze = synthetic_analyzer()

    def factory() -> Callable[[InputDoc], Document]:
        return lambda inp: dataclasses.replace(analyze(inp), **{missing: None})  # type: ignore[arg-type]

    with memory_store() as conn:
        inp = dataclasses.replace(_inputs(1)[0], title="T", source="S", url="https://x.org/1")
        ingest_inputs(conn, [inp], factory=factory)
        assert conn.execute(f"SELECT {missing}, url FROM documents").fetchone() == (
            {"title": "T", "source": "S"}[missing], "https://x.org/1")  # fmt: skip
