"""Queries: every event filter, stories with their reports, and full-text search across scripts."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from rasad.store import query
from rasad.store.db import StoreError
from rasad.store.ingest import ingest_documents
from rasad.store.query import make_filter
from test_store_helpers import VERSIONS, corpus, memory_store


@pytest.fixture(scope="module")
def conn() -> Iterator[sqlite3.Connection]:
    with memory_store() as c:
        ingest_documents(c, corpus(), versions=VERSIONS)
        yield c


def names(conn: sqlite3.Connection, **kw: object) -> list[str]:
    return [r.document_name for r in query.events(conn, make_filter(limit=100, **kw))]  # type: ignore[arg-type]


ALL3 = ["ar_later.txt", "fa_meeting.txt", "ar_meeting.txt"]  # latest first


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({}, ALL3),
        ({"dyad": "TJK-IRN"}, ALL3),
        ({"dyad": "IRN"}, []),
        ({"state": "irn"}, ALL3),
        ({"state": ["IRN", "RUS"]}, []),
        ({"actor": "Ahmad Vahidi"}, ALL3),
        ({"actor": "رحیم‌زاده"}, ALL3),
        ({"type": "consult"}, ALL3),
        ({"type": "SUPPORT"}, []),
        ({"cameo": "04"}, ALL3),
        ({"cameo": "042"}, ["fa_meeting.txt"]),
        ({"cameo": "042,043"}, ["ar_later.txt", "fa_meeting.txt"]),
        ({"topic": "drug_trafficking"}, ["fa_meeting.txt", "ar_meeting.txt"]),
        ({"topic": "border_security"}, ["ar_later.txt"]),
        ({"context": "terrorism"}, ["ar_meeting.txt"]),
        ({"since": "2025-07"}, ["ar_later.txt"]),
        ({"until": "2025-06"}, ["fa_meeting.txt", "ar_meeting.txt"]),
        ({"since": "2025-06-21", "until": "2025-06-21"}, ["fa_meeting.txt", "ar_meeting.txt"]),
        ({"since": "2026"}, []),
        ({"lang": "fa"}, ["fa_meeting.txt"]),
        ({"outlet": "arab outlet"}, ["ar_later.txt", "ar_meeting.txt"]),
        ({"historical": True}, []),
        ({"historical": False}, ALL3),
        ({"text": "دوشنبه"}, ["fa_meeting.txt", "ar_meeting.txt"]),
        ({"lang": "ar", "topic": "drug_trafficking", "dyad": "IRN-TJK"}, ["ar_meeting.txt"]),
    ],
)
def test_event_filters(conn: sqlite3.Connection, kw: dict[str, object], expected: list[str]) -> None:
    assert names(conn, **kw) == expected


def test_story_filter_limit_offset_and_count(conn: sqlite3.Connection) -> None:
    story = query.events(conn, make_filter(lang="fa"))[0].story
    assert names(conn, story=f"S{story}") == ["fa_meeting.txt", "ar_meeting.txt"]
    assert [r.document_name for r in query.events(conn, make_filter(limit=1, offset=1))] == ["fa_meeting.txt"]
    assert query.count_events(conn, make_filter(topic="drug_trafficking")) == 2


def test_event_rows_carry_participants_place_and_evidence(conn: sqlite3.Connection) -> None:
    (row,) = query.events(conn, make_filter(lang="fa"))
    assert [(p.role, p.name, p.actor_key) for p in row.participants] == [
        ("source", "Ahmad Vahidi", "PER:IRN:ahmad_vahidi"),
        ("target", "Ramazon Rahimzoda", "PER:TJK:ramazon_rahimzoda"),
    ]
    assert (row.location, row.location_country, row.dyad, row.date_basis) == ("Dushanbe", "TJK", ("IRN", "TJK"),
                                                                              "published")  # fmt: skip
    assert row.evidence == "در دوشنبه با رمضان رحیم‌زاده"
    d = row.to_dict()
    assert d["source"] == ["Ahmad Vahidi"] and d["story"] == f"S{row.story}"


def test_show_an_event_gives_its_whole_story(conn: sqlite3.Connection) -> None:
    fa = query.events(conn, make_filter(lang="fa"))[0]
    st = query.show(conn, fa.uid)
    assert st.uid == f"S{fa.story}"
    assert [r.lang for r in st.reports] == ["ar", "fa"]
    assert st.languages == ("ar", "fa") and st.outlets == ("Arab Outlet", "Persian Outlet")
    assert st.date == "2025-06-21" and st.location == "Dushanbe"
    assert query.show(conn, st.uid.lower()).reports == st.reports
    assert len(query.stories(conn, make_filter(), min_reports=2)) == 1
    assert len(query.stories(conn, make_filter())) == 2
    with pytest.raises(StoreError):
        query.show(conn, "S999")
    with pytest.raises(StoreError):
        query.show(conn, "nosuch-1")


@pytest.mark.parametrize(
    ("text", "expected", "shown"),
    [
        # Persian spelling (ی، ک، ZWNJ) finds the Arabic spelling and vice versa
        ("رحیم‌زاده", {"ar_meeting.txt", "fa_meeting.txt", "ar_later.txt"}, None),
        ("وحيدي", {"ar_meeting.txt", "fa_meeting.txt", "ar_later.txt"}, "وحیدی"),
        ("كشور", {"fa_meeting.txt"}, "کشور"),
        ("تاجيكستان", {"fa_meeting.txt"}, "تاجیکستان"),
        ("طهران", {"ar_later.txt"}, "طهران"),
    ],
)
def test_search_finds_both_spellings(
    conn: sqlite3.Connection, text: str, expected: set[str], shown: str | None
) -> None:
    hits = query.search(conn, text)
    text_hits = {h.name for h in hits if h.via == "text"}
    assert text_hits == expected
    if shown:
        assert any(shown in h.snippet for h in hits)  # snippets are cut from the original text


def test_search_by_latin_name_goes_through_the_actor_registry(conn: sqlite3.Connection) -> None:
    hits = query.search(conn, "Rahimzoda")
    assert {h.name for h in hits} == {"ar_meeting.txt", "fa_meeting.txt", "ar_later.txt"}
    assert {h.via for h in hits} == {"PER:TJK:ramazon_rahimzoda"}
    assert any("رحیم‌زاده" in h.snippet for h in hits)


def test_bad_filter_values_are_refused(conn: sqlite3.Connection) -> None:
    with pytest.raises(StoreError, match="YYYY"):
        make_filter(since="21/06/2025")
    with pytest.raises(StoreError, match="story"):
        make_filter(story="twelve")
    with pytest.raises(StoreError, match="no actor"):
        query.events(conn, make_filter(actor="Nobody Atall"))
    with pytest.raises(StoreError, match="nothing to search"):
        query.search(conn, "...")
