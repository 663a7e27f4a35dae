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
# re-analysis in place, killed as often, over a smaller corpus: a run is then short enough for 20 kills
REANALYSE_DOCS = 60
REANALYSE_TRIALS = 20

_WORKER = """
import sys
sys.path[:0] = [{src!r}, {tests!r}]
from rasad.stages.ingest import iter_inputs
from rasad.store.db import connect
import rasad.store.ingest
from rasad.store.ingest import ingest_inputs
from test_store_helpers import synthetic_analyzer

if len(sys.argv) > 5:  # a data version of this run's own: the documents it re-analysed can be told apart
    rasad.store.ingest.analysis_versions = lambda: ("0.test", sys.argv[5])
conn = connect(sys.argv[1]).conn
print("ready", flush=True)  # started up: from here on, a kill lands in the ingest itself
# re-analysis commits every 2 documents: many commits in a short run, so that kills fall between and within them
reanalyse = sys.argv[3] == "1"
ingest_inputs(conn, iter_inputs([sys.argv[2]]), factory=synthetic_analyzer, batch_size=2 if reanalyse else 6,
              reanalyse=reanalyse, processes=int(sys.argv[4]))
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


def _run(
    db: Path,
    corpus: Path,
    reanalyse: bool = False,
    kill_after: float | None = None,
    processes: int = 0,
    tag: str | None = None,
    after_start: bool = False,
    timing: list[float] | None = None,
) -> bool:
    """Run an ingest in a child process (in a session of its own, with any analysis workers it starts);
    kill it after `kill_after` seconds, counted from its start or, with `after_start`, from when it has
    started up and begins the ingest. True when it ran to the end. `tag` is the data version it records;
    `timing` gets the seconds from the start of the ingest to the end of the child (with `after_start`)."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _worker_code(),
            str(db),
            str(corpus),
            "1" if reanalyse else "0",
            str(processes),
            *([tag] if tag else []),
        ],
        stdout=subprocess.PIPE if after_start else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    if after_start and proc.stdout:
        proc.stdout.readline()  # "ready" (or nothing, when it failed before: the checks below say why)
        proc.stdout.close()
    ready = time.perf_counter()
    if kill_after is None:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
        if timing is not None:
            timing.append(time.perf_counter() - ready)
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
    timing: list[float] = []
    _run(reference, corpus, after_start=True, timing=timing)
    full = time.perf_counter() - t0  # the whole child: start-up, opening (creating) the store, the ingest
    (phase,) = timing  # the ingest alone
    expected = _counts(reference)
    assert expected["documents"] == N_DOCS
    assert expected["stories"] < expected["events"]  # the corpus has reports to merge

    rng = random.Random(20261123)
    db = tmp_path / "crashed.db"
    stored_before = 0
    kills = 0
    for trial in range(TRIALS):
        # the last trials analyse in a worker process, as `rasad ingest` does by default on two cores (`--workers 1`)
        processes = 1 if trial >= TRIALS - POOL_TRIALS else 0
        if trial % 4 == 0:
            # counted from the child's start: kills may also land while it creates or opens the store
            finished = _run(db, corpus, kill_after=rng.uniform(0.05, full * (1 + processes)), processes=processes)
        else:
            # counted from the start of the ingest, so that a slow start on a busy machine does not let the
            # run finish before the kill
            kill_after = rng.uniform(0.0, phase * 0.8 * (1 + processes))
            finished = _run(db, corpus, kill_after=kill_after, processes=processes, after_start=True)
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


def _write_corpus(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for k in range(n):
            f.write(json.dumps({"id": f"doc{k}", "text": synthetic_text(k)}, ensure_ascii=False) + "\n")
    return path


def _ids(db: Path) -> dict[str, object]:
    """What re-analysis must keep: every event's id with its document, local id and story; document ids."""
    conn = sqlite3.connect(db)
    try:
        return {
            "events": sorted(
                conn.execute(
                    "SELECT e.uid, d.uid, e.local_id, e.story_id, e.type FROM events e "
                    "JOIN documents d ON d.id = e.document_id"
                ).fetchall()
            ),
            "documents": sorted(conn.execute("SELECT id, uid, text_sha256, next_event_no FROM documents").fetchall()),
            "stories": sorted(r[0] for r in conn.execute("SELECT id FROM stories")),
        }
    finally:
        conn.close()


def _tagged(db: Path, tag: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM documents WHERE data_version = ?", (tag,)).fetchone()[0])
    finally:
        conn.close()


def test_killed_reanalysis_keeps_every_document_whole_and_every_id(tmp_path: Path) -> None:
    """`--reanalyse` replaces each document's analysis in place: killed at any moment, every document has
    either its old analysis or its new one, whole; ids, stories and counts stay exactly as they were."""
    corpus = _write_corpus(tmp_path / "corpus.jsonl", REANALYSE_DOCS)
    db = tmp_path / "store.db"
    _run(db, corpus)
    expected = _counts(db)
    ids = _ids(db)
    assert expected["documents"] == REANALYSE_DOCS
    assert expected["stories"] < expected["events"]

    # how long the re-analysis takes once the child has started up: kills fall within it (timed from the
    # child's own "ready", so that a slow start on a busy machine does not move them all before the writes)
    timing: list[float] = []
    assert _run(db, corpus, reanalyse=True, tag="full", after_start=True, timing=timing)
    (full,) = timing
    assert _tagged(db, "full") == REANALYSE_DOCS
    assert _counts(db) == expected and _ids(db) == ids  # the analysis is deterministic: nothing moves

    rng = random.Random(20261124)
    midway = 0
    for trial in range(REANALYSE_TRIALS):
        tag = f"trial{trial}"
        _run(db, corpus, reanalyse=True, kill_after=rng.uniform(0.0, full), tag=tag, after_start=True)
        _check_consistent(db)
        assert _counts(db) == expected
        assert _ids(db) == ids
        midway += 0 < _tagged(db, tag) < REANALYSE_DOCS
    assert midway >= REANALYSE_TRIALS // 5, f"only {midway} of {REANALYSE_TRIALS} kills fell mid-way"
    assert _run(db, corpus, reanalyse=True, tag="last")
    assert _tagged(db, "last") == REANALYSE_DOCS
    assert _run(db, corpus)
    _check_consistent(db)
    assert _counts(db) == expected
    assert _ids(db) == ids
