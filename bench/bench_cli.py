"""Wall time of the real `rasad events` command on a big store: process start to exit, warm page cache.

    python bench/bench_cli.py --db PATH [--runs 7] [--limit-ms 100] [--baseline SRC]

Each filtered query runs as its own `rasad` process (the console script beside this Python, else
`python -m rasad`), output to /dev/null, `--runs` times after one warm-up run; prints the best and the median
wall time of each and its median CPU time (user + system), the load average before and after (the machine is
shared: read the figures beside it), and exits 1 when some median is over `--limit-ms`. Filter values (the
busiest state, a dyad, a person, a topic, an outlet) are read from the store, so any store at the current
schema will do (bench/bench_store.py builds one of 100,000 events; any rasad command that writes to an older
store upgrades it: do that on a copy); it is only read.

Two columns: "cached" runs with Python's bytecode cache written to and read from a temporary directory
(PYTHONPYCACHEPREFIX), as an installed package runs; "as is" runs in this environment unchanged, which with
PYTHONDONTWRITEBYTECODE set and a source checkout compiles every rasad module on every run. The floor is
`python -c "import click"`: start-up no command line of rasad's can go below. `--baseline SRC` adds a column
for another rasad source tree (say `git archive OLD src | tar -x -C /tmp/old`, then `--baseline /tmp/old/src`),
run the same two ways with SRC first on PYTHONPATH, interleaved with the current one so that both see the
same load.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def rasad_command() -> list[str]:
    script = Path(sys.executable).with_name("rasad")
    if script.exists():
        return [str(script)]
    found = shutil.which("rasad")
    return [found] if found else [sys.executable, "-m", "rasad"]


def _one(conn: sqlite3.Connection, sql: str, default: str) -> str:
    row = conn.execute(sql).fetchone()
    return str(row[0]) if row and row[0] else default


def queries(db: str) -> dict[str, list[str]]:
    """Typical filters, with values the store holds (read with a read-only connection)."""
    conn = sqlite3.connect(Path(db).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        state = _one(conn, "SELECT state FROM event_states GROUP BY state ORDER BY count(*) DESC LIMIT 1", "IRN")
        dyad = _one(conn, "SELECT dyad FROM events WHERE dyad LIKE '___-___' GROUP BY dyad ORDER BY count(*) DESC "
                    "LIMIT 1", "IRN-TJK")  # fmt: skip
        topic = _one(conn, "SELECT topic FROM event_topics GROUP BY topic ORDER BY count(*) DESC LIMIT 1", "energy")
        outlet = _one(conn, "SELECT outlet FROM events WHERE outlet IS NOT NULL GROUP BY outlet "
                      "ORDER BY count(*) DESC LIMIT 1 OFFSET 1", "IRNA")  # fmt: skip
        person = _one(
            conn,
            "SELECT a.name FROM actors a JOIN entities en ON en.actor_id = a.id "
            "JOIN event_participants p ON p.entity_id = en.id WHERE a.type = 'PERSON' AND a.merged_into IS NULL "
            "GROUP BY a.id ORDER BY count(*) DESC LIMIT 1",
            "Abbas Araghchi",
        )
        year = _one(conn, "SELECT substr(max(when_date), 1, 4) - 3 FROM events", "2020")
    finally:
        conn.close()
    return {
        "(no filter)": [],
        f"--state {state}": ["--state", state],
        "--dyad IRN-TJK": ["--dyad", "IRN-TJK"],
        f"--dyad {dyad}": ["--dyad", dyad],
        "--type CONSULT": ["--type", "CONSULT"],
        "--cameo 04": ["--cameo", "04"],
        "--cameo 057": ["--cameo", "057"],
        f"--actor {person!r}": ["--actor", person],
        f"--since {year}-01 --until {year}-06": ["--since", f"{year}-01", "--until", f"{year}-06"],
        "--lang fa": ["--lang", "fa"],
        f"--outlet {outlet!r}": ["--outlet", outlet],
        f"--topic {topic}": ["--topic", topic],
        "--context terrorism": ["--context", "terrorism"],
        "--type ASSAULT --lang ar --since 2018": ["--type", "ASSAULT", "--lang", "ar", "--since", "2018"],
        f"--state {state} --format json": ["--state", state, "--format", "json"],
        f"--state {state} --format csv": ["--state", state, "--format", "csv"],
        f"--topic {topic} --format json": ["--topic", topic, "--format", "json"],
        "--type CONSULT --format csv": ["--type", "CONSULT", "--format", "csv"],
    }


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run, in seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False, env=env)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)}: exit {done.returncode}: {done.stderr.decode(errors='replace')}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(cmd: list[str], env: dict[str, str], runs: int) -> tuple[float, float, float]:
    """Best and median wall time and median CPU time, in ms, of `runs` runs after a warm-up."""
    timed(cmd, env)  # page cache, bytecode cache
    walls, cpus = zip(*(timed(cmd, env) for _ in range(runs)), strict=True)
    return 1000 * min(walls), 1000 * statistics.median(walls), 1000 * statistics.median(cpus)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="a store at the current schema (only read)")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--limit-ms", type=float, default=100.0, help="the most a median may take (cached column)")
    ap.add_argument("--baseline", metavar="SRC", help="another rasad source tree to time beside this one")
    args = ap.parse_args()
    base = [*rasad_command(), "events", "--db", args.db]
    as_is = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="rasad-pyc-") as pyc:
        cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = pyc
        load = os.getloadavg()
        print(f"{' '.join(base)} ...  ({args.runs} runs each after a warm-up; wall time, process start to exit)")
        print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        fb, fm, fc = measure([sys.executable, "-c", "import click"], cached, args.runs)
        print(f"floor (python -c 'import click', cached): wall best {fb:.1f} ms, median {fm:.1f} ms; cpu {fc:.1f} ms")
        old = dict(cached, PYTHONPATH=args.baseline) if args.baseline else None
        old_as_is = dict(as_is, PYTHONPATH=args.baseline) if args.baseline else None
        then = "   baseline cached: best median    cpu   baseline as is: best median" if old else ""
        print(f"  {'':44s} {'cached: wall best':>17s} {'median':>6s} {'cpu':>6s}   {'as is: wall best':>16s} "
              f"{'median':>6s} {'cpu':>6s}{then}  (ms)")  # fmt: skip
        over = []
        medians = []
        for label, extra in queries(args.db).items():
            cb, cm, cc = measure([*base, *extra], cached, args.runs)
            ab, am, ac = measure([*base, *extra], as_is, args.runs)
            then = ""
            if old and old_as_is:
                ob, om, oc = measure([*base, *extra], old, args.runs)
                xb, xm, _ = measure([*base, *extra], old_as_is, args.runs)
                then = f"   {ob:21.1f} {om:6.1f} {oc:6.1f}   {xb:20.1f} {xm:6.1f}"
            medians.append(cm)
            flag = "  OVER" if cm > args.limit_ms else ""
            print(f"  {label:44s} {cb:17.1f} {cm:6.1f} {cc:6.1f}   {ab:16.1f} {am:6.1f} {ac:6.1f}{then}{flag}")
            if flag:
                over.append(label)
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"worst cached median {max(medians):.1f} ms; {len(over)} of {len(medians)} over {args.limit_ms:.0f} ms")
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
