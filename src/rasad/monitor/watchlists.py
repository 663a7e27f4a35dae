"""Watchlists: saved event filters that raise one alert per matching story, and the alerts' delivery.

A watchlist holds the filters of `rasad events` (an `EventFilter`). Each evaluation looks at the event
records stored since the last one; a matching record whose story has not been alerted for this
watchlist raises an alert, and a later report of the same story (another outlet, another language)
only joins that alert. Stories are recognised through the uids of the records already alerted, which
survive re-analysis and story rebuilds. An alert is stored first and delivered afterwards (a JSON Lines
file, a webhook or standard output), so a crash between the two means a delivery late, never lost.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from rasad.monitor.feeds import canonical_url
from rasad.monitor.fetch import Fetcher, FetchError
from rasad.monitor.schema import MonitorError
from rasad.monitor.sources import stamp, utcnow
from rasad.store import query
from rasad.store.db import StoreError, transaction

DELIVERY_KINDS = ("file", "webhook", "stdout")
# where `rasad serve` shows a story, relative to wherever it is served
STORY_PATH = "/story/{story}"
MAX_DELIVERY_ATTEMPTS = 5
# EventFilter fields that make no sense for a standing query: paging, and one story picked by hand
_NOT_SAVED = frozenset({"story", "limit", "offset"})


@dataclass(frozen=True, slots=True)
class Delivery:
    kind: str  # one of DELIVERY_KINDS
    target: str | None = None  # the file's absolute path or the webhook's address

    def describe(self) -> str:
        return self.kind if self.target is None else f"{self.kind} {self.target}"


def file_delivery(path: str) -> Delivery:
    target = os.path.abspath(os.path.expanduser(path))
    if not os.path.isdir(os.path.dirname(target)):
        raise MonitorError(f"{path}: its directory does not exist")
    if os.path.isdir(target):
        raise MonitorError(f"{path}: is a directory; give a file to append alerts to")
    return Delivery("file", target)


def webhook_delivery(url: str) -> Delivery:
    if canonical_url(url) is None:
        raise MonitorError(f"webhook {url!r}: not an http(s) address")
    return Delivery("webhook", url.strip())


@dataclass(frozen=True, slots=True)
class Watchlist:
    id: int
    name: str
    filter: query.EventFilter
    delivery: Delivery
    after_event: int  # records with a larger id are still to be evaluated
    last_error: str | None
    created_at: str


# --------------------------------------------------------------------------- filters as JSON


def filter_to_json(f: query.EventFilter) -> str:
    out: dict[str, Any] = {}
    for fld in fields(query.EventFilter):
        if fld.name in _NOT_SAVED:
            continue
        value = getattr(f, fld.name)
        if value is None or value == ():
            continue
        out[fld.name] = list(value) if isinstance(value, tuple) else value
    return json.dumps(out, ensure_ascii=False, sort_keys=True)


def filter_from_json(text: str) -> query.EventFilter:
    data = json.loads(text)
    known = {fld.name for fld in fields(query.EventFilter)} - _NOT_SAVED
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise MonitorError(f"watchlist filter {key!r} is unknown to this rasad")
        kwargs[key] = tuple(value) if isinstance(value, list) else value
    return query.EventFilter(limit=None, **kwargs)


def describe_filter(f: query.EventFilter) -> str:
    parts = []
    for key, value in json.loads(filter_to_json(f)).items():
        shown = ",".join(str(v) for v in value) if isinstance(value, list) else str(value)
        parts.append(f"{key}={shown}")
    return " ".join(parts) or "(every event)"


# --------------------------------------------------------------------------- watchlists


_WL_COLS = "id, name, filter, delivery, target, after_event, last_error, created_at"


def _watchlist(r: Sequence[Any]) -> Watchlist:
    return Watchlist(
        id=int(r[0]),
        name=str(r[1]),
        filter=filter_from_json(str(r[2])),
        delivery=Delivery(str(r[3]), None if r[4] is None else str(r[4])),
        after_event=int(r[5]),
        last_error=r[6],
        created_at=str(r[7]),
    )


def add_watchlist(
    conn: sqlite3.Connection,
    name: str,
    flt: query.EventFilter,
    delivery: Delivery,
    *,
    include_existing: bool = False,
    now: datetime | None = None,
) -> Watchlist:
    """Save a watchlist. It alerts on records stored from now on, or (`include_existing`) on the whole corpus
    at its first evaluation."""
    name = name.strip()
    if not name:
        raise MonitorError("a watchlist needs a name")
    if delivery.kind not in DELIVERY_KINDS:
        raise MonitorError(f"delivery {delivery.kind!r}: use one of {', '.join(DELIVERY_KINDS)}")
    if flt.story is not None:
        raise MonitorError("a watchlist cannot follow one story (--story); it watches for new ones")
    if flt.text:
        try:
            query.fts_query(flt.text)
        except StoreError as e:
            raise MonitorError(str(e)) from None
    with transaction(conn):
        if conn.execute("SELECT 1 FROM monitor_watchlists WHERE name = ?", (name,)).fetchone():
            raise MonitorError(f"a watchlist named {name!r} exists already (see `rasad watchlists list`)")
        after = 0 if include_existing else int(conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0])
        cur = conn.execute(
            "INSERT INTO monitor_watchlists (name, filter, delivery, target, after_event, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (name, filter_to_json(flt), delivery.kind, delivery.target, after, stamp(now or utcnow())),
        )
    return get_watchlist(conn, str(cur.lastrowid))


def list_watchlists(conn: sqlite3.Connection) -> list[Watchlist]:
    return [_watchlist(r) for r in conn.execute(f"SELECT {_WL_COLS} FROM monitor_watchlists ORDER BY id")]


def get_watchlist(conn: sqlite3.Connection, ref: str) -> Watchlist:
    """A watchlist by name, or by number."""
    row = conn.execute(f"SELECT {_WL_COLS} FROM monitor_watchlists WHERE name = ?", (ref,)).fetchone()
    if row is None and ref.strip().isdigit():
        row = conn.execute(f"SELECT {_WL_COLS} FROM monitor_watchlists WHERE id = ?", (int(ref),)).fetchone()
    if row is None:
        raise MonitorError(f"no watchlist {ref!r} (see `rasad watchlists list`)")
    return _watchlist(row)


def remove_watchlist(conn: sqlite3.Connection, ref: str) -> tuple[Watchlist, int]:
    """Delete a watchlist and its alerts; returns it and how many alerts went with it."""
    wl = get_watchlist(conn, ref)
    with transaction(conn):
        n = int(conn.execute("SELECT count(*) FROM monitor_alerts WHERE watchlist_id = ?", (wl.id,)).fetchone()[0])
        conn.execute(
            "DELETE FROM monitor_alert_events WHERE alert_id IN (SELECT id FROM monitor_alerts WHERE watchlist_id = ?)",
            (wl.id,),
        )
        conn.execute("DELETE FROM monitor_alerts WHERE watchlist_id = ?", (wl.id,))
        conn.execute("DELETE FROM monitor_watchlists WHERE id = ?", (wl.id,))
    return wl, n


def alert_counts(conn: sqlite3.Connection) -> dict[int, int]:
    return {int(r[0]): int(r[1]) for r in conn.execute("SELECT watchlist_id, count(*) FROM monitor_alerts GROUP BY 1")}


# --------------------------------------------------------------------------- alerts


@dataclass(frozen=True, slots=True)
class Alert:
    id: int
    watchlist: str
    story: int  # stories.id when raised
    created_at: str
    delivered_at: str | None
    attempts: int
    error: str | None
    payload: str  # the JSON delivered

    def data(self) -> dict[str, Any]:
        out: dict[str, Any] = json.loads(self.payload)
        return out


@dataclass(frozen=True, slots=True)
class Evaluation:
    alerts: tuple[Alert, ...]  # raised by this evaluation
    joined: int  # matching records that joined an alert raised before
    errors: tuple[tuple[str, str], ...]  # (watchlist, why it could not be evaluated)


def _story_payload(
    conn: sqlite3.Connection, alert_id: int, wl: Watchlist, story_id: int, matched: set[str], now: datetime
) -> dict[str, Any]:
    s = query.story(conn, story_id)
    return {
        "alert": alert_id,
        "watchlist": wl.name,
        "raised_at": stamp(now),
        "story": s.uid,
        "link": STORY_PATH.format(story=s.uid),
        "type": s.type,
        "dyad": list(s.dyad),
        "date": s.date,
        "location": s.location,
        "actors": list(s.actors),
        "languages": list(s.languages),
        "outlets": list(s.outlets),
        "reports": [
            {
                "event": r.uid,
                "matched": r.uid in matched,
                "lang": r.lang,
                "outlet": r.outlet,
                "title": r.title,
                "url": r.url,
                "published": r.published,
                "evidence": r.evidence,
            }
            for r in s.reports
        ],
    }


def _alert_of_story(conn: sqlite3.Connection, watchlist_id: int, story_id: int) -> int | None:
    row = conn.execute(
        "SELECT ae.alert_id FROM monitor_alert_events ae JOIN monitor_alerts a ON a.id = ae.alert_id "
        "JOIN events x ON x.uid = ae.event_uid WHERE a.watchlist_id = ? AND x.story_id = ? LIMIT 1",
        (watchlist_id, story_id),
    ).fetchone()
    return None if row is None else int(row[0])


def _evaluate_one(conn: sqlite3.Connection, wl: Watchlist, now: datetime) -> tuple[list[int], int]:
    """(ids of new alerts, records that joined an existing alert) for one watchlist, in one transaction."""
    new: list[int] = []
    joined = 0
    with transaction(conn):
        # read again under the write lock: another watcher may have evaluated meanwhile
        row = conn.execute("SELECT after_event FROM monitor_watchlists WHERE id = ?", (wl.id,)).fetchone()
        if row is None:
            return [], 0  # removed meanwhile
        after = int(row[0])
        top = int(conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0])
        where, args = query.where_clause(conn, wl.filter)
        rows = conn.execute(
            "SELECT e.story_id, e.uid FROM events e JOIN documents d ON d.id = e.document_id "
            f"WHERE ({where}) AND e.id > ? AND e.id <= ? AND e.story_id IS NOT NULL ORDER BY e.id",
            [*args, after, top],
        ).fetchall()
        by_story: dict[int, list[str]] = {}
        for story_id, uid in rows:
            by_story.setdefault(int(story_id), []).append(str(uid))
        for story_id, uids in by_story.items():
            alert_id = _alert_of_story(conn, wl.id, story_id)
            if alert_id is None:
                cur = conn.execute(
                    "INSERT INTO monitor_alerts (watchlist_id, story_id, payload, created_at) VALUES (?, ?, '{}', ?)",
                    (wl.id, story_id, stamp(now)),
                )
                alert_id = int(cur.lastrowid or 0)
                payload = _story_payload(conn, alert_id, wl, story_id, set(uids), now)
                conn.execute(
                    "UPDATE monitor_alerts SET payload = ? WHERE id = ?",
                    (json.dumps(payload, ensure_ascii=False), alert_id),
                )
                new.append(alert_id)
            else:
                joined += len(uids)
            conn.executemany(
                "INSERT INTO monitor_alert_events (alert_id, event_uid) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [(alert_id, u) for u in uids],
            )
        conn.execute(
            "UPDATE monitor_watchlists SET after_event = ?, last_error = NULL WHERE id = ?",
            (max(top, after), wl.id),
        )
    return new, joined


def evaluate(conn: sqlite3.Connection, now: datetime | None = None) -> Evaluation:
    """Evaluate every watchlist over the records stored since its last evaluation; alerts are stored, not sent.

    A watchlist that cannot be evaluated (an actor not known yet, a filter this rasad cannot read) is
    reported and keeps its place, so nothing is missed once the cause is gone.
    """
    t = now or utcnow()
    new: list[int] = []
    joined = 0
    errors: list[tuple[str, str]] = []
    try:
        wls = list_watchlists(conn)
    except (MonitorError, TypeError, ValueError) as e:
        return Evaluation((), 0, (("*", f"watchlists unreadable: {e}"),))
    for wl in wls:
        try:
            ids, j = _evaluate_one(conn, wl, t)
        except (StoreError, sqlite3.OperationalError) as e:
            errors.append((wl.name, str(e)))
            with transaction(conn):
                conn.execute("UPDATE monitor_watchlists SET last_error = ? WHERE id = ?", (str(e), wl.id))
            continue
        new += ids
        joined += j
    raised = list_alerts(conn, ids=new, limit=None) if new else []
    return Evaluation(tuple(sorted(raised, key=lambda a: a.id)), joined, tuple(errors))


_ALERT_SQL = (
    "SELECT a.id, w.name, a.story_id, a.created_at, a.delivered_at, a.attempts, a.error, a.payload "
    "FROM monitor_alerts a JOIN monitor_watchlists w ON w.id = a.watchlist_id "
)


def _alert(r: Sequence[Any]) -> Alert:
    return Alert(int(r[0]), str(r[1]), int(r[2]), str(r[3]), r[4], int(r[5]), r[6], str(r[7]))


def list_alerts(
    conn: sqlite3.Connection, *, watchlist: str | None = None, ids: Sequence[int] = (), limit: int | None = 50
) -> list[Alert]:
    """Stored alerts, newest first (for `rasad alerts` and the web interface)."""
    where: list[str] = []
    args: list[object] = []
    if watchlist is not None:
        where.append("w.id = ?")
        args.append(get_watchlist(conn, watchlist).id)
    if ids:
        where.append(f"a.id IN ({','.join('?' * len(ids))})")
        args += list(ids)
    sql = _ALERT_SQL + ("WHERE " + " AND ".join(where) + " " if where else "") + "ORDER BY a.id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    return [_alert(r) for r in conn.execute(sql, args)]


# --------------------------------------------------------------------------- delivery


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    delivered: int
    errors: tuple[tuple[int, str], ...]  # (alert id, why it was not delivered this time)


def _append_line(path: str, line: str) -> None:
    with open(path, "a", encoding="utf-8") as f:
        f.write(line + "\n")
        f.flush()
        os.fsync(f.fileno())  # an alert marked delivered must be on disk


def deliver_pending(
    conn: sqlite3.Connection,
    *,
    echo: Callable[[str], None],
    fetcher: Fetcher | None = None,
    now: datetime | None = None,
    max_attempts: int = MAX_DELIVERY_ATTEMPTS,
) -> DeliveryReport:
    """Send every alert not delivered yet (fewer than `max_attempts` failures); `echo` prints a line to
    standard output, `fetcher` posts to webhooks."""
    t = now or utcnow()
    rows = conn.execute(
        "SELECT a.id, a.payload, w.delivery, w.target FROM monitor_alerts a "
        "JOIN monitor_watchlists w ON w.id = a.watchlist_id WHERE a.delivered_at IS NULL AND a.attempts < ? "
        "ORDER BY a.id",
        (max_attempts,),
    ).fetchall()
    delivered = 0
    errors: list[tuple[int, str]] = []
    for alert_id, payload, kind, target in rows:
        line = json.dumps(json.loads(payload), ensure_ascii=False)
        try:
            if kind == "stdout":
                echo(line)
            elif kind == "file":
                _append_line(str(target), line)
            elif kind == "webhook":
                status = (fetcher or Fetcher()).post_json(str(target), json.loads(payload))
                if not 200 <= status < 300:
                    raise FetchError(f"HTTP {status}", transient=True, status=status)
            else:
                raise MonitorError(f"unknown delivery {kind!r}")
        except (OSError, FetchError, MonitorError) as e:
            reason = f"{kind} {target}: {e}" if target else f"{kind}: {e}"
            errors.append((int(alert_id), reason))
            with transaction(conn):
                conn.execute(
                    "UPDATE monitor_alerts SET attempts = attempts + 1, error = ? WHERE id = ?", (reason, alert_id)
                )
            continue
        with transaction(conn):
            conn.execute(
                "UPDATE monitor_alerts SET delivered_at = ?, error = NULL WHERE id = ?", (stamp(t), alert_id)
            )
        delivered += 1
    return DeliveryReport(delivered, tuple(errors))
