"""`rasad spark` in local mode gives what the local pool and the store give; every input format reads.

One SparkSession (local[2]) serves the whole module. These tests skip only where no Java runtime is
installed, and say so; without PySpark they fail (it is a development dependency).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from pyspark.sql import SparkSession

from rasad.cli import main
from rasad.records import Document, Event, InputDoc
from rasad.scale.load import load_run, read_run
from rasad.scale.pool import analyze_many
from rasad.scale.rows import event_from_row, event_uid
from rasad.scale.spark import JobError, run_job, session
from rasad.stages.ingest import Skipped, iter_inputs
from rasad.store.db import connect
from rasad.store.ingest import document_uid, ingest_documents

pytestmark = pytest.mark.spark

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "rasad" / "data" / "samples" / "samples.jsonl"

# Short reports, written for this test, of events some bundled samples also report: they must join
# the samples' stories, across languages.
OTHER_REPORTS = [
    ("r-tur-irq", "2023-08-22", "وصل وزير الخارجية التركي هاكان فيدان اليوم الثلاثاء إلى بغداد في زيارة رسمية "
     "يلتقي خلالها نظيره العراقي فؤاد حسين."),
    ("r-irn-uzb-fa", "2023-06-11", "وزیر امور خارجه ایران حسین امیرعبداللهیان روز یکشنبه در تهران با وزیر امور "
     "خارجه ازبکستان بختیار سعیدوف دیدار کرد."),
    ("r-irn-uzb-ar", "2023-06-12", "التقى وزير الخارجية الإيراني حسين أمير عبد اللهيان في طهران يوم الأحد وزير "
     "خارجية أوزبكستان بختيار سعيدوف."),
    ("r-egy-pak", "2024-03-12", "أدانت وزارة الخارجية المصرية بشدة الهجوم الإرهابي الذي استهدف نقطة أمنية في "
     "باكستان أمس."),
    ("r-sau-pak", "2024-04-14", "أجرى وزير الخارجية السعودي الأمير فيصل بن فرحان اتصالا هاتفيا اليوم بنظيره "
     "الباكستاني إسحاق دار."),
]


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("no Java runtime (java on PATH or JAVA_HOME): Spark cannot start")
    s = session(
        "local[2]",
        app="rasad-tests",
        conf={"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2",
              "spark.ui.showConsoleProgress": "false"},
    )
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


def corpus(path: Path) -> Path:
    """The 14 samples, five further reports, a copy of one text under another id, and two bad records."""
    lines = SAMPLES.read_text(encoding="utf-8").splitlines()
    for rid, published, text in OTHER_REPORTS:
        lines.append(json.dumps({"id": rid, "published": published, "text": text}, ensure_ascii=False))
    rid, published, text = OTHER_REPORTS[0]
    lines += [
        json.dumps({"id": "copy-of-" + rid, "published": published, "text": text}, ensure_ascii=False),
        '{"id": "no-text", "title": "x"}',
        "",
        '{"id": "broken", "text": ',
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def table(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = ds.dataset(path, format="parquet", partitioning="hive").to_table().to_pylist()
    return rows


def story_sets(pairs: list[tuple[str, Any]]) -> set[frozenset[str]]:
    groups: dict[Any, set[str]] = {}
    for uid, sid in pairs:
        groups.setdefault(sid, set()).add(uid)
    return {frozenset(g) for g in groups.values()}


def stored(conn: Any) -> tuple[set[str], set[frozenset[str]]]:
    pairs = [(str(u), s) for u, s in conn.execute("SELECT uid, story_id FROM events")]
    return {u for u, _ in pairs}, story_sets(pairs)


def test_spark_gives_the_events_and_stories_of_the_pool_and_the_store(spark: SparkSession, tmp_path: Path) -> None:
    src = corpus(tmp_path / "corpus.jsonl")

    # the local way: read, analyse with two worker processes, store
    items = list(iter_inputs([str(src)]))
    local_docs = list(analyze_many([i for i in items if isinstance(i, InputDoc)], 2))
    conn = connect(":memory:").conn
    ingest_documents(conn, local_docs)
    local_uids, local_stories = stored(conn)
    conn.close()
    local_events: dict[str, Event] = {}
    for doc in local_docs:
        for n, ev in enumerate(doc.events, start=1):
            local_events.setdefault(event_uid(document_uid(doc.text_sha256), n), ev)
    assert set(local_events) == local_uids
    # the comparison must cover stories of several reports, one of them across languages
    lang_of = {document_uid(d.text_sha256): d.lang for d in local_docs}
    shared = [s for s in local_stories if len(s) > 1]
    assert len(local_uids) >= 15 and len(shared) >= 2
    assert any(len({lang_of[u.rsplit("-", 1)[0]] for u in s}) == 2 for s in shared)

    # the Spark way
    out = tmp_path / "run"
    report = run_job(spark, [str(src)], str(out), partitions=2)
    spark_events = {r["event_uid"]: r for r in table(out / "events")}
    assert set(spark_events) == local_uids
    for uid, ev in local_events.items():
        assert event_from_row(spark_events[uid]) == ev, uid  # every field, trigger and date calendar included
    assert story_sets([(u, r["story_id"]) for u, r in spark_events.items()]) == local_stories
    assert {frozenset(r["event_uids"]) for r in table(out / "stories")} == local_stories

    docs = table(out / "documents")
    assert sorted(d["doc_id"] for d in docs) == sorted({d.doc_id for d in local_docs} - {"copy-of-r-tur-irq"})
    assert {d["doc_id"]: d["duplicates"] for d in docs}["r-tur-irq"] == 1
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert (report["records_read"], report["documents"], report["duplicates"]) == (22, 19, 1)
    assert report["skipped"] == len(skipped) == 2 and report["failed"] == 0
    assert {r["reason"] for r in report["skipped_reasons"]} == {s.reason for s in skipped}
    assert report["events"] == len(local_uids) and report["stories"] == len(local_stories)
    assert json.loads((out / "run_report.json").read_text(encoding="utf-8"))["documents"] == 19
    assert {p.name for p in (out / "events").iterdir() if p.is_dir()} == {"lang=ar", "lang=fa"}
    assert any(p.name == "month=2023-06" for p in (out / "events" / "lang=fa").iterdir())

    # and the Spark run loaded into a store is the store the local way made
    rebuilt = list(read_run(out))
    assert [d.doc_id for d in rebuilt] == [d.doc_id for d in local_docs if d.doc_id != "copy-of-r-tur-irq"]
    conn = connect(":memory:").conn
    load_run(conn, out)
    assert stored(conn) == (local_uids, local_stories)
    conn.close()


def test_parquet_and_warc_inputs(spark: SparkSession, tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from test_scale_warc import news_warc

    (tmp_path / "cc.warc.gz").write_bytes(news_warc())
    meta = pa.struct([("published", pa.string()), ("source", pa.string())])
    pq.write_table(
        pa.table(
            {
                "id": ["p1", "p2", "p3"],
                "text": [OTHER_REPORTS[3][2], OTHER_REPORTS[4][2], "  "],
                "metadata": pa.array([{"published": "2024-03-12", "source": "وكالة"}, None, None], type=meta),
            }
        ),
        tmp_path / "in.parquet",
    )
    out = tmp_path / "run"
    report = run_job(spark, [str(tmp_path / "in.parquet"), str(tmp_path / "cc.warc.gz")], str(out), partitions=2)
    docs = {d["doc_id"]: d for d in table(out / "documents")}
    assert set(docs) == {"p1", "p2", "https://news.example/a", "https://news.example/b"}
    assert (docs["p1"]["published"], docs["p1"]["source"], docs["p1"]["month"]) == ("2024-03-12", "وكالة", "2024-03")
    assert docs["https://news.example/a"]["lang"] == "fa" and "کمیسیون مشترک" in docs["https://news.example/a"]["text"]
    assert {(r["reason"], r["count"]) for r in report["skipped_reasons"]} == {
        ("empty text", 1),
        ("HTTP status 301, not a page", 1),
        ("not an HTML page (application/pdf)", 1),
    }
    # input order: the table's rows first (first argument), then the WARC's pages in file order
    assert [d.doc_id for d in read_run(out)] == ["p1", "p2", "https://news.example/a", "https://news.example/b"]


def _raise_on_boom(inp: InputDoc) -> Document:
    from rasad import analyze

    if "BOOM" in inp.text:
        raise RuntimeError("boom")
    return analyze(inp.text, doc_id=inp.doc_id)


def failing_factory() -> Any:
    return _raise_on_boom


def test_a_failed_analysis_is_reported_and_the_output_is_not_overwritten(spark: SparkSession, tmp_path: Path) -> None:
    import pyspark.cloudpickle as cloudpickle

    # the Spark workers cannot import this test module: send its functions by value
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "ok", "text": OTHER_REPORTS[0][2]}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "bad", "text": "BOOM"}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "run"
    report = run_job(spark, [str(src)], str(out), factory=failing_factory, partitions=2)
    assert (report["documents"], report["failed"]) == (1, 1)
    assert report["failed_reasons"] == [{"reason": "RuntimeError: boom", "count": 1}]
    assert report["examples"] == [{"status": "failed", "name": "bad", "reason": "RuntimeError: boom"}]
    with pytest.raises(JobError, match="exists already"):
        run_job(spark, [str(src)], str(out))
    with pytest.raises(JobError, match="cannot tell the input format"):
        run_job(spark, [str(tmp_path / "in.txt")], str(tmp_path / "other"))


def test_the_commands(spark: SparkSession, tmp_path: Path) -> None:
    src = tmp_path / "in.data"  # a name that does not tell the format
    src.write_text("\n".join(json.dumps({"id": r, "published": p, "text": t}, ensure_ascii=False)
                             for r, p, t in OTHER_REPORTS) + "\n", encoding="utf-8")
    runner = CliRunner()
    args = ["spark", str(src), "--format", "jsonl", "--partitions", "2", "--output", str(tmp_path / "run")]
    res = runner.invoke(main, args)
    assert res.exit_code == 0, res.output
    assert "rasad spark: 5 documents" in res.output
    assert SparkSession.getActiveSession() is spark  # the command stops only a session it started itself
    db = tmp_path / "s.db"
    res = runner.invoke(main, ["load-parquet", str(tmp_path / "run"), "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "5 documents added" in res.output
    res = runner.invoke(main, ["load-parquet", str(tmp_path / "run"), "--db", str(db)])
    assert "0 documents added, 5 already stored" in res.output
    res = runner.invoke(main, ["load-parquet", str(tmp_path), "--db", str(db)])
    assert res.exit_code != 0 and "no 'documents' table" in res.output
