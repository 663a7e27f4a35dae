"""`rasad extract` (files → JSON Lines of analysed documents) and `rasad demo` (the bundled samples)."""

from __future__ import annotations

import dataclasses
import functools
import io
import itertools
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import IO, TYPE_CHECKING

import click

from rasad.records import Document, InputDoc
from rasad.stages.ingest import Skipped, iter_inputs, iter_jsonl

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from rasad.pipeline import Pipeline

PROGRESS_AFTER = 20  # documents; a progress bar for fewer only flickers
SAMPLES_FILE = "samples.jsonl"


# --------------------------------------------------------------------------- analysis


@dataclass(frozen=True, slots=True)
class Outcome:
    """One analysed document as the parent process needs it: its JSON line and what the summary counts."""

    doc_id: str
    line: str | None  # None when the analysis failed
    lang: str = "und"
    warnings: int = 0
    error: str | None = None


def analyze_one(pipeline: Pipeline, doc: InputDoc, lang: str | None) -> Outcome:
    try:
        result = pipeline.analyze(doc, lang=lang)
    except Exception as e:  # a bug must not lose a long batch: report it per document and go on
        return Outcome(doc.doc_id, None, error=f"{type(e).__name__}: {e}")
    line = json.dumps(result.to_dict(), ensure_ascii=False)
    return Outcome(doc.doc_id, line, result.lang, len(result.warnings))


@dataclass(frozen=True, slots=True)
class _ExtractFactory:
    """What each worker of the pool (`rasad.scale.pool`) runs: the pipeline, returning the document's JSON
    line, so that the parent process only writes lines. Picklable for any start method."""

    lang: str | None = None

    def __call__(self) -> Callable[[InputDoc], Outcome]:
        from rasad.pipeline import Pipeline

        return functools.partial(analyze_one, Pipeline.load(), lang=self.lang)


def iter_outcomes(
    docs: Iterable[InputDoc], *, lang: str | None = None, workers: int = 1, pipeline: Pipeline | None = None
) -> Iterator[Outcome]:
    """Analyse documents in input order, in this process or in a pool of `workers` processes.

    An input of at most one chunk (`CHUNKSIZE` documents) is analysed in this process whatever `workers`
    says: a pool hands a chunk to one worker, so it could only add the workers' start.
    """
    if workers > 1:
        from rasad.scale.pool import CHUNKSIZE  # (the pool's modules load only when a pool may run)

        it = iter(docs)
        head = list(itertools.islice(it, CHUNKSIZE + 1))
        if len(head) <= CHUNKSIZE:
            workers = 1
        docs = itertools.chain(head, it)
    if workers <= 1:
        if pipeline is None:
            from rasad.pipeline import Pipeline

            pipeline = Pipeline.load()
        for doc in docs:
            yield analyze_one(pipeline, doc, lang)
        return
    from rasad.scale.pool import Failed, outcomes  # the one process pool of rasad (also `rasad ingest`)

    for out in outcomes(docs, workers, _ExtractFactory(lang)):
        # analyze_one catches what the analysis raises; a Failed is what escaped it (the JSON encoding)
        yield Outcome(out.name, None, error=out.reason) if isinstance(out, Failed) else out


# --------------------------------------------------------------------------- reporting


@dataclass(slots=True)
class RunStats:
    """Counts for the summary line; mutable, owned by one run."""

    documents: int = 0
    by_lang: Counter[str] = field(default_factory=Counter)
    warnings: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        langs = ", ".join(f"{k} {v}" for k, v in sorted(self.by_lang.items(), key=lambda kv: (-kv[1], kv[0])))
        rate = self.documents / self.seconds if self.seconds > 0 else 0.0
        parts = [
            f"rasad extract: {self.documents} documents" + (f" ({langs})" if langs else ""),
            f"{self.warnings} warnings",
            f"{self.skipped} skipped",
        ]
        if self.failed:
            parts.append(f"{self.failed} failed")
        parts += [f"{self.seconds:.1f} s", f"{rate:.1f} documents/s"]
        return ", ".join(parts)


class _Reporter:
    """Lines on stderr, and a Rich progress bar once a TTY run passes PROGRESS_AFTER documents."""

    def __init__(self, *, show_progress: bool) -> None:
        self._show_progress = show_progress
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def line(self, text: str) -> None:
        if self._progress is not None:
            self._progress.console.print(text, markup=False, highlight=False, soft_wrap=True)
        else:
            click.echo(text, err=True)

    def advance(self, done: int) -> None:
        if not self._show_progress or done <= PROGRESS_AFTER:
            return
        if self._progress is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TimeElapsedColumn

            # total is unknown: inputs are streamed, so the bar counts rather than fills
            self._progress = Progress(
                SpinnerColumn(),
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("analysing", total=None)
        assert self._task is not None
        self._progress.update(self._task, completed=done)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def run_extract(
    inputs: Iterable[InputDoc | Skipped],
    out: IO[bytes],
    *,
    lang: str | None = None,
    published: str | None = None,
    workers: int = 1,
    show_progress: bool = False,
    pipeline: Pipeline | None = None,
) -> RunStats:
    """Analyse `inputs`, write one JSON object per document to `out`, report skips and failures on stderr."""
    stats = RunStats()
    reporter = _Reporter(show_progress=show_progress)
    start = time.perf_counter()

    def docs() -> Iterator[InputDoc]:
        for item in inputs:
            if isinstance(item, Skipped):
                stats.skipped += 1
                reporter.line(f"warning: skipped {item.name}: {item.reason}")
            elif published and not item.published:
                yield dataclasses.replace(item, published=published)
            else:
                yield item

    try:
        for outcome in iter_outcomes(docs(), lang=lang, workers=workers, pipeline=pipeline):
            if outcome.line is None:
                stats.failed += 1
                reporter.line(f"error: {outcome.doc_id}: analysis failed: {outcome.error}")
                continue
            out.write(outcome.line.encode("utf-8") + b"\n")
            stats.documents += 1
            stats.by_lang[outcome.lang] += 1
            stats.warnings += outcome.warnings
            reporter.advance(stats.documents)
    finally:
        reporter.close()
        out.flush()
    stats.seconds = time.perf_counter() - start
    return stats


def _parse_published(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from None


@click.command()
@click.argument(
    "paths",
    nargs=-1,
    required=True,
    # readable=False: an unreadable file is a skipped input with its reason, not a usage error
    type=click.Path(exists=True, readable=False, allow_dash=True),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    show_default=True,
    help="JSON Lines output file; - is stdout.",
)
@click.option(
    "--lang",
    type=click.Choice(["ar", "fa", "auto"]),
    default="auto",
    show_default=True,
    help="Force the language instead of detecting it.",
)
@click.option(
    "--published",
    callback=_parse_published,
    metavar="YYYY-MM-DD",
    help="Publication date for documents that do not carry one (resolves 'today', 'yesterday').",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes. Default: the cores this process may use; 1 analyses in this process, as does an "
    "input of 16 documents or fewer.",
)
def extract(paths: tuple[str, ...], output: str, lang: str, published: str | None, workers: int | None) -> None:
    """Analyse news articles and write one JSON object per document.

    PATH is a .txt, .html or .jsonl file, a directory (read recursively) or - for stdin.
    Exit status: 0 when every document was read, 1 when some were skipped or failed, 2 for usage errors.
    """
    if workers is None:
        from rasad.scale.pool import default_workers

        workers = default_workers()
    show = sys.stderr.isatty()
    if output == "-":
        try:
            stats = run_extract(
                iter_inputs(paths),
                sys.stdout.buffer,
                lang=None if lang == "auto" else lang,
                published=published,
                workers=workers,
                show_progress=show,
            )
        except BrokenPipeError:
            # the reader went away (| head): stop quietly, and keep Python from failing again at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
    else:
        try:
            fh = open(output, "wb")  # noqa: SIM115 - closed below; opened here to report a bad path as such
        except OSError as e:
            raise click.FileError(output, e.strerror or str(e)) from None
        with fh:
            stats = run_extract(
                iter_inputs(paths),
                fh,
                lang=None if lang == "auto" else lang,
                published=published,
                workers=workers,
                show_progress=show,
            )
    click.echo(stats.summary(), err=True)
    if stats.skipped or stats.failed:
        sys.exit(1)


# --------------------------------------------------------------------------- demo


def read_samples() -> list[InputDoc]:
    """The bundled sample articles (invented, see data/samples/README.md) with their metadata."""
    data = (resources.files("rasad") / "data" / "samples" / SAMPLES_FILE).read_bytes()
    docs: list[InputDoc] = []
    for item in iter_jsonl(io.BytesIO(data), SAMPLES_FILE):
        if isinstance(item, Skipped):
            raise RuntimeError(f"bundled sample is broken: {item.name}: {item.reason}")
        docs.append(item)
    return docs


def analyze_samples(pipeline: Pipeline | None = None) -> list[Document]:
    """Analyse the bundled samples; the building block of `rasad demo`."""
    if pipeline is None:
        from rasad.pipeline import Pipeline

        pipeline = Pipeline.load()
    return [pipeline.analyze(doc) for doc in read_samples()]


def write_jsonl(documents: Iterable[Document], path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for d in documents:
            f.write(json.dumps(d.to_dict(), ensure_ascii=False) + "\n")


def describe_event(doc: Document, index: int) -> str:
    """`TYPE (CAMEO) SOURCE → TARGET at LOCATION on DATE` for one event of `doc`."""
    names = {e.id: e.name for e in doc.entities}
    ev = doc.events[index]

    def who(ids: tuple[str, ...]) -> str:
        return ", ".join(names.get(i, i) for i in ids) or "?"

    text = f"{ev.type}" + (f" ({ev.cameo})" if ev.cameo else "") + f" {who(ev.source)}"
    if ev.target:
        text += f" → {who(ev.target)}"
    if ev.location:
        text += f" at {names.get(ev.location, ev.location)}"
    if ev.date is not None and (ev.date.start or ev.date.text):
        text += f" on {ev.date.start or ev.date.text}"
    if ev.historical:
        text += " (background)"
    return text


def print_summary(documents: Iterable[Document]) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console()
    for doc in documents:
        head = Text()
        head.append(doc.doc_id, style="bold")
        head.append(f"  [{doc.lang}]", style="cyan")
        if doc.title:
            head.append(f"  {doc.title}")
        console.print(head)
        by_type: dict[str, list[str]] = {}
        for ent in doc.entities:
            extra = ", ".join(x for x in (ent.role, ent.country if ent.type != "COUNTRY" else None) if x)
            by_type.setdefault(ent.type, []).append(ent.name + (f" ({extra})" if extra else ""))
        for etype in ("PERSON", "ORG", "COUNTRY", "PLACE"):
            if etype in by_type:
                line = Text("  ")
                line.append(f"{etype}: ", style="green")
                line.append("; ".join(by_type[etype]))
                console.print(line)
        for i in range(len(doc.events)):
            line = Text("  ")
            line.append("event ", style="magenta")
            line.append(describe_event(doc, i))
            console.print(line)
        if not doc.events:
            console.print(Text("  no events", style="dim"))
        console.print()


@click.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("demo-output.jsonl"),
    show_default=True,
    help="Where to write the JSON Lines of the analysed samples.",
)
def demo(out: Path) -> None:
    """Analyse the bundled sample articles (invented for demonstration) and show what rasad finds."""
    start = time.perf_counter()
    documents = analyze_samples()
    try:  # written before printing, so a closed pipe (| head) still leaves the file
        write_jsonl(documents, out)
    except OSError as e:
        raise click.FileError(str(out), e.strerror or str(e)) from None
    print_summary(documents)
    events = sum(len(d.events) for d in documents)
    click.echo(
        f"rasad demo: {len(documents)} documents, {events} events, {time.perf_counter() - start:.1f} s; wrote {out}",
        err=True,
    )
    # the corpus view: the samples stored, their stories and actors (rasad.cli.store)
    from rasad.cli.store import build_demo_db

    build_demo_db(documents, out.with_suffix(".db"))
