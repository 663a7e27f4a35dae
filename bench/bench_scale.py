"""Throughput at scale: one process, the process pool, Spark local[2], and ingest into SQLite.

    python bench/bench_scale.py [--single 2000] [--sizes 10000] [--full] [--repeat 2] [--rounds 5] [--no-spark]
                                [--out docs/performance.md]

Documents come from bench/generate.py (the bundled samples with states, names, numbers and paragraph
order varied, so that no text repeats). Measures, and prints as it goes:
- one process: documents/s of `Pipeline.analyze` after a warm-up, and peak memory (the maximum resident
  set of a fresh process that loads the pipeline and analyses the documents);
- the process pool (`rasad.scale.pool`) with 1 and 2 workers on the same documents: wall time, speed-up;
  at the first size in `--rounds N` alternating rounds (default `--repeat`), each of which also times a
  control (a pure-Python loop that shares nothing, alone and as two copies at once): the speed-up two
  cores of this machine give at all at that moment, against which the pool's is read;
- `rasad spark` in local[2] on the same documents written as JSON Lines: wall time of the whole job
  (read, analyse, stories, four Parquet tables) and its ratio to the pool's wall time;
- ingest of the first corpus, analysed again (not timed), into a SQLite store (`rasad.store.ingest`).
`--full` adds 100,000 documents (pool with 2 workers, and Spark); it takes long. Writes the machine,
the command and the figures to docs/performance.md; what was not run is marked so.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from statistics import median
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))  # bench/ is a folder of scripts, not a package

WARMUP = 20
FULL_SIZE = 100_000
# what the issue asks of this machine
TARGET_SINGLE = 200.0  # documents/s on one core
TARGET_SPEEDUP = 1.8  # with 2 workers
TARGET_SPARK_RATIO = 1.5  # Spark local[2] wall time over the pool's, at 100,000 documents


def write_corpus(path: Path, n: int, seed: int) -> None:
    from generate import generate

    with path.open("w", encoding="utf-8") as f:
        for d in generate(n, seed):
            f.write(json.dumps(d, ensure_ascii=False) + "\n")


def read_corpus(path: Path) -> Iterator[object]:
    from rasad.records import InputDoc

    with path.open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            yield InputDoc(d["id"], d["text"], d["title"], d["published"], d["source"], d["url"])


def single_process(path: Path, warmup_path: Path) -> tuple[float, float, float, int, float]:
    """(load seconds, documents/s, peak RSS in MB, documents, seconds to build the resources) in this
    (fresh) process. `Pipeline.load()` reads the build kept in the user's cache (made first if missing)."""
    from rasad.pipeline import Pipeline
    from rasad.resources import build_resources, load_resources

    load_resources()  # the kept build exists from here on
    t = time.perf_counter()
    build_resources()
    build = time.perf_counter() - t
    t = time.perf_counter()
    pipeline = Pipeline.load()
    load = time.perf_counter() - t
    for d in read_corpus(warmup_path):
        pipeline.analyze(d)  # type: ignore[arg-type]
    docs = list(read_corpus(path))
    t = time.perf_counter()
    for d in docs:
        pipeline.analyze(d)  # type: ignore[arg-type]
    rate = len(docs) / (time.perf_counter() - t)
    return load, rate, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, len(docs), build


@dataclass
class Results:
    started: str = ""
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    single: tuple[float, float, float, int, float] | None = None  # load s, docs/s, peak MB, n, build s
    # (n, workers) -> (wall s, events, CPU s)
    pool: dict[tuple[int, int], tuple[float, int, float]] = field(default_factory=dict)
    # alternating rounds at the first size: (1 worker wall s, 2 workers wall s, loop alone s, two loops s,
    # pipeline alone s, two pipelines s); the pipeline control's two are 0.0 when it measured nothing
    rounds: list[tuple[float, float, float, float, float, float]] = field(default_factory=list)
    spark_session: float | None = None
    spark: dict[int, dict[str, float]] = field(default_factory=dict)  # n -> report figures
    spark_steps: dict[int, dict[str, float]] = field(default_factory=dict)  # n -> seconds by step
    spark_first: dict[int, float] = field(default_factory=dict)  # n -> seconds of the session's first job
    ingest: tuple[int, float] | None = None  # documents, seconds
    notes: list[str] = field(default_factory=list)


def run_pool(path: Path, workers: int) -> tuple[float, int, float]:
    """(wall seconds, events, CPU seconds of this process and of the pool's worker processes)."""
    from rasad.scale.pool import analyze_many

    events = 0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    c = time.process_time()
    t = time.perf_counter()
    for doc in analyze_many(read_corpus(path), workers):  # type: ignore[arg-type]
        events += len(doc.events)  # documents are not kept: a growing heap would slow this process's GC
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers have been joined: their time is in
    cpu = time.process_time() - c + (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    return wall, events, cpu


CONTROL_LOOPS = 15_000_000  # about a second and a half of one core


def _control_loop(_: int = 0) -> float:
    """Wall seconds of a fixed pure-Python loop that shares nothing with any other process."""
    t = time.perf_counter()
    acc = 0
    table: dict[int, int] = {}
    for i in range(CONTROL_LOOPS):
        acc += i * i % 7
        table[i & 1023] = acc
    return time.perf_counter() - t


def run_control() -> tuple[float, float]:
    """(wall s of the loop alone, wall s of two copies at once in two processes)."""
    with ProcessPoolExecutor(2, mp_context=get_context("fork")) as ex:
        list(ex.map(_control_loop, range(2)))  # both processes started and warm
        alone = ex.submit(_control_loop).result()
        t = time.perf_counter()
        list(ex.map(_control_loop, range(2)))
        return alone, time.perf_counter() - t


_PIPELINE: list[Any] = []


def _load_pipeline() -> None:
    from rasad.pipeline import Pipeline

    _PIPELINE.append(Pipeline.load())


def _analyse_slice(path: str, start: int, stop: int) -> tuple[int, float, float]:
    """(pid, start, end) of analysing documents [start, stop) of the corpus, read before the clock starts."""
    docs = list(itertools.islice(read_corpus(Path(path)), start, stop))
    t = time.perf_counter()  # CLOCK_MONOTONIC: comparable between processes
    for d in docs:
        _PIPELINE[0].analyze(d)
    return os.getpid(), t, time.perf_counter()


def run_pipeline_control(path: Path, n: int) -> tuple[float, float] | None:
    """(wall s of one loaded pipeline analysing n documents, wall s of two loaded pipelines in two processes
    analysing half each at once): the speed-up two cores give this workload with no pool, no inter-process
    traffic and no start-up. None if both halves ran in one process (then it measured nothing)."""
    with ProcessPoolExecutor(2, mp_context=get_context("fork"), initializer=_load_pipeline) as ex:
        list(ex.map(_analyse_slice, [str(path)] * 2, [0, WARMUP], [WARMUP, 2 * WARMUP]))  # both loaded and warm
        _, t0, t1 = ex.submit(_analyse_slice, str(path), 0, n).result()
        halves = list(ex.map(_analyse_slice, [str(path)] * 2, [0, n // 2], [n // 2, n]))
    if halves[0][0] == halves[1][0]:
        return None
    return t1 - t0, max(h[2] for h in halves) - min(h[1] for h in halves)


def run_ingest(docs: list[object], tmp: Path) -> tuple[int, float]:
    from rasad.store.db import connect
    from rasad.store.ingest import ingest_documents

    conn = connect(tmp / "bench.db").conn
    try:
        stats = ingest_documents(conn, docs)  # type: ignore[arg-type]
    finally:
        conn.close()
    return stats.added, stats.seconds


def machine() -> dict[str, str]:
    cpu = "unknown"
    mem = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    java = "not found"
    if shutil.which("java"):
        out = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
        java = (out.stderr or out.stdout).splitlines()[0] if (out.stderr or out.stdout) else "unknown"
    try:
        import pyspark

        spark_version = pyspark.__version__
    except ImportError:
        spark_version = "not installed"
    return {
        "cores (nproc)": str(len(os.sched_getaffinity(0))),
        "CPU": cpu,
        "RAM": mem,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "Java": java,
        "PySpark": spark_version,
    }


def fmt_load(x: tuple[float, float, float]) -> str:
    return " / ".join(f"{v:.2f}" for v in x)


def report(r: Results, args: argparse.Namespace, sizes: list[int]) -> str:
    from rasad import __version__

    m = machine()
    lines = [
        "# Performance",
        "",
        "Generated by `bench/bench_scale.py`; do not edit by hand (run it again).",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in m.items()],
        f"| load average (1/5/15 min) at start | {fmt_load(r.load_before)} |",
        f"| load average at end | {fmt_load(r.load_after)} |",
        "",
        f"rasad {__version__}, run {r.started}. Command:",
        "",
        "```",
        "python " + " ".join(["bench/bench_scale.py", *sys.argv[1:]]),
        "```",
        "",
        "A load average above the number of cores means other processes shared the CPU during the run:",
        "the figures are then lower bounds.",
        "",
        "## One process (full pipeline)",
        "",
    ]
    if r.single:
        load, rate, peak, n, build = r.single
        ok = "meets" if rate >= TARGET_SINGLE else "does not meet"
        lines += [
            f"- `Pipeline.load()`: {load:.2f} s, reading the resources kept in the user's cache (building them from "
            f"the tables, which the first process after an install or upgrade does: {build:.2f} s)",
            f"- throughput: **{rate:.1f} documents/s** on {n:,} documents after {WARMUP} warm-up documents "
            f"({ok} the target of {TARGET_SINGLE:.0f}/s)",
            f"- peak memory (maximum resident set of the process): **{peak:.0f} MB**",
        ]
    else:
        lines.append("- not run")
    lines += ["", "## Process pool (`rasad.scale.pool`, the path of `--workers N`)", ""]
    lines += ["| documents | workers | wall time | documents/s | speed-up | CPU time | speed-up bound by CPU time |",
              "|---:|---:|---:|---:|---:|---:|---:|"]
    for n in sizes:
        base = r.pool.get((n, 1))
        for w in (1, 2):
            got = r.pool.get((n, w))
            if got is None:
                lines.append(f"| {n:,} | {w} | not run | | | | |")
                continue
            speed = f"{base[0] / got[0]:.2f}×" if base else "n/a"
            bound = f"{w * base[2] / got[2]:.2f}×" if base else "n/a"
            lines.append(f"| {n:,} | {w} | {got[0]:.1f} s | {n / got[0]:.1f} | {speed} | {got[2]:.1f} s | {bound} |")
    if (sizes[0], 1) in r.pool and (sizes[0], 2) in r.pool:
        sp = r.pool[(sizes[0], 1)][0] / r.pool[(sizes[0], 2)][0]
        ok = "meets" if sp >= TARGET_SPEEDUP else "does not meet"
        best = f"best of {len(r.rounds)} " if len(r.rounds) > 1 else ""
        lines += ["", f"Speed-up with 2 workers ({best}1 worker / {best}2 workers): **{sp:.2f}×** ({ok} the target "
                  f"of {TARGET_SPEEDUP}×)."]
    if r.rounds:
        lines += [
            "",
            f"The rounds at {sizes[0]:,} documents, in the order run. 1 and 2 workers alternate, and each round also "
            "times two controls, each alone and as two copies in two processes at once: a pure-Python loop that "
            f"touches little memory, and the pipeline itself on {args.single:,} documents (loaded and warm, half "
            "the documents each, no pool, nothing crossing between processes). Their speed-ups are what this "
            "machine's two cores gave such work at all in that round; no pool can do better than the second.",
            "",
            "| round | 1 worker | 2 workers | pool speed-up | loop: alone, two | loop speed-up "
            "| pipeline: alone, two | pipeline speed-up |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for k, (one, two, c1, c2, p1, p2) in enumerate(r.rounds, 1):
            pipe = f"{p1:.2f} s, {p2:.2f} s | {p1 / p2:.2f}×" if p2 else "not measured | "
            lines.append(f"| {k} | {one:.1f} s | {two:.1f} s | {one / two:.2f}× | {c1:.2f} s, {c2:.2f} s | "
                         f"{2 * c1 / c2:.2f}× | {pipe} |")
        pool_med = median(one / two for one, two, *_ in r.rounds)
        loop_med = median(2 * c1 / c2 for _, _, c1, c2, _, _ in r.rounds)
        pipes = [p1 / p2 for *_, p1, p2 in r.rounds if p2]
        lines += [
            "",
            f"Medians of the rounds: pool **{pool_med:.2f}×**, loop {loop_med:.2f}×"
            + (f", pipeline **{median(pipes):.2f}×**; the pool reached {pool_med / median(pipes):.0%} of what two "
               "pipelines sharing nothing reached." if pipes else "."),
        ]
    lines += [
        "",
        "Wall times include starting the workers and loading the pipeline in each. CPU time is this process's",
        "and the workers' together; the bound is the speed-up if every worker had a core of its own for the whole",
        "run (workers × CPU time with 1 worker / CPU time with them): about what a quiet machine gives. Other",
        "processes lower it less than the wall-time figure (they still slow each CPU second down a little).",
        "",
        "## Spark local[2] (`rasad spark`)",
        "",
    ]
    if r.spark_session is not None:
        lines.append(f"Starting the SparkSession (JVM): {r.spark_session:.1f} s, not counted below. The session's "
                     "first job includes starting the Python workers and loading the pipeline in each, as every pool "
                     "run does.")
        lines.append("")
    lines += [
        "| documents | Spark job wall time | documents/s | pool (2 workers) wall time | Spark / pool |",
        "|---:|---:|---:|---:|---:|",
    ]
    for n in sizes:
        s = r.spark.get(n)
        p = r.pool.get((n, 2))
        if s is None:
            lines.append(f"| {n:,} | not run | | {f'{p[0]:.1f} s' if p else 'not run'} | |")
            continue
        ratio = f"{s['seconds'] / p[0]:.2f}×" if p else "n/a"
        lines.append(f"| {n:,} | {s['seconds']:.1f} s | {n / s['seconds']:.1f} | "
                     f"{f'{p[0]:.1f} s' if p else 'not run'} | {ratio} |")
    if args.repeat > 1:
        firsts = ", ".join(f"{v:.1f} s at {n:,}" for n, v in r.spark_first.items())
        lines += [
            "",
            f"Best of {args.repeat} runs for Spark and for the pool at the other sizes (at {sizes[0]:,} documents "
            "the pool's figures are the best of the rounds above). Each pool run starts its worker processes "
            "afresh; Spark's later runs reuse the session's Python workers, whose pipeline is loaded already. "
            f"The session's first job took {firsts}.",
        ]
    for n, steps in r.spark_steps.items():
        lines += ["", f"Where the Spark job's time went at {n:,} documents (each step one Spark job):", ""]
        lines += [f"- {step}: {secs:.1f} s" for step, secs in steps.items()]
    full_ratio = None
    if FULL_SIZE in r.spark and (FULL_SIZE, 2) in r.pool:
        full_ratio = r.spark[FULL_SIZE]["seconds"] / r.pool[(FULL_SIZE, 2)][0]
    lines += [
        "",
        "The Spark job does more than the pool: it also removes duplicate texts, merges stories and writes four",
        "Parquet tables; the pool only analyses. "
        + (
            f"At {FULL_SIZE:,} documents Spark takes {full_ratio:.2f}× the pool's time "
            f"(target ≤ {TARGET_SPARK_RATIO}×)."
            if full_ratio is not None
            else f"The {FULL_SIZE:,}-document comparison (the target of ≤ {TARGET_SPARK_RATIO}×) was not run: "
            "give `--full`."
        ),
        "",
        "## Ingest into SQLite (`rasad.store.ingest`)",
        "",
    ]
    if r.ingest:
        n, secs = r.ingest
        lines.append(f"- {n:,} analysed documents stored (with actors and stories) in {secs:.1f} s: "
                     f"**{n / secs:.1f} documents/s**")
    else:
        lines.append("- not run")
    if r.notes:
        lines += ["", "## Notes", "", *[f"- {n}" for n in r.notes]]
    return "\n".join(lines) + "\n"


LOAD_BEGIN = "<!-- load:begin -->"
LOAD_END = "<!-- load:end -->"


def load_block(old: str) -> str | None:
    """The block another benchmark (the web interface's load test) keeps in the same file, markers included."""
    lines = old.splitlines()
    if LOAD_BEGIN not in lines:
        return None
    start = lines.index(LOAD_BEGIN)
    end = lines.index(LOAD_END, start) if LOAD_END in lines[start:] else None
    if end is None:
        return None  # an unterminated block is not ours to guess at; it is left out rather than half copied
    return "\n".join(lines[start : end + 1])


def with_load_block(report_text: str, old: str) -> str:
    """This run's report, with the load block of the previous file (if any) at its end, unchanged."""
    block = load_block(old)
    return report_text if block is None else f"{report_text}\n{block}\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark the pool, Spark local[2] and SQLite ingest.")
    ap.add_argument("--single", type=int, default=2000, help="documents for the one-process figure")
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000], help="corpus sizes for pool and Spark")
    ap.add_argument("--full", action="store_true", help=f"also {FULL_SIZE:,} documents (long)")
    ap.add_argument("--no-spark", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=1, help="runs of each pool and Spark measurement; the best is kept")
    ap.add_argument(
        "--rounds", type=int, default=None,
        help="alternating rounds of 1 and 2 workers (and the control) at the first size (default: --repeat)",
    )
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    ap.add_argument(
        "--corpora",
        type=Path,
        help="keep the generated corpora in this folder and reuse them on the next run (generating 100,000 "
        "documents takes minutes); by default they are made in a temporary folder and removed",
    )
    args = ap.parse_args(argv)
    sizes = sorted(set(args.sizes + ([FULL_SIZE] if args.full else [])))
    r = Results(started=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), load_before=os.getloadavg())
    tmp = Path(tempfile.mkdtemp(prefix="rasad-bench-"))
    try:
        corpora: dict[int, Path] = {}
        for n in {args.single, WARMUP, *sizes}:
            seed = args.seed if n != WARMUP else args.seed + 1
            corpora[n] = (args.corpora or tmp) / f"docs-{n}-seed{seed}.jsonl"
            if args.corpora is None or not corpora[n].exists():
                corpora[n].parent.mkdir(parents=True, exist_ok=True)
                partial = corpora[n].with_suffix(".partial")
                write_corpus(partial, n, seed)
                partial.replace(corpora[n])  # a corpus cut short by an interruption is never reused

        # a fresh process, so that its peak memory is the pipeline's and not this script's
        with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as ex:
            r.single = ex.submit(single_process, corpora[args.single], corpora[WARMUP]).result()
        load, rate, peak, n, build = r.single
        print(f"one process: load {load:.2f} s (build {build:.2f} s), {rate:.1f} documents/s on {n} documents, "
              f"peak {peak:.0f} MB", flush=True)

        for n in sizes:
            if n == sizes[0]:
                # 1 and 2 workers alternate (and swap order each round), so that a slow spell of the machine
                # falls on both; the control says what two cores gave at all in the same round
                by_w: dict[int, list[tuple[float, int, float]]] = {1: [], 2: []}
                for k in range(args.rounds or args.repeat):
                    for w in (1, 2) if k % 2 == 0 else (2, 1):
                        by_w[w].append(run_pool(corpora[n], w))
                        wall, events, cpu = by_w[w][-1]
                        print(f"pool: {n} documents, {w} worker(s): {wall:.1f} s, {n / wall:.1f} documents/s, "
                              f"{events} events, CPU {cpu:.1f} s, load {os.getloadavg()[0]:.2f}", flush=True)
                    alone, two = run_control()
                    p_alone, p_two = run_pipeline_control(corpora[args.single], args.single) or (0.0, 0.0)
                    r.rounds.append((by_w[1][-1][0], by_w[2][-1][0], alone, two, p_alone, p_two))
                    print(f"round {k + 1}: pool speed-up {by_w[1][-1][0] / by_w[2][-1][0]:.2f}x, loop control "
                          f"{2 * alone / two:.2f}x, pipeline control {p_alone / p_two if p_two else 0:.2f}x",
                          flush=True)
                for w in (1, 2):
                    r.pool[(n, w)] = min(by_w[w])
                continue
            if n == FULL_SIZE:
                r.notes.append(f"{FULL_SIZE:,} documents with 1 worker not run (the speed-up is measured "
                               f"at {sizes[0]:,}).")
            for w in (2,) if n == FULL_SIZE else (1, 2):
                secs, events, cpu = min(run_pool(corpora[n], w) for _ in range(args.repeat))
                r.pool[(n, w)] = (secs, events, cpu)
                print(f"pool: {n} documents, {w} worker(s): {secs:.1f} s, {n / secs:.1f} documents/s, "
                      f"{events} events, CPU {cpu:.1f} s, load {os.getloadavg()[0]:.2f}", flush=True)

        if args.no_spark:
            r.notes.append("Spark not run (--no-spark).")
        else:
            from rasad.scale.spark import run_job, session

            t = time.perf_counter()
            spark = session("local[2]", app="rasad-bench", conf={
                "spark.ui.enabled": "false", "spark.driver.memory": "4g", "spark.ui.showConsoleProgress": "false",
            })
            spark.sparkContext.setLogLevel("ERROR")
            r.spark_session = time.perf_counter() - t
            try:
                for n in sizes:
                    runs = [run_job(spark, [str(corpora[n])], str(tmp / f"spark-{n}-{k}")) for k in range(args.repeat)]
                    r.spark_first[n] = float(runs[0]["seconds"])
                    rep = min(runs, key=lambda x: float(x["seconds"]))
                    r.spark[n] = {"seconds": float(rep["seconds"]), "events": float(rep["events"]),
                                  "stories": float(rep["stories"])}
                    r.spark_steps[n] = dict(rep["seconds_by_step"])
                    print(f"spark local[2]: {n} documents in {rep['seconds']:.1f} s, "
                          f"{n / rep['seconds']:.1f} documents/s, {rep['events']} events, {rep['stories']} stories",
                          flush=True)
            finally:
                spark.stop()

        from rasad.scale.pool import analyze_many

        # spawned: this process has run a JVM gateway, whose threads a fork would copy mid-flight
        kept: list[object] = list(analyze_many(read_corpus(corpora[sizes[0]]), 2, start_method="spawn"))  # type: ignore[arg-type]
        added, secs = run_ingest(kept, tmp)
        r.ingest = (added, secs)
        print(f"ingest: {added} documents into SQLite in {secs:.1f} s, {added / secs:.1f} documents/s", flush=True)
        del kept
    finally:
        r.load_after = os.getloadavg()
        shutil.rmtree(tmp, ignore_errors=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        old = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        args.out.write_text(with_load_block(report(r, args, sizes), old), encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
