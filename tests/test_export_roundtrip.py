"""Round trips: a store exported to Parquet and loaded back with `rasad load-parquet` into a fresh store is the
same store, table by table; PLOVER JSON (an array, or JSON Lines) read back carries every event record and
story the format has room for, field by field against the store.

The store holds what makes a round trip hard: a re-analysed document whose event numbers have a gap, a story
told by several reports in two languages, an analyst's actor merge and split, an undated event, a trigger
span, warnings, a historical event, and one event in no document's first position.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from rasad.cli import main
from rasad.records import Document, InputDoc, Span
from rasad.scale.load import load_run
from rasad.store import actors, export
from rasad.store.db import connect, integrity_problems, transaction
from rasad.store.ingest import ingest_documents
from test_store_helpers import VERSIONS, corpus, doc, ev, state, synthetic_document, synthetic_text

UNDATED_TEXT = "قال مسؤول في طهران إن إيران تدعم أمن الحدود مع أفغانستان."


def undated() -> Document:
    """An event with no date in the text and no publication date: PLOVER, which requires a date, cannot hold it."""
    t = UNDATED_TEXT
    return doc(
        "undated.txt",
        t,
        "ar",
        [state(t, "c1", "IRN", "Iran", ["إيران"]), state(t, "c2", "AFG", "Afghanistan", ["أفغانستان"])],
        [
            ev(
                t,
                "e1",
                "SUPPORT",
                "051",
                evidence="إيران تدعم أمن الحدود",
                source=["c1"],
                target=["c2"],
                dyad=["IRN", "AFG"],
                topics=["border_security"],
                historical=True,
                confidence=0.55,
            )
        ],
    )


def with_trigger_and_warnings(d: Document) -> Document:
    e = d.events[0]
    start = d.text.index("التقى")
    trigger = Span("التقى", start, start + len("التقى"))
    return replace(d, events=(replace(e, trigger=trigger), *d.events[1:]), warnings=("time budget exceeded",))


def build_store(path: Path) -> None:
    conn = connect(path).conn
    try:
        docs = corpus()
        docs[0] = with_trigger_and_warnings(docs[0])
        synthetic = [synthetic_document(InputDoc(f"syn{k}", synthetic_text(k))) for k in range(9)]
        ingest_documents(conn, [*docs, *synthetic, undated()], versions=VERSIONS)
        # re-analysis that finds the first event no more and a new one: event numbers 2 and 4, not 1..2
        d = synthetic[2]  # three events
        later = replace(d, events=(d.events[1], d.events[2], replace(d.events[0], id="e9", type="AGREE")))
        ingest_documents(conn, [replace(later, events=later.events[:2])], reanalyse=True, versions=VERSIONS)
        ingest_documents(conn, [later], reanalyse=True, versions=("0.test2", "2026.11.2"))
        # an analyst's corrections
        with transaction(conn):
            person = conn.execute("SELECT key FROM actors WHERE type = 'PERSON' ORDER BY key LIMIT 1").fetchone()[0]
            other = conn.execute(
                "SELECT key FROM actors WHERE type = 'PERSON' AND key != ? ORDER BY key LIMIT 1", (person,)
            ).fetchone()[0]
            actors.merge(conn, person, other)
        with transaction(conn):
            variant = conn.execute(
                "SELECT n.name FROM actor_names n JOIN actors a ON a.id = n.actor_id "
                "WHERE a.key = 'PER:TJK:ramazon_rahimzoda' AND n.script = 'Arab' ORDER BY n.name LIMIT 1"
            ).fetchone()
            if variant:
                actors.split(conn, "PER:TJK:ramazon_rahimzoda", str(variant[0]))
        assert integrity_problems(conn) == []
    finally:
        conn.close()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("roundtrip") / "store.db"
    build_store(path)
    return path


@pytest.fixture()
def conn(store: Path) -> Iterator[sqlite3.Connection]:
    c = connect(store, readonly=True).conn
    yield c
    c.close()


# --------------------------------------------------------------------------- the store, table by table

# Every table as rows of values that mean the same in any store: row numbers replaced by public ids
# (document and event uids, local entity ids, actor keys); story numbers are public (S12) and kept.
DUMPS: dict[str, str] = {
    "documents": "SELECT uid, text_sha256, name, lang, title, published, published_day, source, url, text, warnings, "
    "rasad_version, data_version, ingested_at, analysed_at, next_event_no FROM documents",
    "documents_fts": "SELECT d.uid, f.title, f.body FROM documents_fts f JOIN documents d ON d.id = f.rowid",
    "entities": "SELECT d.uid, n.local_id, n.type, n.key, n.name, n.native, n.country, n.role, n.role_key, n.kb_id, "
    "n.sector, a.key FROM entities n JOIN documents d ON d.id = n.document_id LEFT JOIN actors a ON a.id = n.actor_id",
    "mentions": "SELECT d.uid, n.local_id, m.text, m.start_offset, m.end_offset FROM mentions m "
    "JOIN entities n ON n.id = m.entity_id JOIN documents d ON d.id = n.document_id",
    "events": "SELECT e.uid, d.uid, e.local_id, e.type, e.mode, e.cameo, e.cameo_root, e.dyad, l.local_id, "
    "e.date_start, e.date_end, e.date_text, e.day_start, e.day_end, e.date_md, e.when_date, e.when_basis, "
    "e.historical, e.confidence, e.evidence, e.evidence_start, e.evidence_end, e.trigger_text, e.trigger_start, "
    "e.trigger_end, e.story_id, e.lang, e.outlet FROM events e JOIN documents d ON d.id = e.document_id "
    "LEFT JOIN entities l ON l.id = e.location_id",
    "event_participants": "SELECT e.uid, p.role, p.position, n.local_id FROM event_participants p "
    "JOIN events e ON e.id = p.event_id JOIN entities n ON n.id = p.entity_id",
    "event_states": "SELECT e.uid, s.state FROM event_states s JOIN events e ON e.id = s.event_id",
    "event_topics": "SELECT e.uid, t.topic FROM event_topics t JOIN events e ON e.id = t.event_id",
    "event_contexts": "SELECT e.uid, c.context FROM event_contexts c JOIN events e ON e.id = c.event_id",
    "stories": "SELECT id, created_at FROM stories",
    "actors": "SELECT a.key, a.type, a.name, a.country, a.role, a.role_key, a.kb_id, a.sector, m.key FROM actors a "
    "LEFT JOIN actors m ON m.id = a.merged_into",
    "actor_names": "SELECT a.key, n.name, n.folded, n.script, n.lang, n.pinned FROM actor_names n "
    "JOIN actors a ON a.id = n.actor_id",
    "actor_roles": "SELECT a.key, r.words FROM actor_roles r JOIN actors a ON a.id = r.actor_id",
    "actor_edits": "SELECT op, actor, other, variant, created_at FROM actor_edits",
}


def dump(conn: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    return {t: sorted((tuple(r) for r in conn.execute(sql)), key=repr) for t, sql in DUMPS.items()}


def test_the_store_has_what_makes_a_round_trip_hard(conn: sqlite3.Connection) -> None:
    uids = [str(r[0]) for r in conn.execute("SELECT uid FROM events")]
    numbers_by_doc: dict[str, list[int]] = {}
    for u in uids:
        d, n = u.rsplit("-", 1)
        numbers_by_doc.setdefault(d, []).append(int(n))
    assert any(sorted(ns) != list(range(1, len(ns) + 1)) for ns in numbers_by_doc.values())  # a gap
    assert conn.execute("SELECT count(*) FROM actor_edits WHERE op = 'merge'").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM actor_edits WHERE op = 'split'").fetchone()[0] == 1
    assert conn.execute("SELECT max(c) FROM (SELECT count(*) c FROM events GROUP BY story_id)").fetchone()[0] > 1
    assert conn.execute("SELECT count(*) FROM events WHERE when_date IS NULL").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM events WHERE trigger_text IS NOT NULL").fetchone()[0] == 1
    assert conn.execute("SELECT count(DISTINCT data_version) FROM documents").fetchone()[0] == 2


# --------------------------------------------------------------------------- Parquet


def test_parquet_export_loads_back_into_the_same_store(store: Path, conn: sqlite3.Connection, tmp_path: Path) -> None:
    out = tmp_path / "pq"
    export.write_parquet(conn, out)
    fresh = tmp_path / "fresh.db"
    c2 = connect(fresh).conn
    try:
        stats = load_run(c2, out)
        assert not stats.failed, stats.failed
        assert integrity_problems(c2) == []
        before, after = dump(conn), dump(c2)
    finally:
        c2.close()
    for table in DUMPS:
        assert before[table], f"nothing in {table} to compare"
        assert after[table] == before[table], table


def test_parquet_round_trip_through_the_command_line(store: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "export"
    res = runner.invoke(main, ["export", "--format", "parquet", "--out", str(out), "--db", str(store)])
    assert res.exit_code == 0, res.output
    fresh = tmp_path / "fresh.db"
    res = runner.invoke(main, ["load-parquet", str(out), "--db", str(fresh)])
    assert res.exit_code == 0, res.output
    a, b = connect(store, readonly=True).conn, connect(fresh, readonly=True).conn
    try:
        assert dump(a) == dump(b)
    finally:
        a.close()
        b.close()
    # loading it again changes nothing: the documents are recognised by their text
    res = runner.invoke(main, ["load-parquet", str(out), "--db", str(fresh)])
    assert res.exit_code == 0, res.output
    b = connect(fresh, readonly=True).conn
    a = connect(store, readonly=True).conn
    try:
        assert dump(a) == dump(b)
    finally:
        a.close()
        b.close()


def test_parquet_export_into_a_store_with_documents_adds_them_as_ingest_would(
    conn: sqlite3.Connection, tmp_path: Path
) -> None:
    out = tmp_path / "pq"
    export.write_parquet(conn, out)
    other = tmp_path / "other.db"
    c2 = connect(other).conn
    try:
        mine = synthetic_document(InputDoc("mine", synthetic_text(50)))
        ingest_documents(c2, [mine], versions=VERSIONS)
        stats = load_run(c2, out)
        assert stats.added == conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        assert integrity_problems(c2) == []
        n_events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        assert c2.execute("SELECT count(*) FROM events").fetchone()[0] == n_events + len(mine.events)
        texts = {str(r[0]) for r in conn.execute("SELECT text FROM documents")}
        assert texts <= {str(r[0]) for r in c2.execute("SELECT text FROM documents")}
    finally:
        c2.close()


# --------------------------------------------------------------------------- PLOVER JSON


def _expected_plover(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """Per event uid, what its PLOVER record must say, read from the store's tables (not through the exporter)."""
    countries = {}
    from rasad.lexicon import DATA_DIR, read_tsv

    for r in read_tsv(DATA_DIR / "common" / "countries.tsv"):
        countries[r["iso3"]] = r["name"]
    out: dict[str, dict[str, Any]] = {}
    for row in conn.execute(
        "SELECT e.id, e.uid, e.when_date, e.when_basis, e.date_end, e.type, e.mode, e.historical, e.evidence, "
        "e.evidence_start, e.evidence_end, e.story_id, d.uid, d.lang, d.source, d.url, d.title, l.name, l.country "
        "FROM events e JOIN documents d ON d.id = e.document_id LEFT JOIN entities l ON l.id = e.location_id"
    ):
        (eid, uid, day, basis, date_end, typ, mode, historical, evidence, start, end, story, doc_uid, lang, source,
         url, title, loc, loc_country) = row  # fmt: skip
        sides: dict[str, list[dict[str, Any]]] = {"source": [], "target": []}
        for role, name, native, country in conn.execute(
            "SELECT p.role, coalesce(a.name, n.name), n.native, n.country FROM event_participants p "
            "JOIN entities n ON n.id = p.entity_id LEFT JOIN actors a ON a.id = n.actor_id "
            "WHERE p.event_id = ? ORDER BY p.role, p.position",
            (eid,),
        ):
            sides[role].append({"entity_text": native, "entity_name": name, "code": country})
        contexts = sorted(str(r[0]) for r in conn.execute("SELECT context FROM event_contexts WHERE event_id = ?",
                                                          (eid,)))  # fmt: skip
        modes = ([mode] if mode else []) + (["historical"] if historical else [])
        rec: dict[str, Any] = {
            "date": day,
            "event": [typ],
            "mode": modes,
            "context": contexts,
            "actor": sides["source"],
            "recipient": sides["target"],
            "event_text": [evidence],
            "text_info": {"start": start, "end": end, "text_story": doc_uid},
            "link": f"S{story}",
            "cite": {"language": lang, "publication": source, "url": url, "title": title},
            "loc": None if loc is None else {"extracted_place": loc, "country": countries.get(loc_country or "")},
            "enddate": date_end if basis == "event" and date_end and len(date_end) == 10 and date_end != day else None,
        }
        out[str(uid)] = rec
    return out


def _read_plover(path: Path) -> list[dict[str, Any]]:
    text = path.read_text("utf-8")
    if path.suffix == ".json":
        records: list[dict[str, Any]] = json.loads(text)
        return records
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("name", ["events.json", "events.jsonl"])
def test_plover_event_records_read_back_field_by_field(conn: sqlite3.Connection, tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    stats = export.write_plover(conn, out, unit="event")
    records = _read_plover(out)
    expected = _expected_plover(conn)
    validator = jsonschema.Draft202012Validator(export.plover_schema())
    dated = {uid for uid, e in expected.items() if e["date"]}
    # every dated event record exactly once; the undated one reported as skipped, not silently lost
    assert sorted(r["id"] for r in records) == sorted(dated)
    assert stats.written == len(dated)
    assert stats.skipped == {"no date": len(expected) - len(dated)} and len(expected) > len(dated)
    for rec in records:
        validator.validate(rec)
        want = expected[rec["id"]]
        assert rec["date"] == want["date"]
        assert rec.get("enddate") == want["enddate"]
        assert rec["event"] == want["event"]
        assert rec["mode"] == want["mode"]
        assert sorted(rec["context"]) == want["context"]
        for side, key in (("actor", "actor"), ("recipient", "recipient")):
            got = [{k: p.get(k) for k in ("entity_text", "entity_name", "code")} for p in rec[side]]
            assert got == want[key], (rec["id"], side)
        assert rec["event_text"] == want["event_text"]
        assert rec["text_info"] == want["text_info"]
        assert rec["link"] == want["link"]
        assert {k: rec["cite_info"][k] for k in want["cite"]} == want["cite"]
        if want["loc"] is None:
            assert "event_loc" not in rec
        else:
            assert {k: rec["event_loc"][k] for k in want["loc"]} == want["loc"]


def test_plover_story_records_carry_every_story_and_its_reports(conn: sqlite3.Connection, tmp_path: Path) -> None:
    out = tmp_path / "stories.jsonl"
    export.write_plover(conn, out, unit="story")
    records = {r["id"]: r for r in _read_plover(out)}
    members: dict[str, list[str]] = {}
    for story, uid, day in conn.execute("SELECT story_id, uid, when_date FROM events ORDER BY id"):
        if day is not None:
            members.setdefault(f"S{story}", []).append(str(uid))
    assert set(records) == set(members)
    for sid, uids in members.items():
        rec = records[sid]
        assert rec["link"] == sid
        assert len(rec["event_text"]) == len(uids)
        if len(uids) > 1:
            listed = rec["comment"].split("reports: ", 1)[1].split("; ")[0].split(", ")
            assert sorted(listed) == sorted(uids)
