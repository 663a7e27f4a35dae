"""Regenerate docs/screenshots/*.png: the overview, an event page with highlighted Arabic text, a dyad timeline.

    .venv/bin/python scripts/screenshots.py [--db FILE] [--out docs/screenshots] [--lang en]

Without --db, the bundled samples are analysed and stored in a temporary database (what `rasad demo`
builds). The pages are served by `rasad serve` on a free loopback port and photographed with Debian's
Chromium through Playwright (no browser download).
"""

from __future__ import annotations

import argparse
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(db: Path) -> Iterator[str]:
    """`rasad serve` on a free loopback port for the duration; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "rasad", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    raise RuntimeError(f"rasad serve did not start: {err}") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def demo_database(path: Path) -> None:
    from rasad.cli.extract import analyze_samples
    from rasad.store.db import connect
    from rasad.store.ingest import ingest_documents

    conn = connect(path).conn
    try:
        ingest_documents(conn, analyze_samples())
    finally:
        conn.close()


def pick(db: Path) -> tuple[str, str]:
    """(an Arabic event worth showing, the busiest dyad): the Arabic report with most participants and
    mentions, and the pair of states with most events."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        event = conn.execute(
            "SELECT e.uid FROM events e JOIN documents d ON d.id = e.document_id "
            "WHERE d.lang = 'ar' AND e.historical = 0 ORDER BY e.when_basis = 'event' DESC, "
            "e.location_id IS NOT NULL DESC, "
            "(SELECT count(*) FROM event_participants p WHERE p.event_id = e.id) DESC, "
            "(SELECT count(*) FROM events x WHERE x.story_id = e.story_id) DESC, e.id LIMIT 1"
        ).fetchone()
        dyad = conn.execute(
            "SELECT dyad FROM events WHERE dyad LIKE '%-%' GROUP BY dyad ORDER BY count(*) DESC, dyad LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    if event is None or dyad is None:
        raise SystemExit("the database has no Arabic event or no dyad to show")
    return str(event[0]), str(dyad[0])


def shoot(base: str, event: str, dyad: str, out: Path, lang: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    shots = [("overview", "/"), ("event", f"/event/{event}"), ("dyad", f"/dyad/{dyad}")]
    written = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1360, "height": 900}, device_scale_factor=1)
        page.goto(f"{base}/?lang={lang}")
        for name, path in shots:
            page.goto(base + path, wait_until="networkidle")
            target = out / f"{name}.png"
            page.screenshot(path=str(target), full_page=True)
            written.append(target)
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, help="database to photograph (default: the bundled samples)")
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    ap.add_argument("--lang", choices=("en", "ar", "fa"), default="en", help="interface language")
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"screenshots: {CHROMIUM} not found (apt-get install chromium fonts-noto-core)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "demo.db"
            demo_database(db)
        event, dyad = pick(db)
        with served(db) as base:
            for p in shoot(base, event, dyad, args.out, args.lang):
                print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
