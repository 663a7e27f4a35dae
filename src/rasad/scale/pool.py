"""Analysis on every core of one machine: a process pool with one `Pipeline` per worker, output in input order.

Inputs are streamed: at most `workers * INFLIGHT_PER_WORKER` chunks are in flight, so a corpus of any
size runs in bounded memory, and the next chunks are queued while the oldest is handed out, so the
workers never wait for the caller. A document whose analysis raises becomes a `Failed` with the reason;
a worker process that dies (killed, out of memory) stops the run with `BrokenProcessPool` rather than
hanging it.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice

from rasad.records import Document, InputDoc

CHUNKSIZE = 16  # documents per task: large enough to hide inter-process overhead, small enough to balance
INFLIGHT_PER_WORKER = 4

Analyzer = Callable[[InputDoc], Document]
AnalyzerFactory = Callable[[], Analyzer]


@dataclass(frozen=True, slots=True)
class PipelineFactory:
    """Builds rasad's analysis in the process that calls it.

    Picklable (it crosses to pool and Spark workers instead of the loaded resources) and hashable,
    so that each process builds it once (`worker_analyzer`).
    """

    lang: str | None = None
    published: str | None = None

    def __call__(self) -> Analyzer:
        from rasad.pipeline import Pipeline

        return functools.partial(Pipeline.load().analyze, lang=self.lang, published=self.published)


@functools.cache
def worker_analyzer(factory: AnalyzerFactory) -> Analyzer:
    """The analyser of this process: built by the first task a pool or Spark Python worker runs, then reused.

    A cache rather than a global: a worker process lives for many tasks and must load the resources once.
    """
    return factory()


@dataclass(frozen=True, slots=True)
class Failed:
    """A document whose analysis raised; `reason` is the exception as `Type: message`."""

    name: str
    reason: str


class AnalysisError(Exception):
    """Raised by `analyze_many` for a document whose analysis failed."""


def default_workers() -> int:
    """The cores this process may run on (the container's share, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def analyze_one(analyze: Analyzer, inp: InputDoc) -> Document | Failed:
    try:
        return analyze(inp)
    except Exception as e:  # one bad document must not stop a corpus: it is reported with its reason
        return Failed(inp.doc_id, f"{type(e).__name__}: {e}")


def _run_chunk(factory: AnalyzerFactory, chunk: list[InputDoc]) -> list[Document | Failed]:
    analyze = worker_analyzer(factory)
    return [analyze_one(analyze, inp) for inp in chunk]


def _warm_up(factory: AnalyzerFactory) -> None:
    # load at worker start, so that the first chunks do not all wait on loading at once
    worker_analyzer(factory)


def analyze_outcomes(
    inputs: Iterable[InputDoc],
    workers: int | None = None,
    *,
    lang: str | None = None,
    published: str | None = None,
    factory: AnalyzerFactory | None = None,
    chunksize: int = CHUNKSIZE,
    start_method: str | None = None,
) -> Iterator[Document | Failed]:
    """One `Document` (or `Failed`) per input, in input order.

    `workers` defaults to the number of cores; 1 analyses in this process. `factory` replaces rasad's
    pipeline (tests, other analysers); it must be picklable. `start_method` is a multiprocessing start
    method ("fork", "forkserver", "spawn"); the platform's default when None.
    """
    make = factory if factory is not None else PipelineFactory(lang, published)
    n = default_workers() if workers is None else workers
    if n <= 1:
        analyze = make()
        for inp in inputs:
            yield analyze_one(analyze, inp)
        return
    it = iter(inputs)
    ctx = multiprocessing.get_context(start_method)
    pool = ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_warm_up, initargs=(make,))
    pending: deque[Future[list[Document | Failed]]] = deque()

    def submit() -> bool:
        chunk = list(islice(it, chunksize))
        if chunk:
            pending.append(pool.submit(_run_chunk, make, chunk))
        return bool(chunk)

    try:
        more = True
        while more and len(pending) < n * INFLIGHT_PER_WORKER:
            more = submit()
        while pending:
            done = pending.popleft().result()
            if more:
                more = submit()
            yield from done
    finally:
        # also when the caller stops early: queued chunks are dropped, running ones finish
        pool.shutdown(wait=True, cancel_futures=True)


def analyze_many(
    inputs: Iterable[InputDoc],
    workers: int | None = None,
    lang: str | None = None,
    published: str | None = None,
    *,
    factory: AnalyzerFactory | None = None,
    chunksize: int = CHUNKSIZE,
    start_method: str | None = None,
) -> Iterator[Document]:
    """Analysed documents in input order; raises `AnalysisError` at the first document whose analysis fails.

    Callers that must go on past failures (an ingest of a large corpus) use `analyze_outcomes`.
    """
    for out in analyze_outcomes(
        inputs, workers, lang=lang, published=published, factory=factory, chunksize=chunksize,
        start_method=start_method,
    ):
        if isinstance(out, Failed):
            raise AnalysisError(f"{out.name}: {out.reason}")
        yield out
