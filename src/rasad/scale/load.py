"""A Spark run's Parquet tables, or a store's Parquet export, into the SQLite store, so that the web
interface can browse it.

The documents are rebuilt from the tables and stored in the run's input order by the store's own
ingest, exactly as `rasad ingest` stores them: idempotent by text hash, actors resolved by the store's
registry, stories assigned by the store. Loading needs pyarrow only, not Spark. The tables of one run
are read into memory whole: this is for runs the size a SQLite store serves (millions of documents
at most), not for a cluster's archive.

An export (`rasad export --format parquet`) loaded into an empty store gives back the store it came
from: event ids, story ids and membership, the analysts' actor corrections and the documents' analysis
stamps are restored after the ingest. Into a store that holds documents already, the exported
documents are added as `rasad ingest` would add them (the store's own ids and stories).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rasad.records import DateValue, Document, Entity, Event, Span
from rasad.scale.rows import document_from_rows, entity_from_row
from rasad.store.db import now, transaction
from rasad.store.ingest import IngestStats, ingest_documents

# The tables of `rasad export --format parquet` that loading needs (files, where a Spark run has folders)
EXPORT_TABLES = ("documents", "entities", "events")

ORDER = ("src_arg", "src_file", "src_block", "src_row")


class LoadError(Exception):
    """The directory is not the output of `rasad spark`."""


def _table(directory: Path, name: str) -> list[dict[str, Any]]:
    import pyarrow.dataset as ds

    path = directory / name
    if not path.is_dir():
        raise LoadError(f"{directory}: no '{name}' table (is this the --output of `rasad spark`?)")
    data = ds.dataset(path, format="parquet", partitioning="hive")
    if name == "documents" and len(data.schema) and not set(ORDER) <= set(data.schema.names):
        raise LoadError(f"{path}: not a rasad documents table (no input-order columns)")
    table = data.to_table()
    if name == "documents" and table.num_rows:
        table = table.sort_by([(c, "ascending") for c in ORDER])
    rows: list[dict[str, Any]] = table.to_pylist()
    return rows


def read_run(directory: str | Path) -> Iterator[Document]:
    """The analysed documents of a Spark run, in input order."""
    d = Path(directory)
    docs = _table(d, "documents")
    entities: dict[str, list[dict[str, Any]]] = {}
    for r in _table(d, "entities"):
        entities.setdefault(str(r["doc_uid"]), []).append(r)
    events: dict[str, list[dict[str, Any]]] = {}
    for r in _table(d, "events"):
        events.setdefault(str(r["doc_uid"]), []).append(r)
    for doc in docs:
        uid = str(doc["uid"])
        yield document_from_rows(doc, entities.get(uid, []), events.get(uid, []))


def load_run(conn: sqlite3.Connection, directory: str | Path) -> IngestStats:
    """Store every document of a Spark run (or of a store's Parquet export); those already stored (same text)
    are left as they are."""
    if is_export(directory):
        return load_export(conn, directory)
    return ingest_documents(conn, read_run(directory))


# --------------------------------------------------------------------------- a store's Parquet export


def is_export(directory: str | Path) -> bool:
    return all((Path(directory) / f"{t}.parquet").is_file() for t in EXPORT_TABLES)


def _rows(directory: Path, name: str, *, required: bool = True) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    path = directory / f"{name}.parquet"
    if not path.is_file():
        if required:
            raise LoadError(f"{directory}: no '{name}.parquet' (is this the --out of `rasad export --format parquet`?)")
        return []
    rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    return rows


def _event_no(uid: str) -> int:
    return int(uid.rsplit("-", 1)[1])


def _span(text: str | None, start: int | None, end: int | None) -> Span | None:
    return None if text is None or start is None or end is None else Span(text, int(start), int(end))


def _entity(r: dict[str, Any]) -> Entity:
    """An exported entity row (its document-local id in `local_id`) as the Spark rows' reader builds it."""
    return entity_from_row({**r, "entity_id": r["local_id"]})


def _event(r: dict[str, Any]) -> Event:
    if "local_id" not in r:
        raise LoadError("the events table has no analysis columns (exported by an older rasad); export it again")
    dated = any(r[c] is not None for c in ("date_text_start", "date_text_end", "date_phrase"))
    evidence = _span(r["evidence"], r["evidence_start"], r["evidence_end"])
    if evidence is None:
        raise LoadError(f"event {r['event_id']}: no evidence span")
    return Event(
        id=str(r["local_id"]),
        type=str(r["type"]),
        mode=r["mode"],
        cameo=r["cameo"],
        source=tuple(r["source_entities"] or ()),
        target=tuple(r["target_entities"] or ()),
        dyad=tuple(r["dyad"] or ()),
        location=r["location_entity"],
        date=DateValue(r["date_text_start"], r["date_text_end"], r["date_phrase"]) if dated else None,
        topics=tuple(r["topics"] or ()),
        context=tuple(r["contexts"] or ()),
        historical=bool(r["historical"]),
        confidence=float(r["confidence"]),
        evidence=evidence,
        trigger=_span(r["trigger_text"], r["trigger_start"], r["trigger_end"]),
    )


def read_export(directory: str | Path) -> tuple[list[Document], list[dict[str, Any]], list[dict[str, Any]]]:
    """The documents of an export as analysed (in the order they were stored), its event rows and its
    document rows."""
    d = Path(directory)
    docs = _rows(d, "documents")
    entities: dict[str, list[dict[str, Any]]] = {}
    for r in _rows(d, "entities"):
        entities.setdefault(str(r["document_id"]), []).append(r)
    event_rows = _rows(d, "events")
    events: dict[str, list[dict[str, Any]]] = {}
    for r in sorted(event_rows, key=lambda r: _event_no(str(r["event_id"]))):
        events.setdefault(str(r["document_id"]), []).append(r)
    out = []
    for doc in docs:
        uid = str(doc["document_id"])
        out.append(
            Document(
                doc_id=str(doc["name"]),
                lang=str(doc["lang"]),
                title=doc["title"],
                published=doc["published"],
                source=doc["source"],
                text_sha256=str(doc["text_sha256"]),
                entities=tuple(_entity(r) for r in entities.get(uid, [])),
                events=tuple(_event(r) for r in events.get(uid, [])),
                warnings=tuple(doc.get("warnings") or ()),
                text=str(doc["text"]),
                url=doc["url"],
            )
        )
    return out, event_rows, docs


def load_export(conn: sqlite3.Connection, directory: str | Path) -> IngestStats:
    """Store the documents of a store's Parquet export; into an empty store, exactly as exported."""
    d = Path(directory)
    documents, event_rows, doc_rows = read_export(d)
    edits = _rows(d, "actor_edits", required=False)
    created = {str(r["story_id"]): r.get("created_at") for r in _rows(d, "stories", required=False)}
    empty = conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
    stats = ingest_documents(conn, documents)
    if empty and not stats.failed:
        with transaction(conn):
            _restore(conn, event_rows, doc_rows, edits, created)
    return stats


def _restore(
    conn: sqlite3.Connection,
    event_rows: list[dict[str, Any]],
    doc_rows: list[dict[str, Any]],
    edits: list[dict[str, Any]],
    created: dict[str, Any],
) -> None:
    """What the ingest of a fresh store gives anew, set back to the export's: event ids (a re-analysed
    document's are not 1..n), story ids and membership, analysis stamps, the analysts' actor corrections."""
    from rasad.store import actors

    doc_ids = {str(r[0]): int(r[1]) for r in conn.execute("SELECT uid, id FROM documents")}
    for r in doc_rows:
        conn.execute(
            "UPDATE documents SET rasad_version = ?, data_version = ?, ingested_at = ?, analysed_at = ?, "
            "next_event_no = max(next_event_no, coalesce(?, 0)) WHERE uid = ?",
            (r["rasad_version"], r["data_version"], r["ingested_at"], r["analysed_at"], r.get("next_event_no"),
             r["document_id"]),
        )  # fmt: skip
    # event ids: parked first, so that ids trading places within a document never collide
    conn.execute("UPDATE events SET uid = '~' || uid")
    conn.executemany(
        "UPDATE events SET uid = ? WHERE document_id = ? AND local_id = ?",
        [(r["event_id"], doc_ids[str(r["document_id"])], r["local_id"]) for r in event_rows],
    )
    # stories: the export's, with its numbers
    conn.execute("UPDATE events SET story_id = NULL")
    conn.execute("DELETE FROM stories")
    stories = sorted({int(str(r["story_id"])[1:]) for r in event_rows if r["story_id"]})
    conn.executemany(
        "INSERT INTO stories (id, created_at) VALUES (?, ?)", [(s, created.get(f"S{s}") or now()) for s in stories]
    )
    conn.executemany(
        "UPDATE events SET story_id = ? WHERE uid = ?",
        [(int(str(r["story_id"])[1:]), r["event_id"]) for r in event_rows if r["story_id"]],
    )
    for e in edits:
        if e["op"] == "merge":
            actors.merge(conn, str(e["actor"]), str(e["other"]))
        elif e["op"] == "split" and e["variant"]:
            actors.split(conn, str(e["actor"]), str(e["variant"]))
    if edits:
        # the corrections as they were made (the replay above recorded them anew, with today's time)
        conn.execute("DELETE FROM actor_edits")
        conn.executemany(
            "INSERT INTO actor_edits (op, actor, other, variant, created_at) VALUES (?, ?, ?, ?, ?)",
            [(e["op"], e["actor"], e["other"], e["variant"], e["created_at"]) for e in edits],
        )
