"""Stories: one real-world event and the event records of every report of it, across outlets and languages.

Two reports describe the same event when their records agree on PLOVER type (and CAMEO family), the states
involved, the date (within a few days; an undated report counts from its publication day), the location
and the persons taking part. Records of one document never share a story: the analysis already decided
they are different events. Assignment is incremental: a new record joins the best agreeing story or
starts its own.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from rasad.store.db import now

# Two dated reports of one event may date it up to this many days apart (multi-day meetings, time zones,
# "yesterday" read on the wrong day).
MAX_GAP_DAYS = 2
# An undated report is published this many days after the event at most (and at most one day before it).
REPORT_LAG_DAYS = 3
# States in an event for it to count as multilateral.
MULTILATERAL = 3
# Every consultation code (visit, host, third place, phone...) is one meeting seen from different sides.
CONSULT_ROOT = "04"


@dataclass(frozen=True, slots=True)
class Facts:
    """What story matching compares of one event record."""

    id: int
    document_id: int
    story_id: int | None
    type: str
    cameo: str | None
    dyad: str
    historical: bool
    coarse: bool  # dated only to a month or year
    day_start: date | None
    day_end: date | None
    md: str | None
    published: date | None
    place: tuple[str, str, str | None] | None  # (entity type, key, country)
    persons: tuple[tuple[str | None, int], ...]  # (country, actor id)


_FACT_SQL = (
    "SELECT e.id, e.document_id, e.story_id, e.type, e.cameo, e.dyad, e.historical, e.date_start, "
    "e.day_start, e.day_end, e.date_md, d.published_day, l.type, l.key, l.name, l.country "
    "FROM events e JOIN documents d ON d.id = e.document_id LEFT JOIN entities l ON l.id = e.location_id "
)


# the same columns without the place, for scanning candidates
_LIGHT_SQL = (
    "SELECT e.id, e.document_id, e.story_id, e.type, e.cameo, e.dyad, e.historical, e.date_start, "
    "e.day_start, e.day_end, e.date_md, d.published_day, NULL, NULL, NULL, NULL "
    "FROM events e JOIN documents d ON d.id = e.document_id "
)


def _place(row: Sequence[object]) -> tuple[str, str, str | None] | None:
    if row[0] is None:
        return None
    country = row[3]
    return (str(row[0]), str(row[1] or row[2] or ""), None if country is None else str(country))


def _iso(value: str | None) -> date | None:
    # the store writes these columns as YYYY-MM-DD only
    return date.fromisoformat(value) if value else None


def record_facts(
    id: int,
    document_id: int,
    story_id: int | None,
    type: str,
    cameo: str | None,
    dyad: str,
    historical: bool,
    date_start: str | None,
    day_start: str | None,
    day_end: str | None,
    md: str | None,
    published_day: str | None,
    place: tuple[str, str, str | None] | None,
    persons: Iterable[tuple[str | None, int]] = (),
) -> Facts:
    """The `Facts` of one record from its stored columns (`dyad` sorted and joined, days as YYYY-MM-DD).

    The one constructor of `Facts`: the store builds them from rows or from a record about to be written,
    the Spark job from analysed documents, so all compare the same things.
    """
    start = _iso(day_start)
    return Facts(
        id=id,
        document_id=document_id,
        story_id=story_id,
        type=type,
        cameo=cameo,
        dyad=dyad,
        historical=historical,
        coarse=bool(date_start) and md is None,
        day_start=start,
        day_end=_iso(day_end) or start,
        md=md,
        published=_iso(published_day),
        place=place,
        persons=tuple(sorted(set(persons), key=lambda p: (p[0] or "", p[1]))),
    )


def _fact(r: Sequence[Any], persons: Iterable[tuple[str | None, int]] = ()) -> Facts:
    return record_facts(
        int(r[0]), int(r[1]), None if r[2] is None else int(r[2]), str(r[3]), r[4], str(r[5]), bool(r[6]), r[7],
        r[8], r[9], r[10], r[11], _place(r[12:16]), persons,
    )  # fmt: skip


def event_facts(conn: sqlite3.Connection, event_id: int) -> Facts:
    row = conn.execute(_FACT_SQL + "WHERE e.id = ?", (event_id,)).fetchone()
    persons = conn.execute(
        "SELECT en.country, en.actor_id FROM event_participants p JOIN entities en ON en.id = p.entity_id "
        "WHERE p.event_id = ? AND en.type = 'PERSON' AND en.actor_id IS NOT NULL",
        (event_id,),
    ).fetchall()
    return _fact(row, [(c, int(a)) for c, a in persons])


@dataclass(frozen=True, slots=True)
class StoryFacts:
    """What all reports of a story say together: who took part (by country), where, in which documents."""

    id: int
    documents: frozenset[int]
    places: tuple[tuple[str, str, str | None], ...]
    persons: tuple[tuple[str | None, int], ...]


def story_facts(conn: sqlite3.Connection, story_id: int, *, without: int | None = None) -> StoryFacts:
    skip = -1 if without is None else without
    docs = frozenset(
        int(r[0])
        for r in conn.execute(
            "SELECT DISTINCT document_id FROM events WHERE story_id = ? AND id != ?", (story_id, skip)
        )
    )
    places = tuple(
        p
        for r in conn.execute(
            "SELECT DISTINCT l.type, l.key, l.name, l.country FROM events e JOIN entities l ON l.id = e.location_id "
            "WHERE e.story_id = ? AND e.id != ?",
            (story_id, skip),
        )
        if (p := _place(r)) is not None
    )
    persons = tuple(
        (c, int(a))
        for c, a in conn.execute(
            "SELECT DISTINCT en.country, en.actor_id FROM events e JOIN event_participants p ON p.event_id = e.id "
            "JOIN entities en ON en.id = p.entity_id "
            "WHERE e.story_id = ? AND e.id != ? AND en.type = 'PERSON' AND en.actor_id IS NOT NULL",
            (story_id, skip),
        )
    )
    return StoryFacts(story_id, docs, places, persons)


def _md_ordinal(md: str) -> int:
    return date.fromisoformat(f"2000-{md}").toordinal()  # a leap year, so 29 February exists


def date_gap(a: Facts, b: Facts) -> int | None:
    """Days between the two records' dates, or None when they cannot be the same event (or cannot tell)."""
    if a.coarse or b.coarse:
        return None  # "in 2014" is too vague to identify one event
    if a.day_start and b.day_start and a.day_end and b.day_end:
        gap = max(0, (max(a.day_start, b.day_start) - min(a.day_end, b.day_end)).days)
        return gap if gap <= MAX_GAP_DAYS else None
    if a.md and b.md and (a.day_start is None or b.day_start is None):
        # the year is unknown on one side at least: compare day and month
        d = abs(_md_ordinal(a.md) - _md_ordinal(b.md))
        d = min(d, 366 - d)
        return d if d <= MAX_GAP_DAYS else None
    dated, undated = (a, b) if a.day_start else (b, a)
    if dated.day_start and dated.day_end and undated.md is None:
        if undated.historical or undated.published is None:
            return None
        lo = dated.day_start - timedelta(days=1)
        hi = dated.day_end + timedelta(days=REPORT_LAG_DAYS)
        if lo <= undated.published <= hi:
            return max(0, (undated.published - dated.day_end).days)
        return None
    if a.day_start is None and b.day_start is None and a.md is None and b.md is None:
        if a.historical or b.historical or a.published is None or b.published is None:
            return None
        d = abs((a.published - b.published).days)
        return d if d <= REPORT_LAG_DAYS else None
    return None


def _cameo_compatible(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    if a[:2] == CONSULT_ROOT and b[:2] == CONSULT_ROOT:
        return True
    return a[:3] == b[:3]


def _place_agrees(a: tuple[str, str, str | None], b: tuple[str, str, str | None]) -> tuple[bool, bool]:
    """(no contradiction, the same place named)."""
    (ta, ka, ca), (tb, kb, cb) = a, b
    if ta == tb:
        same = ka == kb
        return same, same
    # a city and a country agree when the city lies in it
    if ta == "COUNTRY":
        return ka == cb or cb is None, False
    if tb == "COUNTRY":
        return kb == ca or ca is None, False
    return ca == cb, False


def places_agree(
    a: Sequence[tuple[str, str, str | None]], b: Sequence[tuple[str, str, str | None]]
) -> tuple[bool, bool]:
    """(no place of one contradicts a place of the other, some place named by both)."""
    same = False
    for pa in a:
        for pb in b:
            ok, s = _place_agrees(pa, pb)
            if not ok:
                return False, False
            same = same or s
    return True, same


def persons_agree(a: Sequence[tuple[str | None, int]], b: Sequence[tuple[str | None, int]]) -> tuple[bool, int]:
    """(no contradiction, persons in common). Different named persons of one country make different events;
    a report naming only one side's delegation does not contradict one naming the other side's."""
    by_country_a: dict[str | None, set[int]] = {}
    by_country_b: dict[str | None, set[int]] = {}
    for c, p in a:
        by_country_a.setdefault(c, set()).add(p)
    for c, p in b:
        by_country_b.setdefault(c, set()).add(p)
    for c, pa in by_country_a.items():
        pb = by_country_b.get(c)
        if c is not None and pb and not (pa & pb):
            return False, 0
    return True, len({p for _, p in a} & {p for _, p in b})


@functools.lru_cache(maxsize=1 << 16)
def _states(dyad: str) -> frozenset[str]:
    # the states of a dyad key: compared millions of times when a busy block is merged, split once each
    return frozenset(dyad.split("-"))


def dyads_agree(a: str, b: str) -> bool:
    """The same states; or, for multilateral events (three states or more on both sides), one report
    naming fewer of the participants. A bilateral meeting is never folded into a summit around it."""
    if a == b:
        return True
    sa, sb = _states(a), _states(b)
    return len(sa) >= MULTILATERAL and len(sb) >= MULTILATERAL and (sa <= sb or sb <= sa)


def _record_agrees(a: Facts, b: Facts) -> bool:
    """What two records must share, dates aside: another document, type, states, CAMEO family."""
    return (
        a.document_id != b.document_id
        and a.type == b.type
        and dyads_agree(a.dyad, b.dyad)
        and _cameo_compatible(a.cameo, b.cameo)
    )


def match_score(f: Facts, gap: int, st: StoryFacts) -> float | None:
    """How well a record agrees with a story it is `gap` days from; None when it cannot be one of its reports."""
    if f.document_id in st.documents:
        return None
    places_ok, same_place = places_agree([f.place] if f.place else [], st.places)
    persons_ok, shared = persons_agree(f.persons, st.persons)
    if not (places_ok and persons_ok):
        return None
    return 3.0 * shared + 2.0 * same_place + (MAX_GAP_DAYS + 1 - min(gap, MAX_GAP_DAYS + 1))


def _mds_around(md: str) -> list[str]:
    base = date.fromisoformat(f"2000-{md}")
    return [(base + timedelta(days=k)).strftime("%m-%d") for k in range(-MAX_GAP_DAYS, MAX_GAP_DAYS + 1)]


# --------------------------------------------------------------------------- the matcher (pure)
#
# The store (over SQL rows) and the Spark job (`rasad.scale.merge`, over records in memory) both assign a
# record by the same three steps: the candidate records in `candidate_window` and `candidate_mds`;
# `story_gaps` over them; `choose_story` over the stories that have a gap. Only how candidates are found
# differs, and both find exactly the records these windows describe.

# when-dates this many days either side of a record's can hold one of its reports
WINDOW_DAYS = MAX_GAP_DAYS + REPORT_LAG_DAYS + 1


def is_multilateral(dyad: str) -> bool:
    return dyad.count("-") + 1 >= MULTILATERAL


def candidate_window(f: Facts, when_date: str | None) -> tuple[str, str] | None:
    """(first, last) when-date of the records that may report the same event as `f`, by their dates.

    A record with a date or a publication day can only share a story with records whose when-date lies
    within `WINDOW_DAYS` of its own: `date_gap` allows `MAX_GAP_DAYS` between dates and `REPORT_LAG_DAYS`
    between an event and an undated report of it. A record dated only to a month or a year has none
    (`date_gap`): its when-date, the first of that month, is shared by every such record.
    """
    if not when_date or f.coarse:
        return None
    day = date.fromisoformat(when_date)
    span = timedelta(days=WINDOW_DAYS)
    return (day - span).isoformat(), ((f.day_end or day) + span).isoformat()


def candidate_mds(f: Facts) -> tuple[list[str], bool] | None:
    """(days and months, whether only records without a year) to compare by day and month, or None.

    Records whose year is unknown match by day and month in any year: a record dated to the day meets
    only those; a record without a year meets every record of those days (the only search not bounded
    in time, and only for records whose report has no publication date).
    """
    if not f.md:
        return None
    return _mds_around(f.md), f.day_start is not None


def story_gaps(f: Facts, candidates: Iterable[tuple[int, Facts]]) -> dict[int, int]:
    """story id -> smallest date gap between `f` and the story's records among `candidates` ((story, record))
    that could report the same event: other document, same type and states, compatible code and dates."""
    gaps: dict[int, int] = {}
    # `_record_agrees(f, c)` unrolled, with f's side computed once: a busy block compares a record with
    # hundreds of candidates
    doc, kind, dyad, cameo = f.document_id, f.type, f.dyad, f.cameo
    states = _states(dyad)
    multilateral = len(states) >= MULTILATERAL
    for sid, c in candidates:
        if gaps.get(sid) == 0:
            continue  # a story already met on the same day cannot come closer
        if c.document_id == doc or c.type != kind:
            continue
        if c.dyad != dyad:
            if not multilateral:
                continue
            other = _states(c.dyad)
            if len(other) < MULTILATERAL or not (other <= states or states <= other):
                continue
        if not _cameo_compatible(cameo, c.cameo):
            continue
        gap = date_gap(f, c)
        if gap is not None and gap < gaps.get(sid, gap + 1):
            gaps[sid] = gap
    return gaps


def choose_story(f: Facts, gaps: Mapping[int, int], facts: Mapping[int, StoryFacts]) -> int | None:
    """The story `f` joins: the best-scoring one of `gaps` whose reports (`facts`, by story id) it agrees with;
    on a tie the older (smaller id). None: it starts a story of its own."""
    best: tuple[float, int] | None = None
    for sid, gap in gaps.items():
        score = match_score(f, gap, facts[sid])
        if score is not None and (best is None or score > best[0] or (score == best[0] and sid < best[1])):
            best = (score, sid)
    return best[1] if best else None


# --------------------------------------------------------------------------- the store's side

# Candidate rows by the blocking keys: type and states (events_candidates*), or type and any multilateral
# record (the partial indexes events_multilateral*, whose condition the query repeats word for word so that
# SQLite can use them); then by when-date or by day and month. Each is an index range: its cost follows the
# records of those days, not the size of the store.
_SAME_STATES = "e.dyad = ?"
_MULTILATERAL = "e.dyad LIKE '%-%-%' AND e.dyad != ?"


def candidates(conn: sqlite3.Connection, f: Facts, when_date: str | None) -> list[tuple[int, Facts]]:
    """(story id, record) of the stored records, in stories, of other documents that `f` may report with."""
    base = _LIGHT_SQL + "WHERE e.type = ? AND e.story_id IS NOT NULL AND e.document_id != ? AND "
    states = [_SAME_STATES]
    if is_multilateral(f.dyad):
        states.append(_MULTILATERAL)  # states compared afterwards (`dyads_agree`)
    window = candidate_window(f, when_date)
    mds = candidate_mds(f)
    rows: list[Any] = []
    for cond in states:
        args: tuple[object, ...] = (f.type, f.document_id, f.dyad)
        if window:
            rows += conn.execute(base + cond + " AND e.when_date BETWEEN ? AND ?", (*args, *window)).fetchall()
        if mds:
            days, yearless_only = mds
            md_cond = f" AND e.date_md IN ({','.join('?' * len(days))})"
            if yearless_only:
                md_cond += " AND e.day_start IS NULL"
            rows += conn.execute(base + cond + md_cond, (*args, *days)).fetchall()
    return [(int(r[2]), _fact(r)) for r in rows]


def _candidate_gaps(conn: sqlite3.Connection, f: Facts, when_date: str | None) -> dict[int, int]:
    return story_gaps(f, candidates(conn, f, when_date))


def _new_story(conn: sqlite3.Connection) -> int:
    return int(conn.execute("INSERT INTO stories (created_at) VALUES (?)", (now(),)).lastrowid or 0)


def find_story(
    conn: sqlite3.Connection, f: Facts, when_date: str | None, *, closed: Collection[int] = ()
) -> int | None:
    """The stored story a record (stored or about to be) reports, None when it starts its own; reads only.

    `closed`: stories that another record of its document, not written yet, has joined (a story never
    holds two records of one document).
    """
    gaps = _candidate_gaps(conn, f, when_date)
    if closed:
        gaps = {sid: gap for sid, gap in gaps.items() if sid not in closed}
    return choose_story(f, gaps, {sid: story_facts(conn, sid) for sid in gaps})


def story_for(conn: sqlite3.Connection, f: Facts, when_date: str | None, *, closed: Collection[int] = ()) -> int:
    """The story a record reports: the best agreeing one (`find_story`), else a new one."""
    found = find_story(conn, f, when_date, closed=closed)
    return found if found is not None else _new_story(conn)


def assign(conn: sqlite3.Connection, event_id: int) -> int:
    """Put one stored event record into the story it reports (a new one if none); returns the story id."""
    (when_date,) = conn.execute("SELECT when_date FROM events WHERE id = ?", (event_id,)).fetchone()
    story_id = story_for(conn, event_facts(conn, event_id), when_date)
    conn.execute("UPDATE events SET story_id = ? WHERE id = ?", (story_id, event_id))
    return story_id


def assign_all(conn: sqlite3.Connection, event_ids: Iterable[int]) -> None:
    for eid in event_ids:
        assign(conn, eid)


def drop_empty(conn: sqlite3.Connection, story_ids: Iterable[int | None]) -> None:
    ids = [s for s in set(story_ids) if s is not None]
    for sid in ids:
        if conn.execute("SELECT 1 FROM events WHERE story_id = ? LIMIT 1", (sid,)).fetchone() is None:
            conn.execute("DELETE FROM stories WHERE id = ?", (sid,))


def still_fits(conn: sqlite3.Connection, event_id: int) -> bool:
    """Whether a re-analysed record still agrees with the other reports of its story."""
    (when_date,) = conn.execute("SELECT when_date FROM events WHERE id = ?", (event_id,)).fetchone()
    f = event_facts(conn, event_id)
    if f.story_id is None:
        return False
    others = story_facts(conn, f.story_id, without=event_id)
    if not others.documents:
        return True  # alone in its story
    gap = _candidate_gaps(conn, f, when_date).get(f.story_id)
    return gap is not None and match_score(f, gap, others) is not None


def rebuild(conn: sqlite3.Connection) -> int:
    """Reassign every record from scratch, in ingest order; returns the number of stories."""
    conn.execute("UPDATE events SET story_id = NULL")
    conn.execute("DELETE FROM stories")
    assign_all(conn, [int(r[0]) for r in conn.execute("SELECT id FROM events ORDER BY document_id, id").fetchall()])
    return int(conn.execute("SELECT count(*) FROM stories").fetchone()[0])
