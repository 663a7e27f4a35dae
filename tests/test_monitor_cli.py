"""`rasad sources`, `watchlists`, `watch` and `alerts` end to end, with the real analysis, against a news
site on 127.0.0.1: one round ingests the expected articles and writes the expected alert; a watcher killed
in the middle of a round resumes without duplicates; SIGTERM stops the loop cleanly."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from monitor_site import AR_FEED, AR_ITEMS, FA_FEED, SITEMAP, FeedServer, Route, publish_site, rss
from rasad.cli import main
from rasad.monitor.schema import open_store

LOOPBACK_ENV = {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}


@pytest.fixture
def site() -> Iterator[FeedServer]:
    s = FeedServer().start()
    publish_site(s)
    yield s
    s.stop()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "rasad.db")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env=LOOPBACK_ENV)


def ok(*args: str) -> Result:
    result = run(*args)
    assert result.exit_code == 0, result.output + (str(result.exception) if result.exception else "")
    return result


def query_db(db: str, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def read_alerts(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def follow_site(site: FeedServer, db: str) -> None:
    ok("sources", "add", site.url(AR_FEED), "--name", "Rasd", "--every", "15m", "--db", db)
    ok("sources", "add", site.url(FA_FEED), "--name", "Khabar", "--lang", "fa", "--db", db)
    ok("sources", "add", site.url(SITEMAP), "--name", "Khabar sitemap", "--every", "1h", "--db", db)


def test_watch_once_ingests_the_articles_and_writes_one_alert_for_the_story(
    site: FeedServer, db: str, tmp_path: Path
) -> None:
    alerts_file = tmp_path / "alerts.jsonl"
    follow_site(site, db)
    added = ok("watchlists", "add", "iran-tajik", "--dyad", "IRN-TJK", "--type", "CONSULT", "--to", str(alerts_file),
               "--db", db)  # fmt: skip
    assert "dyad=IRN-TJK types=CONSULT" in added.output

    result = ok("watch", "--once", "--db", db, "--delay", "0", "--timeout", "5")
    assert "3 feeds polled, 4 articles fetched, 4 stored" in result.stderr
    urls = {r[0] for r in query_db(db, "SELECT url FROM documents")}
    assert urls == {site.url(p) for p in ("/ar/news/1001.html", "/ar/news/1002.html", "/fa/news/77.html",
                                          "/fa/news/78.html")}  # fmt: skip
    (alert,) = read_alerts(alerts_file)
    assert (alert["watchlist"], alert["type"], alert["dyad"]) == ("iran-tajik", "CONSULT", ["IRN", "TJK"])
    assert alert["languages"] == ["ar", "fa"]
    assert sorted(r["outlet"] for r in alert["reports"]) == ["Khabar", "Rasd"]

    again = ok("watch", "--once", "--db", db, "--delay", "0")
    assert "0 articles fetched" in again.stderr
    assert len(read_alerts(alerts_file)) == 1
    assert query_db(db, "SELECT count(*) FROM documents") == [(4,)]

    listed = ok("alerts", "--db", db)
    assert "iran-tajik" in listed.output and alert["story"] in listed.output and "delivered" in listed.output
    (as_json,) = [json.loads(line) for line in ok("alerts", "--db", db, "--format", "json").stdout.splitlines()]
    assert as_json["story"] == alert["story"] and as_json["delivered_at"]

    sources = [json.loads(line) for line in ok("sources", "list", "--db", db, "--format", "json").stdout.splitlines()]
    assert [(s["name"], s["items"]) for s in sources] == [
        ("Rasd", {"done": 2}), ("Khabar", {"done": 1}), ("Khabar sitemap", {"done": 1}),
    ]  # fmt: skip
    assert "Khabar sitemap" in ok("sources", "list", "--db", db).output
    assert "iran-tajik" in ok("watchlists", "list", "--db", db).output
    assert "and its 1 alerts" in ok("watchlists", "remove", "iran-tajik", "--db", db).output
    assert "removed source 3" in ok("sources", "remove", "3", "--db", db).output
    assert len(query_db(db, "SELECT id FROM monitor_sources")) == 2


def test_watch_once_exits_1_when_a_feed_fails(site: FeedServer, db: str) -> None:
    site.set("/down.xml", Route(b"", status=500))
    ok("sources", "add", site.url("/down.xml"), "--db", db)
    result = run("watch", "--once", "--db", db, "--delay", "0", "--timeout", "2", "--retries", "0")
    assert result.exit_code == 1
    assert "HTTP 500" in result.stderr and "1 failed" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sources", "add", "https://x.example.invalid/rss", "--every", "10s"], "at least 1m"),
        (["sources", "add", "ftp://x.example.invalid/rss"], "not an http(s) address"),
        (["sources", "remove", "42"], "no source 42"),
        (["watchlists", "add", "w", "--stdout", "--webhook", "http://127.0.0.1:9/h"], "give one of"),
        (["watchlists", "add", "w", "--story", "S1"], "--story does not apply"),
        (["watchlists", "remove", "nope"], "no watchlist 'nope'"),
    ],
)
def test_cli_errors_say_why(db: str, args: list[str], message: str) -> None:
    open_store(db).conn.close()
    result = run(*args, "--db", db)
    assert result.exit_code != 0
    assert message in result.output


# --------------------------------------------------------------------------- as a process


def watcher(db: str, *extra: str, stderr: Any) -> subprocess.Popen[bytes]:
    env = {**os.environ, **LOOPBACK_ENV}
    cmd = [sys.executable, "-m", "rasad", "watch", "--db", db, "--delay", "0", "--timeout", "30", *extra]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=stderr, env=env)


@pytest.mark.slow
def test_watcher_killed_mid_round_resumes_without_duplicates(site: FeedServer, db: str, tmp_path: Path) -> None:
    follow_site(site, db)
    held = "/fa/news/77.html"
    site.set(held, Route(site.routes[held].body, hold=60.0))  # answered only once the test says so
    with open(tmp_path / "watch.log", "wb") as log:
        proc = watcher(db, "--once", stderr=log)
        try:
            assert site.entered[held].wait(60), "the watcher never asked for the held article"
        finally:
            proc.kill()  # SIGKILL: no chance to clean up
            proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    # killed while the Persian article was on its way: the Arabic ones were stored, it is pending
    states = dict(query_db(db, "SELECT url, state FROM monitor_items"))
    assert [states[site.url(p)] for p, *_ in AR_ITEMS] == ["done", "done"]
    assert states[site.url(held)] == "pending"
    assert query_db(db, "SELECT count(*) FROM documents") == [(2,)]

    site.release.set()  # the server answers at once from now on
    ok("watch", "--once", "--db", db, "--delay", "0", "--timeout", "5")
    assert {s for _, s in query_db(db, "SELECT url, state FROM monitor_items")} == {"done"}
    docs = query_db(db, "SELECT url FROM documents")
    assert len(docs) == len(set(docs)) == 4  # the pending article, and the sitemap never reached before
    assert [site.hits[p] for p, *_ in AR_ITEMS] == [1, 1]  # stored before the kill: not fetched again
    assert site.hits[AR_FEED] == site.hits[FA_FEED] == 1  # not due again: the pending link was remembered
    assert site.hits[held] == 2


def test_sigterm_stops_the_loop_cleanly(site: FeedServer, db: str, tmp_path: Path) -> None:
    # a feed with nothing in it: the loop runs its round without loading the analysis, then sleeps
    site.set("/quiet.xml", Route(rss(site.base, "quiet", []), content_type="application/rss+xml"))
    ok("sources", "add", site.url("/quiet.xml"), "--name", "Quiet", "--db", db)
    log_path = tmp_path / "watch.log"
    with open(log_path, "wb") as log:
        proc = watcher(db, stderr=log)
        try:
            deadline = time.monotonic() + 60
            while b"round done" not in log_path.read_bytes() and time.monotonic() < deadline:
                assert proc.poll() is None, log_path.read_text()
                time.sleep(0.05)
            assert b"round done" in log_path.read_bytes()
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(15) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
    text = log_path.read_text(encoding="utf-8")
    assert "SIGTERM received" in text and "stopped after 1 rounds" in text
    assert query_db(db, "SELECT last_ok IS NOT NULL FROM monitor_sources") == [(1,)]
