"""Analysed documents as rows of the Parquet tables a Spark run writes, and back again.

Tables (every one partitioned by `lang` and `month`, the document's publication month or `unknown`):
- documents: one row per distinct text, with the text, and `src_*` columns that give the input order;
- entities: one row per entity of a document, with its mentions;
- events: one row per event record, `story_id` naming its story;
- stories: one row per story (written by `rasad.scale.merge`).
Every field of the analysis is kept (also those the JSON output leaves out, such as entity keys), so
that `rasad load-parquet` can rebuild the very `Document`s and store them as `rasad ingest` would.
Ids are the store's: a document's `uid` is the start of its text hash, an event's `<document uid>-<n>`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rasad.records import DateValue, Document, Entity, Event, Span
from rasad.store.ingest import document_uid
from rasad.store.when import parse_day

UNKNOWN_MONTH = "unknown"

# (input argument index, file URI, byte offset of the file block, record index within the block)
OrderKey = tuple[int, str, int, int]


def month_of(published: str | None) -> str:
    day = parse_day(published)
    return day.strftime("%Y-%m") if day else UNKNOWN_MONTH


def event_uid(doc_uid: str, n: int) -> str:
    """The store's public id of the n-th (from 1) event of a document."""
    return f"{doc_uid}-{n}"


def _span(s: Span) -> dict[str, Any]:
    return {"text": s.text, "start": s.start, "end": s.end}


def document_row(doc: Document, key: OrderKey, duplicates: int = 0) -> dict[str, Any]:
    return {
        "uid": document_uid(doc.text_sha256),
        "doc_id": doc.doc_id,
        "lang": doc.lang,
        "month": month_of(doc.published),
        "title": doc.title,
        "published": doc.published,
        "source": doc.source,
        "url": doc.url,
        "text": doc.text,
        "text_sha256": doc.text_sha256,
        "warnings": list(doc.warnings),
        "entities": len(doc.entities),
        "events": len(doc.events),
        "duplicates": duplicates,
        "src_arg": key[0],
        "src_file": key[1],
        "src_block": key[2],
        "src_row": key[3],
    }


def entity_rows(doc: Document) -> list[dict[str, Any]]:
    uid = document_uid(doc.text_sha256)
    month = month_of(doc.published)
    return [
        {
            "doc_uid": uid,
            "lang": doc.lang,
            "month": month,
            "position": i,
            "entity_id": e.id,
            "type": e.type,
            "key": e.key,
            "name": e.name,
            "native": e.native,
            "country": e.country,
            "role": e.role,
            "role_key": e.role_key,
            "kb_id": e.kb_id,
            "sector": e.sector,
            "mentions": [_span(m) for m in e.mentions],
        }
        for i, e in enumerate(doc.entities)
    ]


def event_rows(doc: Document) -> list[dict[str, Any]]:
    uid = document_uid(doc.text_sha256)
    month = month_of(doc.published)
    rows = []
    for n, ev in enumerate(doc.events, start=1):
        d = ev.date
        rows.append(
            {
                "event_uid": event_uid(uid, n),
                "doc_uid": uid,
                "lang": doc.lang,
                "month": month,
                "position": n,
                "event_id": ev.id,
                "type": ev.type,
                "mode": ev.mode,
                "cameo": ev.cameo,
                "source": list(ev.source),
                "target": list(ev.target),
                "dyad": list(ev.dyad),
                "location": ev.location,
                "date": None
                if d is None
                else {"start": d.start, "end": d.end, "text": d.text, "weekday": d.weekday, "calendar": d.calendar},
                "topics": list(ev.topics),
                "context": list(ev.context),
                "historical": ev.historical,
                "confidence": float(ev.confidence),
                "evidence": _span(ev.evidence),
                "trigger": _span(ev.trigger) if ev.trigger else None,
            }
        )
    return rows


def _to_span(v: Mapping[str, Any]) -> Span:
    return Span(str(v["text"]), int(v["start"]), int(v["end"]))


def _strs(v: Sequence[Any] | None) -> tuple[str, ...]:
    return tuple(str(x) for x in v or ())


def entity_from_row(r: Mapping[str, Any]) -> Entity:
    return Entity(
        id=str(r["entity_id"]),
        type=str(r["type"]),
        name=str(r["name"]),
        native=str(r["native"]),
        country=r["country"],
        role=r["role"],
        kb_id=r["kb_id"],
        mentions=tuple(_to_span(m) for m in r["mentions"] or ()),
        key=str(r["key"] or ""),
        role_key=r["role_key"],
        sector=r["sector"],
    )


def event_from_row(r: Mapping[str, Any]) -> Event:
    d = r["date"]
    return Event(
        id=str(r["event_id"]),
        type=str(r["type"]),
        mode=r["mode"],
        cameo=r["cameo"],
        source=_strs(r["source"]),
        target=_strs(r["target"]),
        dyad=_strs(r["dyad"]),
        location=r["location"],
        date=None if d is None else DateValue(d["start"], d["end"], d["text"], d["weekday"], d["calendar"]),
        topics=_strs(r["topics"]),
        context=_strs(r["context"]),
        historical=bool(r["historical"]),
        confidence=float(r["confidence"]),
        evidence=_to_span(r["evidence"]),
        trigger=_to_span(r["trigger"]) if r["trigger"] else None,
    )


def document_from_rows(
    doc: Mapping[str, Any], entities: Sequence[Mapping[str, Any]], events: Sequence[Mapping[str, Any]]
) -> Document:
    """The `Document` a documents row and its entity and event rows were made from."""
    return Document(
        doc_id=str(doc["doc_id"]),
        lang=str(doc["lang"]),
        title=doc["title"],
        published=doc["published"],
        source=doc["source"],
        text_sha256=str(doc["text_sha256"]),
        entities=tuple(entity_from_row(r) for r in sorted(entities, key=lambda r: int(r["position"]))),
        events=tuple(event_from_row(r) for r in sorted(events, key=lambda r: int(r["position"]))),
        warnings=_strs(doc["warnings"]),
        text=str(doc["text"]),
        url=doc["url"],
    )
