"""Hand-built analysed documents for the store tests (no analysis pipeline needed), and checks of the builders."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from rasad.records import DateValue, Document, Entity, Event, InputDoc, Span
from rasad.store.db import connect
from rasad.store.ingest import text_sha256

VERSIONS = ("0.test", "2026.11.1")


def spans(text: str, forms: Sequence[str]) -> tuple[Span, ...]:
    """Every occurrence of every form in `text`, longest forms first, without overlaps."""
    taken: list[tuple[int, int]] = []
    out: list[Span] = []
    for form in sorted(forms, key=len, reverse=True):
        for m in re.finditer(re.escape(form), text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            out.append(Span(form, m.start(), m.end()))
    if not out:
        raise AssertionError(f"none of {forms} in the text")
    return tuple(sorted(out, key=lambda s: s.start))


def ent(
    text: str,
    local_id: str,
    type_: str,
    name: str,
    native: str,
    *,
    country: str | None = None,
    role: str | None = None,
    kb_id: str | None = None,
    forms: Sequence[str] = (),
    key: str = "",
    role_key: str | None = None,
    sector: str | None = None,
) -> Entity:
    return Entity(
        id=local_id,
        type=type_,
        name=name,
        native=native,
        country=country,
        role=role,
        kb_id=kb_id,
        mentions=spans(text, forms or [native]),
        key=key,
        role_key=role_key,
        sector=sector,
    )


def state(text: str, local_id: str, iso3: str, name: str, forms: Sequence[str]) -> Entity:
    return ent(text, local_id, "COUNTRY", name, forms[0], country=iso3, forms=forms, key=iso3)


def place(text: str, local_id: str, key: str, name: str, native: str, country: str) -> Entity:
    return ent(text, local_id, "PLACE", name, native, country=country, key=key)


def ev(
    text: str,
    local_id: str,
    type_: str,
    cameo: str | None,
    *,
    evidence: str,
    source: Sequence[str] = (),
    target: Sequence[str] = (),
    dyad: Sequence[str] = (),
    mode: str | None = None,
    location: str | None = None,
    date: tuple[str | None, str | None] | None = None,
    topics: Sequence[str] = (),
    context: Sequence[str] = (),
    historical: bool = False,
    confidence: float = 0.8,
) -> Event:
    (ev_span,) = spans(text, [evidence])[:1]
    return Event(
        id=local_id,
        type=type_,
        mode=mode,
        cameo=cameo,
        source=tuple(source),
        target=tuple(target),
        dyad=tuple(sorted(set(dyad))),
        location=location,
        date=DateValue(date[0], date[1], None) if date else None,
        topics=tuple(topics),
        context=tuple(context),
        historical=historical,
        confidence=confidence,
        evidence=ev_span,
    )


def doc(
    doc_id: str,
    text: str,
    lang: str,
    entities: Sequence[Entity],
    events: Sequence[Event],
    *,
    published: str | None = None,
    source: str | None = None,
    title: str | None = None,
    url: str | None = None,
) -> Document:
    return Document(
        doc_id=doc_id,
        lang=lang,
        title=title,
        published=published,
        source=source,
        text_sha256=text_sha256(text),
        entities=tuple(entities),
        events=tuple(events),
        warnings=(),
        text=text,
        url=url,
    )


@contextmanager
def memory_store() -> Iterator[sqlite3.Connection]:
    conn = connect(":memory:").conn
    try:
        yield conn
    finally:
        conn.close()


# --------------------------------------------------------------------------- the corpus most tests use
#
# Three reports: the same meeting of the Iranian and Tajik interior ministers told by an Arabic outlet and
# a Persian outlet (with the Tajik minister's name in both scripts' spellings), and a later meeting.

AR_MEETING = (
    "دوشنبه - التقى وزير الداخلية الإيراني أحمد وحيدي نظيره الطاجيكي رمضان رحيم زاده في دوشنبه "
    "يوم 21 يونيو، وبحث الجانبان مكافحة تهريب المخدرات والإرهاب. وقال رحيم زاده إن التعاون الأمني يتعزز."
)
FA_MEETING = (
    "احمد وحیدی وزیر کشور ایران روز شنبه در دوشنبه با رمضان رحیم‌زاده وزیر امور داخلی تاجیکستان "
    "دیدار و گفت‌وگو کرد. دو طرف درباره مبارزه با قاچاق مواد مخدر گفت‌وگو کردند."
)
AR_LATER = (
    "طهران - استقبل وزير الداخلية الإيراني أحمد وحيدي في طهران يوم 25 يوليو وزير الداخلية الطاجيكي "
    "رمضان رحيم زاده، وبحثا أمن الحدود."
)


def ar_meeting() -> Document:
    t = AR_MEETING
    return doc(
        "ar_meeting.txt",
        t,
        "ar",
        [
            state(t, "c1", "IRN", "Iran", ["الإيراني"]),
            state(t, "c2", "TJK", "Tajikistan", ["الطاجيكي"]),
            ent(
                t,
                "p1",
                "PERSON",
                "Ahmad Vahidi",
                "أحمد وحيدي",
                country="IRN",
                role="interior minister",
                role_key="INTERIOR_MINISTER",
            ),
            ent(
                t,
                "p2",
                "PERSON",
                "Ramazon Rahimzoda",
                "رمضان رحيم زاده",
                country="TJK",
                role="interior minister",
                forms=["رمضان رحيم زاده", "رحيم زاده"],
                role_key="INTERIOR_MINISTER",
            ),
            place(t, "l1", "dushanbe", "Dushanbe", "دوشنبه", "TJK"),
        ],
        [
            ev(
                t,
                "e1",
                "CONSULT",
                "040",
                evidence="التقى وزير الداخلية الإيراني أحمد وحيدي نظيره الطاجيكي",
                source=["p1", "p2"],
                dyad=["IRN", "TJK"],
                location="l1",
                date=("--06-21", "--06-21"),
                topics=["drug_trafficking", "terrorism"],
                context=["illegal_drugs", "terrorism"],
            ),
        ],
        published="2025-06-22",
        source="Arab Outlet",
        title="وزيرا داخلية إيران وطاجيكستان يبحثان مكافحة المخدرات",
        url="https://example.org/ar/1",
    )


def fa_meeting() -> Document:
    t = FA_MEETING
    return doc(
        "fa_meeting.txt",
        t,
        "fa",
        [
            state(t, "c1", "IRN", "Iran", ["ایران"]),
            state(t, "c2", "TJK", "Tajikistan", ["تاجیکستان"]),
            ent(
                t,
                "p1",
                "PERSON",
                "Ahmad Vahidi",
                "احمد وحیدی",
                country="IRN",
                role="interior minister",
                role_key="INTERIOR_MINISTER",
            ),
            ent(
                t,
                "p2",
                "PERSON",
                "Ramazon Rahimzoda",
                "رمضان رحیم‌زاده",
                country="TJK",
                role="interior minister",
                role_key="INTERIOR_MINISTER",
            ),
            place(t, "l1", "dushanbe", "Dushanbe", "دوشنبه", "TJK"),
        ],
        [
            ev(
                t,
                "e1",
                "CONSULT",
                "042",
                mode="visit",
                evidence="در دوشنبه با رمضان رحیم‌زاده",
                source=["p1"],
                target=["p2"],
                dyad=["IRN", "TJK"],
                location="l1",
                topics=["drug_trafficking"],
                context=["illegal_drugs", "trafficking"],
            ),
        ],
        published="2025-06-21",
        source="Persian Outlet",
        title="دیدار وزیران کشور ایران و تاجیکستان",
        url="https://example.org/fa/1",
    )


def ar_later() -> Document:
    t = AR_LATER
    return doc(
        "ar_later.txt",
        t,
        "ar",
        [
            state(t, "c1", "IRN", "Iran", ["الإيراني"]),
            state(t, "c2", "TJK", "Tajikistan", ["الطاجيكي"]),
            ent(t, "p1", "PERSON", "Ahmad Vahidi", "أحمد وحيدي", country="IRN", role="interior minister"),
            ent(t, "p2", "PERSON", "Rahimzoda", "رمضان رحيم زاده", country="TJK", role="interior minister"),
            place(t, "l1", "tehran", "Tehran", "طهران", "IRN"),
        ],
        [
            ev(
                t,
                "e1",
                "CONSULT",
                "043",
                mode="visit",
                evidence="استقبل وزير الداخلية الإيراني أحمد وحيدي",
                source=["p2"],
                target=["p1"],
                dyad=["IRN", "TJK"],
                location="l1",
                date=("--07-25", "--07-25"),
                topics=["border_security"],
                context=["territory"],
            ),
        ],
        published="2025-07-25",
        source="Arab Outlet",
        url="https://example.org/ar/2",
    )


def corpus() -> list[Document]:
    return [ar_meeting(), fa_meeting(), ar_later()]


def count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_builders_point_into_the_text() -> None:
    for d in corpus():
        for e in d.entities:
            for m in e.mentions:
                assert d.text[m.start : m.end] == m.text
        for x in d.events:
            assert d.text[x.evidence.start : x.evidence.end] == x.evidence.text


# --------------------------------------------------------------------------- a synthetic analyser
#
# Deterministic "analysis" of generated texts, for tests that must run many ingests quickly (crash safety,
# worker processes): the text says what is in it.

_SYN_NAMES = (
    ("Ahmad Vahidi", "أحمد وحيدي"),
    ("Ramazon Rahimzoda", "رمضان رحيم زاده"),
    ("Eskandar Momeni", "إسكندر مؤمني"),
    ("Sirojiddin Muhriddin", "سراج الدين مهر الدين"),
)
_SYN_TYPES = (("CONSULT", "043"), ("SUPPORT", "057"), ("COOPERATE", "061"))


def synthetic_text(k: int) -> str:
    name = _SYN_NAMES[k % len(_SYN_NAMES)][1]
    sentences = [f"الخبر رقم {k}."]
    for i in range(1 + k % 3):
        sentences.append(f"الجملة {i}: التقى الوزير {name} من الجانب الإيراني نظيره الطاجيكي في دوشنبه.")
    return " ".join(sentences)


def synthetic_document(inp: InputDoc) -> Document:
    text = inp.text
    k = int(re.search(r"الخبر رقم (\d+)", text).group(1))  # type: ignore[union-attr]
    latin, native = _SYN_NAMES[k % len(_SYN_NAMES)]
    ents = [
        state(text, "c1", "IRN", "Iran", ["الإيراني"]),
        state(text, "c2", "TJK", "Tajikistan", ["الطاجيكي"]),
        ent(text, "p1", "PERSON", latin, native, country="IRN", role="interior minister"),
        place(text, "l1", "dushanbe", "Dushanbe", "دوشنبه", "TJK"),
    ]
    events = []
    for i in range(1 + k % 3):
        typ, cameo = _SYN_TYPES[i]
        sentence = re.search(rf"الجملة {i}: [^.]*\.", text).group(0)  # type: ignore[union-attr]
        events.append(
            ev(text, f"e{i + 1}", typ, cameo, evidence=sentence, source=["p1", "c2"], dyad=["IRN", "TJK"],
               location="l1", date=(f"2025-06-{1 + (k // 3) % 28:02d}", None), topics=["policing"],
               context=["crime"])
        )  # fmt: skip
    return doc(inp.doc_id, text, "ar", ents, events, published="2025-07-01", source=f"outlet{k % 4}")


def synthetic_analyzer() -> Callable[[InputDoc], Document]:
    """An `AnalyzerFactory` for `ingest_inputs`."""
    return synthetic_document


def expected_counts(text: str) -> tuple[int, int]:
    """(entities, events) the synthetic analyser finds in `text`."""
    d = synthetic_document(InputDoc("x", text))
    return len(d.entities), len(d.events)
