"""pandas DataFrames of a store, for notebooks.

    from rasad.store import frames
    df = frames.events("corpus.db", dyad="IRN-TJK", type="CONSULT", since="2024")
    frames.stories("corpus.db", topic="drug_trafficking")
    frames.actors("corpus.db")

Filters are those of `rasad events` (see `rasad.store.query.make_filter`); dates come as datetime64 columns,
lists (dyad, topics, actors...) as Python lists.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rasad.store import export
from rasad.store.db import connect
from rasad.store.query import make_filter

if TYPE_CHECKING:
    import pandas as pd

Database = str | Path | sqlite3.Connection


@contextmanager
def _open(db: Database) -> Iterator[sqlite3.Connection]:
    if isinstance(db, sqlite3.Connection):
        yield db
        return
    conn = connect(db, create=False, migrate=False).conn
    try:
        yield conn
    finally:
        conn.close()


def _frame(table: Any) -> pd.DataFrame:
    return table.to_pandas(date_as_object=False)


def events(db: Database, **filters: Any) -> pd.DataFrame:
    """One row per event record (report), latest first."""
    with _open(db) as conn:
        return _frame(export.events_table(conn, make_filter(**filters)))


def stories(db: Database, **filters: Any) -> pd.DataFrame:
    """One row per story (real-world event) with at least one record matching the filters."""
    with _open(db) as conn:
        return _frame(export.stories_table(conn, make_filter(**filters)))


def actors(db: Database) -> pd.DataFrame:
    """One row per actor in the registry, with its name variants."""
    with _open(db) as conn:
        return _frame(export.actors_table(conn))


def documents(db: Database) -> pd.DataFrame:
    """One row per stored document, with its text and the versions that analysed it."""
    with _open(db) as conn:
        return _frame(export.documents_table(conn))
