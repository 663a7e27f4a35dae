"""Analysis on every core of one machine: a process pool with one `Pipeline` per worker, output in input order.

The pool itself is `rasad.store.workers` (shared with `rasad ingest --workers N`, which cannot import
this layer); this module is its interface for `rasad extract`, the Python API and the benchmarks, and
keeps the names it always had.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator

from rasad.records import Document, InputDoc
from rasad.store.workers import (
    CHUNKSIZE,
    INFLIGHT_PER_WORKER,
    AnalysisError,
    Analyzer,
    AnalyzerFactory,
    Failed,
    PipelineFactory,
    analyze_one,
    default_workers,
    outcomes,
    worker_analyzer,
)

__all__ = [
    "CHUNKSIZE",
    "INFLIGHT_PER_WORKER",
    "AnalysisError",
    "Analyzer",
    "AnalyzerFactory",
    "Failed",
    "PipelineFactory",
    "analyze_many",
    "analyze_one",
    "analyze_outcomes",
    "default_workers",
    "worker_analyzer",
]


def analyze_outcomes(
    inputs: Iterable[InputDoc],
    workers: int | None = None,
    *,
    lang: str | None = None,
    published: str | None = None,
    factory: AnalyzerFactory | None = None,
    chunksize: int = CHUNKSIZE,
    start_method: str | None = None,
) -> Generator[Document | Failed, None, None]:
    """One `Document` (or `Failed`) per input, in input order (a generator: `close` stops the workers).

    `workers` defaults to the number of cores; 1 analyses in this process. `factory` replaces rasad's
    pipeline (tests, other analysers); it must be picklable unless the pool forks. `start_method` is a
    multiprocessing start method ("fork", "forkserver", "spawn"); the platform's default when None.
    """
    make = factory if factory is not None else PipelineFactory(lang, published)
    n = default_workers() if workers is None else workers
    return outcomes(inputs, n if n > 1 else 0, make, chunksize=chunksize, start_method=start_method)


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
