"""The corpus commands, end to end through Click (and once through the real analysis)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rasad.cli import main
from rasad.store.db import connect
from rasad.store.ingest import ingest_documents
from test_store_helpers import VERSIONS, corpus


@pytest.fixture()
def db(tmp_path: Path) -> str:
    path = tmp_path / "corpus.db"
    conn = connect(path).conn
    ingest_documents(conn, corpus(), versions=VERSIONS)
    conn.close()
    return str(path)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_events_in_three_formats(db: str) -> None:
    code, out, err = run("events", "--db", db, "--dyad", "IRN-TJK", "--format", "json")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["lang"] for r in rows] == ["ar", "fa", "ar"]
    code, out, _ = run("events", "--db", db, "--format", "csv", "--topic", "drug_trafficking")
    table = list(csv.DictReader(io.StringIO(out)))
    assert len(table) == 2 and table[0]["dyad"] == "IRN;TJK"
    code, out, err = run("events", "--db", db, "--lang", "fa")
    assert code == 0 and "CONSULT/visit" in out and "Dushanbe" in out and "1 of 1 events" in err


def test_filters_reach_the_query(db: str) -> None:
    _, out, _ = run("events", "--db", db, "--format", "json", "--cameo", "043", "--since", "2025-07")
    assert [json.loads(x)["cameo"] for x in out.splitlines()] == ["043"]
    _, out, _ = run("events", "--db", db, "--format", "json", "--actor", "Rahimzoda", "--outlet", "Persian Outlet")
    assert len(out.splitlines()) == 1
    _, out, _ = run("events", "--db", db, "--format", "json", "--background")
    assert out == ""


def test_bad_input_is_a_clear_error(db: str, tmp_path: Path) -> None:
    code, _, err = run("events", "--db", str(tmp_path / "none.db"))
    assert code == 1 and "no such database" in err
    assert not (tmp_path / "none.db").exists()
    code, _, err = run("events", "--db", db, "--since", "June")
    assert code == 2 and "YYYY" in err
    code, _, err = run("show", "--db", db, "S999")
    assert code == 1 and "no story" in err


def test_show_stories_and_search(db: str) -> None:
    _, out, _ = run("events", "--db", db, "--format", "json", "--lang", "fa")
    uid = json.loads(out)["id"]
    code, out, _ = run("show", "--db", db, uid)
    assert code == 0 and "Arab Outlet" in out and "Persian Outlet" in out and "در دوشنبه با رمضان رحیم‌زاده" in out
    code, out, _ = run("show", "--db", db, uid, "--format", "json")
    assert len(json.loads(out)["reports"]) == 2
    code, out, _ = run("stories", "--db", db, "--min-reports", "2")
    assert code == 0 and "2 reports" in out
    code, out, _ = run("search", "--db", db, "رحيم", "زاده")
    assert code == 0 and out.count("[ar]") == 2 and out.count("[fa]") == 1


def test_actors_list_merge_and_split(db: str) -> None:
    code, out, _ = run("actors", "--db", db, "--format", "json", "--type", "person")
    people = {json.loads(x)["id"] for x in out.splitlines()}
    assert people == {"PER:IRN:ahmad_vahidi", "PER:TJK:ramazon_rahimzoda"}
    code, out, _ = run("actors", "merge", "PER:TJK:ramazon_rahimzoda", "PER:IRN:ahmad_vahidi", "--db", db)
    assert code == 0 and "merged PER:IRN:ahmad_vahidi" in out
    _, out, _ = run("actors", "--db", db, "--type", "person", "--format", "json")
    assert len(out.splitlines()) == 1
    code, out, _ = run("actors", "split", "PER:TJK:ramazon_rahimzoda", "احمد وحیدی", "--db", db)
    assert code == 0 and "split" in out
    _, out, _ = run("actors", "--db", db, "--type", "person", "--format", "json")
    assert len(out.splitlines()) == 2
    code, _, err = run("actors", "merge", "IRN", "nobody", "--db", db)
    assert code == 1 and "no actor" in err


def test_export_commands(db: str, tmp_path: Path) -> None:
    code, _, err = run("export", "--db", db, "--format", "plover", "--out", str(tmp_path / "p.jsonl"))
    assert code == 0 and "2 story records" in err
    code, _, err = run("export", "--db", db, "--format", "gdelt", "--unit", "event", "--lang", "ar",
                       "--out", str(tmp_path / "g.tsv"))  # fmt: skip
    assert code == 0 and len((tmp_path / "g.tsv").read_text().splitlines()) == 3
    code, _, err = run("export", "--db", db, "--format", "parquet", "--out", str(tmp_path / "pq"))
    assert code == 0 and (tmp_path / "pq" / "events.parquet").exists()


MEETING_AR = (
    "طهران - التقى وزير الخارجية الإيراني عباس عراقجي اليوم الثلاثاء في طهران نظيره العراقي فؤاد حسين، "
    "وبحث الجانبان تعزيز التعاون في مكافحة الإرهاب وتهريب المخدرات على الحدود المشتركة.\n"
)
MEETING_FA = (
    "عباس عراقچی وزیر امور خارجه کشورمان امروز سه‌شنبه در تهران با فؤاد حسین وزیر خارجه عراق دیدار "
    "و درباره همکاری‌های امنیتی و مبارزه با قاچاق مواد مخدر گفت‌وگو کرد.\n"
)


def test_ingest_with_the_real_analysis_is_idempotent_and_reanalyses_in_place(tmp_path: Path) -> None:
    src = tmp_path / "news"
    src.mkdir()
    (src / "ar.txt").write_text(MEETING_AR, encoding="utf-8")
    (src / "fa.txt").write_text(MEETING_FA, encoding="utf-8")
    (src / "empty.txt").write_text("   ", encoding="utf-8")
    db = str(tmp_path / "c.db")
    code, _, err = run("ingest", str(src), "--db", db)
    assert code == 1 and "skipped empty.txt" in err and "2 added" in err

    def snapshot() -> list[object]:
        conn = sqlite3.connect(db)
        try:
            return [
                conn.execute(
                    "SELECT uid, text_sha256, rasad_version, data_version FROM documents ORDER BY id"
                ).fetchall(),
                conn.execute("SELECT uid, type, story_id FROM events ORDER BY id").fetchall(),
                conn.execute("SELECT key FROM actors ORDER BY id").fetchall(),
                conn.execute("SELECT count(*) FROM mentions").fetchall(),
            ]
        finally:
            conn.close()

    before = snapshot()
    assert len(before[0]) == 2  # type: ignore[arg-type]
    code, _, err = run("ingest", str(src / "ar.txt"), str(src / "fa.txt"), "--db", db)
    assert code == 0 and "0 added, 2 unchanged" in err
    assert snapshot() == before
    code, _, err = run("ingest", "--reanalyse", "--db", db)
    assert code == 0 and "2 reanalysed" in err
    assert snapshot() == before


@pytest.mark.parametrize(("cores", "given", "expected"), [(1, None, 0), (2, None, 1), (8, None, 7), (8, "0", 0)])
def test_ingest_runs_one_analyser_fewer_than_the_cores_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cores: int, given: str | None, expected: int
) -> None:
    from rasad.store import ingest, workers

    seen: list[int] = []
    real = ingest.ingest_inputs

    def recording(*args: Any, **kw: Any) -> Any:
        seen.append(kw["processes"])
        return real(*args, **{**kw, "processes": 0})  # the count is what is under test; analysed here

    monkeypatch.setattr(workers, "default_workers", lambda: cores)
    monkeypatch.setattr(ingest, "ingest_inputs", recording)
    src = tmp_path / "ar.txt"
    src.write_text(MEETING_AR, encoding="utf-8")
    code, _, err = run("ingest", str(src), "--db", str(tmp_path / "c.db"), *(["--workers", given] if given else []))
    assert code == 0 and "1 added" in err and seen == [expected]


def test_demo_database_is_built_and_a_real_corpus_is_left_alone(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import click

    from rasad.cli.store import build_demo_db

    demo_db = tmp_path / "demo.db"
    build_demo_db(corpus()[:2], demo_db)
    out = capsys.readouterr()
    assert "2 reports" in out.out and "Ramazon Rahimzoda" in out.out
    build_demo_db(corpus()[:2], demo_db)  # again: the same samples, nothing else
    before = Path(db).read_bytes()
    with pytest.raises(click.ClickException, match="other documents"):
        build_demo_db(corpus()[:2], Path(db))
    assert Path(db).read_bytes() == before
