"""Stories merged for a Spark run are the stories the store builds from the same documents."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rasad.records import DateValue, Document, Entity, Event, Span
from rasad.scale.merge import merge_events, story_events, story_row
from rasad.store.db import connect
from rasad.store.ingest import ingest_documents

BASE = date(2024, 6, 10)
# (Latin name, as written, country, role): distinct names, one country and role each
PERSONS = (
    ("Hakan Fidan", "هاكان فيدان", "TUR", "foreign minister"),
    ("Fuad Hussein", "فؤاد حسين", "IRQ", "foreign minister"),
    ("Abbas Araghchi", "عباس عراقچی", "IRN", "foreign minister"),
    ("Badr Albusaidi", "بدر البوسعيدي", "OMN", "foreign minister"),
    ("Ishaq Dar", "إسحاق دار", "PAK", None),
)
PLACES = (
    ("PLACE", "baghdad", "Baghdad", "IRQ"),
    ("PLACE", "muscat", "Muscat", "OMN"),
    ("COUNTRY", "IRQ", "Iraq", "IRQ"),
    ("COUNTRY", "OMN", "Oman", "OMN"),
)
# bilateral, domestic, and multilateral ones that name more or fewer of the same participants
DYADS = (
    ("IRQ", "TUR"), ("IRN", "OMN"), ("PAK",), ("CHN", "IRN", "RUS"), ("CHN", "IRN", "PAK", "RUS"), ("IRN", "RUS", "TUR")
)


def _day(offset: int) -> str:
    return (BASE + timedelta(days=offset)).isoformat()


dates = st.one_of(
    st.none(),
    st.integers(-6, 6).map(lambda k: DateValue(_day(k), _day(k), "t")),
    st.tuples(st.integers(-6, 6), st.integers(0, 4)).map(lambda kd: DateValue(_day(kd[0]), _day(kd[0] + kd[1]), "t")),
    st.integers(-3, 3).map(lambda k: DateValue("--" + _day(k)[5:], None, "t")),
    st.just(DateValue("2024-06", "2024-06", "t")),
)
events = st.fixed_dictionaries(
    {
        "type": st.sampled_from(("CONSULT", "CONSULT", "AGREE")),
        "cameo": st.sampled_from(("040", "042", "043", "036", None)),
        "dyad": st.sampled_from((DYADS[0], *DYADS)),  # more often one pair: more records to compare
        "date": dates,
        "historical": st.booleans(),
        "place": st.one_of(st.none(), st.sampled_from(range(len(PLACES)))),
        "persons": st.lists(st.sampled_from(range(len(PERSONS))), max_size=2, unique=True),
    }
)
documents = st.lists(
    st.tuples(st.one_of(st.none(), st.integers(-4, 6)), st.lists(events, min_size=1, max_size=3)),
    min_size=2,
    max_size=10,
)


def build(i: int, published: int | None, evs: Sequence[dict[str, object]]) -> Document:
    """A stored-shape document from drawn event facts; entity ids are local to it, as the pipeline's."""
    text = f"document {i}"
    entities: dict[str, Entity] = {}

    def person(k: int) -> str:
        name, native, country, role = PERSONS[k]
        ent = Entity(f"p{k}", "PERSON", name, native, country, role, None, (Span(native, 0, len(native)),),
                     key=name.lower().replace(" ", "_"))
        entities.setdefault(ent.id, ent)
        return ent.id

    def place(k: int) -> str:
        etype, key, name, country = PLACES[k]
        ent = Entity(f"l{k}", etype, name, name, country, None, None, (Span(name, 0, len(name)),), key=key)
        entities.setdefault(ent.id, ent)
        return ent.id

    out = []
    for n, e in enumerate(evs):
        people = [person(k) for k in e["persons"]]  # type: ignore[attr-defined]
        out.append(
            Event(f"ev{n}", str(e["type"]), None, e["cameo"], tuple(people[:1]), tuple(people[1:]),  # type: ignore[arg-type]
                  e["dyad"], place(e["place"]) if e["place"] is not None else None, e["date"], (), (),  # type: ignore[arg-type]
                  bool(e["historical"]), 0.8, Span(text, 0, len(text)))
        )
    return Document(f"doc{i}", "ar", None, _day(published) if published is not None else None, None,
                    hashlib.sha256(text.encode()).hexdigest(), tuple(entities.values()), tuple(out), (), text)


def store_stories(docs: Sequence[Document]) -> set[frozenset[str]]:
    conn = connect(":memory:").conn
    try:
        ingest_documents(conn, docs)
        groups: dict[int, set[str]] = {}
        for uid, sid in conn.execute("SELECT uid, story_id FROM events"):
            groups.setdefault(int(sid), set()).add(str(uid))
        return {frozenset(g) for g in groups.values()}
    finally:
        conn.close()


def spark_stories(docs: Sequence[Document]) -> set[frozenset[str]]:
    evs = [ev for i, d in enumerate(docs) for ev in story_events(d, (0, "in.jsonl", 0, i))]
    return {frozenset(s) for s in merge_events(evs)}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_merged_stories_are_the_stores(drawn: list[tuple[int | None, list[dict[str, object]]]]) -> None:
    docs = [build(i, pub, evs) for i, (pub, evs) in enumerate(drawn)]
    assert spark_stories(docs) == store_stories(docs)


def test_reports_of_one_meeting_share_a_story_and_a_contradiction_splits_them() -> None:
    meeting = {"type": "CONSULT", "cameo": "042", "dyad": ("IRQ", "TUR"), "date": DateValue(_day(0), _day(0), "t"),
               "historical": False, "place": 0, "persons": [0, 1]}
    undated = {**meeting, "date": None, "cameo": "043", "persons": [0]}  # reported the next day, no date in the text
    elsewhere = {**meeting, "place": 1}  # a different city: another meeting
    later = {**meeting, "date": DateValue(_day(5), _day(5), "t")}
    docs = [build(0, 0, [meeting]), build(1, 1, [undated]), build(2, 0, [elsewhere]), build(3, 5, [later])]
    uids = [story_events(d, (0, "f", 0, i))[0].uid for i, d in enumerate(docs)]
    expected = {frozenset(uids[:2]), frozenset(uids[2:3]), frozenset(uids[3:])}
    assert spark_stories(docs) == store_stories(docs) == expected


def test_a_record_that_fits_two_stories_joins_the_older_and_a_late_report_still_joins() -> None:
    meeting = {"type": "CONSULT", "cameo": "042", "dyad": ("IRQ", "TUR"), "date": DateValue(_day(0), _day(0), "t"),
               "historical": False, "place": 0, "persons": []}
    in_muscat = {**meeting, "place": 1}  # contradicts Baghdad: a story of its own
    anywhere = {**meeting, "place": None}  # agrees with both, equally well
    late = {**meeting, "date": None, "place": None}  # undated, published three days after
    docs = [build(0, 0, [meeting]), build(1, 0, [in_muscat]), build(2, 0, [anywhere]), build(3, 3, [late])]
    uids = [story_events(d, (0, "f", 0, i))[0].uid for i, d in enumerate(docs)]
    expected = {frozenset([uids[0], uids[2], uids[3]]), frozenset([uids[1]])}
    assert spark_stories(docs) == store_stories(docs) == expected


def test_story_row() -> None:
    a = {"type": "CONSULT", "cameo": "043", "dyad": ("IRN", "OMN"), "date": DateValue(_day(0), _day(0), "t"),
         "historical": False, "place": None, "persons": []}
    docs = [build(0, 0, [a]), build(1, 1, [{**a, "date": DateValue(_day(1), _day(1), "t")}])]
    docs[1] = replace(docs[1], lang="fa")
    evs = [ev for i, d in enumerate(docs) for ev in story_events(d, (0, "f", 0, i))]
    assert merge_events(evs) == [[e.uid for e in evs]]
    row = story_row(evs)
    assert row["story_id"] == evs[0].uid
    assert row["lang"] == "ar+fa" and row["month"] == "2024-06"
    assert (row["reports"], row["documents"]) == (2, 2)
    assert (row["first_date"], row["last_date"]) == (_day(0), _day(1))
    assert row["dyad"] == ["IRN", "OMN"] and row["event_uids"] == [e.uid for e in evs]
