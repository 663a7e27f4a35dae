"""Throughput and memory of `Pipeline.analyze` in one process, on generated documents.

    python bench/bench_extract.py [--n 1000] [--stages foundation|entities|events|full] [--seed 0] [--words 500]
                                  [--repeat 1]

Prints the start-up time of `Pipeline.load()`, documents/s after a warm-up, per-document latency
percentiles, the mean article length in words, the CPU time per document (a steadier figure than the
wall clock when other processes share the machine), and peak memory: the process's maximum resident
set size (`ru_maxrss`) and the tracemalloc peak of Python allocations while loading and analysing a
slice of the documents (measured in a separate pass, as tracemalloc slows everything it watches).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

STAGES = {"foundation": "tokens", "entities": "entities", "events": "events", "full": None}
WARMUP = 20
TRACE_DOCS = 100


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark Pipeline.analyze on generated documents.")
    ap.add_argument("--n", type=int, default=1000, help="documents to analyse (default 1000)")
    ap.add_argument(
        "--stages",
        choices=sorted(STAGES),
        default="full",
        help="foundation = normalise + language + tokens; full = every stage",
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=1, help="passes over the documents; the best is reported")
    ap.add_argument(
        "--words",
        type=int,
        default=0,
        help="join consecutive generated documents of one language into articles of at least this many words",
    )
    args = ap.parse_args(argv)

    sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ is a folder of scripts, not a package
    from generate import articles

    from rasad.pipeline import Pipeline
    from rasad.records import InputDoc

    def docs(n: int, seed: int) -> list[InputDoc]:
        return [
            InputDoc(
                doc_id=str(a["id"]),
                text=str(a["text"]),
                title=a["title"],
                published=a["published"],
                source=a["source"],
                url=a["url"],
            )
            for a in articles(n, args.words, seed)
        ]

    until = STAGES[args.stages]
    t = time.perf_counter()
    pipeline = Pipeline.load(until=until)
    startup = time.perf_counter() - t

    # warm-up on other documents than the measured ones (another seed), so nothing measured is a repeat
    for d in docs(WARMUP, args.seed + 1):
        pipeline.analyze(d)

    batch = docs(args.n, args.seed)
    words = [len(d.text.split()) for d in batch]
    latencies: list[float] = []
    n_entities = n_events = n_warnings = 0
    # the best of `--repeat` passes over the same documents: on a shared machine the least disturbed pass is
    # the closest to the code's own cost (as timeit does); every pass is printed
    elapsed = cpu = float("inf")
    passes: list[float] = []
    for k in range(args.repeat):
        run_latencies: list[float] = []
        start, cpu0 = time.perf_counter(), time.process_time()
        for d in batch:
            t = time.perf_counter()
            out = pipeline.analyze(d)
            run_latencies.append(time.perf_counter() - t)
            if k == 0:
                n_entities += len(out.entities)
                n_events += len(out.events)
                n_warnings += len(out.warnings)
        run_elapsed, run_cpu = time.perf_counter() - start, time.process_time() - cpu0
        passes.append(1000 * run_cpu / len(batch))
        if run_cpu < cpu:
            elapsed, cpu, latencies = run_elapsed, run_cpu, run_latencies
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux

    tracemalloc.start()
    traced = Pipeline.load(until=until)
    for d in batch[:TRACE_DOCS]:
        traced.analyze(d)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    q = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else latencies * 99
    print(f"stages              {args.stages} (until={until})")
    print(f"Pipeline.load()     {startup:.2f} s")
    print(f"documents           {len(batch)} (mean {statistics.fmean(words):.0f} words)")
    if args.repeat > 1:
        shown = ", ".join(f"{x:.2f}" for x in passes)
        print(f"passes              {args.repeat}; CPU ms/document: {shown} (best kept)")
    print(f"throughput          {len(batch) / elapsed:.1f} documents/s ({elapsed:.2f} s)")
    per_doc = 1000 * cpu / len(batch)
    print(f"CPU time            {per_doc:.2f} ms/document ({1000 / per_doc:.0f} documents/s of CPU time)")
    mean_words = statistics.fmean(words)
    per_500 = per_doc * 500 / mean_words
    print(f"per 500 words       {per_500:.2f} ms of CPU time ({1000 / per_500:.0f} articles of 500 words/s)")
    p50, p95, worst = q[49] * 1000, q[94] * 1000, max(latencies) * 1000
    print(f"latency             p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms")
    print(f"output              {n_entities} entities, {n_events} events, {n_warnings} warnings")
    print(f"peak memory         ru_maxrss {maxrss_mb:.0f} MB")
    print(f"tracemalloc peak    {peak / 2**20:.1f} MB (load + {min(TRACE_DOCS, len(batch))} documents)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
