"""The PySpark job behind `rasad spark`: the same analysis as `rasad ingest`, over a cluster.

Flow: every input (JSON Lines, Parquet tables with `id` and `text`, Common Crawl WARC files; local paths
or any Hadoop filesystem URI) becomes one row per record with its input order (argument, file, block,
record); HTML pages are turned into text by the extractor `rasad extract` uses; records with the same
text are kept once (the first in input order, as the store keeps them); `mapInArrow` analyses each
partition with the `Pipeline` of its Python worker (loaded once per worker process) and hands back
Arrow batches of documents with their entities, events and story-matching records nested, which are
cached; cross-document stories are merged per (type, states) block by `rasad.scale.merge`; documents,
entities, events and stories are written as Parquet tables partitioned by language and month, with
`run_report.json` beside them. Python touches each document twice (reading, analysing); the rest runs
in the JVM.

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
import pickle
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from rasad.records import InputDoc
from rasad.scale import rows, sources
from rasad.scale.merge import StoryEvent, merge_blocks, story_events, story_row
from rasad.scale.pool import AnalyzerFactory, Failed, PipelineFactory, analyze_one, worker_analyzer
from rasad.scale.warc import HtmlPage, iter_pages
from rasad.stages.ingest import Skipped

TABLES = ("documents", "entities", "events", "stories")
PARTITION_COLUMNS = ("lang", "month")
ORDER_COLUMNS = ("src_arg", "src_file", "src_block", "src_row")
REPORT_FILE = "run_report.json"
MAX_REASONS = 50  # distinct skip/failure reasons listed in the report (all are counted)
MAX_EXAMPLES = 20
ARROW_BATCH = 256  # documents per Arrow batch handed back by the analysis
# each (lang, month) of a table is written by at most (partitions / this) tasks, hence as that many files
FILES_PER_VALUE_DIVISOR = 8

Item = InputDoc | Skipped | HtmlPage


class JobError(Exception):
    """The job cannot run as asked (bad input format, output already there); the message says why."""


# --------------------------------------------------------------------------- schemas


def _fields(*spec: tuple[str, T.DataType]) -> list[T.StructField]:
    return [T.StructField(name, dtype) for name, dtype in spec]


_STR, _INT, _LONG = T.StringType(), T.IntegerType(), T.LongType()
_STRINGS = T.ArrayType(_STR)
_SPAN = T.StructType(_fields(("text", _STR), ("start", _INT), ("end", _INT)))
_PARTS = _fields(("lang", _STR), ("month", _STR))
_ORDER = _fields(("src_arg", _INT), ("src_file", _STR), ("src_block", _LONG), ("src_row", _LONG))

DOCUMENTS = T.StructType(
    [*_fields(("uid", _STR), ("doc_id", _STR)), *_PARTS, *_fields(
        ("title", _STR), ("published", _STR), ("source", _STR), ("url", _STR), ("text", _STR),
        ("text_sha256", _STR), ("warnings", _STRINGS), ("entities", _INT), ("events", _INT), ("duplicates", _INT),
    ), *_ORDER]
)
ENTITIES = T.StructType(
    [*_fields(("doc_uid", _STR)), *_PARTS, *_fields(
        ("position", _INT), ("entity_id", _STR), ("type", _STR), ("key", _STR), ("name", _STR), ("native", _STR),
        ("country", _STR), ("role", _STR), ("role_key", _STR), ("kb_id", _STR), ("sector", _STR),
        ("mentions", T.ArrayType(_SPAN)),
    )]
)
_DATE = T.StructType(_fields(("start", _STR), ("end", _STR), ("text", _STR), ("weekday", _STR), ("calendar", _STR)))
EVENTS = T.StructType(
    [*_fields(("event_uid", _STR), ("doc_uid", _STR)), *_PARTS, *_fields(
        ("position", _INT), ("event_id", _STR), ("type", _STR), ("mode", _STR), ("cameo", _STR),
        ("source", _STRINGS), ("target", _STRINGS), ("dyad", _STRINGS), ("location", _STR), ("date", _DATE),
        ("topics", _STRINGS), ("context", _STRINGS), ("historical", T.BooleanType()),
        ("confidence", T.DoubleType()), ("evidence", _SPAN), ("trigger", _SPAN),
    )]
)
STORIES = T.StructType(
    [*_fields(("story_id", _STR)), *_PARTS, *_fields(
        ("type", _STR), ("dyad", _STRINGS), ("reports", _INT), ("documents", _INT), ("first_date", _STR),
        ("last_date", _STR), ("event_uids", _STRINGS),
    )]
)
# an input record as read: a document ("doc") or a record that cannot be one ("skipped", with the reason)
INPUTS = T.StructType(
    [*_ORDER, *_fields(
        ("status", _STR), ("name", _STR), ("reason", _STR), ("sha", _STR), ("doc_id", _STR), ("text", _STR),
        ("title", _STR), ("published", _STR), ("source", _STR), ("url", _STR), ("duplicates", _INT),
    )]
)
# what the analysis hands back per record: the document row with its entity and event rows and its
# story-matching records (pickled `StoryEvent`s, by block) nested; or a skipped or failed record
ANALYSED = T.StructType(
    [*DOCUMENTS.fields, *_fields(
        ("status", _STR), ("name", _STR), ("reason", _STR), ("entity_rows", T.ArrayType(ENTITIES)),
        ("event_rows", T.ArrayType(EVENTS)),
        ("story_records", T.ArrayType(T.StructType(_fields(("block", _STR), ("data", T.BinaryType()))))),
    )]
)


def _to_row(schema: T.DataType, value: Any) -> Any:
    """A row dict (nested dicts and lists) as the tuples Spark expects for `schema`."""
    if value is None:
        return None
    if isinstance(schema, T.StructType):
        return tuple(_to_row(f.dataType, value.get(f.name)) for f in schema.fields)
    if isinstance(schema, T.ArrayType):
        return [_to_row(schema.elementType, v) for v in value]
    return value


def _arrow_batches(records: Iterable[dict[str, Any]], schema: T.StructType) -> Iterator[Any]:
    import pyarrow as pa
    from pyspark.sql.pandas.types import to_arrow_schema

    arrow_schema = to_arrow_schema(schema)
    chunk: list[dict[str, Any]] = []
    for r in records:
        chunk.append(r)
        if len(chunk) >= ARROW_BATCH:
            yield pa.RecordBatch.from_pylist(chunk, schema=arrow_schema)
            chunk = []
    if chunk:
        yield pa.RecordBatch.from_pylist(chunk, schema=arrow_schema)


def _arrow_rows(batches: Iterable[Any]) -> Iterator[dict[str, Any]]:
    for b in batches:
        yield from b.to_pylist()


# --------------------------------------------------------------------------- reading inputs


def _jsonl_items(arg: int, records: Iterable[Mapping[str, Any]]) -> Iterator[tuple[rows.OrderKey, Item]]:
    # rows of one file block are contiguous and in file order within a partition
    for (file, block), group in itertools.groupby(records, key=lambda r: (r["file"], r["block"])):
        lines = (r["value"] for r in group)
        for k, item in enumerate(sources.jsonl_block(lines, sources.block_name(file, block))):
            yield (arg, file, block, k), item


def _table_items(arg: int, records: Iterable[Mapping[str, Any]]) -> Iterator[tuple[rows.OrderKey, Item]]:
    for (file, block), group in itertools.groupby(records, key=lambda r: (r["file"], r["block"])):
        name = sources.block_name(file, block)
        for k, r in enumerate(group):
            yield (arg, file, block, k), sources.table_record(r, f"{name}:{k + 1}")


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


def _input_record(kv: tuple[rows.OrderKey, Item]) -> dict[str, Any]:
    key, item = _extract(kv)
    order = dict(zip(ORDER_COLUMNS, key, strict=True))
    if isinstance(item, Skipped):
        # a key of its own, so that no skipped record is taken for a copy of another
        return {**order, "status": "skipped", "name": item.name, "reason": item.reason,
                "sha": f"skipped {key}", "duplicates": 0}
    return {
        **order, "status": "doc", "name": item.doc_id, "sha": hashlib.sha256(
            item.text.encode("utf-8", "surrogatepass")).hexdigest(),
        "doc_id": item.doc_id, "text": item.text, "title": item.title, "published": item.published,
        "source": item.source, "url": item.url, "duplicates": 0,
    }


def _read_jsonl(arg: int, batches: Iterable[Any]) -> Iterator[Any]:
    return _arrow_batches(map(_input_record, _jsonl_items(arg, _arrow_rows(batches))), INPUTS)


def _read_table(arg: int, batches: Iterable[Any]) -> Iterator[Any]:
    return _arrow_batches(map(_input_record, _table_items(arg, _arrow_rows(batches))), INPUTS)


def _with_position(df: DataFrame) -> DataFrame:
    return df.withColumn("file", F.col("_metadata.file_path")).withColumn("block", F.col("_metadata.file_block_start"))


def read_inputs(
    spark: SparkSession, inputs: Sequence[str], fmt: str = "auto", partitions: int | None = None
) -> DataFrame:
    """Every input record (schema `INPUTS`); WARC pages are spread over `partitions` before text extraction."""
    sc = spark.sparkContext
    parts: list[DataFrame] = []
    for arg, path in enumerate(inputs):
        kind = sources.input_format(path) if fmt == "auto" else fmt
        if kind is None:
            raise JobError(f"{path}: cannot tell the input format from the name; give --format jsonl|parquet|warc")
        if kind == "jsonl":
            df = _with_position(spark.read.text(path)).select("value", "file", "block")
            parts.append(df.mapInArrow(functools.partial(_read_jsonl, arg), INPUTS))
        elif kind == "parquet":
            df = spark.read.parquet(path)
            if "text" not in df.columns:
                raise JobError(f"{path}: an input table needs a 'text' column (it has {', '.join(df.columns)})")
            cols = [c for c in ("id", "text", *sources.METADATA_FIELDS, "metadata") if c in df.columns]
            df = _with_position(df).select(*cols, "file", "block")
            parts.append(df.mapInArrow(functools.partial(_read_table, arg), INPUTS))
        elif kind == "warc":
            pages = sc.binaryFiles(path).flatMap(functools.partial(_warc_file, arg))
            # one WARC file holds thousands of pages: spread them before the costly extraction
            spread = pages.repartition(partitions or sc.defaultParallelism)
            records = spread.map(lambda kv: _to_row(INPUTS, _input_record(kv)))
            parts.append(spark.createDataFrame(records, INPUTS, verifySchema=False))
        else:
            raise JobError(f"unknown input format {kind!r} (one of {', '.join(sources.FORMATS)})")
    if not parts:
        raise JobError("no input given")
    return functools.reduce(DataFrame.unionByName, parts)


def first_of_each_text(records: DataFrame, partitions: int) -> DataFrame:
    """One record per distinct text, the first in input order, counting the copies dropped; spread evenly."""
    rest = [c for c in INPUTS.fieldNames() if c not in (*ORDER_COLUMNS, "sha", "duplicates")]
    first = F.min(F.struct(*ORDER_COLUMNS, *rest)).alias("first")  # structs compare field by field: input order
    return (
        records.groupBy("sha")
        .agg(first, F.count(F.lit(1)).alias("copies"))
        .select("first.*", "sha", (F.col("copies") - 1).cast("int").alias("duplicates"))
        .repartition(partitions)
    )


# --------------------------------------------------------------------------- analysis


def _analysed(factory: AnalyzerFactory, records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    analyze = None
    for r in records:
        key: rows.OrderKey = (r["src_arg"], r["src_file"], r["src_block"], r["src_row"])
        order = dict(zip(ORDER_COLUMNS, key, strict=True))
        if r["status"] == "skipped":
            yield {**order, "status": "skipped", "name": r["name"], "reason": r["reason"], "duplicates": 0}
            continue
        if analyze is None:
            analyze = worker_analyzer(factory)  # once per Python worker process, not per partition
        inp = InputDoc(r["doc_id"], r["text"], r["title"], r["published"], r["source"], r["url"])
        res = analyze_one(analyze, inp)
        if isinstance(res, Failed):
            yield {**order, "status": "failed", "name": res.name, "reason": res.reason,
                   "duplicates": r["duplicates"]}
            continue
        row = rows.document_row(res, key, r["duplicates"])
        row.update(
            status="ok",
            name=inp.doc_id,
            entity_rows=rows.entity_rows(res),
            event_rows=rows.event_rows(res),
            story_records=[{"block": "|".join(e.block), "data": pickle.dumps(e)} for e in story_events(res, key)],
        )
        yield row


def _analyse_batches(factory: AnalyzerFactory, batches: Iterable[Any]) -> Iterator[Any]:
    return _arrow_batches(_analysed(factory, _arrow_rows(batches)), ANALYSED)


def analyse(records: DataFrame, factory: AnalyzerFactory) -> DataFrame:
    """The analysis of every record (schema `ANALYSED`)."""
    return records.mapInArrow(functools.partial(_analyse_batches, factory), ANALYSED)


# --------------------------------------------------------------------------- stories


def _merge_partition(batches: Iterable[Any]) -> Iterator[Any]:
    """The stories-table rows of the blocks of one partition, whose records come sorted by block.

    A block is never split across partitions (`repartition` by block), and sorted records let each block
    be merged as soon as it is read: memory holds one block, not the partition.
    """

    def records() -> Iterator[tuple[str, bytes]]:
        for batch in batches:
            yield from zip(batch.column("block").to_pylist(), batch.column("data").to_pylist(), strict=True)

    def stories() -> Iterator[dict[str, Any]]:
        for _, group in itertools.groupby(records(), key=operator.itemgetter(0)):
            events: list[StoryEvent] = [pickle.loads(data) for _, data in group]
            for story in merge_blocks(events):
                yield story_row(story)

    return _arrow_batches(stories(), STORIES)


# --------------------------------------------------------------------------- the job


def _for_writing(df: DataFrame, key: str, files_per_value: int) -> DataFrame:
    """Rows of one (lang, month) in a few tasks, so that each value is written as a few files, not one per task."""
    if files_per_value <= 1:
        return df.repartition(*PARTITION_COLUMNS)
    salt = F.pmod(F.xxhash64(key), F.lit(files_per_value))
    return df.repartition(*[F.col(c) for c in PARTITION_COLUMNS], salt)


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


def _summary(analysed: DataFrame) -> dict[str, Any]:
    """The run report's counts, by SQL over the cached analysis."""
    ok = F.col("status") == "ok"
    totals = analysed.groupBy("status").agg(
        F.count(F.lit(1)).alias("n"),
        F.sum("duplicates").alias("duplicates"),
        F.sum(F.when(ok, F.size("entity_rows")).otherwise(0)).alias("entities"),
        F.sum(F.when(ok, F.size("event_rows")).otherwise(0)).alias("events"),
    ).collect()
    by = {r["status"]: r for r in totals}

    def count(status: str, col: str = "n") -> int:
        return int(by[status][col] or 0) if status in by else 0

    problems = analysed.filter(~ok)
    reasons = problems.groupBy("status", "reason").count().collect()

    def listed(status: str) -> list[dict[str, Any]]:
        rs = sorted(((r["reason"], int(r["count"])) for r in reasons if r["status"] == status),
                    key=lambda rc: (-rc[1], rc[0]))
        return [{"reason": r, "count": n} for r, n in rs[:MAX_REASONS]]

    examples = problems.orderBy(*ORDER_COLUMNS).select("status", "name", "reason").limit(MAX_EXAMPLES).collect()
    return {
        "records_read": sum(count(s) + count(s, "duplicates") for s in ("ok", "skipped", "failed")),
        "documents": count("ok"),
        "duplicates": sum(count(s, "duplicates") for s in ("ok", "failed")),
        "skipped": count("skipped"),
        "failed": count("failed"),
        "skipped_reasons": listed("skipped"),
        "failed_reasons": listed("failed"),
        "examples": [r.asDict() for r in examples],
        "entities": count("ok", "entities"),
        "events": count("ok", "events"),
    }


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
    records = first_of_each_text(read_inputs(spark, inputs, fmt, n_parts), n_parts)
    analysed = analyse(records, factory or PipelineFactory()).persist(StorageLevel.MEMORY_AND_DISK)
    # where the time goes, step by step; each step is one Spark job (the cache is filled by the first)
    steps: dict[str, float] = {}
    merged: DataFrame | None = None
    t = time.perf_counter()
    try:
        analysed.count()
        steps["read, drop copies, analyse"] = round(time.perf_counter() - t, 3)
        ok = analysed.filter(F.col("status") == "ok")
        t = time.perf_counter()
        # the story-matching records go to one partition per block and come sorted by it, all in the JVM (no
        # Python rows on the way); each partition's blocks are then merged in Python, one at a time
        merged = (
            ok.select(F.explode("story_records").alias("s"))
            .select("s.block", "s.data")
            .repartition(n_parts, "block")
            .sortWithinPartitions("block")
            .mapInArrow(_merge_partition, STORIES)
        ).persist(StorageLevel.MEMORY_AND_DISK)
        n_stories = merged.count()
        steps["merge stories"] = round(time.perf_counter() - t, 3)
        assigned = merged.select(F.explode("event_uids").alias("event_uid"), "story_id")
        tables = {
            "documents": ok.select(*DOCUMENTS.fieldNames()),
            "entities": ok.select(F.explode("entity_rows").alias("r")).select("r.*"),
            "events": ok.select(F.explode("event_rows").alias("r")).select("r.*").join(assigned, "event_uid", "left"),
            "stories": merged,
        }
        mode = "overwrite" if overwrite else "errorifexists"
        files_per_value = max(1, n_parts // FILES_PER_VALUE_DIVISOR)
        for name in TABLES:
            t = time.perf_counter()
            df = _for_writing(tables[name], tables[name].columns[0], files_per_value)
            df.write.mode(mode).partitionBy(*PARTITION_COLUMNS).parquet(f"{output}/{name}")
            steps[f"write {name}"] = round(time.perf_counter() - t, 3)
        t = time.perf_counter()
        several = merged.filter(F.col("reports") > 1).count()
        versions = _versions()
        report: dict[str, Any] = {
            "rasad_version": versions[0],
            "data_version": versions[1],
            "inputs": list(inputs),
            "output": output,
            "master": sc.master,
            "partitions": n_parts,
            "started_at": started,
            **_summary(analysed),
            "stories": n_stories,
            "stories_with_several_reports": several,
        }
        steps["count for the report"] = round(time.perf_counter() - t, 3)
        report["seconds_by_step"] = steps
    finally:
        analysed.unpersist()
        if merged is not None:
            merged.unpersist()
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
