"""The `rasad` command: a thin shell over the library; every command lives in its own module."""

from __future__ import annotations

import click

from rasad.cli.extract import demo, extract


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
# --------------------------------------------------------------------------- end of commands
