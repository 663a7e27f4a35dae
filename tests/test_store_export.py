"""Exports: PLOVER JSON validated against the manual's record, GDELT's event table layout, Parquet that DuckDB
and pandas read, and the DataFrame API."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import duckdb
import jsonschema
import pandas as pd
import pytest

from rasad.lexicon import DATA_DIR, read_tsv
from rasad.store import export, frames
from rasad.store.db import connect
from rasad.store.ingest import ingest_documents
from rasad.store.query import make_filter
from test_store_helpers import VERSIONS, corpus


def dq(sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect() as c:
        return c.execute(sql).fetchall()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "corpus.db"
    conn = connect(path).conn
    ingest_documents(conn, corpus(), versions=VERSIONS)
    conn.close()
    return path


@pytest.fixture()
def conn(db: Path) -> Iterator[sqlite3.Connection]:
    c = connect(db, create=False).conn
    yield c
    c.close()


def test_the_plover_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(export.plover_schema())


def test_plover_records_validate_and_carry_every_report(conn: sqlite3.Connection) -> None:
    validator = jsonschema.Draft202012Validator(export.plover_schema())
    stories = list(export.plover_records(conn, unit="story"))
    events = list(export.plover_records(conn, unit="event"))
    for rec in stories + events:
        validator.validate(rec)
    assert len(stories) == 2 and len(events) == 3
    merged = next(r for r in stories if len(r["event_text"]) == 2)
    assert merged["event"] == ["CONSULT"] and merged["quad_code"] == 1
    assert merged["date"] == "2025-06-21"
    assert merged["event_loc"]["country_code"] == "TJK"
    assert {a["entity_name"] for a in merged["actor"]} == {"Ahmad Vahidi", "Ramazon Rahimzoda"}
    assert merged["cite_info"]["codebook"].startswith("PLOVER")
    # every report of the merged story points at it
    assert sorted(r["link"] for r in events).count(merged["id"]) == 2
    visit = next(r for r in events if r["mode"] == ["visit"])
    scores = {(r["type"], r["mode"]): float(r["score"]) for r in read_tsv(DATA_DIR / "ontology" / "plover_modes.tsv")
              if r["score"]}  # fmt: skip
    assert visit["event_scale"] == scores[("CONSULT", "visit")]


def test_the_schema_rejects_what_the_manual_does_not_allow(conn: sqlite3.Connection) -> None:
    validator = jsonschema.Draft202012Validator(export.plover_schema())
    rec = next(export.plover_records(conn, unit="event"))
    for broken in (
        {k: v for k, v in rec.items() if k != "date"},
        {**rec, "event": ["MEET"]},
        {**rec, "date": "21/06/2025"},
        {**rec, "quad_code": 5},
        {**rec, "context": ["diplomacy"]},
        {**rec, "colour": "red"},
        {**rec, "actor": [{"code": "Iran"}]},
    ):
        assert not validator.is_valid(broken)


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_plover_files(conn: sqlite3.Connection, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"events{suffix}"
    stats = export.write_plover(conn, out, make_filter(lang="ar"), unit="event")
    text = out.read_text(encoding="utf-8")
    records = json.loads(text) if suffix == ".json" else [json.loads(line) for line in text.splitlines()]
    assert stats.written == len(records) == 2
    assert {r["cite_info"]["language"] for r in records} == {"ar"}
    assert not list(tmp_path.glob("*.tmp"))


def test_gdelt_table_layout_and_values(conn: sqlite3.Connection, tmp_path: Path) -> None:
    out = tmp_path / "events.tsv"
    stats = export.write_gdelt(conn, out)
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    assert list(rows[0]) == list(export.GDELT_COLUMNS) and len(export.GDELT_COLUMNS) == 61
    assert stats.written == len(rows) == 2
    merged = next(r for r in rows if r["NumArticles"] == "2")
    goldstein = {r["code"]: r["goldstein"] for r in read_tsv(DATA_DIR / "ontology" / "cameo.tsv")}
    assert merged["SQLDATE"] == "20250621" and merged["MonthYear"] == "202506" and merged["Year"] == "2025"
    assert merged["EventRootCode"] == "04" and merged["QuadClass"] == "1"
    assert float(merged["GoldsteinScale"]) == float(goldstein[merged["EventCode"]])
    assert (merged["NumMentions"], merged["NumSources"]) == ("2", "2")
    assert merged["ActionGeo_FullName"] == "Dushanbe, Tajikistan" and merged["ActionGeo_CountryCode"] == "TJ"
    assert {merged["Actor1CountryCode"], merged["Actor2CountryCode"]} == {"IRN", "TJK"}
    assert merged["SOURCEURL"].startswith("https://example.org/")
    # DuckDB reads it as it is
    assert dq(f"SELECT count(*) FROM read_csv('{out}', delim='\t', header=true)") == [(2,)]


def test_gdelt_per_report(conn: sqlite3.Connection) -> None:
    rows = list(export.gdelt_rows(conn, unit="event"))
    assert len(rows) == 3
    assert {r[export.GDELT_COLUMNS.index("NumArticles")] for r in rows} == {"1"}


def test_parquet_tables_read_by_duckdb_and_pandas(conn: sqlite3.Connection, tmp_path: Path) -> None:
    counts = export.write_parquet(conn, tmp_path / "pq")
    assert counts == {"events": 3, "stories": 2, "actors": 4, "documents": 3}
    ev = str(tmp_path / "pq" / "events.parquet")
    (got,) = dq(
        f"SELECT count(*), count(DISTINCT story_id), min(date) FROM read_parquet('{ev}') "
        "WHERE list_contains(dyad, 'TJK') AND type = 'CONSULT'"
    )
    assert got[:2] == (3, 2) and str(got[2]) == "2025-06-21"
    st = str(tmp_path / "pq" / "stories.parquet")
    assert dq(f"SELECT max(reports) FROM read_parquet('{st}')") == [(2,)]
    actors = pd.read_parquet(tmp_path / "pq" / "actors.parquet")
    assert set(actors["actor_id"]) == {"IRN", "TJK", "PER:IRN:ahmad_vahidi", "PER:TJK:ramazon_rahimzoda"}
    docs = pd.read_parquet(tmp_path / "pq" / "documents.parquet")
    assert set(docs["lang"]) == {"ar", "fa"} and docs["text"].str.len().min() > 50


def test_parquet_with_a_filter(conn: sqlite3.Connection, tmp_path: Path) -> None:
    counts = export.write_parquet(conn, tmp_path / "fa", make_filter(lang="fa"))
    assert counts["events"] == 1 and counts["documents"] == 1


def test_dataframe_api(db: Path) -> None:
    ev = frames.events(db, dyad="IRN-TJK", topic="drug_trafficking")
    assert isinstance(ev, pd.DataFrame) and len(ev) == 2
    assert str(ev["date"].dtype).startswith("datetime64")
    st = frames.stories(db)
    assert sorted(st["reports"]) == [1, 2]
    assert len(frames.actors(db)) == 4
    assert len(frames.documents(str(db))) == 3
