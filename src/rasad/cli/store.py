"""Corpus commands: `rasad ingest`, `stories`, `show`, `actors`, `search`, `export` (`events`: `rasad.cli.events`).

A thin shell over `rasad.store`: every command opens the database, calls the library and prints.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

# `rasad events` and the pieces every corpus command shares live in their own module (fast start-up);
# `rasad.cli.monitor` and `rasad.cli.serve` import the option, the default and the filters from here
from rasad.cli.events import DEFAULT_DB as DEFAULT_DB
from rasad.cli.events import _db_option, _filter, _json, _open, _who, filter_options
from rasad.store import query
from rasad.store.db import describe_error

if TYPE_CHECKING:
    from rich.console import Console

    from rasad.records import Document
    from rasad.store.ingest import IngestStats


def _console() -> Console:
    from rich.console import Console

    # a pipe gets full lines rather than a table cut to 80 columns
    return Console(width=None if sys.stdout.isatty() else 200, soft_wrap=not sys.stdout.isatty())


def _totals(conn: sqlite3.Connection) -> str:
    n = {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in ("documents", "events", "stories")}
    actors = int(conn.execute("SELECT count(*) FROM actors WHERE merged_into IS NULL").fetchone()[0])
    return f"{n['documents']} documents, {n['events']} events, {n['stories']} stories, {actors} actors"


# --------------------------------------------------------------------------- ingest


def _ingest_summary(stats: IngestStats) -> str:
    done = stats.added + stats.reanalysed
    rate = done / stats.seconds if stats.seconds > 0 else 0.0
    parts = [f"{stats.added} added", f"{stats.unchanged} unchanged"]
    if stats.reanalysed:
        parts.append(f"{stats.reanalysed} reanalysed")
    parts += [f"{stats.events} events", f"{len(stats.skipped)} skipped"]
    if stats.failed:
        parts.append(f"{len(stats.failed)} failed")
    parts += [f"{stats.seconds:.1f} s", f"{rate:.1f} documents/s"]
    return "rasad ingest: " + ", ".join(parts)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, readable=False, allow_dash=True))
@_db_option
@click.option(
    "--reanalyse",
    is_flag=True,
    help="Analyse documents already stored again (after an upgrade), in place; without PATH, every stored one.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=None,
    help="Analysis processes working ahead while this process writes; 0 analyses in this process. "
    "Default: one fewer than the cores this process may use (this writer has the last), so 1 on two cores "
    "and 0 on one.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=None,
    help="Documents per transaction (default: the library's, 128).",
)
def ingest(paths: tuple[str, ...], db: str, reanalyse: bool, workers: int | None, batch_size: int | None) -> None:
    """Analyse articles and store them in the corpus database.

    PATH is a .txt, .html or .jsonl file, a directory or - for stdin. A document whose text is stored
    already is left as it is, so ingesting the same files again changes nothing; an interrupted ingest
    is finished by running it again. Exit status 1 when some inputs were skipped or failed.
    """
    from rasad.stages.ingest import iter_inputs
    from rasad.store.ingest import BATCH_SIZE, ingest_inputs, stored_inputs
    from rasad.store.workers import default_workers

    if not paths and not reanalyse:
        raise click.UsageError("give at least one PATH (or --reanalyse to re-analyse the stored documents)")
    with _open(db, write=True) as conn:
        inputs: Any = iter_inputs(paths) if paths else stored_inputs(conn)

        stored = [0]  # documents written by the batches committed so far (progress runs after each commit)

        def progress(s: IngestStats) -> None:
            stored[0] = s.added + s.reanalysed
            if sys.stderr.isatty():
                done = s.added + s.unchanged + s.reanalysed
                click.echo(f"\r{done} documents…", nl=False, err=True)

        try:
            stats = ingest_inputs(
                conn,
                inputs,
                reanalyse=reanalyse,
                processes=default_workers() - 1 if workers is None else workers,
                batch_size=batch_size or BATCH_SIZE,
                progress=progress,
            )
        except sqlite3.Error as e:
            if sys.stderr.isatty():
                click.echo("\r", nl=False, err=True)
            raise click.ClickException(
                f"ingest stopped after storing {stored[0]} documents: {describe_error(db, e)}"
            ) from None
        if sys.stderr.isatty():
            click.echo("\r", nl=False, err=True)
        for p in stats.skipped:
            click.echo(f"warning: skipped {p.name}: {p.reason}", err=True)
        for p in stats.failed:
            click.echo(f"error: {p.name}: {p.reason}", err=True)
        click.echo(_ingest_summary(stats), err=True)
        click.echo(f"{db}: {_totals(conn)}", err=True)
    if stats.skipped or stats.failed:
        sys.exit(1)


# --------------------------------------------------------------------------- stories / show


def print_stories(stories: Sequence[query.Story], console: Console | None = None) -> None:
    from rich.text import Text

    console = console or _console()
    for st in stories:
        head = Text()
        head.append(st.uid, style="bold")
        head.append(f"  {st.date or '?'}  {st.type}  {'-'.join(st.dyad)}")
        if st.location:
            head.append(f"  at {st.location}")
        head.append(
            f"  — {len(st.reports)} report{'s' if len(st.reports) != 1 else ''} "
            f"({', '.join(st.languages)}; {', '.join(st.outlets)})",
            style="cyan",
        )
        console.print(head)
        if st.actors:
            console.print(Text("   " + "; ".join(st.actors), style="green"))


@click.command("stories")
@filter_options
@_db_option
@click.option("--min-reports", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True, help="0 for all.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def stories_cmd(db: str, min_reports: int, limit: int, fmt: str, **kw: Any) -> None:
    """List stories: real-world events, each with every report of it across outlets and languages."""
    f = _filter(kw, limit or None)
    with _open(db) as conn:
        sts = query.stories(conn, f, min_reports=min_reports)
    if fmt == "json":
        for st in sts:
            click.echo(_json(_story_dict(st)))
        return
    print_stories(sts)


def _story_dict(st: query.Story) -> dict[str, Any]:
    return {
        "id": st.uid,
        "date": st.date,
        "type": st.type,
        "dyad": list(st.dyad),
        "location": st.location,
        "actors": list(st.actors),
        "languages": list(st.languages),
        "outlets": list(st.outlets),
        "reports": [r.to_dict() for r in st.reports],
    }


@click.command()
@click.argument("ref", metavar="ID")
@_db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def show(ref: str, db: str, fmt: str) -> None:
    """Show a story (S12) or the story of an event record (<document>-<n>): every report and its evidence."""
    with _open(db) as conn:
        st = query.show(conn, ref)
    if fmt == "json":
        click.echo(_json(_story_dict(st), indent=2))
        return
    from rich.text import Text

    console = _console()
    if st.id:
        print_stories([st], console)
    for r in st.reports:
        console.print()
        line = Text("  ")
        line.append(r.uid, style="bold")
        line.append(f"  {r.outlet or r.document_name}  [{r.lang}]  ", style="cyan")
        line.append(f"{r.date or '?'}" + (" (date of publication)" if r.date_basis == "published" else ""))
        console.print(line)
        if r.title:
            console.print(Text(f"  {r.title}", style="dim"))
        desc = f"  {r.type}" + (f"/{r.mode}" if r.mode else "") + (f" ({r.cameo})" if r.cameo else "")
        desc += f"  {_who(r.sources)}" + (f" → {_who(r.targets)}" if r.targets else "")
        if r.location:
            desc += f"  at {r.location}"
        if r.topics:
            desc += f"  [{', '.join(r.topics)}]"
        console.print(Text(desc))
        console.print(Text(f"  «{r.evidence}»  [{r.evidence_start}:{r.evidence_end}]", style="yellow"))
        if r.url:
            console.print(Text(f"  {r.url}", style="dim"))


# --------------------------------------------------------------------------- actors


@click.group(invoke_without_command=True)
@_db_option
@click.option("--type", "type_", type=click.Choice(["person", "state", "org"], case_sensitive=False))
@click.option("--country", metavar="ISO3")
@click.option("--name", metavar="TEXT", help="Actors with a name variant containing this (either script).")
@click.option("--all", "include_unused", is_flag=True, help="Also actors no stored document names any more.")
@click.option("--limit", type=click.IntRange(min=0), default=100, show_default=True, help="0 for all.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def actors(
    ctx: click.Context, db: str, type_: str | None, country: str | None, name: str | None, include_unused: bool,
    limit: int, fmt: str,
) -> None:  # fmt: skip
    """List the actor registry: persons, states and organisations across all documents, with name variants.

    `rasad actors merge A B` and `rasad actors split A VARIANT` correct it; corrections stay in force
    when documents are analysed again.
    """
    if ctx.invoked_subcommand is not None:
        return
    from rasad.store import actors as registry

    with _open(db) as conn:
        rows = registry.list_actors(
            conn, type=type_, country=country, query=name, include_unused=include_unused, limit=limit or None
        )
    if fmt == "json":
        for a in rows:
            click.echo(
                _json(
                    {
                        "id": a.actor.key,
                        "type": a.actor.type,
                        "name": a.actor.name,
                        "country": a.actor.country,
                        "role": a.actor.role,
                        "kb_id": a.actor.kb_id,
                        "documents": a.documents,
                        "events": a.events,
                        "variants": [{"name": v.name, "script": v.script, "lang": v.lang} for v in a.variants],
                    }
                )
            )
        return
    print_actors(rows)


def print_actors(rows: Sequence[Any], console: Console | None = None) -> None:
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for col in ("actor", "type", "name", "country", "role", "docs", "events", "variants"):
        table.add_column(col, overflow="fold")
    for a in rows:
        variants = " | ".join(dict.fromkeys(v.name for v in a.variants if v.name != a.actor.name))
        table.add_row(
            a.actor.key, a.actor.type.lower(), a.actor.name, a.actor.country or "", a.actor.role or "",
            str(a.documents), str(a.events), variants,
        )  # fmt: skip
    (console or _console()).print(table)


@actors.command("merge")
@click.argument("keep", metavar="A")
@click.argument("drop", metavar="B")
@_db_option
def actors_merge(keep: str, drop: str, db: str) -> None:
    """Merge actor B into actor A (keys, numbers or names): one person, state or organisation."""
    from rasad.store import actors as registry
    from rasad.store.db import transaction

    with _open(db, write=True) as conn, transaction(conn):
        kept, dropped = registry.merge(conn, keep, drop)
    click.echo(f"merged {dropped.key} ({dropped.name}) into {kept.key} ({kept.name})")


@actors.command("split")
@click.argument("actor", metavar="A")
@click.argument("variant")
@_db_option
def actors_split(actor: str, variant: str, db: str) -> None:
    """Split the name form VARIANT off actor A into an actor of its own."""
    from rasad.store import actors as registry
    from rasad.store.db import transaction

    with _open(db, write=True) as conn, transaction(conn):
        new = registry.split(conn, actor, variant)
    click.echo(f"split {variant!r} off {actor}: now {new.key} ({new.name})")


# --------------------------------------------------------------------------- search


@click.command()
@click.argument("text", nargs=-1, required=True)
@_db_option
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def search(text: tuple[str, ...], db: str, limit: int, fmt: str) -> None:
    """Full-text search: a query in Arabic or Persian spelling finds both; names also match actors' variants."""
    words = " ".join(text)
    with _open(db) as conn:
        hits = query.search(conn, words, limit=limit)
    if fmt == "json":
        for h in hits:
            click.echo(
                _json(
                    {
                        "document": h.document,
                        "name": h.name,
                        "title": h.title,
                        "lang": h.lang,
                        "outlet": h.outlet,
                        "published": h.published,
                        "snippet": h.snippet,
                        "events": list(h.events),
                        "via": h.via,
                    }
                )
            )
        return
    from rich.text import Text

    console = _console()
    for h in hits:
        head = Text()
        head.append(h.document, style="bold")
        head.append(f"  {h.name}  [{h.lang}]  {h.outlet or ''}  {h.published or ''}", style="cyan")
        if h.via != "text":
            head.append(f"  (names {h.via})", style="green")
        console.print(head)
        console.print(Text(f"  {h.snippet}"))
        if h.events:
            console.print(Text("  events: " + ", ".join(h.events), style="dim"))
    click.echo(f"{len(hits)} documents", err=True)


# --------------------------------------------------------------------------- export


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["plover", "gdelt", "parquet"]), required=True,
    help="plover: PLOVER JSON records (JSON Lines; a JSON array for a .json file); gdelt: CAMEO event table in "
    "GDELT's 61 tab-separated columns; parquet: a directory of tables.",
)  # fmt: skip
@click.option("--out", type=click.Path(path_type=Path), required=True, help="File (a directory for parquet).")
@click.option(
    "--unit", type=click.Choice(["story", "event"]), default="story", show_default=True,
    help="story: one record per real-world event (reports merged); event: one per report.",
)  # fmt: skip
@filter_options
@_db_option
def export(fmt: str, out: Path, unit: str, db: str, **kw: Any) -> None:
    """Export events in the field's formats, with the same filters as `rasad events`."""
    from rasad.store import export as exp

    f = _filter(kw, None)
    with _open(db) as conn:
        try:
            if fmt == "parquet":
                counts = exp.write_parquet(conn, out, f)
                click.echo(f"rasad export: {', '.join(f'{k} {v}' for k, v in counts.items())} rows in {out}/",
                           err=True)  # fmt: skip
                return
            stats = (
                exp.write_plover(conn, out, f, unit=unit)
                if fmt == "plover"
                else exp.write_gdelt(conn, out, f, unit=unit)
            )
        except OSError as e:
            # the export is written beside its target and renamed into place: nothing partial is left
            raise click.ClickException(f"{out}: cannot write the export: {e.strerror or e}") from None
    skipped = "; ".join(f"{n} {reason}" for reason, n in stats.skipped.items())
    click.echo(f"rasad export: {stats.written} {unit} records to {out}" + (f" (skipped: {skipped})" if skipped else ""),
               err=True)  # fmt: skip


# --------------------------------------------------------------------------- demo


def build_demo_db(documents: Sequence[Document], path: Path) -> None:
    """Store the demo's analysed samples in `path` and print the stories and actors found across them."""
    from rasad.store.db import analysis_versions
    from rasad.store.ingest import ingest_documents, text_sha256

    with _open(str(path), write=True) as conn:
        # a database holding anything but the samples is someone's corpus, not the demo's: leave it alone
        samples = {text_sha256(d.text) for d in documents}
        stored = {str(r[0]) for r in conn.execute("SELECT text_sha256 FROM documents")}
        if stored - samples:
            raise click.ClickException(f"{path} holds other documents than the samples; not touching it")
        stats = ingest_documents(conn, documents, reanalyse=True, versions=analysis_versions())
        sts = query.stories(conn, query.ALL)
        from rasad.store import actors as registry

        # the actors taking part in events; the rest are only named in passing
        acts = [a for a in registry.list_actors(conn) if a.events > 0]
        console = _console()
        console.rule("stories")
        print_stories(sts, console)
        console.rule("actors in events")
        print_actors(acts, console)
        click.echo(
            f"rasad demo: stored in {path}: {_totals(conn)}"
            + (f" ({len(stats.failed)} not stored)" if stats.failed else "")
            + f"; try `rasad events --db {path}`",
            err=True,
        )
        click.echo(
            f"rasad demo: open it in your browser with `rasad serve --db {path}`, then http://127.0.0.1:8000",
            err=True,
        )
