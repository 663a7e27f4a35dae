"""Analysis in worker processes: one `Pipeline` per worker, results in input order.

The one process pool of rasad: `rasad ingest --workers N` (`rasad.store.ingest`) and `rasad extract
--workers N` / the Python API (`rasad.scale.pool`, which re-exports this module) both run on it, and
the Spark job reuses its factory and per-process analyser. It lives in `rasad.store`, the lowest layer
both may import, and itself needs only the pipeline.

Inputs are streamed: at most `workers * INFLIGHT_PER_WORKER` chunks are in flight, so a corpus of any
size runs in bounded memory, and the next chunk is queued as soon as the oldest is handed out, so the
workers never wait for the caller. A document whose analysis raises becomes a `Failed` with the reason;
a worker process that dies (killed, out of memory) stops the run with `BrokenProcessPool` rather than
hanging it, and workers whose parent was killed exit instead of lingering.

Results cross back as one bytes object per chunk, pickled by a pickler that rebuilds rasad's records by
their constructors: the default pickling of frozen dataclasses with slots goes through a Python-level
`__setstate__` per object, which made the parent, unpickling every document, the pool's bottleneck; named
tuples (the spans, some twenty a document) are rebuilt by `tuple.__new__` rather than their Python `__new__`.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import io
import itertools
import multiprocessing
import operator
import os
import pickle
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar

from rasad.records import Document, InputDoc

CHUNKSIZE = 16  # documents per task: large enough to hide inter-process overhead, small enough to balance
INFLIGHT_PER_WORKER = 4

Analyzer = Callable[[InputDoc], Document]
AnalyzerFactory = Callable[[], Analyzer]
# the pool runs any per-document function, not only rasad's analysis: `rasad extract` has its workers
# return each document's JSON line, so that the parent only writes
R = TypeVar("R")


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
    """The analyser of this process: built by the first task a Spark Python worker runs, then reused.

    A cache rather than a global: a worker process lives for many tasks and must load the resources once.
    """
    return factory()


@dataclass(frozen=True, slots=True)
class Failed:
    """A document whose analysis raised; `reason` is the exception as `Type: message`."""

    name: str
    reason: str


Outcome = Document | Failed


class AnalysisError(Exception):
    """Raised by `analyze_many` for a document whose analysis failed."""


def default_workers() -> int:
    """The cores this process may run on (the container's share, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def analyze_one(analyze: Callable[[InputDoc], R], inp: InputDoc) -> R | Failed:
    try:
        return analyze(inp)
    except Exception as e:  # one bad document must not stop a corpus: it is reported with its reason
        return Failed(inp.doc_id, f"{type(e).__name__}: {e}")


# --------------------------------------------------------------------------- results across processes


_TUPLE_NEW = tuple.__new__  # rebuilds a named tuple in C: its own __new__ is a Python function


@functools.cache
def _reducer(cls: type) -> Callable[[Any], tuple[Any, ...]] | None:
    """How a record of `cls` crosses: rebuilt from its field values by C-level calls where possible.

    A named tuple as `tuple.__new__(cls, values)`; a dataclass that its constructor rebuilds exactly as
    `cls(*values)`, the values read by one `attrgetter`; anything else (None) as pickle does by default.
    """
    if issubclass(cls, tuple) and isinstance(getattr(cls, "_fields", None), tuple) and cls.__dict__.get(
        "__slots__", None
    ) == ():
        return lambda obj: (_TUPLE_NEW, (cls, tuple(obj)))
    if not dataclasses.is_dataclass(cls):
        return None
    fields = dataclasses.fields(cls)
    if any(not f.init or f.kw_only for f in fields) or getattr(cls, "__post_init__", None) is not None:
        return None
    names = [f.name for f in fields]
    if len(names) > 1:
        values = operator.attrgetter(*names)
        return lambda obj: (cls, values(obj))
    return lambda obj: (cls, tuple([getattr(obj, n) for n in names]))


class _RecordPickler(pickle.Pickler):
    """Pickles rasad's records as (constructor, field values), rebuilt without Python-level `__setstate__`."""

    def reducer_override(self, obj: Any) -> Any:
        reduce = _reducer(type(obj))  # type: ignore[arg-type]  # classes are hashable
        return NotImplemented if reduce is None else reduce(obj)


def dumps(value: object) -> bytes:
    buf = io.BytesIO()
    _RecordPickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buf.getvalue()


def loads(data: bytes) -> Any:
    """Unpickles a chunk with the cycle collector paused: its few thousand new records hold no cycles, and
    collections started by their allocation only walk what the caller keeps (half the time, measured)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if enabled:
            gc.enable()


# --------------------------------------------------------------------------- worker processes

# The analyser of a worker process, built by its initializer. Never set in the parent process: a pool
# initializer has no other place to leave per-process state for the task function (and the factory,
# which may be a closure when the pool forks, need not be pickled with every task).
_WORKER: list[Callable[[InputDoc], Any]] = []


def _exit_with_parent(parent: int) -> None:
    # a worker whose parent was killed must not linger: nothing will ever collect its results
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)


def _init_worker(factory: Callable[[], Callable[[InputDoc], Any]], parent: int) -> None:
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    _WORKER.append(factory())  # at start, so that the first chunks do not all wait on loading at once


def _run_chunk(data: bytes) -> bytes:
    """A chunk of inputs in, its outcomes out, both pickled by `dumps` (the executor then only copies bytes)."""
    analyze = _WORKER[0]
    return dumps([analyze_one(analyze, inp) for inp in loads(data)])


def outcomes(
    inputs: Iterable[InputDoc],
    processes: int,
    factory: Callable[[], Callable[[InputDoc], R]],
    *,
    chunksize: int = CHUNKSIZE,
    start_method: str | None = None,
    ahead: int = 0,
) -> Generator[R | Failed, None, None]:
    """One `Document` (or `Failed`) per input, in input order: analysed in this process when `processes`
    is 0, else in that many worker processes (the factory runs once in each). Any factory of a
    per-document function may stand for rasad's (`PipelineFactory`): one result of it (or a `Failed`)
    per input.

    `start_method` is a multiprocessing start method ("fork", "forkserver", "spawn"); the platform's
    default when None. With "fork" the factory may be any callable; otherwise it must be picklable.
    `ahead`: documents to keep in flight at least (beyond `INFLIGHT_PER_WORKER` chunks a worker), for a
    caller that stops reading for a while (a writer committing a batch) without idling the workers.
    """
    it = iter(inputs)
    first = next(it, None)
    if first is None:
        return  # nothing to analyse: no resources loaded, no process started
    it = itertools.chain([first], it)
    if processes <= 0:
        analyze = factory()
        for inp in it:
            yield analyze_one(analyze, inp)
        return
    ctx = multiprocessing.get_context(start_method)
    pool = ProcessPoolExecutor(processes, mp_context=ctx, initializer=_init_worker, initargs=(factory, os.getpid()))
    pending: deque[Future[bytes]] = deque()
    inflight = max(processes * INFLIGHT_PER_WORKER, -(-ahead // chunksize))

    def submit() -> bool:
        chunk = list(islice(it, chunksize))
        if chunk:
            pending.append(pool.submit(_run_chunk, dumps(chunk)))
        return bool(chunk)

    try:
        more = True
        while more and len(pending) < inflight:
            more = submit()
        while pending:
            done: list[R | Failed] = loads(pending.popleft().result())
            if more:
                more = submit()
            yield from done
    finally:
        # also when the caller stops early: queued chunks are dropped, running ones finish
        pool.shutdown(wait=True, cancel_futures=True)
