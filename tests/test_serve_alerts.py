"""The web interface's alerts page, on a store where the monitor raised an alert for a story told twice.

The store is filled as test_serve.py fills its own (short articles written for these tests, analysed by
the real pipeline, stored by the store's ingest); the monitor's tables, the watchlist and its alert are
made by the monitor's own functions, so the page is checked against what a watcher really writes.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
import warnings
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from rasad.monitor import watchlists as wls
from rasad.monitor.schema import ensure_monitor_schema
from rasad.pipeline import Pipeline
from rasad.records import InputDoc
from rasad.serve.app import create_app
from rasad.store import query
from rasad.store.db import connect
from rasad.store.ingest import ingest_documents

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's notice about httpx's successor
    from fastapi.testclient import TestClient

BASE = "http://127.0.0.1"
RAISED = datetime(2025, 4, 6, 9, 30, tzinfo=UTC)
XSS_WATCHLIST = "<script>alert('wl')</script><img src=x onerror=alert(7)>"

# one meeting, reported in Arabic and in Persian: one story of two reports
MEETING = (
    InputDoc(
        "ar-muscat",
        "مسقط - التقى وزير الخارجية العماني بدر البوسعيدي اليوم الأحد في مسقط وزير الخارجية الإيراني عباس عراقجي، "
        "وبحث الجانبان تعزيز التعاون في أمن الملاحة البحرية.",
        title="البوسعيدي يلتقي عراقجي في مسقط",
        published="2025-04-06",
        source="Alert Test Arabic",
    ),
    InputDoc(
        "fa-muscat",
        "مسقط - عباس عراقچی وزیر امور خارجه ایران روز یکشنبه در مسقط با بدر البوسعیدی وزیر خارجه عمان دیدار و "
        "درباره امنیت کشتیرانی گفتگو کرد.",
        title="دیدار عراقچی و البوسعیدی در مسقط",
        published="2025-04-06",
        source="Alert Test Persian",
    ),
)
ALERT_ITEM = re.compile(r'<li class="story alert" id="alert-(\d+)">')


def store(pipeline: Pipeline, path: Path) -> Path:
    conn = connect(path).conn
    try:
        stats = ingest_documents(conn, [pipeline.analyze(a) for a in MEETING])
    finally:
        conn.close()
    assert stats.added == len(MEETING), stats
    return path


@pytest.fixture(scope="module")
def alerted(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A store with the meeting, a watchlist on its dyad and the one alert it raised; and that story's id."""
    path = store(pipeline, tmp_path_factory.mktemp("alerts") / "corpus.db")
    conn = connect(path).conn
    try:
        stories = {int(r[0]) for r in conn.execute("SELECT story_id FROM events WHERE dyad = 'IRN-OMN'")}
        assert len(stories) == 1, "the two reports of the meeting should be one story"
        ensure_monitor_schema(conn)
        flt = query.make_filter(dyad="IRN-OMN", limit=None)
        wls.add_watchlist(conn, XSS_WATCHLIST, flt, wls.Delivery("stdout"), include_existing=True, now=RAISED)
        evaluation = wls.evaluate(conn, now=RAISED)
    finally:
        conn.close()
    assert len(evaluation.alerts) == 1 and evaluation.errors == (), evaluation
    return path, stories.pop()


def client(path: Path) -> TestClient:
    return TestClient(create_app(path), base_url=BASE)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    p = _Elements()
    p.feed(html)
    return p.elements


def test_the_alert_is_listed_once_with_a_working_link_to_its_story(alerted: tuple[Path, int]) -> None:
    path, story = alerted
    c = client(path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    r = c.get("/alerts")
    assert r.status_code == 200, r.text[:300]
    assert len(ALERT_ITEM.findall(r.text)) == 1
    links = [a["href"] for tag, a in elements(r.text) if tag == "a" and str(a.get("href", "")).startswith("/story/")]
    assert links == [f"/story/S{story}"]
    assert "CONSULT" in r.text and 'href="/dyad/IRN-OMN"' in r.text and "2025-04-06" in r.text
    assert '<time datetime="2025-04-06T09:30:00Z">2025-04-06 09:30 UTC</time>' in r.text
    assert "2 report(s)" in r.text and "ar, fa" in r.text
    # the first evidence words are those of the story's first report, in its own script
    evidence = re.search(r'<p class="evidence-line" dir="rtl" lang="(ar|fa)">([^<]+)</p>', r.text)
    assert evidence is not None
    texts = {d.doc_id[:2]: d.text for d in MEETING}
    assert evidence.group(2).rstrip(".…")[:40] in texts[evidence.group(1)]
    page = c.get(links[0])
    assert page.status_code == 200
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        uids = [str(u) for (u,) in conn.execute("SELECT uid FROM events WHERE story_id = ?", (story,))]
    finally:
        conn.close()
    assert len(uids) == 2 and all(f'id="evidence-{u}"' in page.text for u in uids)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # read-only


def test_a_watchlist_name_with_markup_is_only_text(alerted: tuple[Path, int]) -> None:
    html = client(alerted[0]).get("/alerts").text
    assert "<script>alert('wl')" not in html and "onerror=alert(7)>" not in html
    assert "&lt;script&gt;alert(&#39;wl&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(7)&gt;" in html
    found = elements(html)
    assert not [t for t, _ in found if t in ("script", "img")]
    assert not [a for _, a in found if any(k.startswith("on") for k in a)]


def test_the_nav_links_to_alerts_in_every_language(alerted: tuple[Path, int]) -> None:
    c = client(alerted[0])
    for lang, word in (("en", "Alerts"), ("ar", "التنبيهات"), ("fa", "هشدارها")):
        html = c.get(f"/?lang={lang}").text
        assert f'<a href="/alerts">{word}</a>' in html, lang
        page = c.get(f"/alerts?lang={lang}").text
        assert f'<a href="/alerts" aria-current="page">{word}</a>' in page, lang
        assert len(ALERT_ITEM.findall(page)) == 1, lang


def test_a_store_no_watcher_opened_says_how_to_set_a_watchlist(pipeline: Pipeline, tmp_path: Path) -> None:
    path = store(pipeline, tmp_path / "plain.db")
    r = client(path).get("/alerts")
    assert r.status_code == 200
    assert "rasad watchlists add NAME --dyad IRN-TJK --db plain.db" in r.text
    assert not ALERT_ITEM.search(r.text)
    conn = sqlite3.connect(path)
    try:
        tables = {str(n) for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'monitor%'")}
    finally:
        conn.close()
    assert tables == set()  # the page created nothing


def test_monitor_tables_without_alerts(tmp_path: Path) -> None:
    path = tmp_path / "watched.db"
    conn = connect(path).conn
    try:
        ensure_monitor_schema(conn)
    finally:
        conn.close()
    c = client(path)
    assert "rasad watchlists add" in c.get("/alerts").text  # tables, but no watchlist yet
    conn = connect(path).conn
    try:
        wls.add_watchlist(conn, "gulf", query.make_filter(state="OMN", limit=None), wls.Delivery("stdout"))
    finally:
        conn.close()
    r = c.get("/alerts")
    assert r.status_code == 200
    assert "No alert yet: 1 watchlist(s)" in r.text and "rasad watchlists add" not in r.text


def test_the_alert_follows_its_reports_when_story_ids_change(alerted: tuple[Path, int], tmp_path: Path) -> None:
    path = tmp_path / "rebuilt.db"
    shutil.copy(alerted[0], path)
    conn = sqlite3.connect(path)
    try:
        # stories rebuilt: the meeting's reports now form story 77, the id the alert was raised with is gone
        with conn:
            conn.execute("INSERT INTO stories (id, created_at) VALUES (77, '2025-04-07T00:00:00Z')")
            conn.execute("UPDATE events SET story_id = 77 WHERE story_id = ?", (alerted[1],))
            conn.execute("DELETE FROM stories WHERE id = ?", (alerted[1],))
    finally:
        conn.close()
    html = client(path).get("/alerts").text
    assert 'href="/story/S77"' in html and f'href="/story/S{alerted[1]}"' not in html
    conn = sqlite3.connect(path)
    try:
        with conn:  # the reports left every story: the alert is shown as it was delivered, without a link
            conn.execute("UPDATE events SET story_id = NULL")
    finally:
        conn.close()
    html = client(path).get("/alerts").text
    assert len(ALERT_ITEM.findall(html)) == 1
    assert "no longer in the database" in html and 'href="/story/' not in html
    assert "CONSULT" in html and 'href="/dyad/IRN-OMN"' in html and "2 report(s)" in html
