"""The `rasad` command: a thin shell over the library; every command lives in its own module."""

from __future__ import annotations

import click

from rasad.cli.data import data
from rasad.cli.extract import demo, extract
from rasad.cli.monitor import alerts, sources, watch, watchlists
from rasad.cli.scale import load_parquet, spark
from rasad.cli.serve import serve
from rasad.cli.store import actors, events, export, ingest, search, show, stories_cmd


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    # read from the package, not from installed metadata, so a source checkout reports it too
    from rasad import __version__

    click.echo(f"rasad {__version__}")
    ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version, help="Show the version."
)
def main() -> None:
    """rasad: structured event data (PLOVER/CAMEO) from Arabic and Persian news."""


# --------------------------------------------------------------------------- commands
# One line per command: import it at the top of this file and register it here.
main.add_command(extract)
main.add_command(demo)
main.add_command(data)
main.add_command(ingest)
main.add_command(events)
main.add_command(stories_cmd)
main.add_command(show)
main.add_command(actors)
main.add_command(search)
main.add_command(export)
main.add_command(spark)
main.add_command(load_parquet)
main.add_command(sources)
main.add_command(watch)
main.add_command(watchlists)
main.add_command(alerts)
main.add_command(serve)
# --------------------------------------------------------------------------- end of commands
