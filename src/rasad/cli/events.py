"""`rasad events`, and what every corpus command shares: the --db option, opening the store, the filters.

Apart from `rasad.cli.store` (the other corpus commands) so that listing events imports and builds no more
than it needs: this command is the one people run over and over, and most of its time was start-up.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click

from rasad.store import query
from rasad.store.db import StoreError, connect, describe_error

DEFAULT_DB = "rasad.db"

_db_option = click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False),
    default=DEFAULT_DB,
    envvar="RASAD_DB",
    show_default=True,
    help="The corpus database (also $RASAD_DB).",
)


@contextmanager
def _open(db: str, *, write: bool = False) -> Iterator[sqlite3.Connection]:
    """The store, for writing or (never writing it, so that a read-only file can be read) for reading.

    Every database error becomes one line saying what is wrong and what to do; no traceback.
    """
    try:
        opened = connect(db, create=write, migrate=write, readonly=not write)
    except StoreError as e:
        raise click.ClickException(str(e)) from None
    if opened.migrated_from is not None:
        click.echo(f"rasad: upgraded {db} from schema {opened.migrated_from}; backup in {opened.backup}", err=True)
    try:
        yield opened.conn
    except StoreError as e:
        raise click.ClickException(str(e)) from None
    except sqlite3.Error as e:
        raise click.ClickException(describe_error(db, e)) from None
    finally:
        opened.conn.close()


def _json(obj: object, indent: int | None = None) -> str:
    import json  # only for --format json: fast start-up

    return json.dumps(obj, ensure_ascii=False, indent=indent)


# --------------------------------------------------------------------------- filters


def filter_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The event filters shared by `events`, `stories` and `export`."""
    opts = [
        click.option("--dyad", metavar="IRN-TJK", help="Exactly these states, in any order."),
        click.option("--state", multiple=True, metavar="ISO3", help="Involving this state (repeat: all of them)."),
        click.option("--actor", metavar="KEY|NAME", help="With this actor as a source or target (see `rasad actors`)."),
        click.option("--type", "type_", multiple=True, metavar="PLOVER", help="PLOVER event type (repeatable)."),
        click.option("--cameo", multiple=True, metavar="CODE", help="CAMEO code; two digits for a whole root."),
        click.option("--topic", multiple=True, help="rasad topic, e.g. drug_trafficking (repeatable)."),
        click.option("--context", multiple=True, help="PLOVER context, e.g. terrorism (repeatable)."),
        click.option("--since", metavar="DATE", help="From this date (YYYY, YYYY-MM or YYYY-MM-DD)."),
        click.option("--until", metavar="DATE", help="Up to this date, inclusive."),
        click.option("--lang", multiple=True, help="Language of the report (repeatable)."),
        click.option("--outlet", multiple=True, help="Outlet or agency (repeatable)."),
        click.option("--story", metavar="S<n>", help="Records of this story."),
        click.option("--news/--background", "news", default=None, help="Only news, or only background (historical)."),
        click.option("--text", metavar="WORDS", help="Reported in a document containing these words."),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def _filter(kw: dict[str, Any], limit: int | None, offset: int = 0) -> query.EventFilter:
    news = kw.pop("news", None)
    try:
        return query.make_filter(
            dyad=kw.pop("dyad"),
            state=kw.pop("state"),
            actor=kw.pop("actor"),
            type=kw.pop("type_"),
            cameo=kw.pop("cameo"),
            topic=kw.pop("topic"),
            context=kw.pop("context"),
            since=kw.pop("since"),
            until=kw.pop("until"),
            lang=kw.pop("lang"),
            outlet=kw.pop("outlet"),
            story=kw.pop("story"),
            historical=None if news is None else not news,
            text=kw.pop("text"),
            limit=limit,
            offset=offset,
        )
    except StoreError as e:
        raise click.BadParameter(str(e)) from None


def _who(ps: Sequence[query.Participant]) -> str:
    return ", ".join(p.name for p in ps)


# --------------------------------------------------------------------------- events

_CSV_COLUMNS = (
    "id", "story", "date", "date_basis", "type", "mode", "cameo", "dyad", "source", "target", "location",
    "topics", "context", "historical", "confidence", "lang", "outlet", "document", "document_name", "url",
    "evidence",
)  # fmt: skip


# `rasad events` table: (header, widest a cell may be before it is cut with an ellipsis; None: never cut)
_EVENT_COLUMNS = (
    ("event", None), ("date", None), ("type", None), ("cameo", None), ("dyad", None), ("who", 64), ("where", 28),
    ("lang", None), ("outlet", 28), ("story", None),
)  # fmt: skip


def _event_cells(r: query.EventRow) -> list[str]:
    who = _who(r.sources) + (f" → {_who(r.targets)}" if r.targets else "")
    date = (r.date or "") + ("*" if r.date_basis == "published" else "") + (" (bg)" if r.historical else "")
    return [
        r.uid, date, r.type + (f"/{r.mode}" if r.mode else ""), r.cameo or "", "-".join(r.dyad), who,
        r.location or "", r.lang, r.outlet or "", f"S{r.story}" if r.story is not None else "",
    ]  # fmt: skip


def _terminal_width() -> int | None:
    """Columns of the terminal on stdout ($COLUMNS first, as shells and `shutil` have it); None if unknown."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns or None
    except (OSError, ValueError):
        return None


def _print_events(rows: list[query.EventRow], fmt: str, total: int) -> None:
    if fmt == "json":
        for r in rows:
            click.echo(_json(r.to_dict()))
        return
    if fmt == "csv":
        import csv

        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(_CSV_COLUMNS)
        for r in rows:
            d = r.to_dict()
            w.writerow([";".join(map(str, v)) if isinstance(v, list) else ("" if v is None else v)
                        for v in (d[c] for c in _CSV_COLUMNS)])  # fmt: skip
        return
    # a plain fixed-width table (rich's layout engine cost more than the query); a terminal gets it fitted
    # to its width, with a bold header, and right-to-left cells isolated; a pipe gets it unfitted and plain
    from rasad.cli.table import render

    tty = sys.stdout.isatty()
    plain = not tty or "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb"
    lines = render(
        [c for c, _ in _EVENT_COLUMNS],
        [_event_cells(r) for r in rows],
        max_widths=[w for _, w in _EVENT_COLUMNS],
        total_width=_terminal_width() if tty else None,
        isolate=tty,
        bold_header=not plain,
    )
    click.echo("\n".join(lines))
    note = f"{len(rows)} of {total} events" + (" (* date of publication: undated in the text)" if rows else "")
    click.echo(note, err=True)


@click.command()
@filter_options
@_db_option
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True, help="0 for all.")
@click.option("--offset", type=click.IntRange(min=0), default=0)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
    help="json: one object a line.",
)  # fmt: skip
def events(db: str, limit: int, offset: int, fmt: str, **kw: Any) -> None:
    """List event records (one per report), latest first."""
    f = _filter(kw, limit or None, offset)
    with _open(db) as conn:
        # the table says how many match in all; json and csv are the records alone
        rows, total = query.events_page(conn, f) if fmt == "table" else (query.events(conn, f), 0)
    _print_events(rows, fmt, total)
