"""Errors a person can fix: the CLI prints the message on one line and exits 2, no traceback.

Also :func:`describe_os_error`, the words for a read-only folder or a full disk.
"""

from __future__ import annotations

import errno
import os


class UsageError(Exception):
    """Bad input from a user (argument, id, folder); the message says what to do."""


class SchemaVersionError(UsageError):
    """Data written by a schema version this program cannot read."""


def describe_os_error(
    exc: BaseException, data_dir: str | os.PathLike[str] | None = None, *, advice: bool = True
) -> str:
    """One line in words for a file-system error a person can act on, without "[Errno 30]".

    Read-only folders and full disks are said as such, naming the data folder when the file
    lies in it (else the file's folder): never the name of a temporary file. Other errors
    give the system's words and the file. Follows ``__cause__`` to find the errno (the
    recorder wraps its writer's error). ``advice``: add what to do (the command line's
    words); the launcher shows the short form on one line of the screen.
    """
    err: BaseException | None = exc
    while err is not None and not (isinstance(err, OSError) and err.errno is not None):
        err = err.__cause__
    if not isinstance(err, OSError):
        return str(exc)
    where = _folder_of(err.filename, data_dir)
    code = err.errno
    if code == errno.EROFS:
        text = f"{where} is read-only: finemotor cannot save there"
        tip = "make it writable, or use another folder with --data-dir"
    elif code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        text = f"the disk is full: finemotor could not save in {where}"
        tip = "free some space and try again"
    elif code in (errno.EACCES, errno.EPERM):
        text = f"finemotor may not read or write {where} (permission denied)"
        tip = "check the folder's owner and permissions"
    else:
        reason = err.strerror or str(err)
        return f"{reason}: {where}" if err.filename else reason
    if not advice:
        return text
    return f"{text}: {tip}" if code in (errno.EACCES, errno.EPERM) else f"{text} ({tip})"


def _folder_of(filename: object, data_dir: str | os.PathLike[str] | None) -> str:
    """ "the data folder D" if ``filename`` is in ``data_dir``; else "the folder F" (the file's
    own folder, so a temporary file's name is never shown)."""
    if not isinstance(filename, (str, bytes, os.PathLike)):
        return "the data folder" if data_dir is None else f"the data folder {data_dir}"
    path = os.path.abspath(os.fsdecode(filename))
    if data_dir is not None:
        data = os.path.abspath(os.fsdecode(os.fspath(data_dir)))
        if path == data or path.startswith(data.rstrip(os.sep) + os.sep):
            return f"the data folder {data_dir}"
    folder = path if os.path.isdir(path) else os.path.dirname(path)
    return f"the folder {folder}"
