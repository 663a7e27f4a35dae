"""The monitor's tables in the corpus store's database, created or upgraded when the monitor opens it.

The store's own migrations (`rasad.store.db`) know nothing of the monitor, so the monitor keeps its own
numbered sections in `schema_monitor.sql` and its own version in the store's `meta` table; the store's
`user_version` is never touched, so a store used by the monitor still opens everywhere.
"""

from __future__ import annotations

import sqlite3
from importlib import resources as importlib_resources
from pathlib import Path

from rasad.store.db import Migration, OpenResult, connect, parse_migrations, transaction

VERSION_KEY = "monitor_schema_version"


class MonitorError(Exception):
    """The monitor cannot do what was asked; the message says why and what to do."""


def load_monitor_migrations() -> tuple[Migration, ...]:
    text = (importlib_resources.files("rasad.monitor") / "schema_monitor.sql").read_text(encoding="utf-8")
    return parse_migrations(text)


def monitor_schema_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (VERSION_KEY,)).fetchone()
    return int(row[0]) if row else 0


def ensure_monitor_schema(conn: sqlite3.Connection) -> None:
    """Create or upgrade the monitor's tables; each section in its own transaction, checked again under the
    write lock so that two processes opening the store at once do not both apply it."""
    migrations = load_monitor_migrations()
    if monitor_schema_version(conn) >= len(migrations):
        return
    for m in migrations:
        with transaction(conn):
            current = monitor_schema_version(conn)
            if current >= m.version:
                continue
            for stmt in m.statements:
                conn.execute(stmt)
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (VERSION_KEY, str(m.version)),
            )


def open_store(path: str | Path, *, write: bool = True) -> OpenResult:
    """The store at `path` (created when `write`), with the monitor's tables in place."""
    opened = connect(path, create=write, migrate=write)
    try:
        version = monitor_schema_version(opened.conn)
        latest = len(load_monitor_migrations())
        if version > latest:
            raise MonitorError(f"{path}: monitor tables of a newer rasad (version {version}); upgrade rasad")
        ensure_monitor_schema(opened.conn)
    except BaseException:
        opened.conn.close()
        raise
    return opened
