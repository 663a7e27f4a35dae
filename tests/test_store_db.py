"""Opening the store: connection settings, schema version, migrations, and refusing files that are not ours."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from rasad.store import db as dbmod
from rasad.store.db import APPLICATION_ID, StoreError, connect, integrity_problems, parse_migrations, schema_version
from rasad.store.ingest import ingest_documents
from test_store_helpers import VERSIONS, corpus, count


def test_new_store_has_the_schema_version_and_settings(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    opened = connect(path)
    conn = opened.conn
    try:
        assert opened.migrated_from is None
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version() >= 1
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        assert meta["schema_version"] == str(schema_version())
        assert integrity_problems(conn) == []
    finally:
        conn.close()


def test_reopening_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    conn = connect(path).conn
    ingest_documents(conn, corpus(), versions=VERSIONS)
    conn.close()
    before = path.read_bytes()
    opened = connect(path, create=False, migrate=False)
    assert opened.migrated_from is None and opened.backup is None
    assert count(opened.conn, "documents") == 3
    opened.conn.close()
    assert list(tmp_path.glob("*.bak*")) == []
    assert path.read_bytes() == before


def test_a_missing_file_is_not_created_by_a_reader(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such database"):
        connect(tmp_path / "none.db", create=False)
    assert not (tmp_path / "none.db").exists()


def test_a_foreign_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE notes (x TEXT)")
    other.execute("INSERT INTO notes VALUES ('mine')")
    other.commit()
    other.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a rasad store"):
        connect(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database" * 200)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a SQLite database"):
        connect(path)
    assert path.read_bytes() == before


def test_a_store_from_a_newer_rasad_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    conn = connect(path).conn
    conn.execute(f"PRAGMA user_version = {schema_version() + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer rasad"):
        connect(path)


MIGRATIONS_V2 = """
-- migration 1: first
PRAGMA application_id = 1918989156;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE documents_fts (x TEXT);
CREATE TABLE t (a INTEGER);
-- migration 2: second
ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'x';
CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN UPDATE t SET b = 'y' WHERE a = new.a; END;
"""


def test_migrations_upgrade_an_old_store_after_a_backup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    migrations = parse_migrations(MIGRATIONS_V2)
    assert [m.version for m in migrations] == [1, 2]
    assert len(migrations[1].statements) == 2  # the trigger body's semicolons do not split it
    path = tmp_path / "old.db"
    monkeypatch.setattr(dbmod, "load_migrations", lambda: migrations[:1])
    conn = connect(path).conn
    conn.execute("INSERT INTO t (a) VALUES (1)")
    conn.close()

    monkeypatch.setattr(dbmod, "load_migrations", lambda: migrations)
    with pytest.raises(StoreError, match="older"):
        connect(path, migrate=False)
    opened = connect(path)
    assert opened.migrated_from == 1
    assert opened.backup is not None and opened.backup.exists()
    conn = opened.conn
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    assert conn.execute("SELECT a, b FROM t").fetchall() == [(1, "x")]
    conn.close()
    backup = sqlite3.connect(opened.backup)
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 1
    assert backup.execute("SELECT a FROM t").fetchall() == [(1,)]
    backup.close()


def test_a_failing_migration_leaves_the_previous_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = parse_migrations(MIGRATIONS_V2.replace("ALTER TABLE t ADD COLUMN b", "ALTER TABLE nosuch ADD COLUMN b"))
    path = tmp_path / "old.db"
    monkeypatch.setattr(dbmod, "load_migrations", lambda: broken[:1])
    connect(path).conn.close()
    monkeypatch.setattr(dbmod, "load_migrations", lambda: broken)
    with pytest.raises(sqlite3.OperationalError):
        connect(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


def test_migration_numbers_must_follow_each_other() -> None:
    with pytest.raises(StoreError, match="out of order"):
        parse_migrations("-- migration 1: a\nCREATE TABLE a (x);\n-- migration 3: c\nCREATE TABLE c (x);\n")


def test_the_shipped_schema_parses_into_statements() -> None:
    migrations = dbmod.load_migrations()
    assert migrations[0].title == "initial schema"
    assert all(sqlite3.complete_statement(s) for m in migrations for s in m.statements)
