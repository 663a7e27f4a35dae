"""`rasad spark` (the analysis as a PySpark job) and `rasad load-parquet` (a Spark run into the store)."""

from __future__ import annotations

import importlib.util

import click

FORMATS = ("auto", "jsonl", "parquet", "warc")


@click.command("spark")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--output", "-o", required=True, help="Directory or URI (hdfs://, s3a://, ...) to write the tables to.")
@click.option("--master", default=None, help="Spark master URL, e.g. local[4], spark://host:7077, yarn.")
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="auto", show_default=True,
    help="Input format; auto tells it from the name (.jsonl/.ndjson, .parquet, .warc, each maybe .gz).",
)
@click.option("--partitions", type=click.IntRange(min=1), default=None, help="Analysis tasks [default: 2 per core].")
@click.option("--overwrite", is_flag=True, help="Replace the tables of an earlier run in --output.")
def spark(inputs: tuple[str, ...], output: str, master: str | None, fmt: str, partitions: int | None,
          overwrite: bool) -> None:
    """Run the analysis on Apache Spark and write Parquet tables.

    INPUT... are JSON Lines files, Parquet tables (columns id, text, optional title, published, source,
    url or a metadata struct) or WARC files (Common Crawl News), as paths or Hadoop URIs. Writes the
    tables documents, entities, events and stories (partitioned by lang and month) and run_report.json
    to --output. Needs PySpark: pip install 'rasad[spark]'.
    """
    if importlib.util.find_spec("pyspark") is None:
        raise click.ClickException("rasad spark needs PySpark: pip install 'rasad[spark]'")
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException
    from pyspark.sql import SparkSession

    from rasad.scale import spark as job

    existing = SparkSession.getActiveSession()  # a notebook's or a test's: used, and left running
    session = job.session(master)
    if existing is None:
        session.sparkContext.setLogLevel("ERROR")
    try:
        report = job.run_job(session, list(inputs), output, fmt=fmt, partitions=partitions, overwrite=overwrite)
    except job.JobError as e:
        raise click.ClickException(str(e)) from None
    except (PySparkException, Py4JJavaError) as e:  # a missing input path, an unreadable file, ...
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise click.ClickException(f"Spark: {first}") from None
    finally:
        if existing is None:
            session.stop()
    rate = report["documents"] / report["seconds"] if report["seconds"] else 0.0
    click.echo(
        f"rasad spark: {report['documents']} documents ({report['duplicates']} duplicates, "
        f"{report['skipped']} skipped, {report['failed']} failed), {report['events']} events, "
        f"{report['stories']} stories, {report['seconds']:.1f} s, {rate:.1f} documents/s -> {output}",
        err=True,
    )
    for r in report["skipped_reasons"][:10]:
        click.echo(f"  skipped {r['count']}: {r['reason']}", err=True)
    for r in report["failed_reasons"][:10]:
        click.echo(f"  failed {r['count']}: {r['reason']}", err=True)


@click.command("load-parquet")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="The SQLite store (created if missing).")
def load_parquet(directory: str, db: str) -> None:
    """Store the documents of a `rasad spark` run (its --output DIRECTORY) in the SQLite store --db."""
    import sqlite3

    from rasad.scale.load import LoadError, load_run
    from rasad.store.db import StoreError, connect, describe_error

    try:
        conn = connect(db).conn
    except StoreError as e:
        raise click.ClickException(str(e)) from None
    try:
        stats = load_run(conn, directory)
        stories = int(conn.execute("SELECT count(*) FROM stories").fetchone()[0])
    except LoadError as e:
        raise click.ClickException(str(e)) from None
    except sqlite3.Error as e:  # the disk full, the file damaged: what was committed before is kept
        raise click.ClickException(describe_error(db, e)) from None
    finally:
        conn.close()
    click.echo(
        f"rasad load-parquet: {stats.added} documents added, {stats.unchanged} already stored, "
        f"{stats.events} events, {stories} stories in {db}, {stats.seconds:.1f} s",
        err=True,
    )
    for p in stats.failed:
        click.echo(f"  not stored {p.name}: {p.reason}", err=True)
