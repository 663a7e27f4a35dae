"""Throughput and memory of `Pipeline.analyze` in one process, on generated documents.

    python bench/bench_extract.py [--n 1000] [--stages foundation|entities|events|full] [--seed 0]

Prints the start-up time of `Pipeline.load()`, documents/s after a warm-up, per-document latency
percentiles, the mean article length in words, and peak memory: the process's maximum resident
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
    args = ap.parse_args(argv)

    sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ is a folder of scripts, not a package
    from generate import generate

    from rasad.pipeline import Pipeline
    from rasad.records import InputDoc

    def docs(n: int, seed: int) -> list[InputDoc]:
        return [
            InputDoc(
                doc_id=str(d["id"]),
                text=str(d["text"]),
                title=d["title"],
                published=d["published"],
                source=d["source"],
                url=d["url"],
            )
            for d in generate(n, seed)
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
    start = time.perf_counter()
    for d in batch:
        t = time.perf_counter()
        out = pipeline.analyze(d)
        latencies.append(time.perf_counter() - t)
        n_entities += len(out.entities)
        n_events += len(out.events)
        n_warnings += len(out.warnings)
    elapsed = time.perf_counter() - start
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
    print(f"throughput          {len(batch) / elapsed:.1f} documents/s ({elapsed:.2f} s)")
    p50, p95, worst = q[49] * 1000, q[94] * 1000, max(latencies) * 1000
    print(f"latency             p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms")
    print(f"output              {n_entities} entities, {n_events} events, {n_warnings} warnings")
    print(f"peak memory         ru_maxrss {maxrss_mb:.0f} MB")
    print(f"tracemalloc peak    {peak / 2**20:.1f} MB (load + {min(TRACE_DOCS, len(batch))} documents)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
