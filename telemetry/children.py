"""The roster of children: pseudonymous ids, nicknames and avatars, in ``<data>/children.csv``.

The nickname is the only personal detail the app keeps, and ``children.csv`` is the only file
that holds it: every other file names a child by ``child_id`` (a random ``uuid4`` hex, never
derived from the child's details). An anonymised export simply leaves ``children.csv`` out.

Files keyed by a child, all removed by :meth:`ChildrenRegistry.delete`:

* ``<data>/sessions/<child_id>/`` - every session folder of the child (telemetry);
* ``<data>/children/<child_id>/`` - anything else per child (settings, progress, goals): any
  layer that keeps per-child files must put them there, see :func:`child_files_dir`.

Pure Python (no pandas): the launcher uses it on the play path.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from telemetry import schema
from telemetry.errors import UsageError
from telemetry.recorder import iso_utc, utc_now
from telemetry.storage import atomic_write_bytes, ensure_private_dir, fsync_parents

CHILDREN_FILE = schema.CHILDREN.filename
MAX_NICKNAME = 40


@dataclass(frozen=True)
class Child:
    """One child of the roster. ``created_at`` is ISO 8601 UTC text."""

    child_id: str
    nickname: str
    avatar: str
    created_at: str


def child_files_dir(data_dir: str | os.PathLike[str], child_id: str) -> Path:
    """The folder for per-child files other than sessions (settings, progress); not created."""
    return Path(data_dir) / "children" / child_id


def _check_utf8(what: str, text: str) -> None:
    """Reject text that cannot be stored as UTF-8 (lone surrogates) with a one-line message.

    A command-line argument that is not valid UTF-8 (``$'Zo\\xeb'``, a Latin-1 terminal)
    reaches Python as surrogate escapes; it would fail later, deep in the CSV encoder.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        pass
    else:
        return
    try:  # show the bytes as typed (Zo\xeb), not Python's surrogate escapes (Zo\udceb)
        shown = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that did not come from bytes
        shown = text.encode("utf-8", "backslashreplace").decode("utf-8")
    raise UsageError(f'{what} "{shown}" is not valid UTF-8: type it again in a UTF-8 terminal')


def _clean_nickname(nickname: str) -> str:
    name = " ".join(str(nickname).split())  # strip, and no tabs or line breaks inside
    _check_utf8("nickname", name)
    if not name:
        raise UsageError("nickname is empty: give the child a nickname of 1 to 40 characters")
    if len(name) > MAX_NICKNAME:
        raise UsageError(
            f"nickname is {len(name)} characters long: use 1 to {MAX_NICKNAME} characters"
        )
    return name


class ChildrenRegistry:
    """Add, list, rename and delete children in a data folder's ``children.csv``."""

    def __init__(self, data_dir: str | os.PathLike[str]) -> None:
        """Use the roster of ``data_dir`` (nothing is created until the first change)."""
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / CHILDREN_FILE

    def _read(self) -> list[Child]:
        try:
            # utf-8-sig: Excel's "CSV UTF-8" starts the file with a byte-order mark.
            text = self.path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            return []
        except UnicodeDecodeError:
            # E.g. saved as Latin-1 by a spreadsheet. Every change reads first, so nothing is
            # written while this stands and the roster is not touched; the grown-up re-saves it.
            raise UsageError(
                f"{self.path} is not UTF-8 text: save it again as UTF-8 (in Excel: CSV UTF-8)"
            ) from None
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if header is None:
            return []
        if tuple(header) != schema.CHILDREN.header:
            raise UsageError(
                f"{self.path}: unexpected header {','.join(header)!r}, "
                f"expected {','.join(schema.CHILDREN.header)!r}"
            )
        return [Child(*row) for row in reader if len(row) == len(schema.CHILDREN.header)]

    def _write(self, children: list[Child]) -> None:
        created: list[Path] = []
        ensure_private_dir(self.data_dir, created=created)
        parts = [schema.CHILDREN.header_line()]
        parts += [
            schema.encode_plain_row((c.child_id, c.nickname, c.avatar, c.created_at))
            for c in children
        ]
        atomic_write_bytes(self.path, b"".join(parts))  # fsyncs the data folder too
        # A data folder made just now: its own entry (and those of parents made with it)
        # lives in the folder above, so a power cut could lose the whole roster without this.
        fsync_parents(created)

    def list(self) -> list[Child]:
        """Every child, sorted by nickname (case-insensitive), then by id."""
        return sorted(self._read(), key=lambda c: (c.nickname.casefold(), c.child_id))

    def get(self, child_id: str) -> Child:
        """The child with ``child_id``; :class:`UsageError` if there is none."""
        for child in self._read():
            if child.child_id == child_id:
                return child
        raise UsageError(f"unknown child id: {child_id}")

    def add(self, nickname: str, avatar: str = "") -> Child:
        """Add a child with a fresh random id; the nickname is stripped and 1..40 characters."""
        name = _clean_nickname(nickname)
        avatar = " ".join(str(avatar).split())
        _check_utf8("avatar", avatar)
        children = self._read()
        known = {c.child_id for c in children}
        child_id = uuid.uuid4().hex
        while child_id in known:  # astronomically unlikely; cheap to rule out
            child_id = uuid.uuid4().hex
        child = Child(child_id, name, avatar, iso_utc(utc_now()))
        self._write([*children, child])
        return child

    def rename(self, child_id: str, nickname: str) -> Child:
        """Give a child a new nickname and return the updated child."""
        name = _clean_nickname(nickname)
        children = self._read()
        for i, child in enumerate(children):
            if child.child_id == child_id:
                children[i] = Child(child.child_id, name, child.avatar, child.created_at)
                self._write(children)
                return children[i]
        raise UsageError(f"unknown child id: {child_id}")

    def delete(self, child_id: str) -> None:
        """Remove the child from the roster and every file and folder of that child.

        The roster row goes first (so the child vanishes from the app even if removing the
        files is interrupted), then ``sessions/<child_id>/`` and ``children/<child_id>/``.
        Deleting an id that has files but no roster row (e.g. copied in from another device)
        also works; an id with neither raises :class:`UsageError`.
        """
        children = self._read()
        remaining = [c for c in children if c.child_id != child_id]
        folders = [
            self.data_dir / "sessions" / child_id,
            child_files_dir(self.data_dir, child_id),
        ]
        # The id becomes a path component: refuse anything that could climb out of the folder.
        if not child_id or "/" in child_id or "\\" in child_id or child_id in (".", ".."):
            raise UsageError(f"unknown child id: {child_id}")
        existing = [f for f in folders if f.exists()]
        if len(remaining) == len(children) and not existing:
            raise UsageError(f"unknown child id: {child_id}")
        if len(remaining) != len(children):
            self._write(remaining)
        for folder in existing:
            shutil.rmtree(folder)
