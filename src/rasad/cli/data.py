"""`rasad data stats`: what rasad knows, file by file and language by language."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from rasad.lexicon import DATA_DIR, read_tsv


@click.group()
def data() -> None:
    """Inspect rasad's language data."""


def _count(path: object) -> int:
    from pathlib import Path

    p = Path(str(path))
    return len(read_tsv(p)) if p.exists() else 0


@data.command()
def stats() -> None:
    """Entries per data file and language."""
    langs = sorted(p.name for p in (DATA_DIR / "lang").iterdir() if p.is_dir())
    files = sorted({f.name for lang in langs for f in (DATA_DIR / "lang" / lang).glob("*.tsv")})
    table = Table(title="rasad language data (entries per file)")
    table.add_column("file")
    for lang in langs:
        table.add_column(lang, justify="right")
    totals = [0] * len(langs)
    for name in files:
        counts = [_count(DATA_DIR / "lang" / lang / name) for lang in langs]
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        table.add_row(name, *(f"{c:,}" for c in counts))
    table.add_row("[bold]total[/bold]", *(f"[bold]{t:,}[/bold]" for t in totals))
    console = Console()
    console.print(table)
    shared = Table(title="language-neutral data")
    shared.add_column("file")
    shared.add_column("entries", justify="right")
    for folder in ("common", "ontology", "actors"):
        for f in sorted((DATA_DIR / folder).glob("*.tsv")):
            shared.add_row(f"{folder}/{f.name}", f"{_count(f):,}")
    console.print(shared)
    version = (DATA_DIR / "VERSION").read_text(encoding="utf-8").strip()
    console.print(f"data version {version}")
    from rasad.resources import cache_dir, fingerprint

    kept_in = cache_dir()
    if kept_in is None:
        console.print("built resources are not kept (RASAD_CACHE_DIR is off)")
    else:
        kept = kept_in / f"resources-{fingerprint()}.pickle"
        state = "kept" if kept.exists() else "not built yet: the next analysis builds and keeps them"
        console.print(f"built resources: {kept} ({state})", soft_wrap=True)
