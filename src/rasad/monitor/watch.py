"""Watching: one polling round, and the long-running loop that repeats it until told to stop.

A round polls every source that is due (a conditional request; a changed feed gives its new links as
pending items), fetches each source's pending articles, extracts them with the same extractor as HTML
ingestion, stores them through the store's idempotent ingest (and so the analysis pipeline and story
merging), then evaluates the watchlists and delivers their alerts. A source or article that fails is
reported and tried again later; it never stops the others. Everything the next round needs is in the
database, so a watcher that is killed resumes where it was: nothing is stored twice.
"""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import FrameType
from typing import Any

from rasad.monitor import sources as srcs
from rasad.monitor.feeds import FeedError, parse_feed
from rasad.monitor.fetch import FetchConfig, Fetcher, FetchError
from rasad.monitor.sources import Item, Source, stamp, utcnow
from rasad.monitor.watchlists import Alert, deliver_pending, evaluate
from rasad.records import Document, InputDoc
from rasad.stages.ingest import iter_inputs
from rasad.store.ingest import ingest_inputs, text_sha256

log = logging.getLogger("rasad.monitor")

# (article, language the source declares or None) -> analysed document
Analyze = Callable[[InputDoc, str | None], Document]

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(frozen=True, slots=True)
class WatchConfig:
    fetch: FetchConfig = field(default_factory=FetchConfig)
    source_retry: float = 60.0  # seconds before a failed feed is polled again, doubled per failure in a row
    item_retry: float = 300.0  # seconds before an article that failed is fetched again, doubled likewise
    item_attempts: int = 3  # an article is given up after this many failed fetches
    articles_per_source: int = 50  # per round, so one busy feed cannot starve the others
    ingest_batch: int = 8  # articles analysed and stored together
    delivery_attempts: int = 5
    max_idle: float = 60.0  # the loop looks at the database at least this often (sources added meanwhile)
    min_idle: float = 1.0  # and waits at least this long between two rounds


def pipeline_analyze() -> Analyze:
    """rasad's analysis pipeline, loaded on the first article (a round with nothing new loads nothing)."""
    from rasad.pipeline import Pipeline

    loaded: list[Pipeline] = []

    def analyze(inp: InputDoc, lang: str | None) -> Document:
        if not loaded:
            loaded.append(Pipeline.load())
        return loaded[0].analyze(inp, lang=lang)

    return analyze


def print_line(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


# --------------------------------------------------------------------------- reports


@dataclass(frozen=True, slots=True)
class SourceReport:
    id: int
    name: str
    polled: bool
    not_modified: bool = False
    new_items: int = 0
    error: str | None = None
    next_due: str | None = None


@dataclass(frozen=True, slots=True)
class ItemProblem:
    url: str
    reason: str
    retry: bool  # it will be tried again in a later round


@dataclass(frozen=True, slots=True)
class RoundReport:
    started: str
    sources: tuple[SourceReport, ...]
    fetched: int  # articles fetched and extracted
    added: int  # documents stored
    unchanged: int  # articles whose text was stored already
    problems: tuple[ItemProblem, ...]
    alerts: tuple[Alert, ...]
    delivered: int
    delivery_errors: tuple[tuple[int, str], ...]
    watchlist_errors: tuple[tuple[str, str], ...]
    stopped: bool = False  # a stop was asked for before the round ended

    @property
    def failed_sources(self) -> tuple[SourceReport, ...]:
        return tuple(s for s in self.sources if s.error)

    def summary(self) -> str:
        polled = sum(1 for s in self.sources if s.polled)
        parts = [f"{polled} feeds polled"]
        if self.failed_sources:
            parts[-1] += f" ({len(self.failed_sources)} failed)"
        parts += [f"{self.fetched} articles fetched", f"{self.added} stored", f"{self.unchanged} already stored"]
        if self.problems:
            parts.append(f"{len(self.problems)} article problems")
        parts.append(f"{len(self.alerts)} alerts")
        if self.delivery_errors:
            parts.append(f"{len(self.delivery_errors)} undelivered")
        return ", ".join(parts)


# --------------------------------------------------------------------------- articles


class ArticleError(Exception):
    """A page that holds no article to store; the message says why."""


def extract_article(body: bytes, url: str, *, cap: int) -> InputDoc:
    """The article in an HTML page, read by the same extractor as `rasad ingest page.html`."""
    # the extractor reads files (kind by suffix, size cap, encodings), so the page goes through one
    with tempfile.TemporaryDirectory(prefix="rasad-monitor-") as tmp:
        path = os.path.join(tmp, "article.html")
        with open(path, "wb") as f:
            f.write(body)
        results = list(iter_inputs([path], cap=cap))
    first = results[0] if results else None
    if isinstance(first, InputDoc):
        return replace(first, doc_id=url, url=url)
    raise ArticleError(first.reason if first is not None else "nothing could be read")


# --------------------------------------------------------------------------- one round


@dataclass(slots=True)
class _Round:
    """What one round needs and what it has done so far (internal; the caller gets a RoundReport)."""

    conn: sqlite3.Connection
    fetcher: Fetcher
    analyze: Analyze
    config: WatchConfig
    now: datetime
    stop: Callable[[], bool]
    sources: list[SourceReport] = field(default_factory=list)
    problems: list[ItemProblem] = field(default_factory=list)
    fetched: int = 0
    added: int = 0
    unchanged: int = 0

    def poll(self, src: Source) -> None:
        try:
            resp = self.fetcher.get(src.url, etag=src.etag, last_modified=src.last_modified)
            if resp.not_modified:
                srcs.record_poll_unchanged(self.conn, src, self.now)
                log.info("%s: not modified", src.name)
                self.sources.append(SourceReport(src.id, src.name, polled=True, not_modified=True))
                return
            feed = parse_feed(resp.body, resp.final_url)
        except (FetchError, FeedError) as e:
            due = srcs.record_poll_failure(self.conn, src, str(e), self.now, self.config.source_retry)
            log.warning("%s: %s; next try at %s", src.name, e, due)
            self.sources.append(SourceReport(src.id, src.name, polled=True, error=str(e), next_due=due))
            return
        new = srcs.record_poll(
            self.conn, src, feed.items, etag=resp.etag, last_modified=resp.last_modified, kind=feed.kind,
            title=feed.title, now=self.now,
        )  # fmt: skip
        log.info("%s: %d links, %d new", src.name, len(feed.items), new)
        self.sources.append(SourceReport(src.id, src.name, polled=True, new_items=new))

    def fetch_article(self, src: Source, item: Item) -> InputDoc | None:
        try:
            resp = self.fetcher.get(item.url)
            if resp.content_type and resp.content_type not in _HTML_TYPES:
                raise ArticleError(f"not an HTML page ({resp.content_type})")
            inp = extract_article(resp.body, item.url, cap=self.config.fetch.max_bytes)
            if resp.final_url != item.url:
                inp = replace(inp, url=resp.final_url)  # where the article really is, after redirects
        except FetchError as e:
            # a page a feed has just listed may not be online yet: a 404 is worth another try
            if e.transient or e.status == 404:
                again = srcs.mark_retry(
                    self.conn, item, str(e), self.now, self.config.item_retry, self.config.item_attempts
                )
                self._problem(item, str(e), again)
            else:
                srcs.mark_given_up(self.conn, item.id, "skipped", str(e), self.now)
                self._problem(item, str(e), False)
            return None
        except ArticleError as e:
            srcs.mark_given_up(self.conn, item.id, "skipped", str(e), self.now)
            self._problem(item, str(e), False)
            return None
        self.fetched += 1
        # the feed knows when it published the article; the page's own metadata is a guess of the extractor
        return replace(
            inp, title=inp.title or item.title, published=item.published or inp.published, source=src.name
        )

    def _problem(self, item: Item, reason: str, retry: bool) -> None:
        log.warning("%s: %s%s", item.url, reason, " (will try again)" if retry else "")
        self.problems.append(ItemProblem(item.url, reason, retry))

    def store(self, src: Source, batch: list[tuple[Item, InputDoc]]) -> None:
        """Analyse and store fetched articles (idempotent by text hash), then mark their links done."""

        def factory() -> Callable[[InputDoc], Document]:
            return lambda inp: self.analyze(inp, src.lang)

        stats = ingest_inputs(self.conn, [inp for _, inp in batch], factory=factory)
        self.added += stats.added
        self.unchanged += stats.unchanged
        failed = {p.name: p.reason for p in stats.failed}
        for item, inp in batch:
            sha = text_sha256(inp.text)
            if inp.doc_id in failed:
                reason = f"analysis failed: {failed[inp.doc_id]}"
                srcs.mark_given_up(self.conn, item.id, "failed", reason, self.now)
                self._problem(item, reason, False)
                continue
            row = self.conn.execute("SELECT uid FROM documents WHERE text_sha256 = ?", (sha,)).fetchone()
            srcs.mark_done(self.conn, item.id, sha, None if row is None else str(row[0]), self.now)
            log.info("%s: stored as %s", item.url, row[0] if row else "?")

    def process_items(self, src: Source) -> None:
        batch: list[tuple[Item, InputDoc]] = []
        for item in srcs.pending_items(self.conn, src.id, self.now, self.config.articles_per_source):
            if self.stop():
                break
            inp = self.fetch_article(src, item)
            if inp is not None:
                batch.append((item, inp))
            if len(batch) >= self.config.ingest_batch:
                self.store(src, batch)
                batch = []
        if batch:
            self.store(src, batch)


def run_round(
    conn: sqlite3.Connection,
    *,
    analyze: Analyze,
    config: WatchConfig | None = None,
    fetcher: Fetcher | None = None,
    now: datetime | None = None,
    echo: Callable[[str], None] = print_line,
    stop: Callable[[], bool] = lambda: False,
) -> RoundReport:
    """Poll the due sources, store their new articles, evaluate the watchlists and deliver alerts.

    `conn` must be a store opened with the monitor's tables (`rasad.monitor.schema.open_store`). `now` is
    the time the round takes as current (tests move it forward); `echo` prints alerts meant for stdout.
    """
    cfg = config or WatchConfig()
    t = now or utcnow()
    r = _Round(conn, fetcher or Fetcher(cfg.fetch), analyze, cfg, t, stop)
    for src in srcs.list_sources(conn):
        if stop():
            break
        if srcs.is_due(src, t):
            r.poll(src)
        # pending links of sources not due are fetched too: a round cut short left them behind
        r.process_items(src)
    evaluation = evaluate(conn, t)
    for name, err in evaluation.errors:
        log.warning("watchlist %s: %s", name, err)
    for a in evaluation.alerts:
        log.info("alert %d (watchlist %s): story S%d", a.id, a.watchlist, a.story)
    delivery = deliver_pending(conn, echo=echo, fetcher=r.fetcher, now=t, max_attempts=cfg.delivery_attempts)
    for alert_id, err in delivery.errors:
        log.warning("alert %d not delivered: %s", alert_id, err)
    return RoundReport(
        started=stamp(t),
        sources=tuple(r.sources),
        fetched=r.fetched,
        added=r.added,
        unchanged=r.unchanged,
        problems=tuple(r.problems),
        alerts=evaluation.alerts,
        delivered=delivery.delivered,
        delivery_errors=delivery.errors,
        watchlist_errors=evaluation.errors,
        stopped=stop(),
    )


# --------------------------------------------------------------------------- the loop


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT and SIGTERM ask the loop to stop after the step at hand; a second one acts at once."""
    previous: dict[int, Any] = {}

    def handler(signum: int, _frame: FrameType | None) -> None:
        log.info("%s received: stopping after the current step", signal.Signals(signum).name)
        stop.set()
        signal.signal(signum, previous[signum])

    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        for signum, old in previous.items():
            # None: a handler installed outside Python, which cannot be put back; the default is the nearest
            signal.signal(signum, old if old is not None else signal.SIG_DFL)


def seconds_until_next(conn: sqlite3.Connection, now: datetime, config: WatchConfig) -> float:
    """How long the loop may sleep: until a source is due or a pending article may be tried again."""
    wake = srcs.next_wakeup(conn)
    if wake is None:
        return config.max_idle
    return min(config.max_idle, max(config.min_idle, (srcs.parse_stamp(wake) - now).total_seconds()))


def run_forever(
    conn: sqlite3.Connection,
    *,
    analyze: Analyze,
    stop: threading.Event,
    config: WatchConfig | None = None,
    echo: Callable[[str], None] = print_line,
    max_rounds: int | None = None,
    on_round: Callable[[RoundReport], None] | None = None,
) -> int:
    """Run rounds until `stop` is set (or `max_rounds` have run); returns the number of rounds.

    Between rounds it sleeps until a source is due or a pending article may be tried again. A round that
    fails for an unexpected reason is logged and the loop goes on: a monitor must outlive a bad night.
    """
    cfg = config or WatchConfig()
    # politeness and back-off waits end at once when a stop is asked for
    fetcher = Fetcher(cfg.fetch, sleep=stop.wait)
    rounds = 0
    while not stop.is_set() and (max_rounds is None or rounds < max_rounds):
        try:
            report = run_round(conn, analyze=analyze, config=cfg, fetcher=fetcher, echo=echo, stop=stop.is_set)
        except Exception:
            log.exception("round failed; trying again in %.0f s", cfg.max_idle)
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            rounds += 1
            stop.wait(cfg.max_idle)
            continue
        rounds += 1
        log.info("round done: %s", report.summary())
        if on_round is not None:
            on_round(report)
        if stop.is_set() or (max_rounds is not None and rounds >= max_rounds):
            break
        stop.wait(seconds_until_next(conn, utcnow(), cfg))
    log.info("stopped after %d rounds", rounds)
    return rounds

