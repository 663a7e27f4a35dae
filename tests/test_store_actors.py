"""The actor registry: one actor per person, state or organisation across documents, scripts and languages."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest

from rasad.records import Document
from rasad.store import actors
from rasad.store.db import StoreError, transaction
from rasad.store.ingest import ingest_documents
from test_store_helpers import VERSIONS, corpus, doc, ent, ev, memory_store, state


def _person_doc(doc_id: str, text: str, name: str, native: str, country: str | None, role: str | None = None,
                kb_id: str | None = None, lang: str = "fa") -> Document:  # fmt: skip
    return doc(
        doc_id, text, lang, [ent(text, "p1", "PERSON", name, native, country=country, role=role, kb_id=kb_id)], []
    )


def _actor_of(conn: sqlite3.Connection, doc_id: str, local_id: str = "p1") -> str:
    row = conn.execute(
        "SELECT a.key FROM entities e JOIN documents d ON d.id = e.document_id JOIN actors a ON a.id = e.actor_id "
        "WHERE d.name = ? AND e.local_id = ?",
        (doc_id, local_id),
    ).fetchone()
    return str(row[0])


def test_one_person_across_scripts_and_languages_keeps_every_variant() -> None:
    with memory_store() as conn:
        ingest_documents(conn, corpus(), versions=VERSIONS)
        keys = {_actor_of(conn, d, "p2") for d in ("ar_meeting.txt", "fa_meeting.txt", "ar_later.txt")}
        assert keys == {"PER:TJK:ramazon_rahimzoda"}
        (summary,) = actors.list_actors(conn, type="person", query="Rahimzoda")
        variants = {(v.name, v.script, v.lang) for v in summary.variants}
        assert {
            ("رمضان رحيم زاده", "Arab", "ar"),
            ("رحيم زاده", "Arab", "ar"),
            ("رمضان رحیم‌زاده", "Arab", "fa"),
            ("Ramazon Rahimzoda", "Latn", "und"),
            ("Rahimzoda", "Latn", "und"),
        } <= variants
        assert (summary.documents, summary.events) == (3, 3)
        assert len(actors.list_actors(conn, type="person")) == 2


def test_states_resolve_by_key_whatever_the_spelling() -> None:
    with memory_store() as conn:
        ingest_documents(conn, corpus(), versions=VERSIONS)
        states = {a.actor.key: a for a in actors.list_actors(conn, type="state")}
        assert set(states) == {"IRN", "TJK"}
        names = {v.name for v in states["IRN"].variants}
        assert {"الإيراني", "ایران", "Iran"} <= names


def test_surname_alone_joins_the_full_name_when_country_and_role_agree() -> None:
    t1 = "رمضان رحیم‌زاده وزیر امور داخلی تاجیکستان گفت."
    t2 = "رحیم‌زاده وزیر کشور تاجیکستان افزود."
    t3 = "رحمان زاده معاون وزیر کشور تاجیکستان گفت."
    with memory_store() as conn:
        ingest_documents(conn, [
            _person_doc("a", t1, "Ramazon Rahimzoda", "رمضان رحیم‌زاده", "TJK", "interior minister"),
            _person_doc("b", t2, "Rahimzoda", "رحیم‌زاده", "TJK", "interior minister"),
            _person_doc("c", t3, "Rahmonzoda", "رحمان زاده", "TJK", "deputy interior minister"),
        ], versions=VERSIONS)  # fmt: skip
        assert _actor_of(conn, "a") == _actor_of(conn, "b")
        assert _actor_of(conn, "c") != _actor_of(conn, "a")


def test_different_country_or_knowledge_base_id_make_different_people() -> None:
    t = "احمد وحیدی گفت."
    with memory_store() as conn:
        ingest_documents(conn, [
            _person_doc("a", t, "Ahmad Vahidi", "احمد وحیدی", "IRN", "interior minister", kb_id="Q1"),
            _person_doc("b", t + " ", "Ahmad Vahidi", "احمد وحیدی", "AFG", "interior minister"),
            _person_doc("c", t + "  ", "Ahmad Vahidi", "احمد وحیدی", "IRN", "interior minister", kb_id="Q2"),
        ], versions=VERSIONS)  # fmt: skip
        assert len({_actor_of(conn, d) for d in "abc"}) == 3


def test_a_full_name_keeps_its_person_whatever_the_title_but_a_surname_needs_the_role() -> None:
    with memory_store() as conn:
        ingest_documents(conn, [
            _person_doc("a", "فيصل بن فرحان قال.", "Faisal bin Farhan", "فيصل بن فرحان", "SAU", "foreign minister",
                        lang="ar"),
            _person_doc("b", "الأمير فيصل بن فرحان قال.", "Faisal bin Farhan", "فيصل بن فرحان", "SAU", "emir",
                        lang="ar"),
            _person_doc("c", "رحیمی گفت.", "Rahimi", "رحیمی", "IRN", "interior minister"),
            _person_doc("d", "رحیمی افزود.", "Rahimi", "رحیمی", "IRN", "governor of Tehran"),
        ], versions=VERSIONS)  # fmt: skip
        assert _actor_of(conn, "a") == _actor_of(conn, "b")
        assert _actor_of(conn, "c") != _actor_of(conn, "d")


def test_knowledge_base_id_links_different_spellings() -> None:
    with memory_store() as conn:
        ingest_documents(conn, [
            _person_doc("a", "سراج الدین مهرالدین گفت.", "Sirojiddin Muhriddin", "سراج الدین مهرالدین", "TJK",
                        kb_id="Q9"),
            _person_doc("b", "سراج‌الدین محی‌الدین گفت.", "Sirojiddin Mukhriddin", "سراج‌الدین محی‌الدین", "TJK",
                        kb_id="Q9"),
        ], versions=VERSIONS)  # fmt: skip
        assert _actor_of(conn, "a") == _actor_of(conn, "b") == "PER:Q9"


def test_romanisation_variants_match_by_similarity() -> None:
    with memory_store() as conn:
        ingest_documents(conn, [
            _person_doc("a", "Ramazon Rahimzoda said.", "Ramazon Rahimzoda", "Ramazon Rahimzoda", "TJK", lang="en"),
            _person_doc("b", "Ramazan Rahimzoda said.", "Ramazan Rahimzoda", "Ramazan Rahimzoda", "TJK", lang="en"),
            _person_doc("c", "Ramazan Rahimov said.", "Ramazan Rahimov", "Ramazan Rahimov", "TJK", lang="en"),
        ], versions=VERSIONS)  # fmt: skip
        assert _actor_of(conn, "a") == _actor_of(conn, "b")
        assert _actor_of(conn, "c") != _actor_of(conn, "a")


def test_role_compatibility() -> None:
    words = tuple[str, ...]
    dep: words = ("deputy", "interior", "minister")
    assert actors.roles_compatible(dep, ("deputy", "interior", "minister", "for", "security", "affairs"))
    assert not actors.roles_compatible(dep, ("interior", "minister"))
    assert actors.roles_compatible((), ("interior", "minister"))


def _two_people() -> list[Document]:
    # one man under his nom de guerre and his own name: no registry can know that without being told
    t1 = "قال أبو محمد الجولاني قائد الهيئة في كلمة."
    t2 = "احمد الشرع رئیس دولت انتقالی سوریه گفت."
    return [
        _person_doc("a", t1, "Abu Mohammad al-Julani", "أبو محمد الجولاني", "SYR", "commander", lang="ar"),
        _person_doc("b", t2, "Ahmed al-Sharaa", "احمد الشرع", "SYR", "president", lang="fa"),
    ]


def test_merge_is_recorded_and_survives_reanalysis() -> None:
    with memory_store() as conn:
        ingest_documents(conn, _two_people(), versions=VERSIONS)
        a, b = _actor_of(conn, "a"), _actor_of(conn, "b")
        assert a != b
        with transaction(conn):
            kept, dropped = actors.merge(conn, a, b)
        assert (kept.key, dropped.key) == (a, b)
        assert _actor_of(conn, "b") == a
        assert actors.find_actor(conn, b).key == a  # the old key still names the merged actor
        ingest_documents(conn, _two_people(), reanalyse=True, versions=VERSIONS)
        assert _actor_of(conn, "a") == _actor_of(conn, "b") == a
        assert [e[:3] for e in actors.edits(conn)] == [("merge", a, b)]
        (summary,) = actors.list_actors(conn, type="person")
        assert {"أبو محمد الجولاني", "احمد الشرع"} <= {v.name for v in summary.variants}


def test_split_is_recorded_and_survives_reanalysis() -> None:
    t1 = "رمضان رحیم‌زاده وزیر امور داخلی تاجیکستان گفت."
    t2 = "رحمان‌زاده وزیر امور داخلی تاجیکستان گفت."
    docs = [
        _person_doc("a", t1, "Ramazon Rahimzoda", "رمضان رحیم‌زاده", "TJK", "interior minister"),
        # an analysis that read the deputy as the minister: same role, similar name
        _person_doc("b", t2, "Ramazon Rahimzoda", "رحمان‌زاده", "TJK", "interior minister", kb_id=None),
    ]
    with memory_store() as conn:
        ingest_documents(conn, docs, versions=VERSIONS)
        original = _actor_of(conn, "a")
        assert _actor_of(conn, "b") == original
        with transaction(conn):
            new = actors.split(conn, original, "رحمان زاده")  # either spelling names the variant
        assert _actor_of(conn, "b") == new.key != original
        assert _actor_of(conn, "a") == original
        ingest_documents(conn, docs, reanalyse=True, versions=VERSIONS)
        assert _actor_of(conn, "b") == new.key
        assert _actor_of(conn, "a") == original
        assert actors.edits(conn)[0][:4] == ("split", original, new.key, "رحمان زاده")


def test_corrections_that_make_no_sense_are_refused() -> None:
    with memory_store() as conn:
        ingest_documents(conn, corpus(), versions=VERSIONS)
        with pytest.raises(StoreError, match="cannot merge"):
            actors.merge(conn, "IRN", "PER:IRN:ahmad_vahidi")
        with pytest.raises(StoreError, match="already one"):
            actors.merge(conn, "IRN", "ایران")
        with pytest.raises(StoreError, match="no name variant"):
            actors.split(conn, "IRN", "Tajikistan")
        with pytest.raises(StoreError, match="no actor"):
            actors.find_actor(conn, "PER:nobody")


def test_find_actor_by_key_number_or_any_variant() -> None:
    with memory_store() as conn:
        ingest_documents(conn, corpus(), versions=VERSIONS)
        by_key = actors.find_actor(conn, "PER:TJK:ramazon_rahimzoda")
        assert actors.find_actor(conn, str(by_key.id)) == by_key
        assert actors.find_actor(conn, "رحیم‌زاده") == by_key
        assert actors.find_actor(conn, "tjk").key == "TJK"


def test_a_name_shared_by_two_actors_must_be_given_as_a_key() -> None:
    t = "علي أكبر قال."
    with memory_store() as conn:
        ingest_documents(conn, [
            _person_doc("a", t, "Ali Akbar", "علي أكبر", "IRN", lang="ar"),
            _person_doc("b", t + " ", "Ali Akbar", "علي أكبر", "IRQ", lang="ar"),
        ], versions=VERSIONS)  # fmt: skip
        with pytest.raises(StoreError, match="several actors"):
            actors.find_actor(conn, "Ali Akbar")


def test_organisations_with_and_without_a_state() -> None:
    t = "وزارة الداخلية الروسية ووزارة الداخلية الإيرانية"
    d = doc("o", t, "ar", [
        ent(t, "o1", "ORG", "ministry of the interior (Russia)", "وزارة الداخلية الروسية", country="RUS",
            key="RUS:ministry_interior"),
        ent(t, "o2", "ORG", "ministry of the interior (Iran)", "ووزارة الداخلية الإيرانية", country="IRN",
            key="IRN:ministry_interior"),
        state(t, "c1", "RUS", "Russia", ["الروسية"]),
    ], [ev(t, "e1", "CONSULT", "040", evidence=t, source=["o1", "o2"], dyad=["IRN", "RUS"])])  # fmt: skip
    with memory_store() as conn:
        ingest_documents(conn, [d, dataclasses.replace(d, text=t + ".", doc_id="o2")], versions=VERSIONS)
        orgs = {a.actor.key: a for a in actors.list_actors(conn, type="org")}
        assert set(orgs) == {"ORG:RUS:ministry_interior", "ORG:IRN:ministry_interior"}
        assert orgs["ORG:RUS:ministry_interior"].documents == 2


def test_references_by_role_are_not_name_variants() -> None:
    t1 = "قال أحمد وحيدي وزير الداخلية إن التعاون مستمر. وأضاف وزير الداخلية أن الحدود آمنة."
    t2 = "قال إسكندر مؤمني وزير الداخلية إن الانتخابات آمنة. وأضاف وزير الداخلية أن الشرطة جاهزة."
    with memory_store() as conn:
        ingest_documents(conn, [
            doc("a", t1, "ar", [ent(t1, "p1", "PERSON", "Ahmad Vahidi", "أحمد وحيدي", country="IRN",
                                    role="interior minister", forms=["أحمد وحيدي", "وزير الداخلية"])], []),
            doc("b", t2, "ar", [ent(t2, "p1", "PERSON", "Eskandar Momeni", "إسكندر مؤمني", country="IRN",
                                    role="interior minister", forms=["إسكندر مؤمني", "وزير الداخلية"])], []),
        ], versions=VERSIONS)  # fmt: skip
        assert _actor_of(conn, "a") != _actor_of(conn, "b")
        names = {v.name for a in actors.list_actors(conn, type="person") for v in a.variants}
        assert "وزير الداخلية" not in names
