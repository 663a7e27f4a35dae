"""A Spark run's Parquet tables into the SQLite store, so that the web interface can browse it.

The documents are rebuilt from the tables and stored in the run's input order by the store's own
ingest, exactly as `rasad ingest` stores them: idempotent by text hash, actors resolved by the store's
registry, stories assigned by the store. Loading needs pyarrow only, not Spark. The tables of one run
are read into memory whole: this is for runs the size a SQLite store serves (millions of documents
at most), not for a cluster's archive.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rasad.records import Document
from rasad.scale.rows import document_from_rows
from rasad.store.ingest import IngestStats, ingest_documents

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
    """Store every document of a Spark run; those already stored (same text) are left as they are."""
    return ingest_documents(conn, read_run(directory))
