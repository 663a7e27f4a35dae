"""Monitoring commands: `rasad sources`, `watch`, `watchlists` and `alerts`.

A thin shell over `rasad.monitor`: every command opens the store (with the monitor's tables), calls the
library and prints. `rasad watch` logs to standard error; alerts meant for standard output go there.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

# the same --db option (default, $RASAD_DB) as every corpus command
from rasad.cli.store import _db_option, filter_options
from rasad.monitor.schema import MonitorError
from rasad.store.db import StoreError


@contextmanager
def _open(db: str, *, write: bool = False) -> Iterator[sqlite3.Connection]:
    from rasad.monitor.schema import open_store

    try:
        opened = open_store(db, write=write)
    except (StoreError, MonitorError) as e:
        raise click.ClickException(str(e)) from None
    if opened.migrated_from is not None:
        click.echo(f"rasad: upgraded {db} from schema {opened.migrated_from}; backup in {opened.backup}", err=True)
    try:
        yield opened.conn
    except (StoreError, MonitorError) as e:
        raise click.ClickException(str(e)) from None
    finally:
        opened.conn.close()


# --------------------------------------------------------------------------- sources


@click.group()
def sources() -> None:
    """Feeds rasad follows: RSS 2.0, Atom and news sitemaps."""


@sources.command("add")
@click.argument("url")
@click.option("--name", help="The outlet's name, stored as each article's source (default: the host name).")
@click.option("--lang", metavar="CODE", help="Language of its articles (ar, fa); detected when not given.")
@click.option("--every", default="15m", show_default=True, metavar="INTERVAL", help="How often to poll: 90s, 15m, 1h.")
@_db_option
def sources_add(url: str, name: str | None, lang: str | None, every: str, db: str) -> None:
    """Follow the feed at URL; `rasad watch` polls it from its next round."""
    from rasad.monitor.sources import add_source, format_interval, parse_interval

    try:
        seconds = parse_interval(every)
    except MonitorError as e:
        raise click.BadParameter(str(e), param_hint="--every") from None
    with _open(db, write=True) as conn:
        src = add_source(conn, url, name=name, lang=lang, every=seconds)
    click.echo(f"source {src.id}: {src.name} <{src.url}>, polled every {format_interval(src.every)}")


@sources.command("list")
@_db_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def sources_list(db: str, fmt: str) -> None:
    """Feeds followed, when each was last read and how many of its articles are stored."""
    from rasad.monitor.sources import format_interval, item_counts, list_sources

    with _open(db) as conn:
        rows = list_sources(conn)
        counts = item_counts(conn)
    if fmt == "json":
        for s in rows:
            c = counts.get(s.id, {})
            click.echo(json.dumps({
                "id": s.id, "url": s.url, "name": s.name, "lang": s.lang, "every": s.every, "kind": s.kind,
                "next_due": s.next_due, "last_ok": s.last_ok, "failures": s.failures, "last_error": s.last_error,
                "items": c,
            }, ensure_ascii=False))  # fmt: skip
        return
    if not rows:
        click.echo("no sources (add one with `rasad sources add URL`)", err=True)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for col in ("id", "name", "lang", "every", "kind", "last ok", "stored", "pending", "skipped/failed", "error"):
        table.add_column(col, overflow="fold")
    for s in rows:
        c = counts.get(s.id, {})
        table.add_row(
            str(s.id), f"{s.name}\n{s.url}", s.lang or "", format_interval(s.every), s.kind or "", s.last_ok or "",
            str(c.get("done", 0)), str(c.get("pending", 0)), f"{c.get('skipped', 0)}/{c.get('failed', 0)}",
            f"{s.last_error} ({s.failures}×)" if s.last_error else "",
        )  # fmt: skip
    Console(width=None if sys.stdout.isatty() else 200).print(table)


@sources.command("remove")
@click.argument("source_id", metavar="ID", type=int)
@_db_option
def sources_remove(source_id: int, db: str) -> None:
    """Stop following a feed (its stored articles stay in the corpus)."""
    from rasad.monitor.sources import remove_source

    with _open(db, write=True) as conn:
        src = remove_source(conn, source_id)
    click.echo(f"removed source {src.id}: {src.name} <{src.url}>")


# --------------------------------------------------------------------------- watch


@contextmanager
def _logging(level: int) -> Iterator[None]:
    logger = logging.getLogger("rasad.monitor")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


@click.command()
@_db_option
@click.option("--once", is_flag=True, help="Run one round and exit (for cron); exit status 1 if a feed failed.")
@click.option(
    "--delay", type=click.FloatRange(min=0), default=2.0, show_default=True,
    help="Seconds between two requests to the same site (a longer robots.txt Crawl-delay wins).",
)  # fmt: skip
@click.option("--timeout", type=click.FloatRange(min=0.1), default=20.0, show_default=True, help="Network timeout (s).")
@click.option(
    "--retries", type=click.IntRange(min=0), default=2, show_default=True,
    help="Further attempts, with back-off, after a timeout or server error (then the next round tries again).",
)  # fmt: skip
@click.option("-q", "--quiet", is_flag=True, help="Log only problems.")
def watch(db: str, once: bool, delay: float, timeout: float, retries: int, quiet: bool) -> None:
    """Poll the due feeds, store new articles, and alert on watchlists; until SIGINT or SIGTERM.

    Each round fetches only what is new (conditional requests; links and texts already stored are never
    stored again) and keeps its state in the database, so a watcher stopped or killed resumes where it was.
    """
    from rasad.monitor.fetch import FetchConfig, Fetcher
    from rasad.monitor.watch import WatchConfig, pipeline_analyze, run_forever, run_round, stop_on_signals

    config = WatchConfig(fetch=FetchConfig(delay=delay, timeout=timeout, retries=retries))
    stop = threading.Event()
    with _logging(logging.WARNING if quiet else logging.INFO), _open(db, write=True) as conn, stop_on_signals(stop):
        if not once:
            run_forever(conn, analyze=pipeline_analyze(), stop=stop, config=config, echo=click.echo)
            return
        # waits between requests end at once on a signal, and the round stops after the step at hand
        fetcher = Fetcher(config.fetch, sleep=stop.wait)
        report = run_round(
            conn, analyze=pipeline_analyze(), config=config, fetcher=fetcher, echo=click.echo, stop=stop.is_set
        )
        click.echo(f"rasad watch: {report.summary()}" + (" (stopped early)" if report.stopped else ""), err=True)
    if report.failed_sources or report.watchlist_errors or report.delivery_errors:
        sys.exit(1)


# --------------------------------------------------------------------------- watchlists


@click.group()
def watchlists() -> None:
    """Saved event filters that alert once per new matching story."""


@watchlists.command("add")
@click.argument("name")
@filter_options
@click.option("--to", "to_file", type=click.Path(dir_okay=False), help="Append alerts to this JSON Lines file.")
@click.option("--webhook", metavar="URL", help="POST each alert as JSON to this address.")
@click.option("--stdout", "to_stdout", is_flag=True, help="Print alerts on the watcher's standard output (default).")
@click.option("--past", is_flag=True, help="Also alert on stories already in the corpus (at the next round).")
@_db_option
def watchlists_add(
    name: str, to_file: str | None, webhook: str | None, to_stdout: bool, past: bool, db: str, **kw: Any
) -> None:
    """Watch for events matching the filters of `rasad events` (and --text words).

    Each story that matches raises one alert, however many reports of it arrive, in whatever language.
    """
    from rasad.monitor.watchlists import Delivery, add_watchlist, describe_filter, file_delivery, webhook_delivery
    from rasad.store import query

    if sum(1 for x in (to_file, webhook, to_stdout) if x) > 1:
        raise click.UsageError("give one of --to FILE, --webhook URL or --stdout")
    if kw.get("story"):
        raise click.UsageError("--story does not apply to a watchlist: it watches for new stories")
    news = kw.pop("news", None)
    try:
        flt = query.make_filter(
            dyad=kw["dyad"], state=kw["state"], actor=kw["actor"], type=kw["type_"], cameo=kw["cameo"],
            topic=kw["topic"], context=kw["context"], since=kw["since"], until=kw["until"], lang=kw["lang"],
            outlet=kw["outlet"], historical=None if news is None else not news, text=kw["text"], limit=None,
        )  # fmt: skip
        delivery = file_delivery(to_file) if to_file else webhook_delivery(webhook) if webhook else Delivery("stdout")
    except (StoreError, MonitorError) as e:
        raise click.BadParameter(str(e)) from None
    with _open(db, write=True) as conn:
        wl = add_watchlist(conn, name, flt, delivery, include_existing=past)
    click.echo(f"watchlist {wl.id}: {wl.name}: {describe_filter(wl.filter)} → {wl.delivery.describe()}")


@watchlists.command("list")
@_db_option
def watchlists_list(db: str) -> None:
    """Watchlists, their filters, where alerts go, and how many were raised."""
    from rasad.monitor.watchlists import alert_counts, describe_filter, list_watchlists

    with _open(db) as conn:
        wls = list_watchlists(conn)
        counts = alert_counts(conn)
    if not wls:
        click.echo("no watchlists (add one with `rasad watchlists add NAME --dyad IRN-TJK ...`)", err=True)
    for wl in wls:
        line = f"{wl.id}\t{wl.name}\t{describe_filter(wl.filter)}\t→ {wl.delivery.describe()}"
        line += f"\t{counts.get(wl.id, 0)} alerts"
        if wl.last_error:
            line += f"\terror: {wl.last_error}"
        click.echo(line)


@watchlists.command("remove")
@click.argument("ref", metavar="NAME|ID")
@_db_option
def watchlists_remove(ref: str, db: str) -> None:
    """Delete a watchlist and its stored alerts."""
    from rasad.monitor.watchlists import remove_watchlist

    with _open(db, write=True) as conn:
        wl, n = remove_watchlist(conn, ref)
    click.echo(f"removed watchlist {wl.name} and its {n} alerts")


# --------------------------------------------------------------------------- alerts


@click.command()
@_db_option
@click.option("--watchlist", metavar="NAME", help="Only this watchlist's alerts.")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True, help="0 for all.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def alerts(db: str, watchlist: str | None, limit: int, fmt: str) -> None:
    """Alerts raised by watchlists, newest first (`rasad show S<n>` shows the story)."""
    from rasad.monitor.watchlists import list_alerts

    with _open(db) as conn:
        rows = list_alerts(conn, watchlist=watchlist, limit=limit or None)
    for a in rows:
        d = a.data()
        if fmt == "json":
            click.echo(json.dumps({**d, "delivered_at": a.delivered_at, "error": a.error}, ensure_ascii=False))
            continue
        status = f"delivered {a.delivered_at}" if a.delivered_at else f"NOT delivered: {a.error or 'pending'}"
        reports = d.get("reports", [])
        click.echo(
            f"{a.id}\t{a.created_at}\t{a.watchlist}\t{d.get('story')}\t{d.get('date') or '?'}\t{d.get('type')}\t"
            f"{'-'.join(d.get('dyad', []))}\t{len(reports)} reports ({', '.join(d.get('languages', []))})\t{status}"
        )
    if not rows and fmt == "text":
        click.echo("no alerts", err=True)
