"""Reading the store: filtered events, stories with every report, actors, and full-text search."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from rasad.store.db import StoreError

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Every field narrows the selection; several values in one field mean any of them."""

    dyad: str | None = None  # "IRN-TJK": exactly these states, in any order
    states: tuple[str, ...] = ()  # every one of these states involved
    actor: str | None = None  # actor key or name; events where it is a source or target
    types: tuple[str, ...] = ()
    cameo: tuple[str, ...] = ()  # a two-digit root matches every code under it
    topics: tuple[str, ...] = ()
    contexts: tuple[str, ...] = ()
    since: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD, inclusive
    until: str | None = None
    langs: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    story: int | None = None
    historical: bool | None = None  # None: both news and background
    text: str | None = None  # full-text search in the reporting document
    limit: int | None = 100
    offset: int = 0


# every record, unpaged (exports)
ALL = EventFilter(limit=None)


def _day_bound(value: str, end: bool) -> str:
    m = _PARTIAL.match(value.strip())
    if not m:
        raise StoreError(f"date {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    y, mo, d = m.group(1), m.group(2), m.group(3)
    if d:
        return f"{y}-{mo}-{d}"
    if mo:
        return f"{y}-{mo}-31" if end else f"{y}-{mo}-01"
    return f"{y}-12-31" if end else f"{y}-01-01"


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({','.join('?' * len(values))})"


def fts_query(text: str) -> str:
    """An FTS5 query for what a user typed: each word (folded) must occur; a word the folding splits
    (ZWNJ compounds) must occur as a phrase."""
    from rasad.store.textfold import fold_text  # the letter tables only when searching: fast start-up

    parts = []
    for word in text.split():
        tokens = re.findall(r"\w+", fold_text(word))
        if tokens:
            parts.append('"' + " ".join(tokens) + '"')
    if not parts:
        raise StoreError(f"nothing to search for in {text!r}")
    return " ".join(parts)


class _Member(NamedTuple):
    """A set of event ids, as `SELECT {id} FROM {tables} WHERE {cond}`."""

    tables: str
    id: str
    cond: str
    args: tuple[object, ...]
    unique: bool  # whether it yields each event id at most once

    def select(self) -> str:
        return f"SELECT {self.id} FROM {self.tables} WHERE {self.cond}"

    def exists(self) -> str:
        """The test for one record `e`: a seek in the set's primary key, where `select` reads all of it."""
        return f"EXISTS (SELECT 1 FROM {self.tables} WHERE {self.id} = e.id AND {self.cond})"


class _Where(NamedTuple):  # tuples: a dataclass costs start-up time to build, and these never leave the module
    """A filter as SQL: conditions on columns of `events e`, and sets of event ids a record must be in.

    Kept apart so that a count of records matching only id sets reads those sets' indexes alone,
    never an events row, and so that a walk down the date index can test each record against the sets.
    """

    columns: tuple[str, ...]
    column_args: tuple[object, ...]
    members: tuple[_Member, ...]

    def sql(self) -> tuple[str, list[object]]:
        # one id set, intersected in the index, rather than a lookup of every record of the first set
        conds = [*self.columns]
        if self.members:
            conds.append(f"e.id IN ({' INTERSECT '.join(m.select() for m in self.members)})")
        return (" AND ".join(conds) or "1"), [*self.column_args, *self.member_args()]

    def member_args(self) -> list[object]:
        return [a for m in self.members for a in m.args]


def _where(conn: sqlite3.Connection, f: EventFilter) -> _Where:
    cols: list[str] = []
    cargs: list[object] = []
    members: list[_Member] = []
    if f.dyad:
        states = sorted({s.strip().upper() for s in re.split(r"[-,\s]+", f.dyad) if s.strip()})
        cols.append("e.dyad = ?")
        cargs.append("-".join(states))
    for s in f.states:
        members.append(_Member("event_states", "event_id", "state = ?", (s.upper(),), True))
    if f.actor:
        from rasad.store import actors  # the registry (and its fuzzy matcher) only for this filter: fast start-up

        ids = actors.actor_ids_for(conn, f.actor)
        # one event may name the actor twice (as source and target, or by two entities)
        members.append(_Member(
            "event_participants p JOIN entities en ON en.id = p.entity_id", "p.event_id",
            _in("en.actor_id", [str(i) for i in ids]), tuple(ids), False,
        ))  # fmt: skip
    if f.types:
        cols.append(_in("e.type", f.types))
        cargs += [t.upper() for t in f.types]
    if f.cameo:
        conds = []
        for code in f.cameo:
            conds.append("e.cameo_root = ?" if len(code) == 2 else "e.cameo = ?")
            cargs.append(code)
        cols.append("(" + " OR ".join(conds) + ")")
    if f.topics:
        members.append(_Member("event_topics", "event_id", _in("topic", f.topics), tuple(f.topics), len(f.topics) == 1))
    if f.contexts:
        members.append(
            _Member("event_contexts", "event_id", _in("context", f.contexts), tuple(f.contexts), len(f.contexts) == 1)
        )
    if f.since:
        cols.append("e.when_date >= ?")
        cargs.append(_day_bound(f.since, end=False))
    if f.until:
        cols.append("e.when_date <= ?")
        cargs.append(_day_bound(f.until, end=True))
    if f.langs:
        cols.append(_in("e.lang", f.langs))
        cargs += list(f.langs)
    if f.outlets:
        cols.append("(" + " OR ".join("e.outlet = ? COLLATE NOCASE" for _ in f.outlets) + ")")
        cargs += list(f.outlets)
    if f.story is not None:
        cols.append("e.story_id = ?")
        cargs.append(f.story)
    if f.historical is not None:
        cols.append("e.historical = ?")
        cargs.append(int(f.historical))
    if f.text:
        cols.append("e.document_id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)")
        cargs.append(fts_query(f.text))
    return _Where(tuple(cols), tuple(cargs), tuple(members))


def where_clause(conn: sqlite3.Connection, f: EventFilter) -> tuple[str, list[object]]:
    """SQL conditions on `events e` for a filter (no other table named: counting needs no join)."""
    return _where(conn, f).sql()


# Query results are named tuples, not dataclasses: immutable all the same, but a dataclass of thirty fields
# takes milliseconds to build at import, which every `rasad events` paid before printing a line.


class Participant(NamedTuple):
    """An actor taking part in an event record, as source or target."""

    role: str  # source | target
    name: str  # the actor's canonical name, else the entity's
    native: str
    type: str
    country: str | None
    actor_key: str | None
    entity_role: str | None
    sector: str | None = None


class EventRow(NamedTuple):
    """One event record (one report of an event), with its document's details."""

    id: int
    uid: str
    story: int | None
    date: str | None  # the event's day (or its publication day when undated)
    date_basis: str | None
    date_start: str | None
    date_end: str | None
    type: str
    mode: str | None
    cameo: str | None
    dyad: tuple[str, ...]
    location: str | None
    location_country: str | None
    location_type: str | None  # PLACE or COUNTRY
    historical: bool
    confidence: float
    evidence: str
    evidence_start: int
    evidence_end: int
    document: str  # document uid
    document_name: str
    lang: str
    outlet: str | None
    title: str | None
    url: str | None
    published: str | None
    ingested_at: str
    participants: tuple[Participant, ...] = ()
    topics: tuple[str, ...] = ()
    contexts: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[Participant, ...]:
        return tuple(p for p in self.participants if p.role == "source")

    @property
    def targets(self) -> tuple[Participant, ...]:
        return tuple(p for p in self.participants if p.role == "target")

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.uid,
            "story": f"S{self.story}" if self.story is not None else None,
            "date": self.date,
            "date_basis": self.date_basis,
            "type": self.type,
            "mode": self.mode,
            "cameo": self.cameo,
            "dyad": list(self.dyad),
            "source": [p.name for p in self.sources],
            "target": [p.name for p in self.targets],
            "location": self.location,
            "topics": list(self.topics),
            "context": list(self.contexts),
            "historical": self.historical,
            "confidence": self.confidence,
            "lang": self.lang,
            "outlet": self.outlet,
            "document": self.document,
            "document_name": self.document_name,
            "url": self.url,
            "evidence": self.evidence,
        }


_ROW_SQL = (
    "SELECT e.id, e.uid, e.story_id, e.when_date, e.when_basis, e.date_start, e.date_end, e.type, e.mode, e.cameo, "
    "e.dyad, l.name, l.country, l.type, e.historical, e.confidence, e.evidence, e.evidence_start, e.evidence_end, "
    "d.uid, d.name, d.lang, d.source, d.title, d.url, d.published, d.ingested_at "
    "FROM events e JOIN documents d ON d.id = e.document_id LEFT JOIN entities l ON l.id = e.location_id "
)


def _attach(conn: sqlite3.Connection, rows: Sequence[Any]) -> list[EventRow]:
    ids = [int(r[0]) for r in rows]
    parts: dict[int, list[Participant]] = {}
    topics: dict[int, list[str]] = {}
    contexts: dict[int, list[str]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for r in conn.execute(
            "SELECT p.event_id, p.role, coalesce(a.name, en.name), en.native, en.type, en.country, a.key, en.role, "
            "en.sector "
            "FROM event_participants p JOIN entities en ON en.id = p.entity_id "
            f"LEFT JOIN actors a ON a.id = en.actor_id WHERE p.event_id IN ({marks}) "
            "ORDER BY p.event_id, p.role, p.position",
            chunk,
        ):
            parts.setdefault(int(r[0]), []).append(Participant(r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]))
        for ev, topic in conn.execute(
            f"SELECT event_id, topic FROM event_topics WHERE event_id IN ({marks}) ORDER BY topic", chunk
        ):
            topics.setdefault(int(ev), []).append(str(topic))
        for ev, ctx in conn.execute(
            f"SELECT event_id, context FROM event_contexts WHERE event_id IN ({marks}) ORDER BY context", chunk
        ):
            contexts.setdefault(int(ev), []).append(str(ctx))
    out = []
    for r in rows:
        i = int(r[0])
        out.append(
            EventRow(
                id=i,
                uid=str(r[1]),
                story=None if r[2] is None else int(r[2]),
                date=r[3],
                date_basis=r[4],
                date_start=r[5],
                date_end=r[6],
                type=str(r[7]),
                mode=r[8],
                cameo=r[9],
                dyad=tuple(s for s in str(r[10]).split("-") if s),
                location=r[11],
                location_country=r[12],
                location_type=r[13],
                historical=bool(r[14]),
                confidence=round(float(r[15]), 3),  # as in the JSON output (Event.to_dict)
                evidence=str(r[16]),
                evidence_start=int(r[17]),
                evidence_end=int(r[18]),
                document=str(r[19]),
                document_name=str(r[20]),
                lang=str(r[21]),
                outlet=r[22],
                title=r[23],
                url=r[24],
                published=r[25],
                ingested_at=str(r[26]),
                participants=tuple(parts.get(i, ())),
                topics=tuple(topics.get(i, ())),
                contexts=tuple(contexts.get(i, ())),
            )
        )
    return out


# A filter on id sets (states, actor, topics, contexts) matching more records than this is paged by walking
# the date index (newest first) and testing each record against the sets (`_walk`), which finds a page after
# a few hundred rows; a narrower one is fetched whole and sorted. Filters on events columns alone need
# neither: each such column has an index in date order (see schema.sql), which SQLite's planner picks.
BROAD = 1000


def _count(conn: sqlite3.Connection, w: _Where, cap: int | None = None) -> int:
    """How many records match, or `cap` when at least that many do (a cap stops counting early)."""
    limit = "" if cap is None else f" LIMIT {int(cap)}"
    if w.members and not w.columns:
        # the id sets alone decide: count them in their own indexes, without reading an events row
        # (the foreign keys, enforced with ON DELETE CASCADE, keep every id in them a stored event)
        args = w.member_args()
        if len(w.members) == 1 and w.members[0].unique:
            ids = w.members[0].select()
        elif len(w.members) == 1:
            ids = f"SELECT DISTINCT event_id FROM ({w.members[0].select()})"
        else:
            ids = " INTERSECT ".join(m.select() for m in w.members)
        sql = f"SELECT count(*) FROM ({ids}{limit})"
    elif cap is None:
        # no condition at all: SQLite counts the table's pages without reading its rows
        where, args = w.sql()
        sql = "SELECT count(*) FROM events" if where == "1" else f"SELECT count(*) FROM events e WHERE {where}"
    else:
        where, args = w.sql()
        sql = f"SELECT count(*) FROM (SELECT 1 FROM events e WHERE {where}{limit})"
    return int(conn.execute(sql, args).fetchone()[0])


def _walkable(f: EventFilter, w: _Where) -> bool:
    """Whether a page of `f` may be found by walking the date index (when its id sets are broad)."""
    return bool(w.members) and f.limit is not None and f.limit + f.offset < BROAD


def _walk(conn: sqlite3.Connection, f: EventFilter, w: _Where, matching: int) -> list[Any] | None:
    """The page's rows, found by walking the date index newest first and testing each record against the id
    sets; None when that would walk far (the matches bunched in the past), for the caller to sort instead.

    The walk is bounded to the newest records among which the page would lie eight times over, were the
    `matching` records spread evenly over time; a bounded walk that finds less than a page gives up.
    """
    if f.limit is None:
        return None
    want = f.limit + f.offset
    stored = int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
    scan = 8 * want * stored // max(matching, 1) + want
    if scan >= stored:
        return None
    floor = conn.execute(
        "SELECT when_date FROM events INDEXED BY events_when ORDER BY when_date DESC, id DESC LIMIT 1 OFFSET ?",
        (scan,),
    ).fetchone()
    if floor is None or floor[0] is None:  # the bound would reach the undated records: sorting is as cheap
        return None
    conds = [*w.columns, *(m.exists() for m in w.members), "e.when_date >= ?"]
    rows = conn.execute(
        _ROW_SQL.replace("FROM events e", "FROM events e INDEXED BY events_when")
        + f"WHERE {' AND '.join(conds)} ORDER BY e.when_date DESC, e.id DESC LIMIT ? OFFSET ?",
        [*w.column_args, *w.member_args(), floor[0], int(f.limit), int(f.offset)],
    ).fetchall()
    return rows if len(rows) == f.limit else None


def _page(conn: sqlite3.Connection, f: EventFilter, w: _Where, matching: int | None) -> list[EventRow]:
    """The records of `f`'s page; `matching` (how many match in all) when the page may be walked to."""
    rows = _walk(conn, f, w, matching) if matching is not None else None
    if rows is None:
        where, args = w.sql()
        sql = _ROW_SQL + f"WHERE {where} ORDER BY e.when_date DESC, e.id DESC"
        if f.limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args = [*args, int(f.limit), int(f.offset)]
        rows = conn.execute(sql, args).fetchall()
    return _attach(conn, rows)


def events(conn: sqlite3.Connection, f: EventFilter = EventFilter()) -> list[EventRow]:
    """Event records matching `f`, latest first (undated ones last)."""
    w = _where(conn, f)
    if _walkable(f, w):
        matching = _count(conn, w, cap=BROAD + 1)  # enough to tell a broad filter; a walk needs no more
        return _page(conn, f, w, matching if matching > BROAD else None)
    return _page(conn, f, w, None)


def events_page(conn: sqlite3.Connection, f: EventFilter = EventFilter()) -> tuple[list[EventRow], int]:
    """`events(conn, f)` and how many records match `f` in all (its limit and offset aside), counted once."""
    w = _where(conn, f)
    total = _count(conn, w)
    return _page(conn, f, w, total if _walkable(f, w) and total > BROAD else None), total


def count_events(conn: sqlite3.Connection, f: EventFilter = EventFilter()) -> int:
    return _count(conn, _where(conn, f))


# --------------------------------------------------------------------------- stories


class Story(NamedTuple):
    """One real-world event: every record reporting it."""

    id: int
    reports: tuple[EventRow, ...]  # one per reporting document, earliest ingested first

    @property
    def uid(self) -> str:
        return f"S{self.id}"

    @property
    def type(self) -> str:
        return self.reports[0].type

    @property
    def dyad(self) -> tuple[str, ...]:
        return self.reports[0].dyad

    @property
    def date(self) -> str | None:
        dated = sorted(r.date for r in self.reports if r.date and r.date_basis == "event")
        if dated:
            return dated[0]
        undated = sorted(r.date for r in self.reports if r.date)
        return undated[0] if undated else None

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted({r.lang for r in self.reports}))

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(sorted({r.outlet or r.document_name for r in self.reports}))

    @property
    def location(self) -> str | None:
        return next((r.location for r in self.reports if r.location), None)

    @property
    def actors(self) -> tuple[str, ...]:
        names: list[str] = []
        for r in self.reports:
            for p in r.participants:
                if p.name not in names:
                    names.append(p.name)
        return tuple(names)


def story(conn: sqlite3.Connection, story_id: int) -> Story:
    rows = conn.execute(_ROW_SQL + "WHERE e.story_id = ? ORDER BY e.document_id, e.id", (story_id,)).fetchall()
    if not rows:
        raise StoreError(f"no story S{story_id}")
    return Story(story_id, tuple(_attach(conn, rows)))


def stories(conn: sqlite3.Connection, f: EventFilter = EventFilter(), *, min_reports: int = 1) -> list[Story]:
    """Stories with at least one record matching `f` (limit and offset count stories), latest first."""
    where, args = where_clause(conn, f)
    sql = (
        "SELECT e.story_id FROM events e "
        f"WHERE {where} AND e.story_id IS NOT NULL GROUP BY e.story_id "
        "HAVING (SELECT count(*) FROM events x WHERE x.story_id = e.story_id) >= ? "
        "ORDER BY max(e.when_date) DESC, e.story_id DESC"
    )
    args = [*args, min_reports]
    if f.limit is not None:
        sql += " LIMIT ? OFFSET ?"
        args += [int(f.limit), int(f.offset)]
    ids = [int(r[0]) for r in conn.execute(sql, args).fetchall()]
    reports: dict[int, list[EventRow]] = {i: [] for i in ids}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        rows = conn.execute(
            _ROW_SQL + f"WHERE e.story_id IN ({','.join('?' * len(chunk))}) ORDER BY e.document_id, e.id", chunk
        ).fetchall()
        for row in _attach(conn, rows):
            if row.story is not None:
                reports[row.story].append(row)
    return [Story(i, tuple(reports[i])) for i in ids]


def find_event(conn: sqlite3.Connection, uid: str) -> EventRow:
    rows = conn.execute(_ROW_SQL + "WHERE e.uid = ?", (uid,)).fetchall()
    if not rows:
        raise StoreError(f"no event {uid}")
    return _attach(conn, rows)[0]


def show(conn: sqlite3.Connection, ref: str) -> Story:
    """The story an event id (`<document>-<n>`) or story id (`S12`) names, with every report of it."""
    ref = ref.strip()
    m = re.fullmatch(r"[Ss](\d+)", ref)
    if m:
        return story(conn, int(m.group(1)))
    ev = find_event(conn, ref)
    if ev.story is None:
        return Story(0, (ev,))
    return story(conn, ev.story)


# --------------------------------------------------------------------------- search


class SearchHit(NamedTuple):
    """A document found by `search`, with a snippet of its text."""

    document: str
    name: str
    title: str | None
    lang: str
    outlet: str | None
    published: str | None
    snippet: str  # from the original text, around the first match
    events: tuple[str, ...]  # event uids in the document
    via: str = "text"  # "text" or the actor key a name search matched


def _snippet(text: str, words: Sequence[str], width: int = 90) -> str:
    """About `width` characters of the original text either side of the first word found, cut between words."""
    from rasad.store.textfold import fold_with_offsets

    folded = fold_with_offsets(text)
    start = end = 0
    for w in words:
        pos = folded.text.find(w) if w else -1
        if pos >= 0:
            start, end = folded.to_original(pos, pos + len(w))
            break
    lo = max(0, start - width)
    hi = min(len(text), end + width)
    while lo > 0 and not text[lo - 1].isspace() and start - lo < width + 20:
        lo -= 1
    while hi < len(text) and not text[hi].isspace() and hi - end < width + 20:
        hi += 1
    return ("…" if lo > 0 else "") + " ".join(text[lo:hi].split()) + ("…" if hi < len(text) else "")


def search(conn: sqlite3.Connection, text: str, *, limit: int = 20) -> list[SearchHit]:
    """Documents whose text contains every word of `text` in either script's spelling, best first;
    then documents naming an actor one of whose name variants (in any script) contains `text`."""
    from rasad.store.textfold import fold_text, name_key

    query = fts_query(text)
    words = [" ".join(re.findall(r"\w+", fold_text(w))) for w in text.split()]
    hits: list[SearchHit] = []
    seen: set[int] = set()
    for doc_id, uid, name, title, lang, source, published, body in conn.execute(
        "SELECT d.id, d.uid, d.name, d.title, d.lang, d.source, d.published, d.text FROM documents_fts "
        "JOIN documents d ON d.id = documents_fts.rowid WHERE documents_fts MATCH ? ORDER BY rank LIMIT ?",
        (query, limit),
    ).fetchall():
        seen.add(int(doc_id))
        hits.append(
            SearchHit(uid, name, title, lang, source, published, _snippet(body, words), _event_uids(conn, doc_id))
        )
    key = name_key(text)
    if len(hits) < limit and len(key) >= 3:
        for actor_id, actor_key in conn.execute(
            "SELECT DISTINCT a.id, a.key FROM actor_names n JOIN actors a ON a.id = n.actor_id "
            "WHERE n.folded LIKE ? AND a.merged_into IS NULL LIMIT 20",
            (f"%{key}%",),
        ).fetchall():
            for doc_id, uid, name, title, lang, source, published, body in conn.execute(
                "SELECT DISTINCT d.id, d.uid, d.name, d.title, d.lang, d.source, d.published, d.text "
                "FROM entities en JOIN documents d ON d.id = en.document_id WHERE en.actor_id = ? ORDER BY d.id",
                (actor_id,),
            ).fetchall():
                if int(doc_id) in seen or len(hits) >= limit:
                    continue
                seen.add(int(doc_id))
                forms = [
                    fold_text(str(m[0]))
                    for m in conn.execute(
                        "SELECT m.text FROM mentions m JOIN entities en ON en.id = m.entity_id "
                        "WHERE en.document_id = ? AND en.actor_id = ?",
                        (doc_id, actor_id),
                    )
                ]
                hits.append(
                    SearchHit(
                        uid,
                        name,
                        title,
                        lang,
                        source,
                        published,
                        _snippet(body, forms or words),
                        _event_uids(conn, doc_id),
                        via=str(actor_key),
                    )
                )
    return hits


def _event_uids(conn: sqlite3.Connection, doc_id: int) -> tuple[str, ...]:
    return tuple(str(r[0]) for r in conn.execute("SELECT uid FROM events WHERE document_id = ? ORDER BY id", (doc_id,)))


def _many(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v for v in (x.strip() for x in value.split(",")) if v)
    return tuple(value)


def make_filter(
    *,
    dyad: str | None = None,
    state: str | Sequence[str] | None = None,
    actor: str | None = None,
    type: str | Sequence[str] | None = None,
    cameo: str | Sequence[str] | None = None,
    topic: str | Sequence[str] | None = None,
    context: str | Sequence[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    lang: str | Sequence[str] | None = None,
    outlet: str | Sequence[str] | None = None,
    story: str | int | None = None,
    historical: bool | None = None,
    text: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> EventFilter:
    """An `EventFilter` from friendly arguments: several values as a list or comma-separated; story as S12 or 12."""
    story_id: int | None = None
    if story is not None:
        m = re.fullmatch(r"[Ss]?(\d+)", str(story).strip())
        if not m:
            raise StoreError(f"story {story!r}: use S<number>")
        story_id = int(m.group(1))
    for value in (since, until):
        if value:
            _day_bound(value, end=False)
    return EventFilter(
        dyad=dyad,
        states=_many(state),
        actor=actor,
        types=tuple(t.upper() for t in _many(type)),
        cameo=_many(cameo),
        topics=_many(topic),
        contexts=_many(context),
        since=since,
        until=until,
        langs=_many(lang),
        outlets=tuple(_many(outlet)) if not isinstance(outlet, str) else (outlet,),
        story=story_id,
        historical=historical,
        text=text,
        limit=limit,
        offset=offset,
    )
