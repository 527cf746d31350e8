"""Opening a records file safely: look at it read-only first, refuse anything that is not ours,
then create, migrate or simply open it for writing.

Nothing is written to a file until it is known to be a Service Recovery Lab records file (or a
new, empty one), so a wrong ``--db`` can never damage another program's data.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import platformdirs

from .errors import RecordsBusy, RecordsError
from .migrations import APPLICATION_ID, CORE_TABLES, CURRENT_VERSION, upgrade

SQLITE_HEADER = b"SQLite format 3\x00"
APP_DIR_NAME = "service-recovery-lab"
DB_FILE_NAME = "trainer-records.sqlite3"
BUSY_TIMEOUT_SECONDS = 5.0
FULL_DISK_BYTES = 1 << 20  # less free space than this, and an I/O error is taken to be a full disk


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
    if not path.is_file():
        raise RecordsError(f"{path} is not a regular file (a device, pipe or socket); give a records file name with --db.")
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
    try:
        reader = connect_read_only(path)
    except sqlite3.Error as error:
        raise user_error_for(error, path) from None
    try:
        return _read_identity(reader, path)
    except sqlite3.Error as error:
        raise user_error_for(error, path) from None
    finally:
        reader.close()


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection that creates nothing beside the file.

    Without a write-ahead log beside it, "immutable" reads the file without any companion files;
    with one (a program has it open, or one was killed), the log must be read too.
    """
    has_log = path.with_name(path.name + "-wal").exists()
    options = "mode=ro" if has_log else "mode=ro&immutable=1"
    return sqlite3.connect(f"{path.resolve().as_uri()}?{options}", uri=True, timeout=BUSY_TIMEOUT_SECONDS,
                           isolation_level=None, check_same_thread=False)


def is_writable(path: Path) -> bool:
    """Whether this process may change the file and create its companions (-wal, -shm) beside it."""
    folder = path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return False
    except OSError:
        return False
    return os.access(folder, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


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
    """The message for a file that SQLite's own checks found corrupt (and only for such a file)."""
    return RecordsError(
        f"{path} is damaged and cannot be read ({cause}). It was left untouched; restore it from a "
        "backup, or choose another file with --db to start new records."
    )


def open_records_db(path: Path, *, create: bool = True) -> tuple[sqlite3.Connection, bool]:
    """Open (creating or migrating if needed) the records file at `path`; return it and whether it is read-only.

    A file that this process may not change (a read-only file, folder or medium) is opened read-only,
    creating nothing beside it: its records can be read, and any attempt to record says why not.
    With create=False a missing file is an error instead of the start of new records.
    """
    path = Path(path).expanduser()
    if not create and not path.exists():
        raise RecordsError(f"There is no records file at {path}; check --db, or create a session first.")
    version = inspect_schema_version(path)
    if path.exists() and not is_writable(path):
        return _open_read_only(path, version), True
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise RecordsError(
            f"Cannot create the folder for {path} ({error.strerror}); choose a writable place with --db."
        ) from None
    is_new = not path.exists()
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)
    except sqlite3.Error as error:
        raise user_error_for(error, path) from None
    try:
        _prepare(conn, path, version)
    except BaseException as error:
        conn.close()
        if is_new:
            _remove_new_file(path)
        if isinstance(error, sqlite3.Error):
            raise user_error_for(error, path) from None
        raise
    return conn, False


def _open_read_only(path: Path, version: int) -> sqlite3.Connection:
    if version == 0:
        raise RecordsError(f"{path} is empty and read-only, so no records can be kept in it; choose another file with --db.")
    if version < CURRENT_VERSION:
        raise RecordsError(
            f"{path} holds records in an older format (v{version}) and is read-only, so it cannot be brought up to "
            f"date; copy it to a place you can write to and open the copy."
        )
    try:
        conn = connect_read_only(path)
        conn.execute("PRAGMA query_only = ON")
        return conn
    except sqlite3.Error as error:
        raise user_error_for(error, path) from None


def _remove_new_file(path: Path) -> None:
    """Remove a records file this open was creating (and its companions) when creating it failed."""
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm", f"{path.name}-journal"):
        try:
            (path.parent / name).unlink(missing_ok=True)
        except OSError:
            pass


def _prepare(conn: sqlite3.Connection, path: Path, inspected_version: int) -> None:
    """Set durability options and bring the schema to the current version in one transaction.

    An upgrade runs after a complete backup and before the file is switched to write-ahead
    logging, so an upgrade that cannot finish (a full disk) leaves the file byte for byte as it was.
    """
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    upgrading = 0 < inspected_version < CURRENT_VERSION
    if upgrading:
        backup_before_migration(conn, path, inspected_version)
    else:
        # WAL: each commit is appended and synced; a killed process loses no committed record.
        conn.execute("PRAGMA journal_mode = WAL")
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
    if upgrading:
        conn.execute("PRAGMA journal_mode = WAL")


def backup_before_migration(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy the file to ``<name>.v<version>-backup`` (never replacing an earlier copy) before migrating.

    The copy is made under a temporary name and renamed when complete, so a copy that cannot be
    finished (a full disk) leaves no backup file at all rather than an empty or partial one.
    """
    target = path.with_name(f"{path.name}.v{version}-backup")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.v{version}-backup{counter}")
    partial = target.with_name(f".{target.name}.part")
    try:
        copy = sqlite3.connect(partial)
        try:
            conn.backup(copy)
        finally:
            copy.close()
        os.link(partial, target)  # never replaces a backup made meanwhile
    except (sqlite3.Error, OSError) as error:
        raise RecordsError(
            f"Cannot upgrade {path}: the backup copy made first could not be written ({_reason(error, target)}). "
            "The file was left as it was; free some space, or open it where there is room."
        ) from None
    finally:
        for leftover in (partial, partial.with_name(partial.name + "-journal")):
            leftover.unlink(missing_ok=True)
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
    """Turn an SQLite failure a user can fix into a RecordsError naming it; other errors are returned as they are.

    Each cause has its own message, and a file is called damaged only when SQLite found it corrupt.
    """
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(error).lower()
    if primary is None and "i/o error" in text:
        primary = sqlite3.SQLITE_IOERR
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in text:
        return RecordsBusy(f"{path} is busy: another program is writing to it. Close it and try again. "
                           "Nothing was lost.")
    if primary == sqlite3.SQLITE_FULL or "disk is full" in text or (primary == sqlite3.SQLITE_IOERR and _disk_full(path)):
        return RecordsError(f"The disk holding {path} is full; free some space and try again. Nothing was lost.")
    if primary == sqlite3.SQLITE_READONLY or "readonly" in text:
        return RecordsError(f"{path} is read-only, so nothing can be recorded in it; make it writable, or choose "
                            "another file with --db.")
    if primary == sqlite3.SQLITE_IOERR:
        return RecordsError(f"Could not read or write {path} ({error}); the disk may be failing, removed or a network "
                            "share that went away. Records stored before are kept; check the disk and try again.")
    if primary == sqlite3.SQLITE_CANTOPEN or "unable to open" in text:
        return RecordsError(f"Cannot open {path}; check that the folder exists and is writable, or use --db.")
    if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or "malformed" in text:
        return _damaged(path, error)
    return error


def _disk_full(path: Path) -> bool:
    """Whether the file system holding ``path`` has (next to) no room left: SQLite reports that as an I/O error."""
    try:
        return shutil.disk_usage(path.parent).free < FULL_DISK_BYTES
    except OSError:
        return False


def _reason(error: Exception, path: Path) -> str:
    """A few words on why writing ``path`` failed."""
    if isinstance(error, OSError) and error.errno != errno.ENOSPC:
        return error.strerror or str(error)
    code = getattr(error, "sqlite_errorcode", None) or 0
    full = isinstance(error, OSError) or code & 0xFF == sqlite3.SQLITE_FULL or _disk_full(path)
    return "the disk is full" if full else str(error)
