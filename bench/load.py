"""Load test of the web interface: many concurrent clients for a fixed time, on this machine only.

    python bench/load.py --db BIG.db [--clients 50] [--duration 60]    # starts `rasad serve` on a free port
    python bench/load.py --url http://127.0.0.1:8000 --db BIG.db          # a server already running

Each client is a thread with one keep-alive HTTP connection; it requests pages one after another, drawn
from a fixed mix of the interface's kinds of page (overview, event lists with filters, event, story,
document, actor, actor list, dyad, network, search in Arabic and in Persian), with ids sampled from the
database. Any answer other than 2xx or 3xx, and any exception (refused, reset, timed out), is an error.
Printed: requests, errors, requests/s and the latency percentiles overall and per kind of page; the
figures replace the block between `<!-- load:begin -->` and `<!-- load:end -->` in docs/performance.md
(appended when the file has none) unless `--no-write`.

Only loopback addresses are accepted: this script sends thousands of requests and must not be pointed at
another machine.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import os
import random
import shlex
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
BEGIN = "<!-- load:begin -->"
END = "<!-- load:end -->"
TIMEOUT = 30.0  # seconds a request may take before it counts as an error


# --------------------------------------------------------------------------- loopback only


def loopback_only(host: str) -> str:
    """`host` when every address it names is a loopback address; otherwise SystemExit."""
    name = host.strip("[]")
    try:
        infos = socket.getaddrinfo(name, None)
    except socket.gaierror as e:
        raise SystemExit(f"load: cannot resolve {host!r}: {e}") from None
    addresses = {str(info[4][0]).split("%")[0] for info in infos}
    if not addresses or not all(ipaddress.ip_address(a).is_loopback for a in addresses):
        raise SystemExit(f"load: {host!r} is not a loopback address ({', '.join(sorted(addresses))}); refusing")
    return name


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --------------------------------------------------------------------------- what to request


@dataclass(frozen=True, slots=True)
class Sample:
    """Ids drawn from the database, for URLs that name real things."""

    events: tuple[str, ...]
    stories: tuple[int, ...]
    documents: tuple[str, ...]
    actors: tuple[str, ...]
    dyads: tuple[str, ...]
    types: tuple[str, ...]
    topics: tuple[str, ...]
    words_ar: tuple[str, ...]
    words_fa: tuple[str, ...]
    last_page: int


def _words(conn: sqlite3.Connection, lang: str, n: int) -> tuple[str, ...]:
    """Words of at least three letters from titles in that language (what a reader would search for)."""
    found: list[str] = []
    for (title,) in conn.execute(
        "SELECT title FROM documents WHERE lang = ? AND title IS NOT NULL LIMIT 400", (lang,)
    ).fetchall():
        found += [w for w in str(title).split() if len(w) >= 3 and w.isalpha()]
    return tuple(sorted(set(found))[:n]) if found else ()


def sample(db: Path, rng: random.Random, n: int = 300) -> Sample:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:

        def col(sql: str, args: tuple[object, ...] = ()) -> list[object]:
            return [r[0] for r in conn.execute(sql, args)]

        max_event = int(conn.execute("SELECT max(id) FROM events").fetchone()[0] or 0)
        ids = sorted({rng.randint(1, max_event) for _ in range(n)}) if max_event else []
        marks = ",".join("?" * len(ids))
        events = col(f"SELECT uid FROM events WHERE id IN ({marks})", tuple(ids))
        stories = col(f"SELECT story_id FROM events WHERE id IN ({marks}) AND story_id IS NOT NULL", tuple(ids))
        documents = col(f"SELECT DISTINCT d.uid FROM events e JOIN documents d ON d.id = e.document_id "
                        f"WHERE e.id IN ({marks})", tuple(ids))  # fmt: skip
        actors = col("SELECT key FROM actors WHERE merged_into IS NULL ORDER BY random() LIMIT ?", (n,))
        dyads = col("SELECT dyad FROM events WHERE dyad LIKE '%-%' GROUP BY dyad ORDER BY count(*) DESC LIMIT 60")
        types = col("SELECT DISTINCT type FROM events")
        topics = col("SELECT DISTINCT topic FROM event_topics")
        n_events = int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
        out = Sample(
            events=tuple(str(x) for x in events),
            stories=tuple(int(str(x)) for x in stories),
            documents=tuple(str(x) for x in documents),
            actors=tuple(str(x) for x in actors),
            dyads=tuple(str(x) for x in dyads),
            types=tuple(str(x) for x in types),
            topics=tuple(str(x) for x in topics),
            words_ar=_words(conn, "ar", 60),
            words_fa=_words(conn, "fa", 60),
            last_page=max(1, n_events // 50),
        )
    finally:
        conn.close()
    empty = [f for f in ("events", "stories", "documents", "actors", "dyads", "types") if not getattr(out, f)]
    if empty:
        raise SystemExit(f"load: the database has no {', '.join(empty)} to request")
    return out


def _events_url(s: Sample, rng: random.Random) -> str:
    """The events table with one of the filters an analyst sets (or none)."""
    dyad = rng.choice(s.dyads)
    choices: list[dict[str, object]] = [
        {},
        {"dyad": dyad},
        {"type": rng.choice(s.types), "since": str(rng.randint(2015, 2024))},
        {"state": dyad.split("-")[0], "sort": "outlet", "dir": "asc"},
        {"page": rng.randint(1, s.last_page)},
        {"actor": rng.choice(s.actors)},
        {"language": rng.choice(("ar", "fa")), "sort": "type"},
    ]
    if s.topics:
        choices.append({"topic": rng.choice(s.topics), "news": "news"})
    params = rng.choice(choices)
    return "/events" + ("?" + urlencode(params) if params else "")


def _search_url(words: tuple[str, ...], fallback: tuple[str, ...], rng: random.Random) -> str:
    return "/search?" + urlencode({"q": rng.choice(words or fallback)})


# (kind, weight, URL maker): roughly what a session of reading looks like, lists and reading pages first
Mix = list[tuple[str, int, Callable[[Sample, random.Random], str]]]
MIX: Mix = [
    ("overview", 4, lambda s, r: "/"),
    ("events", 20, _events_url),
    ("event", 14, lambda s, r: f"/event/{r.choice(s.events)}"),
    ("story", 8, lambda s, r: f"/story/S{r.choice(s.stories)}"),
    ("document", 8, lambda s, r: f"/document/{r.choice(s.documents)}"),
    ("actor", 9, lambda s, r: "/actor/" + quote(r.choice(s.actors), safe=":")),
    ("actors", 3, lambda s, r: "/actors" + r.choice(("", "?type=PERSON", "?page=2", "?type=ORG"))),
    ("dyad", 8, lambda s, r: f"/dyad/{r.choice(s.dyads)}"),
    ("network", 5, lambda s, r: "/network" + r.choice(("", "?kind=actors", f"?type={r.choice(s.types)}"))),
    ("search ar", 6, lambda s, r: _search_url(s.words_ar, s.words_fa, r)),
    ("search fa", 6, lambda s, r: _search_url(s.words_fa, s.words_ar, r)),
]


# --------------------------------------------------------------------------- clients


@dataclass(slots=True)
class Results:
    """What the clients saw; each client appends to its own lists, merged after the run."""

    latencies: dict[str, list[float]] = field(default_factory=dict)  # kind -> seconds, successful or not
    errors: dict[str, int] = field(default_factory=dict)  # kind -> errors
    reasons: dict[str, int] = field(default_factory=dict)  # "HTTP 500 /events?..." or exception -> count
    reconnects: int = 0

    def merge(self, other: Results) -> None:
        for k, v in other.latencies.items():
            self.latencies.setdefault(k, []).extend(v)
        for k, n in other.errors.items():
            self.errors[k] = self.errors.get(k, 0) + n
        for k, n in other.reasons.items():
            self.reasons[k] = self.reasons.get(k, 0) + n
        self.reconnects += other.reconnects


def client(host: str, port: int, s: Sample, seed: int, deadline: float, out: Results) -> None:
    rng = random.Random(seed)
    kinds = [k for k, _, _ in MIX]
    weights = [w for _, w, _ in MIX]
    makers = {k: make for k, _, make in MIX}
    conn: http.client.HTTPConnection | None = None
    while time.monotonic() < deadline:
        kind = rng.choices(kinds, weights)[0]
        url = makers[kind](s, rng)
        t = time.perf_counter()
        status: int | None = None
        reason = ""
        for attempt in (1, 2):
            fresh = conn is None
            current = conn if conn is not None else http.client.HTTPConnection(host, port, timeout=TIMEOUT)
            conn = current
            try:
                current.request("GET", url, headers={"Host": f"{host}:{port}", "Accept-Language": "en"})
                response = current.getresponse()
                response.read()
                status = response.status
                if response.getheader("connection", "").lower() == "close":
                    current.close()
                    conn = None
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
                current.close()
                conn = None
                # a kept-alive connection the server closed while idle: HTTP clients retry such a GET once
                # on a new connection; a failure on a new connection is an error
                if fresh or attempt == 2:
                    reason = type(e).__name__
                    break
                out.reconnects += 1
            except (OSError, http.client.HTTPException) as e:
                current.close()
                conn = None
                reason = type(e).__name__
                break
        elapsed = time.perf_counter() - t
        out.latencies.setdefault(kind, []).append(elapsed)
        if status is None or not 200 <= status < 400:
            out.errors[kind] = out.errors.get(kind, 0) + 1
            why = f"HTTP {status} {url}" if status is not None else f"{reason} {url}"
            out.reasons[why] = out.reasons.get(why, 0) + 1
    if conn is not None:
        conn.close()


def run_load(host: str, port: int, s: Sample, *, clients: int, duration: float, seed: int) -> tuple[Results, float]:
    deadline = time.monotonic() + duration
    parts = [Results() for _ in range(clients)]
    threads = [
        threading.Thread(target=client, args=(host, port, s, seed + i, deadline, parts[i]), daemon=True)
        for i in range(clients)
    ]
    start = time.monotonic()
    for th in threads:
        th.start()
    for th in threads:
        th.join(duration + TIMEOUT + 30)
    elapsed = time.monotonic() - start
    total = Results()
    for p in parts:
        total.merge(p)
    return total, elapsed


# --------------------------------------------------------------------------- the server


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "rasad", "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_ready(host: str, port: int, proc: subprocess.Popen[bytes] | None, limit: float = 120.0) -> float:
    """Seconds until the server answers /palette.css (a page that reads nothing from the store)."""
    t = time.monotonic()
    while time.monotonic() - t < limit:
        if proc is not None and proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise SystemExit(f"load: the server exited with {proc.returncode}:\n{err}")
        try:
            conn = http.client.HTTPConnection(host, port, timeout=5)
            conn.request("GET", "/palette.css", headers={"Host": f"{host}:{port}"})
            ok = conn.getresponse().status == 200
            conn.close()
            if ok:
                return time.monotonic() - t
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"load: no answer from http://{host}:{port}/ within {limit:.0f} s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


# --------------------------------------------------------------------------- figures


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted values (0 for none)."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), -(-len(sorted_values) * p // 100)))
    return sorted_values[int(rank) - 1]


def table(r: Results, elapsed: float) -> list[str]:
    def row(label: str, values: list[float], errors: int) -> str:
        v = sorted(values)
        ms = [1000 * percentile(v, p) for p in (50, 95, 99)] + [1000 * (v[-1] if v else 0.0)]
        return (
            f"| {label} | {len(v):,} | {errors:,} | {len(v) / elapsed:,.1f} | "
            + " | ".join(f"{x:,.0f}" for x in ms)
            + " |"
        )

    every = [x for v in r.latencies.values() for x in v]
    lines = [
        "| page kind | requests | errors | requests/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        row("**all**", every, sum(r.errors.values())),
    ]
    for kind, _, _ in MIX:
        if kind in r.latencies:
            lines.append(row(kind, r.latencies[kind], r.errors.get(kind, 0)))
    return lines


def write_block(path: Path, block: str) -> None:
    """Replace the load block of `path` (or append one), leaving the rest of the file as it is."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    start, end = text.find(BEGIN), text.find(END)
    if start != -1 and end > start:
        text = text[:start] + block + text[end + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--db", type=Path, required=True, help="the store served (ids are sampled from it)")
    ap.add_argument("--url", help="a running `rasad serve` on a loopback address (default: start one)")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    ap.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md alone")
    args = ap.parse_args(argv)
    if not 1 <= args.clients <= 500:
        ap.error("--clients: 1 to 500")
    if not 1 <= args.duration <= 600:
        ap.error("--duration: 1 to 600 seconds")
    if not args.db.is_file():
        ap.error(f"--db {args.db}: no such file")

    proc: subprocess.Popen[bytes] | None = None
    if args.url:
        parts = urlsplit(args.url)
        if parts.scheme != "http" or not parts.hostname:
            ap.error("--url: http://HOST:PORT on a loopback address")
        host = loopback_only(parts.hostname)
        port = parts.port or 80
    else:
        host, port = "127.0.0.1", free_port()
        proc = start_server(args.db, port)
    try:
        ready = wait_ready(host, port, proc)
        s = sample(args.db, random.Random(args.seed))
        load_before = os.getloadavg()
        print(
            f"load: {args.clients} clients for {args.duration:.0f} s against http://{host}:{port}/ "
            f"(server {'started' if proc else 'given'}, answering after {ready:.1f} s); "
            f"load average {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}"
        )
        cpu_before = os.times()
        results, elapsed = run_load(host, port, s, clients=args.clients, duration=args.duration, seed=args.seed)
        cpu_after = os.times()
        load_after = os.getloadavg()
    finally:
        if proc is not None:
            stop_server(proc)
    # a server started here has been waited for: its CPU time is now among this process's children's
    reaped = os.times()
    server_cpu = (reaped.children_user + reaped.children_system) if proc is not None else None
    lines = table(results, elapsed)
    total = sum(len(v) for v in results.latencies.values())
    errors = sum(results.errors.values())
    client_cpu = (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system)
    print("\n".join(lines))
    print(
        f"\n{total:,} requests in {elapsed:.1f} s = {total / elapsed:,.1f} requests/s; {errors:,} errors; "
        f"{results.reconnects} kept-alive connections closed by the server and retried; "
        f"load average after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}; "
        f"the clients used {client_cpu:.1f} s of CPU"
    )
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    try:
        n_docs, n_events = conn.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM events)"
        ).fetchone()
    finally:
        conn.close()
    store = f"a store of {n_docs:,} documents and {n_events:,} events"
    served = ""
    if server_cpu is not None and total:
        served = (
            f"; the server used {server_cpu:.0f} s of CPU, its start and warm-up included "
            f"({1000 * server_cpu / total:.0f} ms a request)"
        )
        print(f"server CPU: {server_cpu:.1f} s in all, {1000 * server_cpu / total:.1f} ms a request")
    for why, n in sorted(results.reasons.items(), key=lambda kv: -kv[1])[:20]:
        print(f"  error x{n}: {why}")
    if not args.no_write:
        given = argv if argv is not None else sys.argv[1:]
        command = "python bench/load.py " + " ".join(shlex.quote(a) for a in given)
        when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        block = "\n".join(
            [
                BEGIN,
                "## Load on the web interface (`bench/load.py`)",
                "",
                f"`{command}` ({store}) on {when}: {args.clients} concurrent clients (threads, one keep-alive "
                f"connection each) for {args.duration:.0f} s against `rasad serve` on loopback, on the same "
                f"{os.cpu_count()}-core machine as the clients (which used {client_cpu:.0f} s of CPU "
                "themselves). Pages drawn from a fixed mix (lists, reading pages, search in Arabic and "
                "Persian) with ids sampled from the database; an error is any answer other than 2xx/3xx or "
                "any exception (30 s timeout).",
                "",
                f"- load average before: {load_before[0]:.2f} / {load_before[1]:.2f} / {load_before[2]:.2f}; "
                f"after: {load_after[0]:.2f} / {load_after[1]:.2f} / {load_after[2]:.2f} (1/5/15 min)",
                f"- {total:,} requests, **{errors:,} errors**, {total / elapsed:,.1f} requests/s{served}",
                f"- every client always waits for an answer, so the latencies are mostly queueing: {args.clients} "
                f"clients / {total / elapsed:,.1f} requests/s = {args.clients * elapsed / max(total, 1):.2f} s a "
                "request on average. The server is one `rasad serve` process (uvicorn, pages made in its thread "
                "pool): SQLite runs outside Python's interpreter lock, the rest of a page inside it, so one "
                "process uses about one core however many clients wait",
                "",
                *lines,
                END,
            ]
        )
        write_block(args.out, block)
        print(f"written to {args.out}")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
