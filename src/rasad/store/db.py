"""Opening a rasad store: connection settings, schema version and migrations.

The database file is the user's data. Opening never rewrites a file that is not a rasad store,
refuses a store written by a newer rasad, and upgrades an older one only when asked to write,
after copying it to a backup beside it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources as importlib_resources
from pathlib import Path

APPLICATION_ID = 1918989156  # 'rasd', also set by migration 1
BUSY_TIMEOUT_MS = 10_000
MEMORY = ":memory:"

_MIGRATION = re.compile(r"^-- migration (\d+): (.+)$", re.MULTILINE)


class StoreError(Exception):
    """The store cannot be opened or used as asked; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    title: str
    statements: tuple[str, ...]


def _split_statements(sql: str) -> tuple[str, ...]:
    """SQL statements of a script; `sqlite3.complete_statement` knows about trigger bodies."""
    out: list[str] = []
    buf = ""
    for line in sql.splitlines(keepends=True):
        if not buf and (not line.strip() or line.lstrip().startswith("--")):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        raise StoreError(f"schema.sql: unterminated statement: {buf.strip()[:60]}")
    return tuple(out)


def parse_migrations(sql: str) -> tuple[Migration, ...]:
    """The numbered sections of schema.sql, checked to run 1, 2, 3, ... without gaps."""
    heads = list(_MIGRATION.finditer(sql))
    migrations: list[Migration] = []
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(sql)
        version = int(m.group(1))
        if version != i + 1:
            raise StoreError(f"schema.sql: migration {version} out of order (expected {i + 1})")
        migrations.append(Migration(version, m.group(2).strip(), _split_statements(sql[m.end() : end])))
    if not migrations:
        raise StoreError("schema.sql: no migrations")
    return tuple(migrations)


def load_migrations() -> tuple[Migration, ...]:
    text = (importlib_resources.files("rasad.store") / "schema.sql").read_text(encoding="utf-8")
    return parse_migrations(text)


def schema_version() -> int:
    """The schema version this rasad writes."""
    return len(load_migrations())


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def analysis_versions() -> tuple[str, str]:
    """(rasad version, data version) recorded with every analysed document."""
    import rasad

    try:
        from rasad.resources import data_version
    except ImportError:  # the analysis stack is not importable; the data version is the same file
        from rasad.lexicon import DATA_DIR

        return str(getattr(rasad, "__version__", "0+unknown")), (DATA_DIR / "VERSION").read_text("utf-8").strip()
    return str(getattr(rasad, "__version__", "0+unknown")), data_version()


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction; IMMEDIATE takes the write lock up front so it cannot fail half-way on a lock."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _configure(conn: sqlite3.Connection, path: str) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if path != MEMORY:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"{path}: cannot use write-ahead logging (journal mode {mode})")
        # NORMAL is safe against process crashes in WAL mode; only a power cut can lose the last commits.
        conn.execute("PRAGMA synchronous = NORMAL")


def _has_tables(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0] > 0


def _backup(conn: sqlite3.Connection, path: str, version: int) -> Path:
    target = Path(f"{path}.schema{version}.bak")
    n = 1
    while target.exists():
        n += 1
        target = Path(f"{path}.schema{version}.bak{n}")
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


def _migrate(conn: sqlite3.Connection, current: int, migrations: tuple[Migration, ...]) -> None:
    for m in migrations[current:]:
        with transaction(conn):
            for stmt in m.statements:
                conn.execute(stmt)
            conn.execute(f"PRAGMA user_version = {m.version}")
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(m.version),),
            )
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                ("created_at", now()),
            )


@dataclass(frozen=True, slots=True)
class OpenResult:
    conn: sqlite3.Connection
    migrated_from: int | None  # schema version before an upgrade, None when none was needed
    backup: Path | None


def connect(path: str | Path, *, create: bool = True, migrate: bool = True) -> OpenResult:
    """Open (and if needed create or upgrade) a store.

    `create=False` refuses a missing file, for commands that only read. `migrate=False` refuses a store
    with an older schema instead of upgrading it.
    """
    spath = str(path)
    if spath != MEMORY:
        p = Path(spath)
        if p.is_dir():
            raise StoreError(f"{spath}: is a directory, not a database file")
        if not p.exists() and not create:
            raise StoreError(f"{spath}: no such database (create it with `rasad ingest PATH --db {spath}`)")
    # isolation_level=None: transactions are explicit (see `transaction`), never opened behind our back
    conn = sqlite3.connect(spath, isolation_level=None, check_same_thread=False)
    try:
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            has_tables = _has_tables(conn)
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{spath}: not a SQLite database ({e})") from None
        if has_tables and app_id != APPLICATION_ID:
            raise StoreError(f"{spath}: a SQLite database, but not a rasad store; refusing to touch it")
        migrations = load_migrations()
        latest = len(migrations)
        if version > latest:
            raise StoreError(
                f"{spath}: written by a newer rasad (schema {version}; this rasad knows {latest}); upgrade rasad"
            )
        _configure(conn, spath)
        backup: Path | None = None
        migrated_from: int | None = None
        if version < latest:
            if version > 0 and not migrate:
                raise StoreError(
                    f"{spath}: schema {version} is older than {latest}; run `rasad ingest --db {spath}` to upgrade it"
                )
            if version > 0 and spath != MEMORY:
                backup = _backup(conn, spath, version)
            migrated_from = version if version > 0 else None
            _migrate(conn, version, migrations)
        return OpenResult(conn, migrated_from, backup)
    except BaseException:
        conn.close()
        raise


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """Everything `PRAGMA integrity_check`, `foreign_key_check` and FTS5 report; empty when sound."""
    problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
    problems += [f"foreign key: {r[0]} row {r[1]} -> {r[2]}" for r in conn.execute("PRAGMA foreign_key_check")]
    try:
        conn.execute("INSERT INTO documents_fts (documents_fts) VALUES ('integrity-check')")
    except sqlite3.DatabaseError as e:
        problems.append(f"full-text index: {e}")
    return problems
