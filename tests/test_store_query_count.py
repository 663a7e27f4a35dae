"""Counting and paging filtered records: the fast paths give exactly what a plain query gives."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator

import pytest

from rasad.store import query
from rasad.store.ingest import ingest_documents
from rasad.store.query import make_filter
from test_store_helpers import VERSIONS, corpus, memory_store

FILTERS: list[dict[str, object]] = [
    {},
    {"state": "IRN"},
    {"state": ["IRN", "TJK"]},
    {"state": ["IRN", "RUS"]},
    {"actor": "Rahimzoda"},
    {"actor": "Ahmad Vahidi"},
    {"topic": "drug_trafficking"},
    {"topic": ["drug_trafficking", "border_security"]},
    {"context": "terrorism"},
    {"topic": "drug_trafficking", "state": "TJK"},
    {"topic": "drug_trafficking", "lang": "ar"},
    {"actor": "Ahmad Vahidi", "type": "CONSULT", "since": "2025-07"},
    {"dyad": "IRN-TJK"},
    {"cameo": "04", "outlet": "arab outlet"},
    {"text": "دوشنبه", "state": "IRN"},
]


@pytest.fixture(scope="module")
def conn() -> Iterator[sqlite3.Connection]:
    with memory_store() as c:
        ingest_documents(c, corpus(), versions=VERSIONS)
        # make the id sets yield an event twice: a second topic, and an actor both source and target
        fa = c.execute("SELECT e.id, e.document_id FROM events e WHERE e.lang = 'fa'").fetchone()
        c.execute("INSERT INTO event_topics (event_id, topic) VALUES (?, 'border_security')", (fa[0],))
        source = c.execute(
            "SELECT entity_id FROM event_participants WHERE event_id = ? AND role = 'source'", (fa[0],)
        ).fetchone()[0]
        c.execute(
            "INSERT INTO event_participants (event_id, role, position, entity_id) VALUES (?, 'target', 9, ?)",
            (fa[0], source),
        )
        yield c


def plain_count(conn: sqlite3.Connection, f: query.EventFilter) -> int:
    where, args = query.where_clause(conn, f)
    return int(conn.execute(f"SELECT count(*) FROM events e WHERE {where}", args).fetchone()[0])


@pytest.mark.parametrize("kw", FILTERS)
def test_counts_match_the_records(conn: sqlite3.Connection, kw: dict[str, object]) -> None:
    f = make_filter(limit=None, **kw)  # type: ignore[arg-type]
    every = query.events(conn, f)
    assert query.count_events(conn, f) == len(every) == plain_count(conn, f)
    rows, total = query.events_page(conn, dataclasses.replace(f, limit=1))
    assert total == len(every) and rows == every[:1]


@pytest.mark.parametrize("kw", FILTERS)
@pytest.mark.parametrize(("limit", "offset"), [(1, 0), (2, 1), (5, 0)])
def test_walking_the_date_index_pages_like_sorting(
    conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch, kw: dict[str, object], limit: int, offset: int
) -> None:
    f = make_filter(limit=limit, offset=offset, **kw)  # type: ignore[arg-type]
    every = query.events(conn, dataclasses.replace(f, limit=None, offset=0))
    sorted_page = query.events(conn, f)
    assert sorted_page == every[offset : offset + limit]
    monkeypatch.setattr(query, "BROAD", 0)  # every id-set filter counts as broad: pages walk the date index
    assert query.events(conn, f) == sorted_page
    assert query.events_page(conn, f) == (sorted_page, len(every))


def test_the_duplicates_are_there(conn: sqlite3.Connection) -> None:
    # the fixture's point: without DISTINCT these id sets would count the Persian record twice
    n = conn.execute(
        "SELECT count(*) FROM event_topics WHERE topic IN ('drug_trafficking', 'border_security')"
    ).fetchone()[0]
    assert n == 4 and query.count_events(conn, make_filter(topic="drug_trafficking,border_security")) == 3
    vahidi = conn.execute(
        "SELECT count(*) FROM event_participants p JOIN entities en ON en.id = p.entity_id "
        "JOIN actors a ON a.id = en.actor_id WHERE a.name = 'Ahmad Vahidi'"
    ).fetchone()[0]
    assert vahidi == 4 and query.count_events(conn, make_filter(actor="Ahmad Vahidi")) == 3


def test_capped_count_stops_early(conn: sqlite3.Connection) -> None:
    w = query._where(conn, make_filter(state="IRN"))
    assert query._count(conn, w) == 3 and query._count(conn, w, cap=2) == 2
    w = query._where(conn, make_filter(lang="ar"))
    assert query._count(conn, w) == 2 and query._count(conn, w, cap=1) == 1


def test_a_bounded_walk_finds_the_page_or_gives_up(conn: sqlite3.Connection) -> None:
    walked = 0
    for kw in FILTERS:
        for limit, offset in [(1, 0), (1, 1), (2, 0)]:
            f = make_filter(limit=limit, offset=offset, **kw)  # type: ignore[arg-type]
            w = query._where(conn, f)
            if not w.members:
                continue
            rows = query._walk(conn, f, w, matching=10**6)  # as if the sets were huge: the shortest bound
            if rows is not None:
                walked += 1
                assert query._attach(conn, rows) == query.events(conn, f)
    assert walked >= 10


def test_matches_far_in_the_past_are_sorted_not_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    with memory_store() as c:
        ingest_documents(c, corpus(), versions=VERSIONS)
        old = c.execute("SELECT event_id FROM event_contexts WHERE context = 'terrorism'").fetchone()[0]
        c.execute("UPDATE events SET when_date = '2001-01-01' WHERE id = ?", (old,))
        f = make_filter(context="terrorism", limit=1)
        assert query._walk(c, f, query._where(c, f), matching=10**6) is None  # past the bound: gives up
        monkeypatch.setattr(query, "BROAD", 0)
        (row,) = query.events(c, f)
        assert row.id == old and query.events_page(c, f) == ([row], 1)
