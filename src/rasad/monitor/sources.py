"""Feeds followed (`monitor_sources`) and the article links read from them (`monitor_items`).

All state lives in the database, so a watcher that is killed picks up where it stopped: a feed's new
links are recorded as pending in the same transaction as the feed's validators, and a pending link
stays pending until its article is stored (or given up for a stated reason).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from rasad.monitor.feeds import FeedItem, canonical_url
from rasad.monitor.schema import MonitorError
from rasad.store.db import transaction

DEFAULT_EVERY = 15 * 60
MIN_EVERY = 60  # polling a feed more often than once a minute is impolite and never useful
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# the look-behind keeps a search over a long run of digits linear (it was quadratic); nine digits at most
# keep int() within its limits
_INTERVAL = re.compile(r"(?<!\d)(\d{1,9})\s*([smhd])")
_LANG = re.compile(r"^[a-z]{2,3}$")


# --------------------------------------------------------------------------- time


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def stamp(t: datetime) -> str:
    """The stored form of a time: UTC, to the second, comparable as text."""
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_stamp(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def parse_interval(text: str) -> int:
    """Seconds in `15m`, `1h`, `1h30m`, `90s` or `1d`; at least a minute."""
    s = text.strip().lower().replace(" ", "")
    pos = 0
    total = 0
    for m in _INTERVAL.finditer(s):
        if m.start() != pos:
            break
        total += int(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    if not s or pos != len(s):
        raise MonitorError(f"interval {text!r}: use a number and a unit, e.g. 90s, 15m, 1h30m or 1d")
    if total < MIN_EVERY:
        raise MonitorError(f"interval {text!r}: at least 1m (feeds are not polled more than once a minute)")
    return total


def format_interval(seconds: int) -> str:
    out = ""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            out += f"{seconds // size}{unit}"
            seconds %= size
    return out or "0s"


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True, slots=True)
class Source:
    id: int
    url: str
    name: str
    lang: str | None
    every: int  # seconds between polls
    etag: str | None
    last_modified: str | None
    kind: str | None
    title: str | None
    next_due: str
    last_polled: str | None
    last_ok: str | None
    failures: int
    last_error: str | None
    added_at: str


_SOURCE_COLS = (
    "id, url, name, lang, every_seconds, etag, last_modified, kind, title, next_due, last_polled, last_ok, "
    "failures, last_error, added_at"
)


def _source(r: Sequence[object]) -> Source:
    return Source(
        id=int(str(r[0])),
        url=str(r[1]),
        name=str(r[2]),
        lang=None if r[3] is None else str(r[3]),
        every=int(str(r[4])),
        etag=None if r[5] is None else str(r[5]),
        last_modified=None if r[6] is None else str(r[6]),
        kind=None if r[7] is None else str(r[7]),
        title=None if r[8] is None else str(r[8]),
        next_due=str(r[9]),
        last_polled=None if r[10] is None else str(r[10]),
        last_ok=None if r[11] is None else str(r[11]),
        failures=int(str(r[12])),
        last_error=None if r[13] is None else str(r[13]),
        added_at=str(r[14]),
    )


def add_source(
    conn: sqlite3.Connection,
    url: str,
    *,
    name: str | None = None,
    lang: str | None = None,
    every: int = DEFAULT_EVERY,
    now: datetime | None = None,
) -> Source:
    """Follow a feed from now on; it is due at once. Refuses an address already followed."""
    canon = canonical_url(url)
    if canon is None:
        raise MonitorError(f"{url!r}: not an http(s) address")
    if lang is not None and not _LANG.match(lang):
        raise MonitorError(f"language {lang!r}: use a code such as ar or fa")
    if every < MIN_EVERY:
        raise MonitorError(f"interval of {every} s: at least {MIN_EVERY} s")
    t = stamp(now or utcnow())
    label = (name or "").strip() or (urlsplit(canon).hostname or canon)
    with transaction(conn):
        if conn.execute("SELECT 1 FROM monitor_sources WHERE url = ?", (canon,)).fetchone():
            raise MonitorError(f"{canon}: already followed (see `rasad sources list`)")
        cur = conn.execute(
            "INSERT INTO monitor_sources (url, name, lang, every_seconds, next_due, added_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (canon, label, lang, every, t, t),
        )
    return get_source(conn, int(cur.lastrowid or 0))


def get_source(conn: sqlite3.Connection, source_id: int) -> Source:
    row = conn.execute(f"SELECT {_SOURCE_COLS} FROM monitor_sources WHERE id = ?", (source_id,)).fetchone()
    if row is None:
        raise MonitorError(f"no source {source_id} (see `rasad sources list`)")
    return _source(row)


def list_sources(conn: sqlite3.Connection) -> list[Source]:
    return [_source(r) for r in conn.execute(f"SELECT {_SOURCE_COLS} FROM monitor_sources ORDER BY id")]


def remove_source(conn: sqlite3.Connection, source_id: int) -> Source:
    """Stop following a feed and forget its links; articles already stored stay in the corpus."""
    src = get_source(conn, source_id)
    with transaction(conn):
        conn.execute("DELETE FROM monitor_items WHERE source_id = ?", (source_id,))
        conn.execute("DELETE FROM monitor_sources WHERE id = ?", (source_id,))
    return src


def item_counts(conn: sqlite3.Connection) -> dict[int, dict[str, int]]:
    """source id -> {state: number of links}."""
    out: dict[int, dict[str, int]] = {}
    for sid, state, n in conn.execute("SELECT source_id, state, count(*) FROM monitor_items GROUP BY 1, 2"):
        out.setdefault(int(sid), {})[str(state)] = int(n)
    return out


def is_due(src: Source, now: datetime) -> bool:
    return src.next_due <= stamp(now)


def record_poll_failure(conn: sqlite3.Connection, src: Source, error: str, now: datetime, retry: float) -> str:
    """Note a failed poll; the next try comes after `retry` seconds, doubled per failure in a row, and never
    later than the feed's own interval. Returns when that is."""
    failures = src.failures + 1
    wait = min(float(src.every), retry * 2 ** (failures - 1))
    due = stamp(now + timedelta(seconds=wait))
    with transaction(conn):
        conn.execute(
            "UPDATE monitor_sources SET failures = ?, last_error = ?, last_polled = ?, next_due = ? WHERE id = ?",
            (failures, error, stamp(now), due, src.id),
        )
    return due


def record_poll_unchanged(conn: sqlite3.Connection, src: Source, now: datetime) -> None:
    with transaction(conn):
        _poll_ok(conn, src, now)


def _poll_ok(conn: sqlite3.Connection, src: Source, now: datetime) -> None:
    conn.execute(
        "UPDATE monitor_sources SET failures = 0, last_error = NULL, last_polled = ?, last_ok = ?, next_due = ? "
        "WHERE id = ?",
        (stamp(now), stamp(now), stamp(now + timedelta(seconds=src.every)), src.id),
    )


def record_poll(
    conn: sqlite3.Connection,
    src: Source,
    items: Sequence[FeedItem],
    *,
    etag: str | None,
    last_modified: str | None,
    kind: str,
    title: str | None,
    now: datetime,
) -> int:
    """Record a feed read: its new links as pending and its validators, in one transaction (a crash leaves
    either both or neither). Returns how many links were new."""
    t = stamp(now)
    new = 0
    with transaction(conn):
        for it in items:
            cur = conn.execute(
                "INSERT INTO monitor_items (source_id, url, guid, title, published, next_try, first_seen) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO NOTHING",
                (src.id, it.url, it.guid, it.title, it.published, t, t),
            )
            new += cur.rowcount
        conn.execute(
            "UPDATE monitor_sources SET etag = ?, last_modified = ?, kind = ?, title = coalesce(?, title) WHERE id = ?",
            (etag, last_modified, kind, title, src.id),
        )
        _poll_ok(conn, src, now)
    return new


# --------------------------------------------------------------------------- items


@dataclass(frozen=True, slots=True)
class Item:
    id: int
    source_id: int
    url: str
    title: str | None
    published: str | None
    state: str
    attempts: int
    error: str | None
    document: str | None


_ITEM_COLS = "id, source_id, url, title, published, state, attempts, error, document"


def _item(r: Sequence[object]) -> Item:
    return Item(
        id=int(str(r[0])),
        source_id=int(str(r[1])),
        url=str(r[2]),
        title=None if r[3] is None else str(r[3]),
        published=None if r[4] is None else str(r[4]),
        state=str(r[5]),
        attempts=int(str(r[6])),
        error=None if r[7] is None else str(r[7]),
        document=None if r[8] is None else str(r[8]),
    )


def pending_items(conn: sqlite3.Connection, source_id: int, now: datetime, limit: int) -> list[Item]:
    """Links of a source still to fetch whose time has come, in the order the feeds listed them."""
    rows = conn.execute(
        f"SELECT {_ITEM_COLS} FROM monitor_items WHERE source_id = ? AND state = 'pending' AND next_try <= ? "
        "ORDER BY id LIMIT ?",
        (source_id, stamp(now), limit),
    ).fetchall()
    return [_item(r) for r in rows]


def items(conn: sqlite3.Connection, source_id: int | None = None, state: str | None = None) -> list[Item]:
    where, args = [], []
    if source_id is not None:
        where.append("source_id = ?")
        args.append(str(source_id))
    if state is not None:
        where.append("state = ?")
        args.append(state)
    sql = f"SELECT {_ITEM_COLS} FROM monitor_items" + (" WHERE " + " AND ".join(where) if where else "")
    return [_item(r) for r in conn.execute(sql + " ORDER BY id", args)]


def mark_done(conn: sqlite3.Connection, item_id: int, sha: str, document: str | None, now: datetime) -> None:
    with transaction(conn):
        conn.execute(
            "UPDATE monitor_items SET state = 'done', text_sha256 = ?, document = ?, error = NULL, done_at = ? "
            "WHERE id = ?",
            (sha, document, stamp(now), item_id),
        )


def mark_given_up(conn: sqlite3.Connection, item_id: int, state: str, error: str, now: datetime) -> None:
    """`skipped`: nothing to store there (not an article, robots.txt, 404); `failed`: tried and failed."""
    with transaction(conn):
        conn.execute(
            "UPDATE monitor_items SET state = ?, error = ?, done_at = ? WHERE id = ?",
            (state, error, stamp(now), item_id),
        )


def mark_retry(
    conn: sqlite3.Connection, item: Item, error: str, now: datetime, retry: float, max_attempts: int
) -> bool:
    """Note a failure that may pass; the link is tried again after `retry` seconds (doubled each time) until
    `max_attempts` failures, then it is `failed`. True when it will be tried again."""
    attempts = item.attempts + 1
    if attempts >= max_attempts:
        with transaction(conn):
            conn.execute(
                "UPDATE monitor_items SET state = 'failed', attempts = ?, error = ?, done_at = ? WHERE id = ?",
                (attempts, f"{error} (gave up after {attempts} attempts)", stamp(now), item.id),
            )
        return False
    due = stamp(now + timedelta(seconds=retry * 2 ** (attempts - 1)))
    with transaction(conn):
        conn.execute(
            "UPDATE monitor_items SET attempts = ?, error = ?, next_try = ? WHERE id = ?",
            (attempts, error, due, item.id),
        )
    return True


def next_wakeup(conn: sqlite3.Connection) -> str | None:
    """The earliest time a source is due or a pending link may be tried again."""
    a = conn.execute("SELECT min(next_due) FROM monitor_sources").fetchone()[0]
    b = conn.execute("SELECT min(next_try) FROM monitor_items WHERE state = 'pending'").fetchone()[0]
    times = [str(t) for t in (a, b) if t is not None]
    return min(times) if times else None
