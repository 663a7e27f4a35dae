"""The `rasad` command: a thin shell over the library; every command lives in its own module.

Command modules are imported only when their command runs (the web, Spark and store modules pull in FastAPI,
PyArrow and friends), so `rasad extract` starts fast.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

# --------------------------------------------------------------------------- commands
# One line per command: name -> "module:attribute" of its Click command, in the order `--help` lists them.
COMMANDS: dict[str, str] = {
    "extract": "rasad.cli.extract:extract",
    "demo": "rasad.cli.extract:demo",
    "data": "rasad.cli.data:data",
    "ingest": "rasad.cli.store:ingest",
    "events": "rasad.cli.events:events",
    "stories": "rasad.cli.store:stories_cmd",
    "show": "rasad.cli.store:show",
    "actors": "rasad.cli.store:actors",
    "search": "rasad.cli.store:search",
    "export": "rasad.cli.store:export",
    "serve": "rasad.cli.serve:serve",
    "spark": "rasad.cli.scale:spark",
    "load-parquet": "rasad.cli.scale:load_parquet",
    "sources": "rasad.cli.monitor:sources",
    "watch": "rasad.cli.monitor:watch",
    "watchlists": "rasad.cli.monitor:watchlists",
    "alerts": "rasad.cli.monitor:alerts",
}
# --------------------------------------------------------------------------- end of commands


class LazyGroup(click.Group):
    """A Click group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        cmd: Any = getattr(importlib.import_module(module), attr)
        if not isinstance(cmd, click.Command):
            raise TypeError(f"{target} is not a Click command")
        return cmd


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    # read from the package, not from installed metadata, so a source checkout reports it too
    from rasad import __version__

    click.echo(f"rasad {__version__}")
    ctx.exit()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version, help="Show the version."
)
def main() -> None:
    """rasad: structured event data (PLOVER/CAMEO) from Arabic and Persian news."""
