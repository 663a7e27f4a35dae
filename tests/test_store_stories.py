"""Stories: reports of one real-world event merged across outlets and languages, different events kept apart."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings

import test_scale_merge as merge_cases
from rasad.records import Document, Entity
from rasad.store import stories
from rasad.store.db import integrity_problems
from rasad.store.ingest import ingest_documents
from test_store_helpers import VERSIONS, ar_later, ar_meeting, corpus, doc, ent, ev, fa_meeting, memory_store, place

Person = tuple[str, str, str, str, str]  # local id, Latin name, as written, country, role


def report(
    doc_id: str,
    text: str,
    lang: str,
    *,
    type_: str,
    cameo: str,
    dyad: Sequence[str],
    persons: Sequence[Person] = (),
    location: tuple[str, str, str, str] | None = None,  # key, Latin, as written, country
    date: str | None = None,
    published: str | None = None,
    evidence: str | None = None,
    historical: bool = False,
) -> Document:
    ents: list[Entity] = [
        ent(text, local, "PERSON", latin, native, country=country, role=role)
        for local, latin, native, country, role in persons
    ]
    if location:
        ents.append(place(text, "l1", *location))
    event = ev(text, "e1", type_, cameo, evidence=evidence or text.split(".")[0], source=[p[0] for p in persons],
               dyad=dyad, location="l1" if location else None, date=(date, date) if date else None,
               historical=historical)  # fmt: skip
    return doc(doc_id, text, lang, ents, [event], published=published, source=doc_id.split("_")[0])


VAHIDI_AR: Person = ("p1", "Ahmad Vahidi", "أحمد وحيدي", "IRN", "interior minister")
VAHIDI_FA: Person = ("p1", "Ahmad Vahidi", "احمد وحیدی", "IRN", "interior minister")
RAHIMZODA_AR: Person = ("p2", "Ramazon Rahimzoda", "رمضان رحيم زاده", "TJK", "interior minister")
RAHIMZODA_FA: Person = ("p2", "Ramazon Rahimzoda", "رمضان رحیم‌زاده", "TJK", "interior minister")
DUSHANBE_AR = ("dushanbe", "Dushanbe", "دوشنبه", "TJK")
DUSHANBE_FA = ("dushanbe", "Dushanbe", "دوشنبه", "TJK")
TEHRAN_FA = ("tehran", "Tehran", "تهران", "IRN")


def _story_of(conn: sqlite3.Connection, doc_id: str, local_id: str = "e1") -> int:
    row = conn.execute(
        "SELECT e.story_id FROM events e JOIN documents d ON d.id = e.document_id WHERE d.name = ? AND e.local_id = ?",
        (doc_id, local_id),
    ).fetchone()
    return int(row[0])


def test_the_same_meeting_told_in_arabic_and_persian_is_one_story() -> None:
    with memory_store() as conn:
        ingest_documents(conn, corpus(), versions=VERSIONS)
        assert _story_of(conn, "ar_meeting.txt") == _story_of(conn, "fa_meeting.txt")
        assert _story_of(conn, "ar_later.txt") != _story_of(conn, "ar_meeting.txt")
        assert integrity_problems(conn) == []


def test_the_order_of_ingest_does_not_change_the_stories() -> None:
    with memory_store() as conn:
        ingest_documents(conn, [ar_later(), fa_meeting(), ar_meeting()], versions=VERSIONS)
        assert _story_of(conn, "ar_meeting.txt") == _story_of(conn, "fa_meeting.txt") != _story_of(conn, "ar_later.txt")


def test_two_meetings_of_the_same_ministers_a_month_apart_are_two_stories() -> None:
    june = "التقى وزير الداخلية الإيراني أحمد وحيدي نظيره الطاجيكي رمضان رحيم زاده في دوشنبه."
    july = "احمد وحیدی وزیر کشور با رمضان رحیم‌زاده وزیر امور داخلی تاجیکستان در دوشنبه دیدار کرد."
    with memory_store() as conn:
        ingest_documents(conn, [
            report("a_june", june, "ar", type_="CONSULT", cameo="042", dyad=["IRN", "TJK"],
                   persons=[VAHIDI_AR, RAHIMZODA_AR], location=DUSHANBE_AR, date="2025-06-21", published="2025-06-21"),
            report("c_july", july + " ", "fa", type_="CONSULT", cameo="042", dyad=["IRN", "TJK"],
                   persons=[VAHIDI_FA, RAHIMZODA_FA], location=DUSHANBE_FA, date="2025-07-21"),
            report("b_july", july, "fa", type_="CONSULT", cameo="042", dyad=["IRN", "TJK"],
                   persons=[VAHIDI_FA, RAHIMZODA_FA], location=DUSHANBE_FA, published="2025-07-22"),
        ], versions=VERSIONS)  # fmt: skip
        assert _story_of(conn, "a_june") != _story_of(conn, "b_july") == _story_of(conn, "c_july")


def test_a_meeting_and_the_agreement_signed_at_it_are_two_stories() -> None:
    ar = "وقع وزيرا داخلية إيران وطاجيكستان أحمد وحيدي ورمضان رحيم زاده مذكرة تفاهم في دوشنبه بعد لقائهما."
    fa1 = "احمد وحیدی و رمضان رحیم‌زاده در دوشنبه دیدار کردند."
    fa2 = "احمد وحیدی و رمضان رحیم‌زاده در دوشنبه یادداشت تفاهم امضا کردند."
    fa = fa1 + " " + fa2
    t = fa
    fa_doc = doc("fa_both", t, "fa", [
        ent(t, "p1", "PERSON", "Ahmad Vahidi", "احمد وحیدی", country="IRN", role="interior minister"),
        ent(t, "p2", "PERSON", "Ramazon Rahimzoda", "رمضان رحیم‌زاده", country="TJK", role="interior minister"),
        place(t, "l1", *DUSHANBE_FA),
    ], [
        ev(t, "e1", "CONSULT", "040", evidence=fa1, source=["p1", "p2"], dyad=["IRN", "TJK"], location="l1"),
        ev(t, "e2", "SUPPORT", "057", evidence=fa2, source=["p1", "p2"], dyad=["IRN", "TJK"], location="l1"),
    ], published="2025-06-23")  # fmt: skip
    with memory_store() as conn:
        ingest_documents(conn, [
            report("ar_sign", ar, "ar", type_="SUPPORT", cameo="057", dyad=["IRN", "TJK"],
                   persons=[VAHIDI_AR, RAHIMZODA_AR], location=DUSHANBE_AR, date="2025-06-23", published="2025-06-23"),
            fa_doc,
        ], versions=VERSIONS)  # fmt: skip
        assert _story_of(conn, "ar_sign") == _story_of(conn, "fa_both", "e2")
        assert _story_of(conn, "fa_both", "e1") != _story_of(conn, "fa_both", "e2")


def test_reports_naming_one_side_each_still_agree() -> None:
    ar = "استقبل وزير الداخلية الإيراني أحمد وحيدي في طهران الوفد الطاجيكي."
    fa = "رمضان رحیم‌زاده وزیر امور داخلی تاجیکستان در تهران با همتای ایرانی خود دیدار کرد."
    with memory_store() as conn:
        ingest_documents(conn, [
            report("a_host", ar, "ar", type_="CONSULT", cameo="043", dyad=["IRN", "TJK"], persons=[VAHIDI_AR],
                   location=("tehran", "Tehran", "طهران", "IRN"), date="2025-07-25", published="2025-07-25"),
            report("b_visit", fa, "fa", type_="CONSULT", cameo="042", dyad=["IRN", "TJK"], persons=[RAHIMZODA_FA],
                   location=TEHRAN_FA, published="2025-07-26"),
        ], versions=VERSIONS)  # fmt: skip
        assert _story_of(conn, "a_host") == _story_of(conn, "b_visit")


def test_different_people_or_places_on_the_same_day_are_different_events() -> None:
    interior = "التقى وزير الداخلية الإيراني أحمد وحيدي نظيره الطاجيكي رمضان رحيم زاده في دوشنبه."
    foreign = "عباس عراقچی وزیر امور خارجه با سراج‌الدین مهرالدین دیدار کرد."
    foreign2 = "عباس عراقچی وزیر امور خارجه با سراج‌الدین مهرالدین در دوشنبه دیدار کرد."
    araghchi: Person = ("p1", "Abbas Araghchi", "عباس عراقچی", "IRN", "foreign minister")
    muhriddin: Person = ("p2", "Sirojiddin Muhriddin", "سراج‌الدین مهرالدین", "TJK", "foreign minister")
    with memory_store() as conn:
        ingest_documents(conn, [
            report("a_interior", interior, "ar", type_="CONSULT", cameo="040", dyad=["IRN", "TJK"],
                   persons=[VAHIDI_AR, RAHIMZODA_AR], location=DUSHANBE_AR, date="2025-06-21"),
            report("b_foreign", foreign, "fa", type_="CONSULT", cameo="040", dyad=["IRN", "TJK"],
                   persons=[araghchi, muhriddin], date="2025-06-21"),
            report("c_place", foreign2, "fa", type_="CONSULT", cameo="040", dyad=["IRN", "TJK"],
                   persons=[araghchi, muhriddin], location=DUSHANBE_FA, date="2025-06-21"),
        ], versions=VERSIONS)  # fmt: skip
        assert _story_of(conn, "a_interior") != _story_of(conn, "b_foreign")
        # same people, one report without a place and one in Dushanbe: no contradiction
        assert _story_of(conn, "b_foreign") == _story_of(conn, "c_place")


def test_place_contradiction_keeps_reports_apart() -> None:
    t1 = "التقى وزير الداخلية الإيراني أحمد وحيدي نظيره الطاجيكي رمضان رحيم زاده في دوشنبه."
    t2 = "احمد وحیدی وزیر کشور با رمضان رحیم‌زاده در تهران دیدار کرد."
    with memory_store() as conn:
        ingest_documents(conn, [
            report("a", t1, "ar", type_="CONSULT", cameo="040", dyad=["IRN", "TJK"],
                   persons=[VAHIDI_AR, RAHIMZODA_AR], location=DUSHANBE_AR, date="2025-06-21"),
            report("b", t2, "fa", type_="CONSULT", cameo="040", dyad=["IRN", "TJK"],
                   persons=[VAHIDI_FA, RAHIMZODA_FA], location=TEHRAN_FA, date="2025-06-21"),
        ], versions=VERSIONS)  # fmt: skip
        assert _story_of(conn, "a") != _story_of(conn, "b")


def test_undated_reports_merge_only_when_published_within_days() -> None:
    t = "احمد وحیدی وزیر کشور با رمضان رحیم‌زاده وزیر امور داخلی تاجیکستان دیدار کرد."
    t_ar = "التقى وزير الداخلية الإيراني أحمد وحيدي نظيره الطاجيكي رمضان رحيم زاده."

    def r(doc_id: str, text: str, lang: str, published: str) -> Document:
        persons = [VAHIDI_FA, RAHIMZODA_FA] if lang == "fa" else [VAHIDI_AR, RAHIMZODA_AR]
        return report(doc_id, text, lang, type_="CONSULT", cameo="040", dyad=["IRN", "TJK"], persons=persons,
                      published=published)  # fmt: skip

    with memory_store() as conn:
        ingest_documents(conn, [
            r("a", t, "fa", "2025-03-01"), r("b", t_ar, "ar", "2025-03-02"), r("c", t + " ", "fa", "2025-03-12"),
        ], versions=VERSIONS)  # fmt: skip
        assert _story_of(conn, "a") == _story_of(conn, "b") != _story_of(conn, "c")


def test_multilateral_reports_naming_fewer_states_join_but_a_bilateral_meeting_does_not() -> None:
    t1 = "عقد وزراء داخلية إيران وروسيا والصين وطاجيكستان اجتماعا في دوشنبه."
    t2 = "نشست وزیران کشور ایران، روسیه و تاجیکستان در دوشنبه برگزار شد."
    t3 = "احمد وحیدی و رمضان رحیم‌زاده در حاشیه نشست در دوشنبه دیدار کردند."
    with memory_store() as conn:
        ingest_documents(conn, [
            report("c", t3, "fa", type_="CONSULT", cameo="040", dyad=["IRN", "TJK"], persons=[VAHIDI_FA, RAHIMZODA_FA],
                   location=DUSHANBE_FA, date="2025-09-10"),
            report("a", t1, "ar", type_="CONSULT", cameo="040", dyad=["CHN", "IRN", "RUS", "TJK"],
                   location=DUSHANBE_AR, date="2025-09-10"),
            report("b", t2, "fa", type_="CONSULT", cameo="040", dyad=["IRN", "RUS", "TJK"], location=DUSHANBE_FA,
                   date="2025-09-10"),
        ], versions=VERSIONS)  # fmt: skip
        assert _story_of(conn, "a") == _story_of(conn, "b") != _story_of(conn, "c")


def test_year_only_background_events_are_not_merged() -> None:
    t1 = "وكانت إيران وطاجيكستان قد وقعتا اتفاقية للتعاون الأمني عام 2014."
    t2 = "ایران و تاجیکستان در سال ۲۰۱۴ موافقت‌نامه همکاری امنیتی امضا کرده بودند."
    with memory_store() as conn:
        ingest_documents(conn, [
            report("a", t1, "ar", type_="SUPPORT", cameo="057", dyad=["IRN", "TJK"], date="2014", historical=True),
            report("b", t2, "fa", type_="SUPPORT", cameo="057", dyad=["IRN", "TJK"], date="2014", historical=True),
        ], versions=VERSIONS)  # fmt: skip
        assert _story_of(conn, "a") != _story_of(conn, "b")


def test_one_document_never_gives_a_story_two_records() -> None:
    t = "التقى أحمد وحيدي رمضان رحيم زاده. ثم التقى أحمد وحيدي رمضان رحيم زاده مرة أخرى."
    d = doc("x", t, "ar", [
        ent(t, "p1", "PERSON", "Ahmad Vahidi", "أحمد وحيدي", country="IRN"),
        ent(t, "p2", "PERSON", "Ramazon Rahimzoda", "رمضان رحيم زاده", country="TJK"),
    ], [
        ev(t, "e1", "CONSULT", "040", evidence="التقى أحمد وحيدي رمضان رحيم زاده.", source=["p1", "p2"],
           dyad=["IRN", "TJK"], date=("2025-06-21", None)),
        ev(t, "e2", "CONSULT", "040", evidence="ثم التقى أحمد وحيدي", source=["p1", "p2"], dyad=["IRN", "TJK"],
           date=("2025-06-21", None)),
    ])  # fmt: skip
    with memory_store() as conn:
        ingest_documents(conn, [d], versions=VERSIONS)
        assert _story_of(conn, "x", "e1") != _story_of(conn, "x", "e2")


def test_reanalysis_keeps_story_ids_and_regroups_changed_records() -> None:
    with memory_store() as conn:
        ingest_documents(conn, corpus(), versions=VERSIONS)
        merged = _story_of(conn, "ar_meeting.txt")
        ingest_documents(conn, corpus(), reanalyse=True, versions=VERSIONS)
        assert _story_of(conn, "ar_meeting.txt") == _story_of(conn, "fa_meeting.txt") == merged
        # the Persian report re-read as dated a month later leaves the story; the Arabic one keeps its id
        fa = fa_meeting()
        moved = dataclasses.replace(fa.events[0], date=dataclasses.replace(ar_later().events[0].date))  # type: ignore[type-var]
        ingest_documents(conn, [dataclasses.replace(fa, events=(moved,))], reanalyse=True, versions=VERSIONS)
        assert _story_of(conn, "ar_meeting.txt") == merged
        assert _story_of(conn, "fa_meeting.txt") != merged
        assert integrity_problems(conn) == []


def test_rebuild_gives_the_same_grouping() -> None:
    with memory_store() as conn:
        ingest_documents(conn, corpus(), versions=VERSIONS)
        before = {d: _story_of(conn, d) for d in ("ar_meeting.txt", "fa_meeting.txt", "ar_later.txt")}
        assert stories.rebuild(conn) == 2
        after = {d: _story_of(conn, d) for d in before}
        assert (after["ar_meeting.txt"] == after["fa_meeting.txt"]) and after["ar_later.txt"] != after["fa_meeting.txt"]


def test_date_gap_rules() -> None:
    def f(day: str | None = None, md: str | None = None, pub: str | None = None, hist: bool = False) -> stories.Facts:
        from datetime import date

        d = date.fromisoformat(day) if day else None
        return stories.Facts(1, 1, None, "CONSULT", "040", "IRN-TJK", hist, False, d, d, md,
                             date.fromisoformat(pub) if pub else None, None, ())  # fmt: skip

    assert stories.date_gap(f("2025-06-21", "06-21"), f("2025-06-23", "06-23")) == 2
    assert stories.date_gap(f("2025-06-21", "06-21"), f("2025-06-25", "06-25")) is None
    assert stories.date_gap(f("2025-06-21", "06-21"), f(pub="2025-06-24")) == 3
    assert stories.date_gap(f("2025-06-21", "06-21"), f(pub="2025-06-26")) is None
    assert stories.date_gap(f("2025-06-21", "06-21"), f(pub="2025-06-24", hist=True)) is None
    assert stories.date_gap(f(md="12-31"), f(md="01-01")) == 1  # across the new year, year unknown
    assert stories.date_gap(f(pub="2025-03-01"), f(pub="2025-03-05")) is None


# --------------------------------------------------------------------------- the bounded candidate search


def _groups(conn: sqlite3.Connection) -> set[frozenset[int]]:
    out: dict[int, set[int]] = {}
    for eid, sid in conn.execute("SELECT id, story_id FROM events"):
        out.setdefault(int(sid), set()).add(int(eid))
    return {frozenset(g) for g in out.values()}


def _exhaustive_stories(conn: sqlite3.Connection) -> set[frozenset[int]]:
    """The stories of the stored records by the matcher alone, each record compared with every earlier one
    (no blocking, no window): what the store's indexed search must find."""
    ids = [int(r[0]) for r in conn.execute("SELECT id FROM events ORDER BY document_id, id")]
    facts = [stories.event_facts(conn, i) for i in ids]
    story_of: list[int] = []
    members: list[list[int]] = []
    for i, f in enumerate(facts):
        gaps = stories.story_gaps(f, [(story_of[c], facts[c]) for c in range(i)])
        summary = {
            sid: stories.StoryFacts(
                sid,
                frozenset(facts[m].document_id for m in members[sid]),
                tuple(dict.fromkeys(p for m in members[sid] if (p := facts[m].place) is not None)),
                tuple({p for m in members[sid] for p in facts[m].persons}),
            )
            for sid in gaps
        }
        sid = stories.choose_story(f, gaps, summary)
        if sid is None:
            sid = len(members)
            members.append([])
        story_of.append(sid)
        members[sid].append(i)
    return {frozenset(ids[m] for m in ms) for ms in members}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(merge_cases.documents)
def test_the_indexed_candidate_search_misses_no_story(drawn: list[tuple[int | None, list[dict[str, object]]]]) -> None:
    docs = [merge_cases.build(i, pub, evs) for i, (pub, evs) in enumerate(drawn)]
    with memory_store() as conn:
        ingest_documents(conn, docs, versions=VERSIONS)
        assert _groups(conn) == _exhaustive_stories(conn)
        # and the records written with their story decided in memory get what `rebuild` (from stored rows) gives
        before = _groups(conn)
        stories.rebuild(conn)
        assert _groups(conn) == before


def test_a_story_takes_one_record_of_a_document_even_when_two_fit() -> None:
    t = "التقى أحمد وحيدي رمضان رحيم زاده في دوشنبه. واجتمع أحمد وحيدي ورمضان رحيم زاده مرة ثانية في دوشنبه."
    persons = [ent(t, "p1", "PERSON", "Ahmad Vahidi", "أحمد وحيدي", country="IRN", role="interior minister"),
               ent(t, "p2", "PERSON", "Ramazon Rahimzoda", "رمضان رحيم زاده", country="TJK", role="interior minister"),
               place(t, "l1", *DUSHANBE_AR)]  # fmt: skip
    first, second = t.split(". ")
    both = doc("both", t, "ar", persons, [
        ev(t, "e1", "CONSULT", "040", evidence=first, source=["p1", "p2"], dyad=["IRN", "TJK"], location="l1",
           date=("2025-06-21", None)),
        ev(t, "e2", "CONSULT", "040", evidence=second, source=["p1", "p2"], dyad=["IRN", "TJK"], location="l1",
           date=("2025-06-21", None)),
    ])  # fmt: skip
    with memory_store() as conn:
        ingest_documents(conn, [
            report("one", first + ".", "ar", type_="CONSULT", cameo="040", dyad=["IRN", "TJK"],
                   persons=[VAHIDI_AR, RAHIMZODA_AR], location=DUSHANBE_AR, date="2025-06-21"),
            both,
        ], versions=VERSIONS)  # fmt: skip
        assert _story_of(conn, "both", "e1") == _story_of(conn, "one")
        assert _story_of(conn, "both", "e2") != _story_of(conn, "one")


def test_multilateral_candidates_are_read_through_their_own_index() -> None:
    # without it the search read every record of the type: its cost grew with the store
    f = stories.Facts(1, 1, None, "CONSULT", "040", "CHN-IRN-RUS", False, False, None, None, "06-21", None, None, ())
    with memory_store() as conn:
        plans: list[str] = []
        conn.set_trace_callback(plans.append)
        stories.candidates(conn, f, "2025-06-21")
        conn.set_trace_callback(None)
        searches = [" ".join(str(r[3]) for r in conn.execute("EXPLAIN QUERY PLAN " + sql)) for sql in plans]
    assert len(searches) == 4  # same states and other multilateral records; by date and by day and month
    assert all("SCAN e" not in s for s in searches)
    assert sum("events_multilateral" in s for s in searches) == 2


def test_a_record_dated_only_to_a_month_has_no_candidates() -> None:
    coarse = stories.Facts(1, 1, None, "CONSULT", "040", "IRN-TJK", False, True, None, None, None, None, None, ())
    assert stories.candidate_window(coarse, "2025-06-01") is None
    assert stories.candidate_mds(coarse) is None
