"""Crash safety: an ingest killed with SIGKILL at random moments never leaves a damaged or half-written store,
and running it again finishes the job with exactly the counts of an uninterrupted run."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import rasad
from rasad.store.db import connect, integrity_problems
from test_store_helpers import expected_counts, synthetic_text

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name != "posix", reason="needs SIGKILL")]

N_DOCS = 240
TRIALS = 20
POOL_TRIALS = 5
REANALYSE_TRIALS = 4

_WORKER = """
import sys
sys.path[:0] = [{src!r}, {tests!r}]
from rasad.stages.ingest import iter_inputs
from rasad.store.db import connect
from rasad.store.ingest import ingest_inputs
from test_store_helpers import synthetic_analyzer

conn = connect(sys.argv[1]).conn
ingest_inputs(conn, iter_inputs([sys.argv[2]]), factory=synthetic_analyzer, batch_size=6, reanalyse=sys.argv[3] == "1",
              processes=int(sys.argv[4]))
conn.close()
"""

TABLES = (
    "documents", "documents_fts", "entities", "mentions", "events", "event_participants", "event_states",
    "event_topics", "event_contexts", "stories", "actors", "actor_names",
)  # fmt: skip


def _worker_code() -> str:
    src = str(Path(rasad.__file__).resolve().parent.parent)
    tests = str(Path(__file__).resolve().parent)
    return _WORKER.format(src=src, tests=tests)


def _run(db: Path, corpus: Path, reanalyse: bool = False, kill_after: float | None = None, processes: int = 0) -> bool:
    """Run an ingest in a child process (in a session of its own, with any analysis workers it starts);
    kill it after `kill_after` seconds. True when it ran to the end."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _worker_code(), str(db), str(corpus), "1" if reanalyse else "0", str(processes)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    if kill_after is None:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
        return True
    try:
        proc.wait(timeout=kill_after)
        assert proc.returncode == 0, proc.stderr.read().decode() if proc.stderr else ""
        return True
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        _assert_workers_exit(proc.pid)
        return False
    finally:
        if proc.stderr:
            proc.stderr.close()


def _assert_workers_exit(session: int) -> None:
    """Analysis workers of a killed ingest exit by themselves, within a few seconds."""
    deadline = time.monotonic() + 5
    while True:
        try:
            os.killpg(session, 0)
        except ProcessLookupError:
            return
        if time.monotonic() > deadline:
            os.killpg(session, signal.SIGKILL)  # ours: started by this test, in their own session
            raise AssertionError("analysis workers outlived their killed ingest")
        time.sleep(0.1)


def _counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES}
    finally:
        conn.close()


def _check_consistent(db: Path) -> int:
    """Integrity, and every stored document complete; returns the number of documents stored."""
    conn = connect(db).conn
    try:
        assert integrity_problems(conn) == []
        docs = conn.execute("SELECT id, text FROM documents").fetchall()
        for doc_id, text in docs:
            n_ent, n_ev = expected_counts(text)
            got_ent = conn.execute("SELECT count(*) FROM entities WHERE document_id = ?", (doc_id,)).fetchone()[0]
            got_ev = conn.execute("SELECT count(*) FROM events WHERE document_id = ?", (doc_id,)).fetchone()[0]
            assert (got_ent, got_ev) == (n_ent, n_ev), f"document {doc_id} half stored"
        assert conn.execute("SELECT count(*) FROM documents_fts").fetchone()[0] == len(docs)
        assert conn.execute("SELECT count(*) FROM events WHERE story_id IS NULL").fetchone()[0] == 0
        assert (
            conn.execute("SELECT count(*) FROM entities WHERE type != 'PLACE' AND actor_id IS NULL").fetchone()[0] == 0
        )
        orphans = conn.execute(
            "SELECT count(*) FROM stories WHERE id NOT IN (SELECT story_id FROM events WHERE story_id IS NOT NULL)"
        ).fetchone()[0]
        assert orphans == 0
        return len(docs)
    finally:
        conn.close()


def test_killed_ingest_leaves_a_consistent_store_and_a_rerun_completes(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as f:
        for k in range(N_DOCS):
            f.write(json.dumps({"id": f"doc{k}", "text": synthetic_text(k)}, ensure_ascii=False) + "\n")

    reference = tmp_path / "reference.db"
    t0 = time.perf_counter()
    _run(reference, corpus)
    full = time.perf_counter() - t0
    expected = _counts(reference)
    assert expected["documents"] == N_DOCS
    assert expected["stories"] < expected["events"]  # the corpus has reports to merge

    rng = random.Random(20261123)
    db = tmp_path / "crashed.db"
    stored_before = 0
    kills = 0
    for trial in range(TRIALS):
        # the last trials analyse in a worker process, as `rasad ingest --workers 1` does
        processes = 1 if trial >= TRIALS - POOL_TRIALS else 0
        finished = _run(db, corpus, kill_after=rng.uniform(0.05, full * (1 + processes)), processes=processes)
        kills += not finished
        if not db.exists():
            continue
        stored = _check_consistent(db)
        assert stored >= stored_before  # committed batches are never lost
        stored_before = stored
        if finished:
            # a run that got to the end: exact counts; then start over, so every trial can be killed mid-way
            assert _counts(db) == expected
            for p in tmp_path.glob("crashed.db*"):
                p.unlink()
            stored_before = 0
    assert kills >= TRIALS // 2
    assert _run(db, corpus)
    _check_consistent(db)
    assert _counts(db) == expected

    # re-analysis in place, killed too: nothing duplicated, nothing lost
    for _ in range(REANALYSE_TRIALS):
        _run(db, corpus, reanalyse=True, kill_after=rng.uniform(0.05, full))
        _check_consistent(db)
        assert _counts(db) == expected
    assert _run(db, corpus)
    assert _counts(db) == expected
