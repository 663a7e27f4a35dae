"""Web interface benchmark: how long each page takes to render on a big store.

    python bench/bench_serve.py --db BIG.db [--repeat 7]

Build the store first with `python bench/bench_store.py --db BIG.db` (100,000 event records by default).
Every page is requested through the application in this process (routing, the read-only connection, the
queries, the template, the security middleware), on two fresh applications:

- "cold": the first request of each page on an application that has cached nothing and compiled only its
  templates (timed apart: the same whatever the store). This is what a visitor waits for when nothing was
  computed ahead: right after an ingest, before the watching thread has computed the aggregates again.
  "cpu" is this process's CPU time for it, all its threads (the machine may be shared: wall time then
  includes waiting for a core, and reading pages the system has dropped from its cache).
- "first", "median", "worst": an application started as `rasad serve` starts it (its start-up, run by the
  ASGI server before it accepts a connection, compiles the templates and computes the overview, the
  filter form's values, the first page of actors and the default networks; its duration is printed), then
  the first request of each page (wall and CPU time) and `--repeat` more (median and worst, wall time).

A page over the 300 ms budget in any column is marked; the exit status is 1 when a page's first request
after the start, its median or its worst is over it.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # bench/ is a folder of scripts

BUDGET_MS = 300.0


def pages(db: Path) -> list[tuple[str, str]]:
    """(label, URL) for every kind of page, on the busiest or most typical ids of this store."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)

    def one(sql: str) -> str:
        row = conn.execute(sql).fetchone()
        if row is None or row[0] is None:
            raise SystemExit(f"the store has nothing for: {sql}")
        return str(row[0])

    try:
        dyad = one("SELECT dyad FROM events WHERE dyad LIKE '%-%' GROUP BY dyad ORDER BY count(*) DESC LIMIT 1")
        state = one("SELECT state FROM event_states GROUP BY state ORDER BY count(*) DESC LIMIT 1")
        person = one(
            "SELECT a.key FROM actors a JOIN entities e ON e.actor_id = a.id JOIN event_participants p "
            "ON p.entity_id = e.id WHERE a.type = 'PERSON' GROUP BY a.id ORDER BY count(*) DESC LIMIT 1"
        )
        org = one("SELECT a.key FROM actors a JOIN entities e ON e.actor_id = a.id WHERE a.type = 'ORG' "
                  "GROUP BY a.id ORDER BY count(*) DESC LIMIT 1")  # fmt: skip
        story = one("SELECT story_id FROM events WHERE story_id IS NOT NULL GROUP BY story_id "
                    "ORDER BY count(*) DESC LIMIT 1")  # fmt: skip
        event = one(f"SELECT uid FROM events WHERE story_id = {int(story)} LIMIT 1")
        doc = one("SELECT d.uid FROM documents d JOIN events e ON e.document_id = d.id GROUP BY d.id "
                  "ORDER BY count(*) DESC LIMIT 1")  # fmt: skip
        word = one("SELECT title FROM documents WHERE title IS NOT NULL LIMIT 1").split()[0]
        name = one("SELECT n.name FROM actor_names n JOIN actors a ON a.id = n.actor_id WHERE a.type = 'PERSON' "
                   "AND n.script = 'Arab' LIMIT 1")  # fmt: skip
        n_events = int(one("SELECT count(*) FROM events"))
    finally:
        conn.close()
    last_page = max(1, n_events // 50)
    return [
        ("overview", "/"),
        ("events, no filter", "/events"),
        ("events, sorted by outlet", "/events?sort=outlet&dir=asc"),
        ("events, sorted by type", "/events?sort=type"),
        (f"events, last page ({last_page})", f"/events?page={last_page}"),
        (f"events, dyad {dyad}", f"/events?dyad={dyad}"),
        ("events, type CONSULT since 2020", "/events?type=CONSULT&since=2020"),
        (f"events, actor {person}", f"/events?actor={quote(person)}"),
        (f"events, text {word!r}", f"/events?text={quote(word)}"),
        ("events, topic + language", "/events?topic=terrorism&language=fa"),
        (f"event (story S{story})", f"/event/{event}"),
        (f"story S{story}", f"/story/{story}"),
        ("document", f"/document/{doc}"),
        ("actors", "/actors"),
        ("actors, name search", f"/actors?q={quote(name)}"),
        (f"actor {state} (state)", f"/actor/{state}"),
        ("actor (busiest person)", f"/actor/{quote(person, safe=':')}"),
        ("actor (busiest organisation)", f"/actor/{quote(org, safe=':')}"),
        (f"dyad {dyad}", f"/dyad/{dyad}"),
        ("network, states", "/network"),
        ("network, states, ASSAULT 2020", "/network?type=ASSAULT&since=2020&until=2020"),
        ("network, all actors", "/network?kind=actors"),
        (f"search {word!r}", f"/search?q={quote(word)}"),
        ("search, a name", f"/search?q={quote(name)}"),
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--db", type=Path, required=True, help="a big store (bench/bench_store.py --db PATH builds one)")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args(argv)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from rasad.serve.app import create_app

    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("documents", "events", "stories")}
    conn.close()
    print(f"store: {args.db}: {counts['documents']} documents, {counts['events']} events, {counts['stories']} stories")
    urls = pages(args.db)
    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)")

    cold_app = create_app(args.db)
    t = time.perf_counter()
    cold_app.state.site.compile_templates()
    print(f"templates compiled: {1000 * (time.perf_counter() - t):.0f} ms")
    cold: dict[str, tuple[float, float]] = {}
    cold_client = TestClient(cold_app, base_url="http://127.0.0.1")
    for label, url in urls:
        t = time.perf_counter()
        c = time.process_time()
        r = cold_client.get(url)
        cold[label] = (1000 * (time.perf_counter() - t), 1000 * (time.process_time() - c))
        if r.status_code != 200:
            raise SystemExit(f"{url}: HTTP {r.status_code}")

    app = create_app(args.db)
    t = time.perf_counter()
    c = time.process_time()
    with TestClient(app, base_url="http://127.0.0.1") as client:  # runs the start-up, as `rasad serve` does
        print(
            f"start-up (templates, overview, facets, actors, networks): {time.perf_counter() - t:.2f} s, "
            f"{time.process_time() - c:.2f} s of CPU"
        )
        print(
            f"\n{'page':46s} {'cold':>9s} {'cpu':>9s} {'first':>9s} {'cpu':>9s} {'median':>9s} {'worst':>9s} "
            f"{'size':>6s}"
        )
        over: list[str] = []
        cold_over: list[str] = []
        medians = []
        firsts = []
        for label, url in urls:
            t = time.perf_counter()
            c = time.process_time()
            r = client.get(url)
            first = 1000 * (time.perf_counter() - t)
            first_cpu = 1000 * (time.process_time() - c)
            firsts.append(first)
            if r.status_code != 200:
                raise SystemExit(f"{url}: HTTP {r.status_code}")
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                r = client.get(url)
                times.append(1000 * (time.perf_counter() - t))
            med = statistics.median(times)
            medians.append(med)
            cold_wall, cold_cpu = cold[label]
            flag = ""
            if max(first, med, max(times)) > BUDGET_MS:
                over.append(label)
                flag = "  OVER BUDGET"
            elif cold_wall > BUDGET_MS:
                cold_over.append(label)
                flag = "  (cold over budget)"
            print(
                f"{label[:46]:46s} {cold_wall:7.1f}ms {cold_cpu:7.1f}ms {first:7.1f}ms {first_cpu:7.1f}ms {med:7.1f}ms "
                f"{max(times):7.1f}ms {len(r.content) / 1024:4.0f}kB{flag}"
            )
    print(
        f"\nslowest first request after the start {max(firsts):.1f} ms, slowest median {max(medians):.1f} ms, "
        f"slowest cold request {max(w for w, _ in cold.values()):.1f} ms "
        f"(CPU {max(c for _, c in cold.values()):.1f} ms); "
        f"{len(over)} page(s) over the {BUDGET_MS:.0f} ms budget after the start"
        + (f": {', '.join(over)}" if over else "")
        + (f"; cold over it: {', '.join(cold_over)}" if cold_over else "")
    )
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
