"""Corpus store benchmark: ingest throughput against `rasad extract`'s, and filtered query latency on a big store.

    python bench/bench_store.py [--events 100000] [--base 1000] [--seed 0] [--db PATH]

1. Analyses `--base` generated documents (bench/generate.py) with the pipeline: extract documents/s.
2. Ingests as many other generated documents into a new store, analysing in this process (`rasad ingest`'s
   default) and in one worker process working ahead while this one writes: documents/s and the ratio to
   extract's.
3. Stores the analysed documents alone (no analysis): the store's own cost per document.
4. Grows a store to `--events` event records from copies of the analysed documents (each copy a new text,
   published on another day over ten years, its dated events moved with it), measuring on the way the
   cost per event of storing and of finding its story, at 10,000 events and at the end (the story search
   must not grow with the store); then times filtered `rasad events` queries (the page of 50 and the total
   count, as the table output does), in the library and as a command-line process.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent / "src")]  # bench/ is a folder of scripts, not a package

from generate import generate  # noqa: E402

from rasad.records import DateValue, Document, Event, InputDoc  # noqa: E402
from rasad.store import query, stories  # noqa: E402
from rasad.store.db import connect  # noqa: E402
from rasad.store.ingest import ingest_documents, ingest_inputs  # noqa: E402

WARMUP = 10
REPEAT = 7
PAGE = 50


def inputs(n: int, seed: int) -> list[InputDoc]:
    return [
        InputDoc(str(d["id"]), str(d["text"]), d["title"], d["published"], d["source"], d["url"])
        for d in generate(n, seed)
    ]


def _shift(value: str | None, days: int) -> str | None:
    if value and len(value) == 10 and value[4] == "-":
        try:
            return (date.fromisoformat(value) + timedelta(days=days)).isoformat()
        except ValueError:
            return value
    return value


def copy_of(doc: Document, n: int, rng: random.Random) -> Document:
    """Another report: a different text (so another hash), another day, the same analysis moved with it."""
    days = rng.randint(0, 3650)
    published = (date(2016, 1, 1) + timedelta(days=days)).isoformat()
    base = date.fromisoformat(doc.published[:10]) if doc.published and len(doc.published) >= 10 else None
    delta = (date.fromisoformat(published) - base).days if base else 0

    def move(ev: Event) -> Event:
        d = ev.date
        if d is None:
            return ev
        return dataclasses.replace(ev, date=DateValue(_shift(d.start, delta), _shift(d.end, delta), d.text))

    text = f"{doc.text}\n\n[{n}]"
    return dataclasses.replace(
        doc, doc_id=f"{doc.doc_id}#{n}", text=text, text_sha256="", published=published,
        events=tuple(move(e) for e in doc.events),
    )  # fmt: skip


def timed(fn: object, *args: object) -> float:
    t = time.perf_counter()
    fn(*args)  # type: ignore[operator]
    return time.perf_counter() - t


PROBE_AT = 10_000  # events: the first measurement of the per-event costs while the store grows
PROBE_EVENTS = 500


def story_search_ms(conn: sqlite3.Connection, seed: int) -> tuple[float, float]:
    """(CPU ms, wall ms) per event of finding the story of stored events again (read only), over a sample."""
    ids = [int(r[0]) for r in conn.execute("SELECT id FROM events").fetchall()]
    sample = random.Random(seed).sample(ids, min(PROBE_EVENTS, len(ids)))
    facts = []
    for i in sample:
        (when_date,) = conn.execute("SELECT when_date FROM events WHERE id = ?", (i,)).fetchone()
        facts.append((stories.event_facts(conn, i), when_date))
    c, t = time.process_time(), time.perf_counter()
    for f, when_date in facts:
        stories.find_story(conn, f, when_date)
    n = max(1, len(facts))
    return 1000 * (time.process_time() - c) / n, 1000 * (time.perf_counter() - t) / n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--events", type=int, default=100_000, help="event records in the query store")
    # a thousand: with fewer, starting the analysis process and writing the last batch weigh on a run of a second
    ap.add_argument("--base", type=int, default=1000, help="generated documents analysed")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--db", type=Path, help="where to build the query store (default: a temporary file, removed)")
    ap.add_argument("--queries-only", action="store_true", help="only time the queries on an existing --db")
    args = ap.parse_args(argv)
    if args.queries_only:
        if not args.db or not args.db.exists():
            raise SystemExit("--queries-only needs an existing --db")
        return time_queries(args.db)

    tmp = Path(tempfile.mkdtemp(prefix="rasad-bench-store-"))
    try:
        return run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, tmp: Path) -> int:
    from rasad.pipeline import Pipeline

    pipeline = Pipeline.load()
    for d in inputs(WARMUP, args.seed + 1):
        pipeline.analyze(d)
    docs_in = inputs(args.base, args.seed)

    # 1. extract: analysis alone, in this process (measured before and after the ingests: the machine drifts)
    cpu: list[float] = []

    def extract() -> float:
        t, c = time.perf_counter(), time.process_time()
        for d in docs_in:
            pipeline.analyze(d)
        cpu.append(1000 * (time.process_time() - c) / len(docs_in))
        return len(docs_in) / (time.perf_counter() - t)

    first = extract()
    analysed = [pipeline.analyze(d) for d in docs_in]
    n_events = sum(len(d.events) for d in analysed)

    # 2. ingest: analysis + storage in one process (as `rasad ingest` by default), and with one analysis process
    # working ahead while this one writes; each on other generated documents than the rest
    rates = {}
    for processes, seed in ((0, args.seed + 2), (1, args.seed + 3)):
        conn = connect(tmp / f"ingest{processes}.db").conn
        stats = ingest_inputs(conn, inputs(args.base, seed), factory=lambda: pipeline.analyze, processes=processes)
        conn.close()
        rates[processes] = stats.added / stats.seconds
    extract_rate = (first + extract()) / 2

    # 3. the store alone
    conn = connect(tmp / "store.db").conn
    c = time.process_time()
    s3 = ingest_documents(conn, analysed)
    store_cpu = 1000 * (time.process_time() - c) / max(1, s3.added)
    conn.close()
    store_ms = 1000 * s3.seconds / max(1, s3.added)

    print(f"documents analysed    {len(docs_in)} ({n_events} events, {n_events / len(docs_in):.2f} per document)")
    print(f"extract               {extract_rate:.1f} documents/s (analysis only)")
    for processes, rate in rates.items():
        how = "analysis and store in one process" if processes == 0 else f"{processes} analysis process + writer"
        print(f"ingest                {rate:.1f} documents/s ({how}), {rate / extract_rate:.0%} of extract")
    print(f"store alone           {store_ms:.2f} ms/document ({1000 / store_ms:.0f} documents/s)")
    analysis_cpu = statistics.fmean(cpu)
    print(
        f"CPU time per document analysis {analysis_cpu:.2f} ms, store {store_cpu:.2f} ms: one process ingests at "
        f"{analysis_cpu / (analysis_cpu + store_cpu):.0%} of extract's rate when nothing else competes for the CPU"
    )

    # 4. a big store, then queries
    db = args.db or tmp / "big.db"
    if db.exists():
        raise SystemExit(f"{db} exists; give a new path")
    conn = connect(db).conn
    rng = random.Random(args.seed)
    with_events = [d for d in analysed if d.events]
    total = 0
    copies: list[Document] = []
    n = 0
    probes: list[tuple[int, float, float, float, float]] = []  # events, store CPU ms/event, wall, search CPU, wall

    def store(copies: list[Document]) -> None:
        c, t = time.process_time(), time.perf_counter()
        s = ingest_documents(conn, copies, batch_size=500)
        if (not probes and total >= PROBE_AT) or total >= args.events:  # the first chunk past 10,000, the last
            cpu, wall = 1000 * (time.process_time() - c) / s.events, 1000 * (time.perf_counter() - t) / s.events
            probes.append((total, cpu, wall, *story_search_ms(conn, args.seed)))

    t = time.perf_counter()
    while total < args.events:
        doc = with_events[n % len(with_events)]
        copies.append(copy_of(doc, n, rng))
        total += len(doc.events)
        n += 1
        if len(copies) >= 2000:
            store(copies)
            copies.clear()
    if copies:
        store(copies)
    build = time.perf_counter() - t
    conn.execute("ANALYZE")
    counts = {tb: conn.execute(f"SELECT count(*) FROM {tb}").fetchone()[0] for tb in ("documents", "events", "stories")}
    print(f"query store           {counts['documents']} documents, {counts['events']} events, {counts['stories']} "
          f"stories, built in {build:.0f} s ({counts['documents'] / build:.0f} documents/s); {db}")  # fmt: skip
    print("per event while it grew (CPU ms, wall ms in brackets; the story search on a sample of stored events):")
    for events, s_cpu, s_wall, q_cpu, q_wall in probes:
        print(f"  at {events:>7,} events: storing {s_cpu:.3f} ({s_wall:.3f}), story search {q_cpu:.3f} ({q_wall:.3f})")
    conn.close()
    return time_queries(db)


def time_queries(db: Path) -> int:
    conn = connect(db, create=False, migrate=False).conn

    def top(sql: str) -> str:
        return str(conn.execute(sql).fetchone()[0])

    dyad = top("SELECT dyad FROM events WHERE dyad LIKE '%-%' GROUP BY dyad ORDER BY count(*) DESC LIMIT 1")
    state = top("SELECT state FROM event_states GROUP BY state ORDER BY count(*) LIMIT 1 OFFSET 5")
    actor = top(
        "SELECT a.key FROM actors a JOIN entities e ON e.actor_id = a.id JOIN event_participants p "
        "ON p.entity_id = e.id WHERE a.type = 'PERSON' GROUP BY a.id ORDER BY count(*) DESC LIMIT 1"
    )
    topic = top("SELECT topic FROM event_topics GROUP BY topic ORDER BY count(*) DESC LIMIT 1")
    context = top("SELECT context FROM event_contexts GROUP BY context ORDER BY count(*) LIMIT 1")
    outlet = top("SELECT source FROM documents WHERE source IS NOT NULL GROUP BY source ORDER BY count(*) LIMIT 1")
    filters: dict[str, dict[str, object]] = {
        f"--dyad {dyad}": {"dyad": dyad},
        f"--state {state}": {"state": state},
        "--state IRN": {"state": "IRN"},
        f"--actor {actor}": {"actor": actor},
        "--type CONSULT": {"type": "CONSULT"},
        "--cameo 04": {"cameo": "04"},
        "--cameo 057": {"cameo": "057"},
        f"--topic {topic}": {"topic": topic},
        f"--context {context}": {"context": context},
        "--since 2020-01-01 --until 2020-12-31": {"since": "2020-01-01", "until": "2020-12-31"},
        "--lang fa": {"lang": "fa"},
        f"--outlet {outlet!r}": {"outlet": outlet},
        f"--dyad {dyad} --type CONSULT --since 2022": {"dyad": dyad, "type": "CONSULT", "since": "2022"},
        "--until 2017": {"until": "2017"},
        "--type ASSAULT --lang fa --until 2018": {"type": "ASSAULT", "lang": "fa", "until": "2018"},
    }
    conn.close()

    print(f"\nfiltered `rasad events` (page of {PAGE} + total count), median and worst of {REPEAT}:")
    worst_all = 0.0
    conn = connect(db, create=False, migrate=False).conn
    for label, kw in filters.items():
        f = query.make_filter(limit=PAGE, **kw)  # type: ignore[arg-type]
        times = []
        for _ in range(REPEAT):
            t = time.perf_counter()
            rows = query.events(conn, f)
            total_rows = query.count_events(conn, f)
            times.append(time.perf_counter() - t)
        worst_all = max(worst_all, max(times))
        print(f"  {label:48s} {1000 * statistics.median(times):7.1f} ms  (worst {1000 * max(times):6.1f})  "
              f"{len(rows)} of {total_rows}")  # fmt: skip
    conn.close()
    print(f"  worst of all: {1000 * worst_all:.1f} ms")

    cli = [sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); from rasad.cli import main; "
           "sys.argv[1:2] = []; main()", str(BENCH.parent / "src")]  # fmt: skip
    t = time.perf_counter()
    subprocess.run([*cli, "--help"], check=True, capture_output=True)
    startup = time.perf_counter() - t
    t = time.perf_counter()
    subprocess.run([*cli, "events", "--db", str(db), "--dyad", dyad, "--type", "CONSULT"], check=True,
                   capture_output=True)  # fmt: skip
    whole = time.perf_counter() - t
    print(f"\ncommand line: `rasad --help` {1000 * startup:.0f} ms; `rasad events --dyad {dyad} --type CONSULT` "
          f"{1000 * whole:.0f} ms (Python start-up and imports included)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
