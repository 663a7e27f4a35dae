"""The web interface in a real browser: Debian's Chromium driven by Playwright against `rasad serve`.

Skipped, with the reason, where /usr/bin/chromium or Playwright is missing; when the environment variable
CI is set they fail instead, so that CI cannot pass without running them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rasad.pipeline import Pipeline
from test_serve_corpus import ARABIC_NAME, PERSIAN_NAME, build_corpus

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _unavailable() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not found (apt-get install chromium fonts-noto-core)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (.venv/bin/pip install playwright; never `playwright install`)"
    return None


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    reason = _unavailable()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def db(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_corpus(pipeline, tmp_path_factory.mktemp("browser") / "corpus.db")


@pytest.fixture(scope="module")
def server(db: Path) -> Iterator[str]:
    """`rasad serve` in a subprocess on a free loopback port."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "rasad", "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)],
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
                    pytest.fail(f"rasad serve did not start: {err}")
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def page(chromium: Any, server: str) -> Iterator[Any]:
    """A fresh page that records console errors (a CSP violation shows there) and any dialog opened."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.errors = []  # type: ignore[attr-defined]
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))

    def on_dialog(d: Any) -> None:
        pg.dialogs.append(d.message)
        d.dismiss()

    pg.on("dialog", on_dialog)
    try:
        yield pg
    finally:
        context.close()


def test_overview_opens_without_console_errors(page: Any, server: str) -> None:
    page.goto(server + "/")
    assert page.locator("h1").first.inner_text() == "Overview"
    assert page.locator("svg.timeline rect").count() > 0
    assert page.locator(".kpi-n").first.inner_text().strip() != "0"
    assert page.errors == []


def test_filter_events_by_dyad(page: Any, server: str, db: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(db)
    expected = {r[0] for r in conn.execute("SELECT uid FROM events WHERE dyad = 'IRN-TJK'")}
    total = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    conn.close()
    assert 0 < len(expected) < total
    page.goto(server + "/events")
    page.fill("input[name=dyad]", "TJK-IRN")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/events?*dyad=TJK-IRN*")
    links = page.locator("table.events tbody tr td:first-child a").evaluate_all("els => els.map(a => a.href)")
    assert {href.rsplit("/", 1)[1] for href in links} == expected
    assert page.input_value("input[name=dyad]") == "TJK-IRN"  # the URL keeps the filter
    assert page.errors == []


def test_event_page_highlights_the_evidence_in_right_to_left_text(page: Any, server: str, db: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(db)
    uid, evidence, lang = conn.execute(
        "SELECT e.uid, e.evidence, d.lang FROM events e JOIN documents d ON d.id = e.document_id "
        "ORDER BY d.lang = 'ar' DESC, e.id LIMIT 1"
    ).fetchone()
    conn.close()
    page.goto(server + "/events")
    page.click(f"a[href='/event/{uid}']")
    page.wait_for_url(f"**/event/{uid}")
    mark = page.locator(f"#evidence-{uid}")
    assert mark.is_visible()
    assert mark.inner_text().strip() == evidence.strip()
    background = mark.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    article = page.locator(".report.focused .article")
    assert article.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert article.evaluate("el => el.closest('[lang]').lang") == lang
    # the interface stays left to right in English
    assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"
    assert page.errors == []


def test_persian_interface_flips_the_page(page: Any, server: str) -> None:
    page.goto(server + "/events?lang=fa")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.locator("h1").first.inner_text() == "رویدادها"
    page.goto(server + "/")  # the choice is remembered
    assert page.evaluate("document.documentElement.dir") == "rtl"


def test_search_in_persian_finds_the_arabic_spelling(page: Any, server: str) -> None:
    page.goto(server + "/search")
    page.fill("input[name=q]:not([aria-label])", PERSIAN_NAME)
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=*")
    hits = page.locator("mark.hit").all_inner_texts()
    assert ARABIC_NAME in hits
    assert page.locator("ol.hits li").count() >= 2  # the Arabic report and the Persian one
    assert page.errors == []


def test_hostile_markup_in_an_article_does_not_run(page: Any, server: str, db: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(db)
    doc, title = conn.execute("SELECT uid, title FROM documents WHERE name = 'fa-xss'").fetchone()
    ev = conn.execute("SELECT e.uid FROM events e JOIN documents d ON d.id = e.document_id WHERE d.uid = ?",
                      (doc,)).fetchone()[0]  # fmt: skip
    conn.close()
    for path in (f"/document/{doc}", f"/event/{ev}", "/events", "/search?q=alert", "/"):
        page.goto(server + path)
        page.wait_for_timeout(100)
        assert page.dialogs == [], path
        assert page.evaluate("document.querySelectorAll('script, img, [onerror], [onmouseover]').length") == 0
    page.goto(server + f"/document/{doc}")
    assert page.locator("h1").first.inner_text() == title  # shown as text, exactly
    page.hover("text=Evil Outlet")
    assert page.dialogs == []
