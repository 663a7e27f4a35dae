"""Opening a rasad store: connection settings, schema version and migrations.

The database file is the user's data. Opening never rewrites a file that is not a rasad store,
refuses a store written by a newer rasad, and upgrades an older one only when asked to write,
after copying it to a backup beside it.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
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
    # the file beside this module, read directly: importlib.resources would add more start-up to every
    # command that opens a store than the rest of opening it
    text = Path(__file__).with_name("schema.sql").read_text(encoding="utf-8")
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
        conn.execute("COMMIT")  # inside the try: a COMMIT that fails (disk full) must roll back too
    except BaseException:
        # after an I/O error or a full disk SQLite may have rolled back already; a failing ROLLBACK
        # must not hide the error that says what went wrong
        if conn.in_transaction:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise


def _configure(conn: sqlite3.Connection, path: str, *, readonly: bool = False) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if readonly:
        conn.execute("PRAGMA query_only = 1")
        return
    if path != MEMORY:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"{path}: cannot use write-ahead logging (journal mode {mode})")
        # NORMAL is safe against process crashes in WAL mode; only a power cut can lose the last commits.
        conn.execute("PRAGMA synchronous = NORMAL")


# SQLite's primary error codes (and their extended codes) that come from the file or the machine, not from
# a bug: the conditions a user can do something about.
_ENVIRONMENT = (
    "SQLITE_FULL", "SQLITE_IOERR", "SQLITE_READONLY", "SQLITE_PERM", "SQLITE_BUSY", "SQLITE_LOCKED",
    "SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_CANTOPEN",
)  # fmt: skip


def environmental(e: sqlite3.Error) -> bool:
    """Whether the error is the file's or the machine's (full disk, read-only, damaged, locked), not a bug."""
    return str(getattr(e, "sqlite_errorname", "") or "").startswith(_ENVIRONMENT)


def describe_error(path: str | Path, e: sqlite3.Error) -> str:
    """One line for a user: what SQLite's error means for their database, and what to do about it."""
    name = str(getattr(e, "sqlite_errorname", "") or "")
    kept = "what was stored before is kept"
    if name.startswith("SQLITE_FULL"):
        return f"{path}: the disk is full ({e}); {kept}: free some space and run the same command again"
    if name.startswith("SQLITE_IOERR"):
        return (
            f"{path}: input/output error ({e}): the disk may be full, a file size limit reached or the disk "
            f"failing; {kept}: fix the cause and run the same command again"
        )
    if name.startswith(("SQLITE_READONLY", "SQLITE_PERM")):
        return (
            f"{path}: the database is read-only ({e}): this command writes to it, so it needs write permission on "
            "the file and its directory (for the -wal and -shm files)"
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return (
            f"{path}: the database is locked by another process (waited {BUSY_TIMEOUT_MS // 1000} s); try again "
            "when it has finished"
        )
    if name.startswith("SQLITE_CORRUPT"):
        return f"{path}: the database file is damaged ({e}); restore it from a backup, or try `sqlite3 {path} .recover`"
    if name.startswith("SQLITE_NOTADB"):
        return f"{path}: not a SQLite database ({e})"
    if name.startswith("SQLITE_CANTOPEN"):
        return f"{path}: cannot open the database file ({e}): check that it and its directory are accessible"
    return f"{path}: database error: {e}"


def _writable(path: Path) -> bool:
    """Whether this process may write the store's file, and its -wal and -shm files (created beside it)."""
    if path.exists() and not os.access(path, os.W_OK):
        return False
    beside = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    if all(b.exists() for b in beside):
        return all(os.access(b, os.W_OK) for b in beside)
    return os.access(path.parent, os.W_OK)


def open_readonly(path: Path) -> sqlite3.Connection:
    """A connection that cannot write (a file nobody may write can still be read).

    In a directory this process cannot write, SQLite cannot create the shared-memory file a WAL database
    is read with; when no log with unmerged commits lies beside the file, it is read as immutable instead.
    """
    uri = path.resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA application_id").fetchone()
        return conn
    except sqlite3.Error as e:
        conn.close()
        wal = Path(f"{path}-wal")
        name = str(getattr(e, "sqlite_errorname", ""))
        if not name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")):
            raise
        if wal.exists() and wal.stat().st_size:
            raise StoreError(
                f"{path}: cannot be read here: its write-ahead log ({wal.name}) holds commits, and reading them needs "
                "a shared-memory file in a directory this user may not write; make the directory writable, or "
                "run a command that writes to the store as a user who may"
            ) from None
    return sqlite3.connect(uri + "&immutable=1", uri=True, isolation_level=None, check_same_thread=False)


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


def connect(path: str | Path, *, create: bool = True, migrate: bool = True, readonly: bool = False) -> OpenResult:
    """Open (and if needed create or upgrade) a store.

    `create=False` refuses a missing file, for commands that only read. `migrate=False` refuses a store
    with an older schema instead of upgrading it. `readonly` opens a connection that cannot write (and
    implies both), which also reads a store in a file or directory this process may not write.
    Errors are `StoreError`s whose message says what is wrong and what to do.
    """
    spath = str(path)
    create = create and not readonly
    migrate = migrate and not readonly
    if spath != MEMORY:
        p = Path(spath)
        if p.is_dir():
            raise StoreError(f"{spath}: is a directory, not a database file")
        if not p.exists() and not create:
            raise StoreError(f"{spath}: no such database (create it with `rasad ingest PATH --db {spath}`)")
        if not readonly and not _writable(p):
            raise StoreError(
                f"{spath}: the database is read-only: this command writes to it, so it needs write permission on "
                "the file and its directory (for the -wal and -shm files)"
            )
    try:
        if readonly and spath != MEMORY:
            conn = open_readonly(Path(spath))
        else:
            # isolation_level=None: transactions are explicit (see `transaction`), never opened behind our back
            conn = sqlite3.connect(spath, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as e:
        raise StoreError(describe_error(spath, e)) from None
    try:
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            has_tables = _has_tables(conn)
        except sqlite3.Error as e:
            raise StoreError(describe_error(spath, e)) from None
        if has_tables and app_id != APPLICATION_ID:
            raise StoreError(f"{spath}: a SQLite database, but not a rasad store; refusing to touch it")
        migrations = load_migrations()
        latest = len(migrations)
        if version > latest:
            raise StoreError(
                f"{spath}: written by a newer rasad (schema {version}; this rasad knows {latest}); upgrade rasad"
            )
        if readonly and version < latest:
            raise StoreError(
                f"{spath}: an empty database, not a rasad store yet (create it with `rasad ingest PATH --db {spath}`)"
                if version == 0
                else f"{spath}: schema {version} is older than {latest}; run `rasad ingest --db {spath}` to upgrade it"
            )
        backup: Path | None = None
        migrated_from: int | None = None
        try:
            _configure(conn, spath, readonly=readonly)
            if version < latest:
                if version > 0 and not migrate:
                    raise StoreError(
                        f"{spath}: schema {version} is older than {latest}; run `rasad ingest --db {spath}` to "
                        "upgrade it"
                    )
                if version > 0 and spath != MEMORY:
                    backup = _backup(conn, spath, version)
                migrated_from = version if version > 0 else None
                _migrate(conn, version, migrations)
        except sqlite3.Error as e:
            if not environmental(e):
                raise  # a bug (in a migration, say), not a condition of the file
            raise StoreError(describe_error(spath, e)) from None
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
