"""Watching against a news site on 127.0.0.1: incremental ingest, failures retried later, and alerts once
per story across reports in two languages.

Rounds are run at chosen times (`now`), so "later" costs no waiting; the politeness delay is zero. The
analysis is a stub that finds fixed events in the test articles, so that these tests check the monitor
(and the store's story merging) whatever the state of the extraction; test_monitor_cli.py runs the whole
thing, real analysis included, through `rasad watch`.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from monitor_site import (
    AR_CAIRO,
    AR_FEED,
    AR_ITEMS,
    AR_LATER,
    AR_SITE,
    FA_FEED,
    SITEMAP,
    FeedServer,
    Route,
    article_page,
    atom,
    publish_ar_feed,
    publish_site,
    rss,
)
from rasad.monitor import sources as srcs
from rasad.monitor import watchlists as wls
from rasad.monitor.fetch import FetchConfig, Fetcher
from rasad.monitor.schema import VERSION_KEY, open_store
from rasad.monitor.watch import Analyze, RoundReport, WatchConfig, run_forever, run_round
from rasad.records import DateValue, Document, Entity, Event, InputDoc, Span
from rasad.store import query
from rasad.store.db import connect, schema_version
from rasad.store.ingest import text_sha256

T0 = datetime(2025, 6, 11, 8, 0, tzinfo=UTC)
CFG = WatchConfig(
    fetch=FetchConfig(delay=0.0, timeout=2.0, retries=0, backoff=0.01, use_proxy=False),
    source_retry=60.0,
    item_retry=60.0,
    min_idle=0.01,
)


@pytest.fixture
def site() -> Iterator[FeedServer]:
    s = FeedServer().start()
    publish_site(s)
    yield s
    s.stop()


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    opened = open_store(tmp_path / "rasad.db")
    yield opened.conn
    opened.conn.close()


# article path -> (language, PLOVER type, CAMEO, states, event day) of the one event the stub finds there
STUB_EVENTS = {
    "/ar/news/1001.html": ("ar", "CONSULT", "043", ("IRN", "TJK"), "2025-06-10"),
    "/fa/news/77.html": ("fa", "CONSULT", "043", ("IRN", "TJK"), "2025-06-10"),
    "/ar/news/1002.html": ("ar", "CONSULT", "043", ("EGY", "SAU"), "2025-06-09"),
    "/ar/news/1003.html": ("ar", "CONSULT", "041", ("AZE", "TUR"), "2025-06-11"),
    "/fa/news/78.html": ("fa", "CONSULT", "043", ("KAZ", "RUS"), "2025-06-11"),
}


def stub_analyze(inp: InputDoc, lang: str | None) -> Document:
    spec = STUB_EVENTS.get(urlsplit(inp.doc_id).path)
    entities: tuple[Entity, ...] = ()
    events: tuple[Event, ...] = ()
    if spec is not None:
        lang, type_, cameo, states, day = spec
        head = Span(inp.text[:10], 0, min(10, len(inp.text)))
        entities = tuple(
            Entity(f"e{i}", "COUNTRY", code, code, code, None, None, (head,), key=code)
            for i, code in enumerate(states, 1)
        )
        events = (
            Event("ev1", type_, None, cameo, ("e1",), ("e2",), states, None, DateValue(day, day, day), (), (),
                  False, 0.9, head),
        )  # fmt: skip
    return Document(
        doc_id=inp.doc_id, lang=lang or "ar", title=inp.title, published=inp.published, source=inp.source,
        text_sha256=text_sha256(inp.text), entities=entities, events=events, warnings=(), text=inp.text,
        url=inp.url,
    )  # fmt: skip


@pytest.fixture
def analyze() -> Analyze:
    return stub_analyze


def at(conn: sqlite3.Connection, analyze: Analyze, *, minutes: float = 0, config: WatchConfig = CFG,
       echo: list[str] | None = None) -> RoundReport:  # fmt: skip
    out = echo if echo is not None else []
    return run_round(conn, analyze=analyze, config=config, now=T0 + timedelta(minutes=minutes), echo=out.append,
                     fetcher=Fetcher(config.fetch))  # fmt: skip


def add(conn: sqlite3.Connection, site: FeedServer, path: str, name: str, **kw: object) -> srcs.Source:
    return srcs.add_source(conn, site.url(path), name=name, now=T0, **kw)  # type: ignore[arg-type]


def count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def iran_tajik() -> query.EventFilter:
    return query.make_filter(dyad="IRN-TJK", type="CONSULT", limit=None)


# --------------------------------------------------------------------------- schema


def test_monitor_tables_live_beside_the_store_without_changing_its_version(tmp_path: Path) -> None:
    path = tmp_path / "rasad.db"
    for _ in range(2):  # opening again applies nothing twice
        opened = open_store(path)
        opened.conn.close()
    conn = connect(path, create=False, migrate=False).conn  # the store alone still opens it
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()
        assert conn.execute("SELECT value FROM meta WHERE key = ?", (VERSION_KEY,)).fetchone()[0] == "1"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
        assert {"monitor_sources", "monitor_items", "monitor_watchlists", "monitor_alerts"} <= tables
    finally:
        conn.close()


# --------------------------------------------------------------------------- incremental ingest


def test_new_items_are_ingested_once(site: FeedServer, conn: sqlite3.Connection, analyze: Analyze) -> None:
    add(conn, site, AR_FEED, "Rasd")
    add(conn, site, FA_FEED, "Khabar", lang="fa")
    add(conn, site, SITEMAP, "Khabar news sitemap")
    report = at(conn, analyze)
    assert [s.new_items for s in report.sources] == [2, 1, 1]
    assert (report.fetched, report.added, report.problems, report.failed_sources) == (4, 4, (), ())
    assert count(conn, "documents") == 4
    assert {i.state for i in srcs.items(conn)} == {"done"}
    docs = {r[0]: r[1:] for r in conn.execute("SELECT url, source, lang, published, title FROM documents")}
    # the tracking parameter of the RSS links is gone; the outlet is the name the user gave the source
    ar_url = site.url(AR_ITEMS[0][0])
    assert docs[ar_url][:2] == ("Rasd", "ar")
    assert docs[ar_url][2].startswith("2025-06-10")
    assert docs[site.url("/fa/news/77.html")][:2] == ("Khabar", "fa")
    for item in srcs.items(conn):
        assert item.document is not None
        assert conn.execute("SELECT url FROM documents WHERE uid = ?", (item.document,)).fetchone()[0] == item.url

    again = at(conn, analyze, minutes=60)  # every feed due again, nothing new
    assert [s.new_items for s in again.sources] == [0, 0, 0]
    assert [s.not_modified for s in again.sources] == [True, True, False]  # ETag, Last-Modified, neither
    assert again.fetched == 0 and count(conn, "documents") == 4
    articles = [p for p in site.hits if "/news/" in p]
    assert articles and all(site.hits[p] == 1 for p in articles)
    sent = [h for p, h in site.request_headers if p == AR_FEED]
    assert sent[1].get("If-None-Match") == '"ar-1"'


def test_changed_feed_gives_only_the_new_items(site: FeedServer, conn: sqlite3.Connection, analyze: Analyze) -> None:
    add(conn, site, AR_FEED, "Rasd")
    at(conn, analyze)
    publish_ar_feed(site, [AR_LATER, *AR_ITEMS], '"ar-2"')
    early = at(conn, analyze, minutes=5)  # not due yet (every 15 minutes): the feed is not asked
    assert early.sources == () and site.hits[AR_FEED] == 1
    report = at(conn, analyze, minutes=16)
    assert [s.new_items for s in report.sources] == [1]
    assert (report.fetched, report.added) == (1, 1)
    assert site.hits[AR_LATER[0]] == 1
    assert all(site.hits[p] == 1 for p, *_ in AR_ITEMS)
    assert count(conn, "documents") == 3


def test_the_same_text_at_two_addresses_is_stored_once(
    site: FeedServer, conn: sqlite3.Connection, analyze: Analyze
) -> None:
    page = article_page("ar", AR_SITE, AR_CAIRO[0], AR_CAIRO[1], "2025-06-09")
    site.set("/ar/a.html", Route(page))
    site.set("/ar/amp/a.html", Route(page))
    feed = rss(site.base, AR_SITE, [("/ar/a.html", "a", ""), ("/ar/amp/a.html", "a", "")])
    site.set("/dup.xml", Route(feed, content_type="application/rss+xml"))
    add(conn, site, "/dup.xml", "Rasd")
    report = at(conn, analyze)
    assert (report.fetched, report.added, report.unchanged) == (2, 1, 1)
    assert count(conn, "documents") == 1
    assert len({i.document for i in srcs.items(conn)}) == 1


# --------------------------------------------------------------------------- failures


def test_failing_feeds_are_reported_retried_later_and_do_not_stop_the_others(
    site: FeedServer, conn: sqlite3.Connection, analyze: Analyze
) -> None:
    site.set("/bad/500.xml", Route(b"server error", status=500, content_type="text/plain"))
    site.set("/bad/slow.xml", Route(b"<rss/>", hold=3.0))
    site.set("/bad/page.xml", Route(b"<!DOCTYPE html><html><body><p>Maintenance</p></body></html>"))
    config = WatchConfig(fetch=FetchConfig(delay=0.0, timeout=0.3, retries=0, use_proxy=False), source_retry=60.0)
    for path in ("/bad/500.xml", "/bad/slow.xml", "/bad/page.xml"):
        add(conn, site, path, path)
    add(conn, site, AR_FEED, "Rasd")

    report = at(conn, analyze, config=config)
    errors = {s.name: s.error for s in report.failed_sources}
    assert set(errors) == {"/bad/500.xml", "/bad/slow.xml", "/bad/page.xml"}
    assert "HTTP 500" in str(errors["/bad/500.xml"])
    assert "timed out" in str(errors["/bad/slow.xml"])
    assert "HTML" in str(errors["/bad/page.xml"])
    assert report.added == 2  # the good feed after them was read all the same
    rows = {s.name: s for s in srcs.list_sources(conn)}
    for name in errors:
        assert rows[name].failures == 1 and rows[name].last_error
        assert rows[name].next_due == srcs.stamp(T0 + timedelta(seconds=60))

    hits = dict(site.hits)
    assert at(conn, analyze, minutes=0.5, config=config).sources == ()  # not due again yet
    assert dict(site.hits) == hits

    # two of them recover; the third fails again and waits twice as long
    site.set("/bad/slow.xml", Route(atom(site.base, "fa", []), content_type="application/atom+xml"))
    site.set("/bad/page.xml", Route(rss(site.base, "ar", []), content_type="application/rss+xml"))
    report = at(conn, analyze, minutes=1, config=config)
    assert [s.name for s in report.failed_sources] == ["/bad/500.xml"]
    rows = {s.name: s for s in srcs.list_sources(conn)}
    assert rows["/bad/slow.xml"].failures == 0 and rows["/bad/slow.xml"].last_error is None
    assert rows["/bad/500.xml"].failures == 2
    assert rows["/bad/500.xml"].next_due == srcs.stamp(T0 + timedelta(minutes=1, seconds=120))


def test_article_failures_are_skipped_or_retried_without_stopping_the_feed(
    site: FeedServer, conn: sqlite3.Connection, analyze: Analyze
) -> None:
    good = "/ar/news/2001.html"
    site.set(good, Route(article_page("ar", AR_SITE, AR_CAIRO[0], AR_CAIRO[1], "2025-06-09")))
    site.set("/ar/news/busy.html", Route(b"", status=503))
    site.set("/private/secret.html", Route(article_page("ar", AR_SITE, "x", ["y"], "2025-06-09")))
    site.set("/ar/report.pdf", Route(b"%PDF-1.4", content_type="application/pdf"))
    # a page drawn by script alone: no article text to extract
    script_only = b"<!DOCTYPE html><html><body><div id=app></div><script src=/app.js></script></body></html>"
    site.set("/ar/empty.html", Route(script_only))
    paths = ["/ar/news/busy.html", "/private/secret.html", "/ar/report.pdf", "/ar/empty.html", good]
    site.set("/mixed.xml", Route(rss(site.base, AR_SITE, [(p, p, "") for p in paths])))
    add(conn, site, "/mixed.xml", "Rasd")

    report = at(conn, analyze)
    assert report.added == 1
    reasons = {p.url.removeprefix(site.base).split("?")[0]: p for p in report.problems}
    assert reasons["/ar/news/busy.html"].retry and "503" in reasons["/ar/news/busy.html"].reason
    assert "robots.txt" in reasons["/private/secret.html"].reason
    assert "not an HTML page" in reasons["/ar/report.pdf"].reason
    assert "no article text" in reasons["/ar/empty.html"].reason
    states = {i.url.removeprefix(site.base): i.state for i in srcs.items(conn)}
    assert states == {
        "/ar/news/busy.html": "pending", "/private/secret.html": "skipped", "/ar/report.pdf": "skipped",
        "/ar/empty.html": "skipped", good: "done",
    }  # fmt: skip
    assert site.hits["/private/secret.html"] == 0

    assert at(conn, analyze, minutes=0.5).fetched == 0  # its retry time has not come
    site.set("/ar/news/busy.html", Route(article_page("ar", AR_SITE, *AR_LATER[1], "2025-06-11")))
    report = at(conn, analyze, minutes=1.5)
    assert (report.fetched, report.added) == (1, 1)
    assert site.hits["/ar/report.pdf"] == 1  # what was skipped is not asked again


# --------------------------------------------------------------------------- watchlists and alerts


def read_lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_one_alert_per_story_across_two_reports_in_two_languages(
    site: FeedServer, conn: sqlite3.Connection, analyze: Analyze, tmp_path: Path
) -> None:
    alerts_file = tmp_path / "alerts.jsonl"
    wls.add_watchlist(conn, "iran-tajik", iran_tajik(), wls.file_delivery(str(alerts_file)), now=T0)
    wls.add_watchlist(conn, "us-china", query.make_filter(dyad="USA-CHN", limit=None), wls.Delivery("stdout"))
    add(conn, site, AR_FEED, "Rasd")

    first = at(conn, analyze)  # the Arabic report
    assert [a.watchlist for a in first.alerts] == ["iran-tajik"]
    lines = read_lines(alerts_file)
    assert len(lines) == 1
    alert = lines[0]
    assert (alert["watchlist"], alert["type"], alert["dyad"], alert["languages"]) == (
        "iran-tajik", "CONSULT", ["IRN", "TJK"], ["ar"],
    )  # fmt: skip
    story = alert["story"]
    assert alert["link"] == f"/story/{story}"

    add(conn, site, FA_FEED, "Khabar")
    second = at(conn, analyze, minutes=1)  # the Persian report of the same meeting
    assert second.added == 1 and second.alerts == ()
    assert len(read_lines(alerts_file)) == 1
    st = query.show(conn, str(story))
    assert st.languages == ("ar", "fa")  # the Persian report joined the story that was alerted
    (stored,) = wls.list_alerts(conn, watchlist="iran-tajik")
    covered = {r[0] for r in conn.execute("SELECT event_uid FROM monitor_alert_events WHERE alert_id = ?",
                                          (stored.id,))}  # fmt: skip
    assert covered == {r.uid for r in st.reports}
    assert stored.delivered_at is not None

    assert at(conn, analyze, minutes=30).alerts == ()  # nothing new, nothing raised
    assert wls.list_alerts(conn, watchlist="us-china") == []


def test_reports_arriving_together_raise_one_alert(
    site: FeedServer, conn: sqlite3.Connection, analyze: Analyze
) -> None:
    wls.add_watchlist(conn, "iran-tajik", iran_tajik(), wls.Delivery("stdout"))
    add(conn, site, AR_FEED, "Rasd")
    add(conn, site, FA_FEED, "Khabar")
    printed: list[str] = []
    report = at(conn, analyze, echo=printed)
    assert len(report.alerts) == 1 and len(printed) == 1
    alert = json.loads(printed[0])
    assert alert["languages"] == ["ar", "fa"]
    assert {r["lang"] for r in alert["reports"]} == {"ar", "fa"}
    assert all(r["matched"] for r in alert["reports"])
    assert {r["outlet"] for r in alert["reports"]} == {"Rasd", "Khabar"}


def test_full_text_terms_and_other_filters(site: FeedServer, conn: sqlite3.Connection, analyze: Analyze) -> None:
    wls.add_watchlist(conn, "smuggling-fa", query.make_filter(text="قاچاق", limit=None), wls.Delivery("stdout"))
    wls.add_watchlist(conn, "oil", query.make_filter(text="نفط", limit=None), wls.Delivery("stdout"))
    wls.add_watchlist(conn, "egypt", query.make_filter(state="EGY", lang="ar", limit=None), wls.Delivery("stdout"))
    add(conn, site, AR_FEED, "Rasd")
    add(conn, site, FA_FEED, "Khabar")
    report = at(conn, analyze)
    by_list: dict[str, list[wls.Alert]] = {}
    for a in report.alerts:
        by_list.setdefault(a.watchlist, []).append(a)
    assert set(by_list) == {"smuggling-fa", "egypt"}
    (smuggling,) = by_list["smuggling-fa"]
    assert "fa" in smuggling.data()["languages"]
    (egypt,) = by_list["egypt"]
    assert "EGY" in egypt.data()["dyad"]


def test_a_new_watchlist_ignores_the_past_unless_asked(
    site: FeedServer, conn: sqlite3.Connection, analyze: Analyze
) -> None:
    add(conn, site, AR_FEED, "Rasd")
    at(conn, analyze)
    wls.add_watchlist(conn, "from-now", iran_tajik(), wls.Delivery("stdout"))
    wls.add_watchlist(conn, "with-past", iran_tajik(), wls.Delivery("stdout"), include_existing=True)
    report = at(conn, analyze, minutes=1)
    assert [a.watchlist for a in report.alerts] == ["with-past"]


def test_an_unknown_actor_is_reported_and_evaluated_once_known(
    site: FeedServer, conn: sqlite3.Connection, analyze: Analyze
) -> None:
    wls.add_watchlist(conn, "tajik", query.make_filter(actor="TJK", limit=None), wls.Delivery("stdout"))
    first = at(conn, analyze)  # no document yet: no actor TJK in the registry
    assert [name for name, _ in first.watchlist_errors] == ["tajik"]
    assert "no actor" in wls.get_watchlist(conn, "tajik").last_error  # type: ignore[operator]
    add(conn, site, AR_FEED, "Rasd")
    second = at(conn, analyze, minutes=1)
    assert second.watchlist_errors == ()
    assert [a.watchlist for a in second.alerts] == ["tajik"]
    assert wls.get_watchlist(conn, "tajik").last_error is None


def test_webhook_delivery_is_retried_until_it_succeeds(
    site: FeedServer, conn: sqlite3.Connection, analyze: Analyze
) -> None:
    site.set("/hook", Route(b"down", status=500))
    wls.add_watchlist(conn, "iran-tajik", iran_tajik(), wls.webhook_delivery(site.url("/hook")))
    add(conn, site, AR_FEED, "Rasd")
    first = at(conn, analyze)
    assert len(first.alerts) == 1 and first.delivered == 0
    (alert_id, error), = first.delivery_errors
    assert "HTTP 500" in error
    (stored,) = wls.list_alerts(conn)
    assert (stored.delivered_at, stored.attempts) == (None, 1)

    site.set("/hook", Route(b"ok"))
    second = at(conn, analyze, minutes=1)
    assert second.alerts == () and second.delivered == 1
    assert len(site.posts) == 2
    body = json.loads(site.posts[-1][1])
    assert body["alert"] == alert_id and body["watchlist"] == "iran-tajik" and body["dyad"] == ["IRN", "TJK"]
    assert at(conn, analyze, minutes=2).delivered == 0  # delivered once, not again
    assert len(site.posts) == 2


def test_watchlist_validation(conn: sqlite3.Connection, tmp_path: Path) -> None:
    wls.add_watchlist(conn, "a", iran_tajik(), wls.Delivery("stdout"))
    with pytest.raises(wls.MonitorError, match="exists already"):
        wls.add_watchlist(conn, "a", iran_tajik(), wls.Delivery("stdout"))
    with pytest.raises(wls.MonitorError, match="one story"):
        wls.add_watchlist(conn, "b", query.make_filter(story="S3"), wls.Delivery("stdout"))
    with pytest.raises(wls.MonitorError, match="directory does not exist"):
        wls.file_delivery(str(tmp_path / "missing" / "alerts.jsonl"))
    with pytest.raises(wls.MonitorError, match="not an http"):
        wls.webhook_delivery("file:///tmp/x")
    # the saved filter reads back as it was given
    assert wls.get_watchlist(conn, "a").filter == iran_tajik()


# --------------------------------------------------------------------------- the loop


def test_run_forever_is_bounded_and_keeps_state(site: FeedServer, conn: sqlite3.Connection, analyze: Analyze) -> None:
    import threading

    srcs.add_source(conn, site.url(AR_FEED), name="Rasd")
    reports: list[RoundReport] = []
    stop = threading.Event()
    quick = dataclasses.replace(CFG, max_idle=0.05)  # the feed is due in 15 minutes: do not wait for it
    rounds = run_forever(conn, analyze=analyze, stop=stop, config=quick, echo=lambda _: None, max_rounds=2,
                         on_round=reports.append)  # fmt: skip
    assert rounds == 2
    assert (reports[0].added, reports[1].added, reports[1].fetched) == (2, 0, 0)
    stop.set()
    assert run_forever(conn, analyze=analyze, stop=stop, config=CFG) == 0
