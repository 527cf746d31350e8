"""Files written whole or not at all: a temporary file in the same folder, renamed into place when complete.

A full disk, a kill or a crash halfway through leaves the previous file as it was and no partial
file beside it; readers never see half a file. Every file the commands write goes through here.
"""
from __future__ import annotations

import errno
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from .errors import UserError

_ADVICE = {
    errno.ENOSPC: "the disk is full; free some space or choose another disk",
    errno.EDQUOT: "the disk quota is used up; free some space or choose another disk",
    errno.EFBIG: "the file would be larger than this system allows; choose another disk",
    errno.EROFS: "the disk is read-only; choose a folder you can write to",
    errno.EACCES: "permission denied; choose a folder you can write to",
    errno.EPERM: "permission denied; choose a folder you can write to",
    errno.EISDIR: "that is a folder; give a file name",
    errno.ENOTDIR: "part of the path is a file, not a folder; check the path",
    errno.EEXIST: "the file exists already; choose another name",
    errno.ENAMETOOLONG: "the name is too long; choose a shorter one",
    errno.ENOENT: "no such folder; create it first or check the path",
}


def same_file(first: str | Path, second: str | Path) -> bool:
    """Whether two paths name one existing file, however spelt (relative, through links, a hard link):
    an output must never be written over an input."""
    try:
        return Path(first).expanduser().samefile(Path(second).expanduser())
    except (OSError, RuntimeError):  # one of them does not exist (or is a link loop): not the same file
        return False


def write_error(path: str | Path, error: OSError) -> UserError:
    """One clear message for a failed write: which file, what went wrong, what to do."""
    advice = _ADVICE.get(error.errno, f"{error.strerror or error}; choose a folder you can write to")
    return UserError(f"cannot write {path}: {advice}. Nothing was written; any earlier {Path(path).name} is unchanged.")


def _file_mode() -> int:
    """The permissions a newly created file gets here (0666 less the umask), not the private 0600 of a temporary."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def atomic_open(path: str | Path, mode: str = "w", *, encoding: str | None = "utf-8", newline: str | None = None,
                overwrite: bool = True, make_folders: bool = False) -> Iterator[IO]:
    """Open a temporary file beside ``path`` for writing; rename it to ``path`` when the block ends without error.

    On any error the temporary file is removed and ``path`` keeps its old content. ``overwrite=False``
    refuses to replace an existing file (the check and the rename are one step); ``make_folders``
    creates missing folders on the way. OS errors become a
    :class:`UserError` from :func:`write_error`.
    """
    path = Path(path)
    if path.is_dir():
        raise write_error(path, IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)))
    temporary: str | None = None
    try:
        if make_folders:
            path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        binary = "b" in mode
        with os.fdopen(handle, "wb" if binary else "w", encoding=None if binary else encoding,
                       newline=None if binary else newline) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, _file_mode())
        if overwrite:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # fails if path exists, never replaces it
            os.unlink(temporary)
        temporary = None
    except OSError as error:
        raise write_error(path, error) from None
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def write_atomic(path: str | Path, content: str | bytes, *, encoding: str = "utf-8", overwrite: bool = True,
                 make_folders: bool = False) -> Path:
    """Write ``content`` (text or bytes) to ``path`` whole or not at all; return ``path``."""
    with atomic_open(path, "wb", overwrite=overwrite, make_folders=make_folders) as stream:
        stream.write(content.encode(encoding) if isinstance(content, str) else content)
    return Path(path)
