"""A full disk, a read-only database and a file that is not (or no longer) a sound store: every command says
so in one line and exits non-zero, nothing committed before is lost, and a later run with space finishes the job.

The conditions are made for real, in child processes: a file size limit (`RLIMIT_FSIZE`, the write fails
with EFBIG), a full file system (a small tmpfs in a mount namespace of its own, where the system allows
it), SQLite's page limit (SQLITE_FULL), file permissions seen by an unprivileged user (root ignores them),
and an immutable file (`chattr +i`, which stops root too). The analysis is the synthetic analyser of
`test_store_helpers`, so that a run takes a fraction of a second.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

import rasad
from rasad.cli import main
from rasad.store.db import StoreError, connect, integrity_problems
from rasad.store.ingest import document_uid, text_sha256
from test_store_helpers import expected_counts, synthetic_document, synthetic_text

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs POSIX resource limits and permissions")

N_DOCS = 96
BATCH = "8"
NOBODY = 65534

# The child: optional file size limit and SQLite page limit, the synthetic analyser in place of the
# pipeline, then the `rasad` command line as a user runs it.
_CHILD = """
import os, resource, signal, sys
sys.path[:0] = [{src!r}, {tests!r}]
limit = int(os.environ.get("RASAD_TEST_FSIZE", "0"))
if limit:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # so that write() fails with EFBIG instead of killing us
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
pages = int(os.environ.get("RASAD_TEST_MAX_PAGES", "0"))
if pages:
    import rasad.store.db as dbm
    configure = dbm._configure
    def limited(conn, path, **kw):
        configure(conn, path, **kw)
        conn.execute(f"PRAGMA max_page_count = {{pages}}")
    dbm._configure = limited
import rasad.pipeline
from test_store_helpers import synthetic_document
class Synthetic:
    analyze = staticmethod(lambda inp, **options: synthetic_document(inp))
rasad.pipeline.Pipeline.load = staticmethod(lambda *a, **k: Synthetic)
from rasad.cli import main
main(sys.argv[1:], prog_name="rasad")
"""


@dataclass(frozen=True, slots=True)
class Run:
    code: int
    out: str
    err: str


def _child_code() -> str:
    src = str(Path(rasad.__file__).resolve().parent.parent)
    return _CHILD.format(src=src, tests=str(Path(__file__).resolve().parent))


def rasad_cmd(
    *args: str,
    fsize: int = 0,
    max_pages: int = 0,
    user: int | None = None,
    cwd: Path | None = None,
    wrap: tuple[str, ...] = (),
) -> Run:
    env = {**os.environ, "RASAD_TEST_FSIZE": str(fsize), "RASAD_TEST_MAX_PAGES": str(max_pages)}
    env.pop("RASAD_DB", None)
    if user is not None:
        wrap = ("setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *wrap)
    proc = subprocess.run(
        [*wrap, sys.executable, "-c", _child_code(), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def assert_one_line_error(run: Run, *needles: str) -> str:
    """Exit status non-zero, no traceback, and one `Error:` line that says what happened."""
    assert run.code != 0, run.err
    assert "Traceback" not in run.err, run.err
    errors = [line for line in run.err.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, run.err
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


def write_corpus(path: Path, ks: range) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for k in ks:
            f.write(json.dumps({"id": f"doc{k}", "text": synthetic_text(k)}, ensure_ascii=False) + "\n")
    return path


def counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        tables = ("documents", "documents_fts", "entities", "mentions", "events", "event_participants", "stories",
                  "actors", "actor_names")  # fmt: skip
        return {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables}
    finally:
        conn.close()


def sound(db: Path) -> int:
    """Integrity, and every stored document whole; returns the number of documents stored."""
    conn = connect(db).conn
    try:
        assert integrity_problems(conn) == []
        docs = conn.execute("SELECT id, text FROM documents").fetchall()
        for doc_id, text in docs:
            n_ent, n_ev = expected_counts(text)
            got = conn.execute(
                "SELECT (SELECT count(*) FROM entities WHERE document_id = ?), "
                "(SELECT count(*) FROM events WHERE document_id = ?)",
                (doc_id, doc_id),
            ).fetchone()
            assert tuple(got) == (n_ent, n_ev), f"document {doc_id} half stored"
        assert conn.execute("SELECT count(*) FROM events WHERE story_id IS NULL").fetchone()[0] == 0
        return len(docs)
    finally:
        conn.close()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, int]]:
    """(first half, whole corpus, the counts of an uninterrupted ingest of the whole)."""
    d = tmp_path_factory.mktemp("corpus")
    half = write_corpus(d / "half.jsonl", range(N_DOCS // 2))
    whole = write_corpus(d / "whole.jsonl", range(N_DOCS))
    ref = d / "reference.db"
    run = rasad_cmd("ingest", str(whole), "--db", str(ref), "--batch-size", BATCH)
    assert run.code == 0, run.err
    return half, whole, counts(ref)


def _stored_half(tmp_path: Path, half: Path) -> tuple[Path, int]:
    db = tmp_path / "store.db"
    run = rasad_cmd("ingest", str(half), "--db", str(db), "--batch-size", BATCH)
    assert run.code == 0, run.err
    return db, sound(db)


# --------------------------------------------------------------------------- disk full


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="no file size limit signal")
def test_file_size_limit_stops_ingest_cleanly_and_a_later_run_completes(
    tmp_path: Path, corpora: tuple[Path, Path, dict[str, int]]
) -> None:
    half, whole, expected = corpora
    db, before = _stored_half(tmp_path, half)
    # room for a few more batches in the write-ahead log, not for the rest of the corpus
    limit = db.stat().st_size + 400_000
    run = rasad_cmd("ingest", str(whole), "--db", str(db), "--batch-size", BATCH, fsize=limit)
    line = assert_one_line_error(run, "ingest stopped after storing", "run the same command")
    assert "input/output error" in line or "the disk is full" in line  # EFBIG: SQLite's write error
    after = sound(db)
    assert before < after < N_DOCS, line  # the batches committed before the failure are kept, whole
    assert f"storing {after - before} documents" in line
    run = rasad_cmd("ingest", str(whole), "--db", str(db), "--batch-size", BATCH)
    assert run.code == 0, run.err
    assert sound(db) == N_DOCS
    assert counts(db) == expected


@pytest.mark.slow
def test_database_full_gives_sqlite_full_and_no_damage(
    tmp_path: Path, corpora: tuple[Path, Path, dict[str, int]]
) -> None:
    half, whole, expected = corpora
    db, before = _stored_half(tmp_path, half)
    page_size = 4096
    pages = db.stat().st_size // page_size + 20  # a few batches more, not the whole corpus
    run = rasad_cmd("ingest", str(whole), "--db", str(db), "--batch-size", BATCH, max_pages=pages)
    assert_one_line_error(run, "the disk is full", "free some space")
    assert before < sound(db) < N_DOCS
    run = rasad_cmd("ingest", str(whole), "--db", str(db), "--batch-size", BATCH)
    assert run.code == 0, run.err
    assert counts(db) == expected


def _private_tmpfs_works(mnt: Path) -> bool:
    if not shutil.which("unshare") or os.geteuid() != 0:
        return False
    probe = subprocess.run(
        ["unshare", "--mount", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs '{mnt}'"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


@pytest.mark.slow
def test_a_full_file_system_stops_ingest_cleanly(tmp_path: Path, corpora: tuple[Path, Path, dict[str, int]]) -> None:
    """ENOSPC for real: the store on a small tmpfs, mounted in a mount namespace of the child's own (it
    vanishes with the child; the files are copied out first, as the disk held them)."""
    half, whole, expected = corpora
    mnt = tmp_path / "small"
    mnt.mkdir()
    if not _private_tmpfs_works(mnt):
        pytest.skip("cannot mount a tmpfs in a private mount namespace here")
    db, before = _stored_half(tmp_path, half)
    kept = tmp_path / "kept"
    kept.mkdir()
    size_k = (db.stat().st_size + 600_000) // 1024
    script = (
        f"mount -t tmpfs -o size={size_k}k tmpfs '{mnt}' && cp '{db}' '{mnt}/store.db' && "
        '"$@"; rc=$?; cp "' + str(mnt) + '"/store.db* "' + str(kept) + '"/; exit $rc'
    )
    run = rasad_cmd(
        "ingest", str(whole), "--db", str(mnt / "store.db"), "--batch-size", BATCH,
        wrap=("unshare", "--mount", "sh", "-c", script, "sh"),
    )  # fmt: skip
    assert_one_line_error(run, "the disk is full")
    stored = kept / "store.db"
    assert before < sound(stored) < N_DOCS
    run = rasad_cmd("ingest", str(whole), "--db", str(stored), "--batch-size", BATCH)
    assert run.code == 0, run.err
    assert counts(stored) == expected


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="no file size limit signal")
@pytest.mark.parametrize("fmt", ["plover", "gdelt", "parquet"])
def test_export_to_a_full_disk_leaves_nothing_partial(
    tmp_path: Path, corpora: tuple[Path, Path, dict[str, int]], fmt: str
) -> None:
    half, _, _ = corpora
    db, _ = _stored_half(tmp_path, half)
    out = tmp_path / ("out" if fmt == "parquet" else f"out.{fmt}")
    # a reader of the store: it keeps the shared-memory file in place, which the exporter would otherwise
    # have to create (32 KB) under the limit that is meant for the export
    reader = sqlite3.connect(db)
    try:
        reader.execute("SELECT count(*) FROM documents").fetchone()
        run = rasad_cmd("export", "--format", fmt, "--unit", "event", "--out", str(out), "--db", str(db), fsize=4_000)
    finally:
        reader.close()
    assert_one_line_error(run, str(out), "cannot write the export")
    leftovers = [p for p in (out.iterdir() if out.is_dir() else [out, out.with_name(out.name + ".tmp")]) if p.exists()]
    assert leftovers == []


# --------------------------------------------------------------------------- read-only


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory an unprivileged user can reach (pytest's own are private to root)."""
    d = Path(tempfile.mkdtemp(prefix="rasad-ro-"))
    d.chmod(0o755)
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def _as_user() -> int | None:
    """Run the read-only checks as an unprivileged user when we are root: permissions do not stop root."""
    return NOBODY if os.geteuid() == 0 else None


def _read_only_store(shared_dir: Path, corpus: Path, *, dir_writable: bool) -> tuple[Path, Path]:
    db = shared_dir / "ro.db"
    run = rasad_cmd("ingest", str(corpus), "--db", str(db), "--batch-size", BATCH)
    assert run.code == 0, run.err
    readable_corpus = shared_dir / "more.jsonl"
    write_corpus(readable_corpus, range(N_DOCS // 2, N_DOCS // 2 + 8))
    readable_corpus.chmod(0o644)
    db.chmod(0o444)
    if dir_writable:
        shared_dir.chmod(0o777)
    if _as_user() is not None and not shutil.which("setpriv"):
        pytest.skip("no setpriv to drop root's privileges")
    probe = rasad_cmd("--version", user=_as_user())
    if probe.code != 0:
        pytest.skip(f"cannot run Python as an unprivileged user here: {probe.err.strip()[-200:]}")
    return db, readable_corpus


def _check_read_only_commands(db: Path, corpus: Path, out_dir: Path, user: int | None) -> None:
    digest = file_digest(db)
    n_docs = counts(db)["documents"]
    run = rasad_cmd("ingest", str(corpus), "--db", str(db), user=user)
    assert_one_line_error(run, "read-only", "write permission")
    run = rasad_cmd("ingest", "--reanalyse", "--db", str(db), user=user)
    assert_one_line_error(run, "read-only")
    run = rasad_cmd("actors", "merge", "IRN", "TJK", "--db", str(db), user=user)
    assert_one_line_error(run, "read-only")
    # reading needs no writing: listing and exporting work
    run = rasad_cmd("events", "--db", str(db), "--limit", "0", "--format", "json", user=user)
    assert run.code == 0, run.err
    assert len(run.out.splitlines()) == counts(db)["events"]
    out = out_dir / "export.jsonl"
    run = rasad_cmd("export", "--format", "plover", "--unit", "event", "--out", str(out), "--db", str(db), user=user)
    assert run.code == 0, run.err
    assert len(out.read_text("utf-8").splitlines()) == counts(db)["events"]
    assert file_digest(db) == digest
    assert counts(db)["documents"] == n_docs


@pytest.mark.slow
def test_read_only_file_in_a_read_only_directory(
    shared_dir: Path, tmp_path: Path, corpora: tuple[Path, Path, dict[str, int]]
) -> None:
    half, _, _ = corpora
    db, more = _read_only_store(shared_dir, half, dir_writable=False)
    out_dir = Path(tempfile.mkdtemp(prefix="rasad-out-"))
    try:
        out_dir.chmod(0o777)
        _check_read_only_commands(db, more, out_dir, _as_user())
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    assert sound(db) == N_DOCS // 2


@pytest.mark.slow
def test_read_only_file_in_a_writable_directory(shared_dir: Path, corpora: tuple[Path, Path, dict[str, int]]) -> None:
    half, _, _ = corpora
    db, more = _read_only_store(shared_dir, half, dir_writable=True)
    _check_read_only_commands(db, more, shared_dir, _as_user())
    assert sound(db) == N_DOCS // 2


@pytest.fixture
def immutable(tmp_path: Path) -> Iterator[list[Path]]:
    """Files made immutable (`chattr +i`, which binds root as well) and made mutable again afterwards."""
    made: list[Path] = []
    yield made
    for p in made:
        subprocess.run(["chattr", "-i", str(p)], check=False, capture_output=True)


@pytest.mark.slow
def test_immutable_database_stops_root_too(
    tmp_path: Path, corpora: tuple[Path, Path, dict[str, int]], immutable: list[Path]
) -> None:
    half, _, _ = corpora
    db = tmp_path / "imm.db"
    assert rasad_cmd("ingest", str(half), "--db", str(db), "--batch-size", BATCH).code == 0
    more = write_corpus(tmp_path / "more.jsonl", range(N_DOCS // 2, N_DOCS // 2 + 8))
    if not shutil.which("chattr"):
        pytest.skip("no chattr")
    made = subprocess.run(["chattr", "+i", str(db)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"chattr +i does not work here: {made.stderr.decode().strip()}")
    immutable.append(db)
    _check_read_only_commands(db, more, tmp_path, None)
    # the web interface reads it too
    from fastapi.testclient import TestClient

    from rasad.serve.app import create_app

    client = TestClient(create_app(db), base_url="http://127.0.0.1")
    assert client.get("/").status_code == 200
    assert client.get("/events").status_code == 200


# --------------------------------------------------------------------------- not a store, or a damaged one


@pytest.fixture
def synthetic_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    import rasad.pipeline

    class Synthetic:
        analyze = staticmethod(lambda inp, **options: synthetic_document(inp))

    monkeypatch.setattr(rasad.pipeline.Pipeline, "load", staticmethod(lambda *a, **k: Synthetic))


READ_COMMANDS = (
    ("events",),
    ("stories",),
    ("actors",),
    ("search", "وزير"),
    ("show", "S1"),
)


def _all_commands(tmp_path: Path, corpus: Path) -> list[tuple[str, ...]]:
    return [
        ("ingest", str(corpus)),
        ("ingest", "--reanalyse"),
        ("actors", "merge", "IRN", "TJK"),
        ("export", "--format", "plover", "--out", str(tmp_path / "x.jsonl")),
        *READ_COMMANDS,
    ]


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01garbage" * 500, b'{"id": "not a database"}\n', b"SQLite format 3\x00" + b"\xff" * 4000],
    ids=["empty", "binary", "json", "bad-header"],
)
def test_a_file_that_is_not_a_store_is_refused_in_one_line(
    tmp_path: Path, content: bytes, synthetic_pipeline: None
) -> None:
    corpus = write_corpus(tmp_path / "c.jsonl", range(3))
    db = tmp_path / "not.db"
    for cmd in _all_commands(tmp_path, corpus):
        if not content and (cmd[0] == "ingest" or cmd[:2] == ("actors", "merge")):
            continue  # an empty file is a new store to a command that writes (below)
        db.write_bytes(content)
        res = CliRunner().invoke(main, [*cmd, "--db", str(db)])
        assert res.exit_code == 1, (cmd, res.output)
        assert res.exception is None or isinstance(res.exception, SystemExit), (cmd, res.exception)
        lines = [x for x in res.output.splitlines() if x.startswith("Error:")]
        assert len(lines) == 1 and str(db) in lines[0], (cmd, res.output)
        assert ("not a SQLite database" in lines[0]) or ("empty database" in lines[0]), (cmd, lines[0])
        assert db.read_bytes() == content, cmd  # never rewritten
    db.write_bytes(b"")
    res = CliRunner().invoke(main, ["ingest", str(corpus), "--db", str(db)])
    assert res.exit_code == 0, res.output


def test_another_applications_sqlite_database_is_left_alone(tmp_path: Path, synthetic_pipeline: None) -> None:
    corpus = write_corpus(tmp_path / "c.jsonl", range(3))
    db = tmp_path / "other.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    digest = file_digest(db)
    for cmd in _all_commands(tmp_path, corpus):
        res = CliRunner().invoke(main, [*cmd, "--db", str(db)])
        assert res.exit_code == 1 and "not a rasad store" in res.output, (cmd, res.output)
    assert file_digest(db) == digest


def _damage(db: Path) -> None:
    """Overwrite the second half of the file's pages (never the header page) with noise."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = int(conn.execute("PRAGMA page_size").fetchone()[0])
    n = int(conn.execute("PRAGMA page_count").fetchone()[0])
    conn.close()
    with db.open("r+b") as f:
        for p in range(n // 3, n):
            f.seek(p * page)
            f.write(bytes((p * 7 + i * 13) % 251 for i in range(page)))


def test_a_damaged_store_is_reported_as_damaged(tmp_path: Path, synthetic_pipeline: None) -> None:
    corpus = write_corpus(tmp_path / "c.jsonl", range(40))
    more = write_corpus(tmp_path / "more.jsonl", range(40, 60))
    db = tmp_path / "damaged.db"
    res = CliRunner().invoke(main, ["ingest", str(corpus), "--db", str(db)])
    assert res.exit_code == 0, res.output
    _damage(db)
    damaged_seen = 0
    for cmd in _all_commands(tmp_path, more):
        res = CliRunner().invoke(main, [*cmd, "--db", str(db)])
        if res.exit_code == 0:
            continue  # a command that reads no damaged page may well succeed
        assert res.exit_code == 1, (cmd, res.output, res.exception)
        assert res.exception is None or isinstance(res.exception, SystemExit), (cmd, repr(res.exception))
        lines = [x for x in res.output.splitlines() if x.startswith("Error:")]
        assert len(lines) == 1, (cmd, res.output)
        damaged_seen += "damaged" in lines[0]
    assert damaged_seen >= 3


def test_connect_reports_conditions_as_store_errors(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00" * 10 + b"junk" * 1000)
    with pytest.raises(StoreError, match="not a SQLite database"):
        connect(junk)
    with pytest.raises(StoreError, match="not a SQLite database"):
        connect(junk, readonly=True)
    with pytest.raises(StoreError, match="no such database"):
        connect(tmp_path / "missing.db", readonly=True)
    assert not (tmp_path / "missing.db").exists()


# --------------------------------------------------------------------------- reading while writing

_SERVE = "import sys; from rasad.cli import main; main(sys.argv[1:], prog_name='rasad')"
_COUNT = re.compile(r"(\d[\d,]*)\s*(?:<[^>]*>\s*)*(event records|documents)")
_EVENT_LINK = re.compile(r'href="/event/([0-9a-f]{16})-(\d+)"')
_DOC_LINK = re.compile(r'href="/document/([0-9a-f]{16})"')


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server(db: Path) -> Iterator[str]:
    """`rasad serve` on a loopback port, in a process of its own; yields its base URL once it answers."""
    import httpx

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", _SERVE, "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"rasad serve exited: {proc.stderr.read().decode() if proc.stderr else ''}")
            try:
                if httpx.get(base + "/", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("rasad serve did not answer within 60 s")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


@dataclass(slots=True)
class _ReaderLog:
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    overviews: list[tuple[int, int]] = field(default_factory=list)  # (event records, documents), in order
    documents_checked: int = 0


def _read_loop(base: str, until: threading.Event, expected_events: dict[str, int], seed: int, log: _ReaderLog) -> None:
    """Overview, events list, event pages, document pages and search, round and round until `until` is set
    (and one round after it): every answer a 200 without a database error, no torn state."""
    import httpx

    rng = random.Random(seed)
    words = ("الوزير", "دوشنبه", "الطاجيكي", "وحيدي")

    def get(client: httpx.Client, path: str, **params: str) -> str | None:
        log.requests += 1
        try:
            r = client.get(path, params=params or None)
        except httpx.HTTPError as e:
            log.errors.append(f"{path}: {type(e).__name__}: {e}")
            return None
        if r.status_code != 200 or "database is locked" in r.text or "malformed" in r.text:
            log.errors.append(f"{path}: {r.status_code}: {r.text[:200]}")
            return None
        return r.text

    with httpx.Client(base_url=base, timeout=30) as client:
        last_round = False
        while not last_round:
            last_round = until.is_set()
            page = get(client, "/")
            if page is not None:
                found = dict((kind, int(n.replace(",", ""))) for n, kind in _COUNT.findall(page))
                if {"event records", "documents"} <= found.keys():
                    log.overviews.append((found["event records"], found["documents"]))
                else:
                    log.errors.append("/: no counts in the overview")
            listing = get(client, "/events")
            if listing is None:
                continue
            links = sorted(set(_EVENT_LINK.findall(listing)))
            for doc_uid, n in rng.sample(links, min(6, len(links))):
                get(client, f"/event/{doc_uid}-{n}")
            for doc_uid in rng.sample(sorted({d for d, _ in links}), min(3, len({d for d, _ in links}))):
                doc_page = get(client, f"/document/{doc_uid}")
                if doc_page is None:
                    continue
                shown = {int(n) for d, n in _EVENT_LINK.findall(doc_page) if d == doc_uid}
                want = set(range(1, expected_events[doc_uid] + 1))
                if shown != want:  # a document is visible only with all its events
                    log.errors.append(f"/document/{doc_uid}: events {sorted(shown)}, expected {sorted(want)}")
                log.documents_checked += 1
            hits = get(client, "/search", q=rng.choice(words))
            if hits is not None:
                for doc_uid in _DOC_LINK.findall(hits)[:2]:
                    get(client, f"/document/{doc_uid}")


@pytest.mark.slow
def test_serve_reads_while_ingest_writes(tmp_path: Path) -> None:
    """`rasad serve` answering four clients while `rasad ingest` adds documents and then re-analyses them all
    in another process (the store in WAL mode): no error, no lock, no torn read."""
    n_docs = 240
    first = write_corpus(tmp_path / "first.jsonl", range(20))
    corpus = write_corpus(tmp_path / "corpus.jsonl", range(n_docs))
    db = tmp_path / "live.db"
    assert rasad_cmd("ingest", str(first), "--db", str(db)).code == 0
    expected_events = {
        document_uid(text_sha256(synthetic_text(k))): expected_counts(synthetic_text(k))[1] for k in range(n_docs)
    }
    with _server(db) as base:
        until = threading.Event()
        logs = [_ReaderLog() for _ in range(4)]
        readers = [
            threading.Thread(target=_read_loop, args=(base, until, expected_events, seed, log), daemon=True)
            for seed, log in enumerate(logs)
        ]
        for t in readers:
            t.start()
        t0 = time.perf_counter()
        writes = [
            rasad_cmd("ingest", str(corpus), "--db", str(db), "--batch-size", "4"),
            rasad_cmd("ingest", "--reanalyse", "--db", str(db), "--batch-size", "4"),
        ]
        writing = time.perf_counter() - t0
        until.set()
        for t in readers:
            t.join(timeout=120)
            assert not t.is_alive()
    for w in writes:
        assert w.code == 0, w.err
        assert "locked" not in w.err
    assert sound(db) == n_docs
    errors = [e for log in logs for e in log.errors]
    assert errors == [], errors[:10]
    requests = sum(log.requests for log in logs)
    assert requests >= 50, f"only {requests} requests in {writing:.1f} s of writing"
    assert sum(log.documents_checked for log in logs) >= 10
    for log in logs:
        assert log.overviews, "no overview read"
        for before, after in zip(log.overviews, log.overviews[1:], strict=False):
            assert after[0] >= before[0] and after[1] >= before[1], f"counts went backwards: {before} -> {after}"
    # the readers saw the store grow while it was written, and the last round saw all of it
    assert any(log.overviews[0][1] < n_docs for log in logs)
    assert all(log.overviews[-1][1] == n_docs for log in logs)
