"""The pages' SQL: read-only queries against the store's schema (rasad/store/schema.sql).

Filters are the store's own (`rasad.store.query.EventFilter` and its `where_clause`), so a page shows
exactly what `rasad events` prints for the same filter. Every value reaches SQL as a parameter; the only
text put into SQL is chosen from fixed tables here (sort columns) or made by the store's `where_clause`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from rasad.store import query
from rasad.store.actors import Actor, NameVariant, actor_ids_for, find_actor
from rasad.store.db import APPLICATION_ID, StoreError, describe_error, open_readonly, schema_version
from rasad.store.query import EventFilter

T = TypeVar("T")
# opens another read-only connection to the same store (`Site.conn`), for work split over threads
Connect = Callable[[], AbstractContextManager[sqlite3.Connection]]

CACHE_KIB = 8 * 1024  # page cache of each read-only connection (SQLite: 2 MB by default)

# sort key of the events table -> SQL expression (never user text)
SORTS = {
    "date": "e.when_date",
    "type": "e.type",
    "cameo": "e.cameo",
    "dyad": "e.dyad",
    "lang": "e.lang",
    "outlet": "e.outlet COLLATE NOCASE",  # the collation of events_outlet, so that its index gives the order
    "story": "e.story_id",
    "confidence": "e.confidence",
}


def connect_readonly(path: str | Path) -> sqlite3.Connection:
    """A connection that cannot write: SQLite's read-only mode, and `query_only` besides.

    Refuses a file that is not a rasad store, or one whose schema this rasad does not know.
    """
    p = Path(path)
    if not p.is_file():
        raise StoreError(f"{path}: no such database")
    try:
        conn = open_readonly(p)  # also a store in a directory this user may not write
    except sqlite3.Error as e:
        raise StoreError(describe_error(path, e)) from None
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute("PRAGMA query_only = 1")
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{path}: not a SQLite database ({e})") from None
        if app_id != APPLICATION_ID:
            raise StoreError(f"{path}: not a rasad store")
        latest = schema_version()
        if version > latest:
            raise StoreError(f"{path}: written by a newer rasad (schema {version}); upgrade rasad")
        if version < latest:
            raise StoreError(f"{path}: schema {version} is older than {latest}; run `rasad ingest --db {path}` once")
        # the aggregates probe indexes of several MB at random; SQLite's default 2 MB page cache would read
        # the same pages from the file again and again within one query (allocated only as pages are read)
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    except BaseException:
        conn.close()
        raise
    return conn


def _marks(n: int) -> str:
    return ",".join("?" * n)


def in_parallel(
    conn: sqlite3.Connection, connect: Connect | None, jobs: Sequence[Callable[[sqlite3.Connection], T]]
) -> list[T]:
    """Each job's result, in order: the first on `conn`, each other one on a connection of its own in a thread
    of its own (SQLite releases the GIL while it steps, so independent aggregates over a big store overlap
    on a machine with more than one core). Without `connect`, one after another on `conn`."""
    if connect is None or len(jobs) < 2:
        return [job(conn) for job in jobs]
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            with connect() as other:
                results[i] = jobs[i](other)
        except BaseException as e:  # re-raised in the caller's thread
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,), name="rasad-query", daemon=True) for i in range(1, len(jobs))]
    for t in threads:
        t.start()
    try:
        results[0] = jobs[0](conn)
    finally:
        for t in threads:
            t.join()
    if errors:
        raise errors[0]
    return results


def _halves(weights: Sequence[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """(id, weight) pairs dealt into two lists of about equal total weight (the heaviest first)."""
    a: list[int] = []
    b: list[int] = []
    wa = wb = 0
    for i, w in sorted(weights, key=lambda iw: -iw[1]):
        if wa <= wb:
            a.append(i)
            wa += w
        else:
            b.append(i)
            wb += w
    return a, b


def _from(*sql: str) -> str:
    """`events e`, joined to `documents d` only when a condition or order needs a column of it: a document
    row holds the whole article, so a join that reads it for every event costs more than the rest."""
    if any("d." in part for part in sql):
        return "FROM events e JOIN documents d ON d.id = e.document_id "
    return "FROM events e "


# --------------------------------------------------------------------------- overview


@dataclass(frozen=True, slots=True)
class Totals:
    documents: int
    events: int
    stories: int
    actors: int
    first: str | None
    last: str | None


def totals(conn: sqlite3.Connection) -> Totals:
    one = conn.execute(
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM events), (SELECT count(*) FROM stories), "
        "(SELECT count(*) FROM actors WHERE merged_into IS NULL), "
        "(SELECT min(when_date) FROM events WHERE historical = 0), (SELECT max(when_date) FROM events)"
    ).fetchone()
    return Totals(int(one[0]), int(one[1]), int(one[2]), int(one[3]), one[4], one[5])


def type_counts(conn: sqlite3.Connection, f: EventFilter | None = None) -> dict[str, int]:
    where, args = query.where_clause(conn, f or query.ALL)
    rows = conn.execute(
        f"SELECT e.type, count(*) {_from(where)}WHERE {where} GROUP BY e.type ORDER BY 2 DESC", args
    ).fetchall()
    return {str(t): int(c) for t, c in rows}


def month_type_counts(
    conn: sqlite3.Connection, where: str = "1", args: Sequence[object] = (), *, news_only: bool = True
) -> dict[tuple[str, str], int]:
    """(YYYY-MM, type) -> events; background (historical) records left out unless asked."""
    cond = f"({where}) AND e.when_date IS NOT NULL" + (" AND e.historical = 0" if news_only else "")
    # grouped by the whole date, which an index on (historical, type, when_date) gives in order: no sorting
    # of a computed key; the days are folded into months here
    out: dict[tuple[str, str], int] = {}
    for t, day, c in conn.execute(
        f"SELECT e.type, e.when_date, count(*) {_from(cond)}WHERE {cond} GROUP BY 1, 2", list(args)
    ):
        key = (str(day)[:7], str(t))
        out[key] = out.get(key, 0) + int(c)
    return out


def top_dyads(conn: sqlite3.Connection, limit: int = 10) -> list[tuple[str, int]]:
    rows = conn.execute(
        "SELECT dyad, count(*) FROM events WHERE dyad LIKE '%-%' GROUP BY dyad ORDER BY 2 DESC, 1 LIMIT ?", (limit,)
    ).fetchall()
    return [(str(d), int(c)) for d, c in rows]


@dataclass(frozen=True, slots=True)
class ActorCount:
    key: str
    name: str
    type: str
    country: str | None
    role: str | None
    events: int


def top_states(conn: sqlite3.Connection, limit: int = 10) -> list[tuple[str, int]]:
    """States involved in most events (as the dyads count them)."""
    rows_ = conn.execute(
        "SELECT state, count(*) FROM event_states GROUP BY state ORDER BY 2 DESC, 1 LIMIT ?", (limit,)
    ).fetchall()
    return [(str(s), int(c)) for s, c in rows_]


def top_actors(
    conn: sqlite3.Connection, limit: int = 10, candidates: int = 40, *, connect: Connect | None = None
) -> list[ActorCount]:
    """The persons and organisations taking part in most events, among the `candidates` named in most
    documents (those come from the entity index alone; counting the events of every actor would join every
    participant of every event). Actors named but in no event are left out."""
    # counted per actor in the entity index, for persons and organisations only: the states' entities (the
    # most numerous) are never read, nor grouped (an actor without entities ranks last and has no events)
    found = conn.execute(
        "SELECT a.id, a.key, a.name, a.type, a.country, a.role, "
        "(SELECT count(*) FROM entities en WHERE en.actor_id = a.id) AS n FROM actors a "
        "WHERE a.type != 'STATE' ORDER BY n DESC, a.key LIMIT ?",
        (max(limit, candidates),),
    ).fetchall()
    events = event_counts(conn, [(int(r[0]), int(r[6])) for r in found], connect=connect)
    out = [ActorCount(str(r[1]), str(r[2]), str(r[3]), r[4], r[5], events.get(int(r[0]), 0)) for r in found]
    return sorted((a for a in out if a.events), key=lambda a: (-a.events, a.key))[:limit]


def event_counts(
    conn: sqlite3.Connection, actors: Sequence[tuple[int, int]], *, connect: Connect | None = None
) -> dict[int, int]:
    """actor id -> events it takes part in (as initiator or recipient), for (actor id, entities) pairs.

    The cost is one index probe per entity of the actor, so with `connect` the actors are dealt into two
    halves of about equal entities, counted on two connections at once."""

    def count(ids: Sequence[int]) -> Callable[[sqlite3.Connection], dict[int, int]]:
        def run(c: sqlite3.Connection) -> dict[int, int]:
            out: dict[int, int] = {}
            for i in ids:
                out[i] = int(
                    c.execute(
                        "SELECT count(DISTINCT p.event_id) FROM entities en "
                        "JOIN event_participants p ON p.entity_id = en.id WHERE en.actor_id = ?",
                        (i,),
                    ).fetchone()[0]
                )
            return out

        return run

    a, b = _halves(actors)
    merged: dict[int, int] = {}
    for part in in_parallel(conn, connect, [count(a), count(b)] if b else [count(a)]):
        merged.update(part)
    return merged


def latest_stories(conn: sqlite3.Connection, limit: int = 8) -> list[query.Story]:
    """The stories with the most recent news reports (walks the date index backwards; no full scan)."""
    ids: list[int] = []
    for (sid,) in conn.execute(
        "SELECT story_id FROM events WHERE story_id IS NOT NULL AND historical = 0 AND when_date IS NOT NULL "
        "ORDER BY when_date DESC, id DESC LIMIT ?",
        (limit * 20,),
    ):
        if int(sid) not in ids:
            ids.append(int(sid))
        if len(ids) >= limit:
            break
    return [query.story(conn, i) for i in ids]


@dataclass(frozen=True, slots=True)
class Overview:
    totals: Totals
    types: dict[str, int]
    months: dict[tuple[str, str], int]
    dyads: list[tuple[str, int]]
    states: list[tuple[str, int]]
    actors: list[ActorCount]
    stories: list[query.Story]


def overview(conn: sqlite3.Connection, *, connect: Connect | None = None) -> Overview:
    """The overview's aggregates; with `connect`, the actors' event counts (the costliest part) are made on
    other connections while this one does the rest."""
    done: dict[str, Any] = {}

    def rest(c: sqlite3.Connection) -> None:
        done.update(
            totals=totals(c),
            types=type_counts(c),
            months=month_type_counts(c),
            dyads=top_dyads(c, 10),
            states=top_states(c, 10),
            stories=latest_stories(c, 8),
        )

    def people(c: sqlite3.Connection) -> None:
        done["actors"] = top_actors(c, 10, connect=connect)

    in_parallel(conn, connect, [rest, people])
    return Overview(**done)


# --------------------------------------------------------------------------- events table


@dataclass(frozen=True, slots=True)
class Who:
    name: str
    native: str
    actor_key: str | None
    type: str
    role: str | None


@dataclass(frozen=True, slots=True)
class Row:
    id: int
    uid: str
    date: str | None
    date_basis: str | None
    type: str
    mode: str | None
    cameo: str | None
    dyad: tuple[str, ...]
    historical: bool
    confidence: float
    story: int | None
    lang: str
    outlet: str | None
    title: str | None
    document: str
    evidence: str
    sources: tuple[Who, ...] = ()
    targets: tuple[Who, ...] = ()
    topics: tuple[str, ...] = ()
    contexts: tuple[str, ...] = ()


_ROW_COLS = (
    "SELECT e.id, e.uid, e.when_date, e.when_basis, e.type, e.mode, e.cameo, e.dyad, e.historical, e.confidence, "
    "e.story_id, d.lang, d.source, d.title, d.uid, e.evidence FROM events e JOIN documents d ON d.id = e.document_id "
)
DEFAULT_ORDER = "e.when_date DESC, e.id DESC"


def rows(
    conn: sqlite3.Connection,
    where: str,
    args: Sequence[object],
    *,
    order: str = DEFAULT_ORDER,
    limit: int | None = 50,
    offset: int = 0,
) -> list[Row]:
    """Table rows for events matching a condition on `events e JOIN documents d`, with their participants.

    The page is chosen first on the narrowest join that can (usually the events' own indexes), and only
    its rows are read in full: skipping to page 1,000 then does not read 50,000 articles.
    """
    sql = f"SELECT e.id {_from(where, order)}WHERE {where} ORDER BY {order}"
    params = list(args)
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    page = [int(r[0]) for r in conn.execute(sql, params)]
    return rows_by_id(conn, page)


def rows_by_id(conn: sqlite3.Connection, ids: Sequence[int]) -> list[Row]:
    """Table rows for these events, in this order."""
    by_id: dict[int, Any] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for r in conn.execute(_ROW_COLS + f"WHERE e.id IN ({_marks(len(chunk))})", chunk):
            by_id[int(r[0])] = r
    found = [by_id[i] for i in ids if i in by_id]
    who: dict[int, dict[str, list[Who]]] = {}
    topics: dict[int, list[str]] = {}
    contexts: dict[int, list[str]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for ev, role, name, native, key, etype, erole in conn.execute(
            "SELECT p.event_id, p.role, coalesce(a.name, en.name), en.native, a.key, en.type, en.role "
            "FROM event_participants p JOIN entities en ON en.id = p.entity_id "
            f"LEFT JOIN actors a ON a.id = en.actor_id WHERE p.event_id IN ({_marks(len(chunk))}) "
            "ORDER BY p.event_id, p.role DESC, p.position",
            chunk,
        ):
            who.setdefault(int(ev), {}).setdefault(str(role), []).append(Who(name, native, key, etype, erole))
        for ev, t in conn.execute(
            f"SELECT event_id, topic FROM event_topics WHERE event_id IN ({_marks(len(chunk))}) ORDER BY topic", chunk
        ):
            topics.setdefault(int(ev), []).append(str(t))
        for ev, c in conn.execute(
            f"SELECT event_id, context FROM event_contexts WHERE event_id IN ({_marks(len(chunk))}) ORDER BY context",
            chunk,
        ):
            contexts.setdefault(int(ev), []).append(str(c))
    out = []
    for r in found:
        i = int(r[0])
        w = who.get(i, {})
        out.append(
            Row(
                id=i,
                uid=str(r[1]),
                date=r[2],
                date_basis=r[3],
                type=str(r[4]),
                mode=r[5],
                cameo=r[6],
                dyad=tuple(s for s in str(r[7]).split("-") if s),
                historical=bool(r[8]),
                confidence=float(r[9]),
                story=None if r[10] is None else int(r[10]),
                lang=str(r[11]),
                outlet=r[12],
                title=r[13],
                document=str(r[14]),
                evidence=str(r[15]),
                sources=tuple(w.get("source", ())),
                targets=tuple(w.get("target", ())),
                topics=tuple(topics.get(i, ())),
                contexts=tuple(contexts.get(i, ())),
            )
        )
    return out


def event_table(
    conn: sqlite3.Connection, f: EventFilter, *, sort: str = "date", descending: bool = True
) -> tuple[list[Row], int]:
    """One page of the events table (`f.limit`, `f.offset`) and the number of events matching `f`."""
    where, args = query.where_clause(conn, f)
    direction = "DESC" if descending else "ASC"
    order = DEFAULT_ORDER if sort == "date" and descending else f"{SORTS[sort]} {direction}, {DEFAULT_ORDER}"
    page = rows(conn, where, args, order=order, limit=f.limit, offset=f.offset)
    total = int(conn.execute(f"SELECT count(*) {_from(where)}WHERE {where}", args).fetchone()[0])
    return page, total


@dataclass(frozen=True, slots=True)
class Facets:
    """The values the filter form offers."""

    topics: tuple[str, ...]
    contexts: tuple[str, ...]
    langs: tuple[str, ...]
    outlets: tuple[str, ...]


def facets(conn: sqlite3.Connection, max_outlets: int = 300) -> Facets:
    def col(sql: str, args: Sequence[object] = ()) -> tuple[str, ...]:
        return tuple(str(r[0]) for r in conn.execute(sql, list(args)) if r[0] is not None)

    return Facets(
        topics=col("SELECT DISTINCT topic FROM event_topics ORDER BY topic"),
        contexts=col("SELECT DISTINCT context FROM event_contexts ORDER BY context"),
        langs=col("SELECT DISTINCT lang FROM events ORDER BY lang"),
        outlets=col(
            "SELECT DISTINCT outlet FROM events WHERE outlet IS NOT NULL ORDER BY outlet COLLATE NOCASE LIMIT ?",
            (max_outlets,),
        ),
    )


# --------------------------------------------------------------------------- documents and events


@dataclass(frozen=True, slots=True)
class DocumentView:
    id: int
    uid: str
    name: str
    lang: str
    title: str | None
    published: str | None
    source: str | None
    url: str | None
    text: str
    warnings: str
    rasad_version: str
    data_version: str
    analysed_at: str


def document(conn: sqlite3.Connection, uid: str) -> DocumentView:
    r = conn.execute(
        "SELECT id, uid, name, lang, title, published, source, url, text, warnings, rasad_version, data_version, "
        "analysed_at FROM documents WHERE uid = ?",
        (uid,),
    ).fetchone()
    if r is None:
        raise StoreError(f"no document {uid}")
    return DocumentView(int(r[0]), *(r[1:]))


@dataclass(frozen=True, slots=True)
class MentionView:
    start: int
    end: int
    type: str
    name: str
    native: str
    role: str | None
    country: str | None
    actor_key: str | None


def mentions(conn: sqlite3.Connection, document_id: int) -> list[MentionView]:
    return [
        MentionView(int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]), r[5], r[6], r[7])
        for r in conn.execute(
            "SELECT m.start_offset, m.end_offset, en.type, coalesce(a.name, en.name), en.native, en.role, en.country, "
            "a.key FROM mentions m JOIN entities en ON en.id = m.entity_id LEFT JOIN actors a ON a.id = en.actor_id "
            "WHERE en.document_id = ? ORDER BY m.start_offset",
            (document_id,),
        )
    ]


@dataclass(frozen=True, slots=True)
class EventDetail:
    """What `EventRow` leaves out: how the date was read and where the trigger word is."""

    date_text: str | None
    day_start: str | None
    day_end: str | None
    trigger_text: str | None
    trigger_start: int | None
    trigger_end: int | None
    location_native: str | None
    location_key: str | None


def event_details(conn: sqlite3.Connection, event_ids: Iterable[int]) -> dict[int, EventDetail]:
    ids = list(event_ids)
    out: dict[int, EventDetail] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for r in conn.execute(
            "SELECT e.id, e.date_text, e.day_start, e.day_end, e.trigger_text, e.trigger_start, e.trigger_end, "
            "l.native, l.key FROM events e LEFT JOIN entities l ON l.id = e.location_id "
            f"WHERE e.id IN ({_marks(len(chunk))})",
            chunk,
        ):
            out[int(r[0])] = EventDetail(*r[1:])
    return out


def document_events(conn: sqlite3.Connection, document_id: int) -> list[Row]:
    return rows(conn, "e.document_id = ?", [document_id], order="e.evidence_start, e.id", limit=None)


def evidence_spans(conn: sqlite3.Connection, document_id: int) -> list[tuple[str, int, int]]:
    return [
        (str(r[0]), int(r[1]), int(r[2]))
        for r in conn.execute(
            "SELECT uid, evidence_start, evidence_end FROM events WHERE document_id = ? ORDER BY evidence_start",
            (document_id,),
        )
    ]


# --------------------------------------------------------------------------- actors


@dataclass(frozen=True, slots=True)
class RoleSpell:
    role: str
    first: str | None
    last: str | None
    documents: int


@dataclass(frozen=True, slots=True)
class ActorView:
    actor: Actor
    ids: tuple[int, ...]  # the actor and every actor merged into it
    variants: tuple[NameVariant, ...]
    roles: tuple[RoleSpell, ...]
    documents: int
    where: str = field(repr=False, default="1")  # its events, as a condition on `events e`
    args: tuple[object, ...] = field(repr=False, default=())


def find(conn: sqlite3.Connection, ref: str, *, state_names: dict[str, str] | None = None) -> ActorView:
    """An actor by key or name, with its name forms, without its roles (`actor` adds them); a state that
    takes part in events but never reached the registry (named only through its officials) is found too
    when `state_names` knows its code."""
    try:
        a = find_actor(conn, ref)
    except StoreError:
        code = ref.strip().upper()
        if not state_names or code not in state_names:
            raise
        if conn.execute("SELECT 1 FROM event_states WHERE state = ? LIMIT 1", (code,)).fetchone() is None:
            raise
        where = "e.id IN (SELECT event_id FROM event_states WHERE state = ?)"
        return ActorView(Actor(0, code, "STATE", state_names[code], code, None, None), (), (), (), 0, where, (code,))
    ids = tuple(actor_ids_for(conn, a.key))
    marks = _marks(len(ids))
    variants = tuple(
        NameVariant(str(v[0]), str(v[1]), str(v[2]), bool(v[3]))
        for v in conn.execute(
            f"SELECT DISTINCT name, script, lang, pinned FROM actor_names WHERE actor_id IN ({marks}) "
            "ORDER BY script, lang, name",
            ids,
        )
    )
    args: tuple[object, ...]
    if a.type == "STATE":
        where, args = "e.id IN (SELECT event_id FROM event_states WHERE state = ?)", (a.key,)
    else:
        where = (
            "e.id IN (SELECT p.event_id FROM event_participants p JOIN entities en ON en.id = p.entity_id "
            f"WHERE en.actor_id IN ({marks}))"
        )
        args = ids
    return ActorView(a, ids, variants, (), 0, where, args)


def roles(conn: sqlite3.Connection, ids: Sequence[int]) -> tuple[tuple[RoleSpell, ...], int]:
    """The roles of the actors `ids` (with the first and last day of the documents giving each), and the
    number of documents naming them."""
    if not ids:
        return (), 0
    # the entities read once (a random row each): the roles, then the documents naming them (last row)
    found = conn.execute(
        f"WITH ent AS MATERIALIZED (SELECT role, document_id FROM entities WHERE actor_id IN ({_marks(len(ids))})) "
        "SELECT ent.role, min(d.published_day), max(d.published_day), count(DISTINCT ent.document_id) FROM ent "
        "JOIN documents d ON d.id = ent.document_id WHERE ent.role IS NOT NULL GROUP BY ent.role "
        "UNION ALL SELECT NULL, NULL, NULL, count(DISTINCT document_id) FROM ent",
        list(ids),
    ).fetchall()
    spells = [RoleSpell(str(r[0]), r[1], r[2], int(r[3])) for r in found[:-1]]
    # as SQLite orders them: a role without a dated document first
    return tuple(sorted(spells, key=lambda r: (r.first is not None, r.first or "", r.role))), int(found[-1][3])


def actor(conn: sqlite3.Connection, ref: str, *, state_names: dict[str, str] | None = None) -> ActorView:
    """An actor by key or name, with its name forms and roles (see `find`)."""
    view = find(conn, ref, state_names=state_names)
    spells, docs = roles(conn, view.ids)
    return replace(view, roles=spells, documents=docs)


@dataclass(frozen=True, slots=True)
class ActorPage:
    view: ActorView  # with its roles
    types: dict[str, int]
    months: dict[tuple[str, str], int]
    others: list[ActorCount]
    recent: list[Row]


def actor_page(conn: sqlite3.Connection, view: ActorView, *, recent: int = 25) -> ActorPage:
    """What an actor's page shows, for an actor from `find`: its roles, its events by type and month, the
    actors it meets most, its latest events. On one connection: the roles read on a second one, in a thread,
    cost more CPU (about 15%, at 100,000 events) than they saved in time on a busy two-core machine."""
    spells, docs = roles(conn, view.ids)
    types, months = actor_event_counts(conn, view)
    return ActorPage(
        replace(view, roles=spells, documents=docs),
        types,
        months,
        counterparts(conn, view),
        latest_of_actor(conn, view, sum(types.values()), recent),
    )


def actor_event_counts(conn: sqlite3.Connection, view: ActorView) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """The actor's events by type, and its news events by (YYYY-MM, type) for its timeline: one pass."""
    types: dict[str, int] = {}
    months: dict[tuple[str, str], int] = {}
    for t, month, historical, n in conn.execute(
        f"SELECT e.type, substr(e.when_date, 1, 7), e.historical, count(*) FROM events e WHERE {view.where} "
        "GROUP BY 1, 2, 3",
        view.args,
    ):
        types[str(t)] = types.get(str(t), 0) + int(n)
        if month and not historical:
            months[(str(month), str(t))] = months.get((str(month), str(t)), 0) + int(n)
    return dict(sorted(types.items(), key=lambda kv: -kv[1])), months


def latest_of_actor(conn: sqlite3.Connection, view: ActorView, events: int, limit: int = 25) -> list[Row]:
    """The actor's `limit` latest events (it has `events` in all), as table rows, newest first."""
    size = int(conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0])  # an end of the key: no scan
    # Walking the date index from the newest end meets `limit` of a busy actor's events after about
    # limit * size / events entries, each checked against its event ids without reading a row; sorting reads
    # the date of every one of its events. The walk wins by far once events² reaches limit * size / 10.
    if events * events * 10 < limit * size:
        return rows(conn, view.where, view.args, limit=limit)
    sql = f"SELECT e.id FROM events e INDEXED BY events_when WHERE {view.where} ORDER BY {DEFAULT_ORDER} LIMIT ?"
    return rows_by_id(conn, [int(r[0]) for r in conn.execute(sql, (*view.args, limit))])


def counterparts(conn: sqlite3.Connection, view: ActorView, limit: int = 15) -> list[ActorCount]:
    """The actors (states for a state) that take part in this actor's events most often."""
    if view.actor.type == "STATE":
        found = conn.execute(
            "SELECT s2.state, count(*) FROM event_states s1 JOIN event_states s2 ON s2.event_id = s1.event_id "
            "WHERE s1.state = ? AND s2.state != s1.state GROUP BY s2.state ORDER BY 2 DESC, 1 LIMIT ?",
            (view.actor.key, limit),
        ).fetchall()
        return [ActorCount(str(s), str(s), "STATE", str(s), None, int(c)) for s, c in found]
    marks = _marks(len(view.ids))
    found = conn.execute(
        "SELECT a.key, a.name, a.type, a.country, a.role, count(DISTINCT p2.event_id) AS n "
        "FROM event_participants p1 JOIN entities en1 ON en1.id = p1.entity_id "
        "JOIN event_participants p2 ON p2.event_id = p1.event_id JOIN entities en2 ON en2.id = p2.entity_id "
        f"JOIN actors a ON a.id = en2.actor_id WHERE en1.actor_id IN ({marks}) AND a.id NOT IN ({marks}) "
        "GROUP BY a.id ORDER BY n DESC, a.key LIMIT ?",
        (*view.ids, *view.ids, limit),
    ).fetchall()
    return [ActorCount(str(r[0]), str(r[1]), str(r[2]), r[3], r[4], int(r[5])) for r in found]


@dataclass(frozen=True, slots=True)
class ActorListing:
    key: str
    name: str
    type: str
    country: str | None
    role: str | None
    variants: int
    events: int


def actor_list(
    conn: sqlite3.Connection,
    *,
    q: str | None,
    type_: str | None,
    limit: int,
    offset: int,
    connect: Connect | None = None,
) -> tuple[list[ActorListing], int]:
    """Actors named in most documents first (their events counted for the page shown); `q` matches any
    name form, script-folded, or the key."""
    from rasad.store.textfold import name_key

    where = ["a.merged_into IS NULL"]
    args: list[object] = []
    if type_:
        where.append("a.type = ?")
        args.append(type_)
    if q:
        key = name_key(q)
        where.append("(a.id IN (SELECT actor_id FROM actor_names WHERE folded LIKE ?) OR a.key = ?)")
        args += [f"%{key}%", q.strip().upper()]
    cond = " AND ".join(where)
    # the actors wanted first, then their entities counted (an index range each, nothing grouped); one pass
    # gives both the number of actors named somewhere and the page (there are far fewer actors than entities)
    ranked = [
        r
        for r in conn.execute(
            "SELECT a.id, (SELECT count(*) FROM entities en WHERE en.actor_id = a.id) AS n FROM actors a "
            f"WHERE {cond} ORDER BY n DESC, a.key",
            args,
        )
        if r[1]
    ]
    total = len(ranked)
    shown = ranked[offset : offset + limit]
    info = {
        int(r[0]): r
        for r in conn.execute(
            "SELECT a.id, a.key, a.name, a.type, a.country, a.role, (SELECT count(*) FROM actor_names n "
            f"WHERE n.actor_id = a.id) FROM actors a WHERE a.id IN ({_marks(len(shown))})",
            [int(r[0]) for r in shown],
        )
    }
    found = [info[int(r[0])] for r in shown]
    events = event_counts(conn, [(int(r[0]), int(r[1])) for r in shown], connect=connect)
    listing = [
        ActorListing(str(r[1]), str(r[2]), str(r[3]), r[4], r[5], int(r[6]), events.get(int(r[0]), 0)) for r in found
    ]
    return listing, total


# --------------------------------------------------------------------------- dyads


def topic_periods(
    conn: sqlite3.Connection, where: str, args: Sequence[object], *, by_year: bool
) -> dict[tuple[str, str], int]:
    """(topic, period) -> events, period YYYY or YYYY-MM."""
    width = 4 if by_year else 7
    found = conn.execute(
        f"SELECT t.topic, substr(e.when_date, 1, {width}), count(*) FROM events e "
        "JOIN event_topics t ON t.event_id = e.id "
        f"WHERE ({where}) AND e.when_date IS NOT NULL AND e.historical = 0 GROUP BY 1, 2",
        list(args),
    ).fetchall()
    return {(str(t), str(p)): int(c) for t, p, c in found}


# --------------------------------------------------------------------------- network


@dataclass(frozen=True, slots=True)
class Link:
    a: str
    b: str
    type: str
    events: int


def state_links(conn: sqlite3.Connection, f: EventFilter) -> list[Link]:
    """Pairs of states in the same events, per event type (an event of three states links each pair)."""
    where, args = query.where_clause(conn, f)
    out: list[Link] = []
    for dyad, t, c in conn.execute(
        f"SELECT e.dyad, e.type, count(*) {_from(where)}WHERE ({where}) AND e.dyad LIKE '%-%' GROUP BY 1, 2", args
    ):
        states = str(dyad).split("-")
        for i, a in enumerate(states):
            for b in states[i + 1 :]:
                out.append(Link(a, b, str(t), int(c)))
    return out


def actor_links(
    conn: sqlite3.Connection, f: EventFilter, *, max_actors: int = 300, connect: Connect | None = None
) -> tuple[list[Link], dict[str, tuple[str, str]]]:
    """Pairs of registry actors taking part in the same events, per type; and key -> (name, type).

    SQLite lists the actors of each event with two or more, walking the participants in event order (their
    primary key, so the grouping needs no sort); the pairs are counted here, among the `max_actors` actors
    in most of those events. With `connect`, the two halves of the event ids are read at once.
    """
    where, args = query.where_clause(conn, f)
    selected = "" if where == "1" else f"AND p.event_id IN (SELECT e.id {_from(where)}WHERE {where}) "
    # an actor may stand twice in an event (two of its entities): the sets are made here, and events of one
    # actor dropped here (only those of one participant in SQL: a count is the cheapest aggregate, and
    # min/max to tell the others cost more, at 100,000 events, than grouping them with the rest)
    sql = (
        "SELECT e.type, x.actors, count(*) FROM (SELECT p.event_id AS ev, group_concat(en.actor_id) AS actors, "
        "count(*) AS n FROM event_participants p INDEXED BY sqlite_autoindex_event_participants_1 "
        "CROSS JOIN entities en ON en.id = p.entity_id "
        f"WHERE en.actor_id IS NOT NULL AND p.event_id BETWEEN ? AND ? {selected}GROUP BY p.event_id) x "
        "CROSS JOIN events e ON e.id = x.ev WHERE x.n > 1 GROUP BY 1, 2"
    )
    # two separate aggregates: SQLite reads each from one end of the primary key, not by a scan
    lo, hi = conn.execute(
        "SELECT (SELECT min(event_id) FROM event_participants), (SELECT max(event_id) FROM event_participants)"
    ).fetchone()
    if lo is None:
        return [], {}
    # a filter picks its events through an index: only the whole store is worth splitting
    ranges = (
        [(int(lo), int(hi))]
        if selected
        else [(int(lo), (int(lo) + int(hi)) // 2), ((int(lo) + int(hi)) // 2 + 1, int(hi))]
    )

    def part(first: int, last: int) -> Callable[[sqlite3.Connection], list[tuple[str, str, int]]]:
        def run(c: sqlite3.Connection) -> list[tuple[str, str, int]]:
            return [(str(t), str(a), int(n)) for t, a, n in c.execute(sql, [first, last, *args])]

        return run

    sets: dict[tuple[str, tuple[int, ...]], int] = {}
    for found in in_parallel(conn, connect, [part(a, b) for a, b in ranges]):
        for t, actors_, n in found:
            members = tuple(sorted({int(a) for a in actors_.split(",")}))
            if len(members) > 1:
                sets[(t, members)] = sets.get((t, members), 0) + n
    groups: list[tuple[str, list[int], int]] = []
    events_of: dict[int, int] = {}
    for (t, members), n in sets.items():
        groups.append((t, list(members), n))
        for a in members:
            events_of[a] = events_of.get(a, 0) + n
    keep = set(sorted(events_of, key=lambda a: (-events_of[a], a))[:max_actors])
    counts: dict[tuple[int, int, str], int] = {}
    for t, present, n in groups:
        kept = [a for a in present if a in keep]
        for i, a in enumerate(kept):
            for b in kept[i + 1 :]:
                counts[(a, b, t)] = counts.get((a, b, t), 0) + n
    ids = sorted({a for a, _, _ in counts} | {b for _, b, _ in counts})
    info: dict[int, tuple[str, str, str]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for aid, k, n, typ in conn.execute(
            f"SELECT id, key, name, type FROM actors WHERE id IN ({_marks(len(chunk))})", chunk
        ):
            info[int(aid)] = (str(k), str(n), str(typ))
    links = []
    for (a, b, t), c in counts.items():
        if a in info and b in info:
            x, y = sorted((info[a][0], info[b][0]))
            links.append(Link(x, y, t, c))
    names = {k: (n, typ) for k, n, typ in info.values()}
    return links, names


# --------------------------------------------------------------------------- watchlist alerts

# The monitor's tables (rasad/monitor/schema_monitor.sql), read with SQL of our own: the interface and the
# monitor are sibling layers, neither imports the other. A store no watcher ever opened has none of them.
MONITOR_TABLES = ("monitor_watchlists", "monitor_alerts", "monitor_alert_events")


def monitor_present(conn: sqlite3.Connection) -> bool:
    found = conn.execute(
        f"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ({_marks(len(MONITOR_TABLES))})",
        MONITOR_TABLES,
    ).fetchone()[0]
    return int(found) == len(MONITOR_TABLES)


@dataclass(frozen=True, slots=True)
class AlertedStory:
    """What an alert is about: the story as the store holds it now, or as the alert delivered it."""

    id: int | None  # the story now holding the alerted reports; None when they left the store
    type: str
    dyad: tuple[str, ...]
    date: str | None
    evidence: str  # of its first report
    lang: str | None
    reports: int
    languages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AlertView:
    id: int
    watchlist: str
    fired: str  # when the alert was raised, UTC YYYY-MM-DDTHH:MM:SSZ
    delivered: str | None
    error: str | None  # why the last delivery failed
    story: AlertedStory


@dataclass(frozen=True, slots=True)
class AlertCounts:
    watchlists: int
    alerts: int


def alert_counts(conn: sqlite3.Connection) -> AlertCounts:
    one = conn.execute(
        "SELECT (SELECT count(*) FROM monitor_watchlists), "
        "(SELECT count(*) FROM monitor_alerts a JOIN monitor_watchlists w ON w.id = a.watchlist_id)"
    ).fetchone()
    return AlertCounts(int(one[0]), int(one[1]))


def _stored_story(st: query.Story) -> AlertedStory:
    first = st.reports[0]
    return AlertedStory(st.id, st.type, st.dyad, st.date, first.evidence, first.lang, len(st.reports), st.languages)


def _delivered_story(text: object) -> AlertedStory:
    """From the alert's payload (the JSON delivered), read defensively: it is only shown, never trusted."""
    try:
        payload = json.loads(str(text))
    except ValueError:
        payload = {}
    if not isinstance(payload, dict):
        payload = {}
    reports = payload.get("reports")
    reports = reports if isinstance(reports, list) else []
    first = reports[0] if reports and isinstance(reports[0], dict) else {}
    dyad = payload.get("dyad")
    langs = payload.get("languages")
    return AlertedStory(
        id=None,
        type=str(payload.get("type") or "?"),
        dyad=tuple(str(s) for s in dyad) if isinstance(dyad, list) else (),
        date=str(payload["date"]) if payload.get("date") else None,
        evidence=str(first.get("evidence") or ""),
        lang=str(first["lang"]) if first.get("lang") else None,
        reports=len(reports),
        languages=tuple(str(x) for x in langs) if isinstance(langs, list) else (),
    )


def alerts(conn: sqlite3.Connection, *, limit: int, offset: int = 0) -> list[AlertView]:
    """Stored alerts, newest first, each with the story it is about as the store holds it now.

    Story ids change when stories are rebuilt; the event uids the alert covers do not, so the story is
    found through them (as the monitor itself recognises an alerted story). An alert without such uids
    keeps the story id it was raised with; one whose reports all left the store is shown from its payload.
    """
    found = conn.execute(
        "SELECT a.id, w.name, a.created_at, a.delivered_at, a.error, a.payload, a.story_id, "
        "(SELECT x.story_id FROM monitor_alert_events ae JOIN events x ON x.uid = ae.event_uid "
        " WHERE ae.alert_id = a.id AND x.story_id IS NOT NULL ORDER BY x.id LIMIT 1), "
        "EXISTS (SELECT 1 FROM monitor_alert_events ae WHERE ae.alert_id = a.id) "
        "FROM monitor_alerts a JOIN monitor_watchlists w ON w.id = a.watchlist_id "
        "ORDER BY a.id DESC LIMIT ? OFFSET ?",
        (limit, offset),
    ).fetchall()
    out = []
    for r in found:
        story_id = r[7] if r[7] is not None else (None if r[8] else r[6])
        st: query.Story | None = None
        if story_id is not None:
            try:
                st = query.story(conn, int(story_id))
            except StoreError:
                st = None
        about = _stored_story(st) if st is not None else _delivered_story(r[5])
        out.append(AlertView(int(r[0]), str(r[1]), str(r[2]), r[3], r[4], about))
    return out
