"""The PySpark job behind `rasad spark`: the same analysis as `rasad ingest`, over a cluster.

Flow: every input (JSON Lines, Parquet tables with `id` and `text`, Common Crawl WARC files; local paths
or any Hadoop filesystem URI) becomes `(order key, InputDoc | Skipped)` records; HTML pages are turned
into text by the extractor `rasad extract` uses; records with the same text are kept once (the first in
input order, as the store keeps them); `mapPartitions` analyses each partition with the `Pipeline` of its
Python worker (loaded once per worker process); cross-document stories are merged per (type, states)
block by `rasad.scale.merge`; documents, entities, events and stories are written as Parquet tables
partitioned by language and month, with `run_report.json` beside them.

This module holds no language logic: it moves records between Spark and `rasad.pipeline`.
"""

from __future__ import annotations

import functools
import hashlib
import io
import itertools
import json
import operator
import os
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

from pyspark import RDD, StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from rasad.records import Document, InputDoc
from rasad.scale import rows, sources
from rasad.scale.merge import StoryEvent, merge_blocks, story_events, story_row
from rasad.scale.pool import AnalyzerFactory, Failed, PipelineFactory, analyze_one, worker_analyzer
from rasad.scale.warc import HtmlPage, iter_pages
from rasad.stages.ingest import Skipped

TABLES = ("documents", "entities", "events", "stories")
PARTITION_COLUMNS = ("lang", "month")
REPORT_FILE = "run_report.json"
MAX_REASONS = 50  # distinct skip/failure reasons listed in the report (all are counted)
MAX_EXAMPLES = 20
# each (lang, month) of a table is written by at most (partitions / this) tasks, hence as that many files
FILES_PER_VALUE_DIVISOR = 8

Item = InputDoc | Skipped | HtmlPage


class JobError(Exception):
    """The job cannot run as asked (bad input format, output already there); the message says why."""


# --------------------------------------------------------------------------- table schemas

_SPAN = T.StructType([T.StructField("text", T.StringType()), T.StructField("start", T.IntegerType()),
                      T.StructField("end", T.IntegerType())])
_STRINGS = T.ArrayType(T.StringType())
_PARTS = [T.StructField("lang", T.StringType(), False), T.StructField("month", T.StringType(), False)]


def _fields(*spec: tuple[str, T.DataType]) -> list[T.StructField]:
    return [T.StructField(name, dtype) for name, dtype in spec]


DOCUMENTS = T.StructType(
    [T.StructField("uid", T.StringType(), False), *_fields(("doc_id", T.StringType())), *_PARTS, *_fields(
        ("title", T.StringType()), ("published", T.StringType()), ("source", T.StringType()),
        ("url", T.StringType()), ("text", T.StringType()), ("text_sha256", T.StringType()), ("warnings", _STRINGS),
        ("entities", T.IntegerType()), ("events", T.IntegerType()), ("duplicates", T.IntegerType()),
        ("src_arg", T.IntegerType()), ("src_file", T.StringType()), ("src_block", T.LongType()),
        ("src_row", T.LongType()),
    )]
)
ENTITIES = T.StructType(
    [*_fields(("doc_uid", T.StringType())), *_PARTS, *_fields(
        ("position", T.IntegerType()), ("entity_id", T.StringType()), ("type", T.StringType()),
        ("key", T.StringType()), ("name", T.StringType()), ("native", T.StringType()), ("country", T.StringType()),
        ("role", T.StringType()), ("role_key", T.StringType()), ("kb_id", T.StringType()),
        ("sector", T.StringType()), ("mentions", T.ArrayType(_SPAN)),
    )]
)
_DATE = T.StructType(_fields(("start", T.StringType()), ("end", T.StringType()), ("text", T.StringType()),
                             ("weekday", T.StringType()), ("calendar", T.StringType())))
EVENTS = T.StructType(
    [*_fields(("event_uid", T.StringType()), ("doc_uid", T.StringType())), *_PARTS, *_fields(
        ("position", T.IntegerType()), ("event_id", T.StringType()), ("type", T.StringType()),
        ("mode", T.StringType()), ("cameo", T.StringType()), ("source", _STRINGS), ("target", _STRINGS),
        ("dyad", _STRINGS), ("location", T.StringType()), ("date", _DATE), ("topics", _STRINGS),
        ("context", _STRINGS), ("historical", T.BooleanType()), ("confidence", T.DoubleType()),
        ("evidence", _SPAN), ("trigger", _SPAN),
    )]
)
STORIES = T.StructType(
    [*_fields(("story_id", T.StringType())), *_PARTS, *_fields(
        ("type", T.StringType()), ("dyad", _STRINGS), ("reports", T.IntegerType()), ("documents", T.IntegerType()),
        ("first_date", T.StringType()), ("last_date", T.StringType()), ("event_uids", _STRINGS),
    )]
)
# one row per document with its entity and event rows nested: converted from Python once, then cached,
# so that the three document-level tables are written by the JVM alone
ANALYSED = T.StructType(
    [*DOCUMENTS.fields, T.StructField("entity_rows", T.ArrayType(ENTITIES)),
     T.StructField("event_rows", T.ArrayType(EVENTS))]
)
_ASSIGNMENTS = T.StructType(_fields(("event_uid", T.StringType()), ("story_id", T.StringType())))


def _to_row(schema: T.DataType, value: Any) -> Any:
    """A row dict (nested dicts and lists) as the tuples Spark expects for `schema`."""
    if value is None:
        return None
    if isinstance(schema, T.StructType):
        return tuple(_to_row(f.dataType, value.get(f.name)) for f in schema.fields)
    if isinstance(schema, T.ArrayType):
        return [_to_row(schema.elementType, v) for v in value]
    return value


# --------------------------------------------------------------------------- reading inputs


def _jsonl_partition(arg: int, records: Iterable[Any]) -> Iterator[tuple[rows.OrderKey, Item]]:
    # rows of one file block are contiguous and in file order within a partition
    for (file, block), group in itertools.groupby(records, key=lambda r: (r.file, r.block)):
        lines = (r.value for r in group)
        for k, item in enumerate(sources.jsonl_block(lines, sources.block_name(file, block))):
            yield (arg, file, block, k), item


def _table_partition(arg: int, records: Iterable[Any]) -> Iterator[tuple[rows.OrderKey, Item]]:
    for (file, block), group in itertools.groupby(records, key=lambda r: (r.file, r.block)):
        name = sources.block_name(file, block)
        for k, r in enumerate(group):
            yield (arg, file, block, k), sources.table_record(r.asDict(recursive=True), f"{name}:{k + 1}")


def _warc_file(arg: int, pair: tuple[str, bytes]) -> Iterator[tuple[rows.OrderKey, Item]]:
    path, data = pair
    for k, item in enumerate(iter_pages(io.BytesIO(data), sources.file_name(path))):
        yield (arg, path, 0, k), item


def _extract(kv: tuple[rows.OrderKey, Item]) -> tuple[rows.OrderKey, InputDoc | Skipped]:
    key, item = kv
    if not isinstance(item, HtmlPage):
        return key, item
    try:
        return key, sources.page_input(item)
    except Exception as e:  # the extractor failing on one page must not stop the run
        return key, Skipped(item.doc_id, f"HTML extraction failed: {type(e).__name__}: {e}")


def _with_position(df: DataFrame) -> DataFrame:
    return df.withColumn("file", F.col("_metadata.file_path")).withColumn("block", F.col("_metadata.file_block_start"))


def read_inputs(
    spark: SparkSession, inputs: Sequence[str], fmt: str = "auto", partitions: int | None = None
) -> RDD[tuple[rows.OrderKey, InputDoc | Skipped]]:
    """Every input record with its order key; WARC pages spread over `partitions` before extraction."""
    sc = spark.sparkContext
    parts: list[RDD[tuple[rows.OrderKey, Item]]] = []
    for arg, path in enumerate(inputs):
        kind = sources.input_format(path) if fmt == "auto" else fmt
        if kind is None:
            raise JobError(f"{path}: cannot tell the input format from the name; give --format jsonl|parquet|warc")
        if kind == "jsonl":
            df = _with_position(spark.read.text(path)).select("value", "file", "block")
            parts.append(df.rdd.mapPartitions(functools.partial(_jsonl_partition, arg)))
        elif kind == "parquet":
            df = spark.read.parquet(path)
            if "text" not in df.columns:
                raise JobError(f"{path}: an input table needs a 'text' column (it has {', '.join(df.columns)})")
            cols = [c for c in ("id", "text", *sources.METADATA_FIELDS, "metadata") if c in df.columns]
            df = _with_position(df).select(*cols, "file", "block")
            parts.append(df.rdd.mapPartitions(functools.partial(_table_partition, arg)))
        elif kind == "warc":
            pages = sc.binaryFiles(path).flatMap(functools.partial(_warc_file, arg))
            # one WARC file holds thousands of pages: spread them before the costly extraction
            parts.append(pages.repartition(partitions or sc.defaultParallelism))
        else:
            raise JobError(f"unknown input format {kind!r} (one of {', '.join(sources.FORMATS)})")
    if not parts:
        raise JobError("no input given")
    return sc.union(parts).map(_extract)


# --------------------------------------------------------------------------- analysis


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one input record."""

    status: str  # "ok" | "skipped" | "failed"
    key: rows.OrderKey
    name: str
    reason: str | None = None
    doc: Document | None = None
    duplicates: int = 0  # further records with the same text, dropped


def _text_key(kv: tuple[rows.OrderKey, InputDoc]) -> tuple[str, tuple[rows.OrderKey, InputDoc, int]]:
    key, doc = kv
    return hashlib.sha256(doc.text.encode("utf-8", "surrogatepass")).hexdigest(), (key, doc, 1)


def _first(
    a: tuple[rows.OrderKey, InputDoc, int], b: tuple[rows.OrderKey, InputDoc, int]
) -> tuple[rows.OrderKey, InputDoc, int]:
    first = a if a[0] <= b[0] else b
    return first[0], first[1], a[2] + b[2]


def _analyze_partition(
    factory: AnalyzerFactory, items: Iterable[tuple[str, tuple[rows.OrderKey, InputDoc, int]]]
) -> Iterator[Outcome]:
    analyze = None
    for _, (key, inp, copies) in items:
        if analyze is None:
            analyze = worker_analyzer(factory)  # once per Python worker process, not per partition
        res = analyze_one(analyze, inp)
        if isinstance(res, Failed):
            yield Outcome("failed", key, res.name, res.reason, duplicates=copies - 1)
        else:
            yield Outcome("ok", key, inp.doc_id, doc=res, duplicates=copies - 1)


def _doc(o: Outcome) -> Document:
    assert o.doc is not None, "only analysed outcomes carry a document"
    return o.doc


def _analysed_row(o: Outcome) -> Any:
    doc = _doc(o)
    row = rows.document_row(doc, o.key, o.duplicates)
    row["entity_rows"] = rows.entity_rows(doc)
    row["event_rows"] = rows.event_rows(doc)
    return _to_row(ANALYSED, row)


def _for_writing(df: DataFrame, key: str, files_per_value: int) -> DataFrame:
    """Rows of one (lang, month) in a few tasks, so that each value is written as a few files, not one per task."""
    if files_per_value <= 1:
        return df.repartition(*PARTITION_COLUMNS)
    salt = F.pmod(F.xxhash64(key), F.lit(files_per_value))
    return df.repartition(*[F.col(c) for c in PARTITION_COLUMNS], salt)


def _skipped(kv: tuple[rows.OrderKey, InputDoc | Skipped]) -> Outcome:
    key, item = kv
    assert isinstance(item, Skipped)
    return Outcome("skipped", key, item.name, item.reason)


def analyse(
    items: RDD[tuple[rows.OrderKey, InputDoc | Skipped]], factory: AnalyzerFactory, partitions: int
) -> RDD[Outcome]:
    """One `Outcome` per distinct text and per skipped record."""
    docs: RDD[tuple[rows.OrderKey, InputDoc]] = items.filter(lambda kv: isinstance(kv[1], InputDoc))  # type: ignore[assignment]
    # keeping the first of equal texts also spreads the documents evenly over `partitions`
    unique = docs.map(_text_key).reduceByKey(_first, numPartitions=partitions)
    analysed = unique.mapPartitions(functools.partial(_analyze_partition, factory))
    skipped = items.filter(lambda kv: isinstance(kv[1], Skipped)).map(_skipped)
    return analysed.union(skipped)


# --------------------------------------------------------------------------- stories


def _merge_group(group: tuple[tuple[str, str], Iterable[StoryEvent]]) -> Iterator[tuple[str, Any]]:
    for story in merge_blocks(group[1]):
        row = story_row(story)
        yield "story", row
        for ev in story:
            yield "assign", (ev.uid, row["story_id"])


# --------------------------------------------------------------------------- the job


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts over outcomes, summed over partitions in one pass for the run report."""

    ok: int = 0
    skipped: int = 0
    failed: int = 0
    duplicates: int = 0
    entities: int = 0
    events: int = 0
    reasons: tuple[tuple[tuple[str, str], int], ...] = ()  # ((status, reason), count)
    examples: tuple[Outcome, ...] = ()  # the first problems in input order

    def __add__(self, o: Summary) -> Summary:
        reasons = dict(self.reasons)
        for k, n in o.reasons:
            reasons[k] = reasons.get(k, 0) + n
        examples = tuple(sorted((*self.examples, *o.examples), key=lambda x: x.key)[:MAX_EXAMPLES])
        return Summary(self.ok + o.ok, self.skipped + o.skipped, self.failed + o.failed,
                       self.duplicates + o.duplicates, self.entities + o.entities, self.events + o.events,
                       tuple(reasons.items()), examples)

    def reasons_for(self, status: str) -> list[dict[str, Any]]:
        counted = sorted(((r, n) for (st, r), n in self.reasons if st == status), key=lambda rn: (-rn[1], rn[0]))
        return [{"reason": r, "count": n} for r, n in counted[:MAX_REASONS]]


def _summarise(outcomes: Iterable[Outcome]) -> Iterator[Summary]:
    counts = {"ok": 0, "skipped": 0, "failed": 0}
    duplicates = entities = events = 0
    reasons: dict[tuple[str, str], int] = {}
    problems: list[Outcome] = []
    for o in outcomes:
        counts[o.status] += 1
        duplicates += o.duplicates
        if o.doc is not None:
            entities += len(o.doc.entities)
            events += len(o.doc.events)
        if o.status != "ok":
            k = (o.status, o.reason or "")
            reasons[k] = reasons.get(k, 0) + 1
            problems.append(o)
    problems.sort(key=lambda x: x.key)
    yield Summary(counts["ok"], counts["skipped"], counts["failed"], duplicates, entities, events,
                  tuple(reasons.items()), tuple(problems[:MAX_EXAMPLES]))


def _story_counts(item: tuple[str, Any]) -> tuple[int, int]:
    if item[0] != "story":
        return (0, 0)
    return (1, int(item[1]["reports"] > 1))


def _hadoop_path(spark: SparkSession, uri: str) -> tuple[Any, Any]:
    sc = spark.sparkContext
    path = sc._jvm.org.apache.hadoop.fs.Path(uri)  # type: ignore[union-attr]
    return path, path.getFileSystem(sc._jsc.hadoopConfiguration())


def _local_path(uri: str) -> str | None:
    if uri.startswith("file:"):
        return urlparse(uri).path
    return None if "://" in uri else uri


def _write_text(spark: SparkSession, uri: str, text: str) -> None:
    """A small file on the output's filesystem, written by the driver."""
    local = _local_path(uri)
    if local is not None:  # directly, without the checksum file Hadoop's local filesystem adds
        with open(local, "w", encoding="utf-8") as f:
            f.write(text)
        return
    path, fs = _hadoop_path(spark, uri)
    out = fs.create(path, True)
    try:
        out.write(bytearray(text.encode("utf-8")))
    finally:
        out.close()


def _check_output(spark: SparkSession, output: str, overwrite: bool) -> None:
    if overwrite:
        return
    for name in (*TABLES, REPORT_FILE):
        path, fs = _hadoop_path(spark, f"{output}/{name}")
        if fs.exists(path):
            raise JobError(f"{output}/{name} exists already; give another --output or --overwrite")


def _versions() -> tuple[str, str]:
    import rasad
    from rasad.resources import data_version

    return rasad.__version__, data_version()


def run_job(
    spark: SparkSession,
    inputs: Sequence[str],
    output: str,
    *,
    fmt: str = "auto",
    partitions: int | None = None,
    factory: AnalyzerFactory | None = None,
    overwrite: bool = False,
) -> dict[str, Any]:
    """Analyse `inputs`, write the four tables and the run report under `output`; returns the report."""
    t0 = time.perf_counter()
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    output = output.rstrip("/")
    sc = spark.sparkContext
    n_parts = partitions or max(2, sc.defaultParallelism * 2)
    _check_output(spark, output, overwrite)
    outcomes = analyse(read_inputs(spark, inputs, fmt, n_parts), factory or PipelineFactory(), n_parts)
    outcomes.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        ok: RDD[Outcome] = outcomes.filter(lambda o: o.status == "ok")
        analysed = spark.createDataFrame(ok.map(_analysed_row), ANALYSED, verifySchema=False)
        analysed = analysed.persist(StorageLevel.MEMORY_AND_DISK)
        merged = (
            ok.flatMap(lambda o: story_events(_doc(o), o.key))
            .keyBy(lambda e: e.block)
            .groupByKey(numPartitions=n_parts)
            .flatMap(_merge_group)
        )
        merged.persist(StorageLevel.MEMORY_AND_DISK)
        assigned = spark.createDataFrame(merged.filter(lambda x: x[0] == "assign").map(operator.itemgetter(1)),
                                         _ASSIGNMENTS, verifySchema=False)
        tables = {
            "documents": analysed.drop("entity_rows", "event_rows"),
            "entities": analysed.select(F.explode("entity_rows").alias("r")).select("r.*"),
            "events": analysed.select(F.explode("event_rows").alias("r")).select("r.*")
            .join(assigned, "event_uid", "left"),
            "stories": spark.createDataFrame(
                merged.filter(lambda x: x[0] == "story").map(lambda x: _to_row(STORIES, x[1])), STORIES,
                verifySchema=False,
            ),
        }
        mode = "overwrite" if overwrite else "errorifexists"
        files_per_value = max(1, n_parts // FILES_PER_VALUE_DIVISOR)
        for name in TABLES:
            df = _for_writing(tables[name], tables[name].columns[0], files_per_value)
            df.write.mode(mode).partitionBy(*PARTITION_COLUMNS).parquet(f"{output}/{name}")
        summary = outcomes.mapPartitions(_summarise).fold(Summary(), operator.add)
        n_stories, several = merged.map(_story_counts).fold((0, 0), lambda a, b: (a[0] + b[0], a[1] + b[1]))
        versions = _versions()
        report: dict[str, Any] = {
            "rasad_version": versions[0],
            "data_version": versions[1],
            "inputs": list(inputs),
            "output": output,
            "master": sc.master,
            "partitions": n_parts,
            "started_at": started,
            "records_read": summary.ok + summary.duplicates + summary.skipped + summary.failed,
            "documents": summary.ok,
            "duplicates": summary.duplicates,
            "skipped": summary.skipped,
            "failed": summary.failed,
            "skipped_reasons": summary.reasons_for("skipped"),
            "failed_reasons": summary.reasons_for("failed"),
            "examples": [{"status": o.status, "name": o.name, "reason": o.reason} for o in summary.examples],
            "entities": summary.entities,
            "events": summary.events,
            "stories": n_stories,
            "stories_with_several_reports": several,
        }
        merged.unpersist()
        analysed.unpersist()
    finally:
        outcomes.unpersist()
    report["seconds"] = round(time.perf_counter() - t0, 3)
    _write_text(spark, f"{output}/{REPORT_FILE}", json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    return report


def session(master: str | None = None, *, app: str = "rasad", conf: Mapping[str, str] | None = None) -> SparkSession:
    """A SparkSession for the job; in local mode the Python workers run this interpreter (and its rasad)."""
    if master is None or master.startswith("local"):
        # workers otherwise start the `python3` on PATH, which may lack rasad; a cluster sets its own
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app).config("spark.sql.session.timeZone", "UTC")
    if master:
        builder = builder.master(master)
    for k, v in (conf or {}).items():
        builder = builder.config(k, v)
    return builder.getOrCreate()
