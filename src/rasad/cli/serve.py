"""`rasad serve`: the web interface over a corpus database, on this machine by default."""

from __future__ import annotations

import os
from pathlib import Path

import click

from rasad.cli.store import DEFAULT_DB

# `rasad demo` stores the samples beside its JSON Lines output (--out demo-output.jsonl), as this file
DEMO_DB = "demo-output.db"
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
ANY_INTERFACE = ("0.0.0.0", "::", "")


def find_database(db: str | None, cwd: Path | None = None) -> Path:
    """The database to serve: the one named, else ./rasad.db, else the demo's; a ClickException says how to
    make one when there is none."""
    if db:
        p = Path(db)
        if not p.is_file():
            raise click.ClickException(f"{db}: no such database (create it with `rasad ingest ARTICLES --db {db}`)")
        return p
    base = cwd or Path.cwd()
    for name in (DEFAULT_DB, DEMO_DB):
        candidate = base / name
        if candidate.is_file():
            return candidate
    raise click.ClickException(
        f"no database to serve: neither ./{DEFAULT_DB} nor ./{DEMO_DB} exists here. "
        f"Make one with `rasad ingest ARTICLES --db {DEFAULT_DB}`, or run `rasad demo` for the bundled samples, "
        "or name one with --db FILE."
    )


def allowed_hosts(host: str) -> list[str]:
    """Host header values to accept: this machine's loopback names and the address served on; any when
    serving on every interface (the user chose to be reachable from elsewhere)."""
    if host in ANY_INTERFACE:
        return ["*"]
    return sorted({*LOOPBACK, host, f"[{host}]" if ":" in host else host})


@click.command()
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    envvar="RASAD_DB",
    default=None,
    help=f"The corpus database (also $RASAD_DB). Default: ./{DEFAULT_DB}, else the demo's ./{DEMO_DB}.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every one).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--allow-analyse", is_flag=True, help="Add the page that analyses pasted text (runs the pipeline on request)."
)
def serve(db: str | None, host: str, port: int, allow_analyse: bool) -> None:
    """Browse, search and read the events of a corpus database in a web browser (read-only)."""
    import uvicorn

    from rasad.serve.app import create_app
    from rasad.store.db import StoreError

    path = find_database(db)
    try:
        app = create_app(path, allow_analyse=allow_analyse, allowed_hosts=allowed_hosts(host))
    except StoreError as e:
        raise click.ClickException(str(e)) from None
    # the overview, the actor list and the networks: started now, and the server accepts connections once they
    # are computed (`rasad.serve.app`: about a second at 100,000 events, 10 s at most)
    app.state.site.warm()
    shown = f"[{host}]" if ":" in host else host
    if host in ANY_INTERFACE:
        click.echo(
            "rasad serve: warning: listening on every interface; anyone who can reach this machine can read "
            "the database",
            err=True,
        )
        shown = "127.0.0.1"
    click.echo(
        f"rasad serve: {os.fspath(path)} on http://{shown}:{port}/ once the overview is computed (Ctrl+C to stop)",
        err=True,
    )
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        server_header=False,
        timeout_keep_alive=5,
        limit_concurrency=200,
    )
