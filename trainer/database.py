"""Opening a records file safely: look at it read-only first, refuse anything that is not ours,
then create, migrate or simply open it for writing.

Nothing is written to a file until it is known to be a Service Recovery Lab records file (or a
new, empty one), so a wrong ``--db`` can never damage another program's data.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import platformdirs

from .errors import RecordsError
from .migrations import APPLICATION_ID, CORE_TABLES, CURRENT_VERSION, upgrade

SQLITE_HEADER = b"SQLite format 3\x00"
APP_DIR_NAME = "service-recovery-lab"
DB_FILE_NAME = "trainer-records.sqlite3"
BUSY_TIMEOUT_SECONDS = 5.0


def default_db_path() -> Path:
    """The records file used when no ``--db`` is given: one file in the user's data folder."""
    return platformdirs.user_data_path(APP_DIR_NAME, appauthor=False) / DB_FILE_NAME


def inspect_schema_version(path: Path) -> int:
    """Return the records schema version of `path` (0 for a missing or empty file) without writing.

    Raises RecordsError if the file is not SQLite, is damaged, or belongs to another program.
    """
    if not path.exists():
        return 0
    if path.is_dir():
        raise RecordsError(f"{path} is a folder, not a records file; give a file name with --db.")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise RecordsError(f"Cannot read {path} ({error.strerror}); check the file's permissions.") from None
    if not header:
        return 0
    if header != SQLITE_HEADER:
        raise RecordsError(
            f"{path} is not a Service Recovery Lab records file (file is not a database). "
            "It was left untouched; choose another file with --db."
        )
    # Without a write-ahead log beside it, "immutable" reads the file without creating any
    # companion files; with one (a program has it open, or one was killed), the log must be read.
    has_log = path.with_name(path.name + "-wal").exists()
    options = "mode=ro" if has_log else "mode=ro&immutable=1"
    try:
        reader = sqlite3.connect(f"{path.resolve().as_uri()}?{options}", uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    except sqlite3.Error as error:
        raise _damaged(path, error) from None
    try:
        return _read_identity(reader, path)
    except sqlite3.Error as error:
        raise _damaged(path, error) from None
    finally:
        reader.close()


def _read_identity(conn: sqlite3.Connection, path: Path) -> int:
    """Check application id, version, tables and page integrity of an open (read-only) file."""
    application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    objects = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}
    problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        raise _damaged(path, problems[0])
    if application_id == 0 and version == 0 and not objects:
        return 0  # an empty SQLite file: nothing in it to lose
    if application_id != APPLICATION_ID:
        shown = ", ".join(sorted(objects)[:5]) or "none"
        raise RecordsError(
            f"{path} is an SQLite database of another program (its tables: {shown}), not "
            "Service Recovery Lab records. It was left untouched; choose another file with --db."
        )
    if version > CURRENT_VERSION:
        raise RecordsError(
            f"{path} was written by a newer Service Recovery Lab (records schema v{version}; this "
            f"version reads up to v{CURRENT_VERSION}). It was left untouched; update Service Recovery Lab to open it."
        )
    if version < 1 or not CORE_TABLES <= objects:
        raise _damaged(path, "tables are missing")
    return version


def _damaged(path: Path, cause: object) -> RecordsError:
    return RecordsError(
        f"{path} is damaged and cannot be read ({cause}). It was left untouched; restore it from a "
        "backup, or choose another file with --db to start new records."
    )


def open_records_db(path: Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (creating or migrating if needed) the records file at `path` for reading and writing.

    With create=False a missing file is an error instead of the start of new records.
    """
    path = Path(path).expanduser()
    if not create and not path.exists():
        raise RecordsError(f"There is no records file at {path}; check --db, or create a session first.")
    version = inspect_schema_version(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise RecordsError(
            f"Cannot create the folder for {path} ({error.strerror}); choose a writable place with --db."
        ) from None
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)
    except sqlite3.Error as error:
        raise user_error_for(error, path) from None
    try:
        _prepare(conn, path, version)
    except BaseException as error:
        conn.close()
        if isinstance(error, sqlite3.Error):
            raise user_error_for(error, path) from None
        raise
    return conn


def _prepare(conn: sqlite3.Connection, path: Path, inspected_version: int) -> None:
    """Set durability options and bring the schema to the current version in one transaction."""
    # WAL: each commit is appended and synced; a killed process loses no committed record.
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    if 0 < inspected_version < CURRENT_VERSION:
        backup_before_migration(conn, path, inspected_version)
    with transaction(conn, path):
        # Read again under the write lock: another process may have created or migrated it.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if version == 0 and application_id == 0:
            upgrade(conn, 0)
        elif application_id == APPLICATION_ID and 1 <= version < CURRENT_VERSION:
            upgrade(conn, version)
        elif application_id != APPLICATION_ID or version != CURRENT_VERSION:
            raise RecordsError(f"{path} changed while it was being opened; close other programs using it and retry.")


def backup_before_migration(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy the file to ``<name>.v<version>-backup`` (never replacing an earlier copy) before migrating."""
    target = path.with_name(f"{path.name}.v{version}-backup")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.v{version}-backup{counter}")
    copy = sqlite3.connect(target)
    try:
        conn.backup(copy)
    finally:
        copy.close()
    return target


@contextmanager
def transaction(conn: sqlite3.Connection, path: Path) -> Iterator[sqlite3.Connection]:
    """Run a block as one write transaction: all of it is stored, or none of it.

    SQLite failures a user can fix (disk full, file locked or read-only) become RecordsError.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite may already have rolled back (e.g. disk full)
                conn.execute("ROLLBACK")
            raise
    except sqlite3.Error as error:
        raise user_error_for(error, path) from None


def user_error_for(error: sqlite3.Error, path: Path) -> Exception:
    """Turn an SQLite failure a user can fix (locked, full, read-only, unreadable) into a RecordsError."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return RecordsError(f"{path} is busy: another program is writing to it. Close it and try again.")
    if "disk is full" in text or "database or disk is full" in text:
        return RecordsError(f"The disk holding {path} is full; free some space and try again. Nothing was lost.")
    if "readonly" in text or "read-only" in text:
        return RecordsError(f"{path} is read-only; make it writable or choose another file with --db.")
    if "unable to open" in text:
        return RecordsError(f"Cannot open {path}; check that the folder exists and is writable, or use --db.")
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return _damaged(path, error)
    return error
