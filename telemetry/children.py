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

import builtins
import contextlib
import csv
import dataclasses
import io
import os
import shutil
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from telemetry import schema
from telemetry.avatars import check_avatar, first_free_avatar
from telemetry.errors import UsageError
from telemetry.locking import locked
from telemetry.natural_sort import natural_key
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


def _check_visible(what: str, text: str) -> None:
    """Reject control and format characters (Unicode categories Cc, Cf) with a one-line message.

    Bidi overrides (U+202E) and zero-width characters (U+200B, U+200D, U+2060) are invisible:
    they could make one child's name look like another's, or reverse how a name reads.
    """
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf"):
            name = unicodedata.name(ch, "control character")
            raise UsageError(
                f"{what} contains an invisible or control character (U+{ord(ch):04X} {name}): "
                f"type it again with letters, digits, spaces and visible symbols only"
            )


def _clean_nickname(nickname: str) -> str:
    name = " ".join(str(nickname).split())  # strip, and no tabs or line breaks inside
    _check_utf8("nickname", name)
    _check_visible("nickname", name)
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

    def _write(self, children: list[Child], created: list[Path] | None = None) -> None:
        """Replace the roster; ``created``: folders just made for it, whose entries to fsync."""
        created = [] if created is None else created
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

    @contextlib.contextmanager
    def _changing(self) -> Iterator[None]:
        """Hold the roster's OS lock for one read-modify-write (see :mod:`telemetry.locking`).

        Without it two processes adding a child at once both read the old roster and the
        last to write drops the other's child. The data folder must exist first (the lock
        file lives in it): :meth:`add` creates it, the other changes need it anyway.
        """
        with locked(self.path):
            yield

    def list(self) -> list[Child]:
        """Every child, sorted by nickname as people count ("Sam 2" before "Sam 10", case
        and accents aside: :func:`telemetry.natural_sort.natural_key`), then by id."""
        return sorted(self._read(), key=lambda c: (natural_key(c.nickname), c.child_id))

    def get(self, child_id: str) -> Child:
        """The child with ``child_id``; :class:`UsageError` if there is none."""
        for child in self._read():
            if child.child_id == child_id:
                return child
        raise UsageError(f"unknown child id: {child_id}")

    def same_nickname(self, nickname: str) -> builtins.list[Child]:
        """The children already called ``nickname`` (ignoring case and extra spaces): adding
        one more is allowed, but a grown-up should be told (two Anas look alike in a list)."""
        wanted = " ".join(str(nickname).split()).casefold()
        return [c for c in self.list() if c.nickname.casefold() == wanted]

    def add(self, nickname: str, avatar: str = "") -> Child:
        """Add a child with a fresh random id; the nickname is stripped and 1..40 characters.

        ``avatar`` is one of :data:`telemetry.avatars.AVATAR_NAMES` (any case; another name is
        refused with the list of choices); empty: the first picture no child here has yet,
        chosen under the roster's lock, so two children added at once differ too.
        """
        return self.add_many([(nickname, avatar)])[0]

    def add_many(self, entries: Iterable[tuple[str, str]]) -> builtins.list[Child]:
        """Add several children (``(nickname, avatar)`` each, as for :meth:`add`) in one locked
        write of the roster, in order (``finemotor demo-data`` adds its children so)."""
        checked = []
        for nickname, avatar in entries:
            name = _clean_nickname(nickname)
            avatar = " ".join(str(avatar).split())
            _check_utf8("avatar", avatar)
            _check_visible("avatar", avatar)
            checked.append((name, check_avatar(avatar) if avatar else ""))
        created: list[Path] = []
        ensure_private_dir(self.data_dir, created=created)
        with self._changing():
            children = self._read()
            added: builtins.list[Child] = []
            for name, avatar in checked:
                if not avatar:
                    avatar = first_free_avatar(c.avatar for c in [*children, *added])
                known = {c.child_id for c in [*children, *added]}
                child_id = uuid.uuid4().hex
                while child_id in known:  # astronomically unlikely; cheap to rule out
                    child_id = uuid.uuid4().hex
                added.append(Child(child_id, name, avatar, iso_utc(utc_now())))
            self._write([*children, *added], created)
        return added

    def rename(self, child_id: str, nickname: str) -> Child:
        """Give a child a new nickname and return the updated child."""
        name = _clean_nickname(nickname)
        return self._change_child(child_id, lambda c: dataclasses.replace(c, nickname=name))

    def set_avatar(self, child_id: str, avatar: str) -> Child:
        """Give a child another picture (one of :data:`telemetry.avatars.AVATAR_NAMES`, any
        case; another name is refused with the list) and return the updated child."""
        picture = check_avatar(avatar)
        return self._change_child(child_id, lambda c: dataclasses.replace(c, avatar=picture))

    def _change_child(self, child_id: str, change: Callable[[Child], Child]) -> Child:
        """Replace one roster row by ``change(row)`` under the roster's lock; return it."""
        if not self.path.is_file():
            raise UsageError(f"unknown child id: {child_id}")
        with self._changing():
            children = self._read()
            for i, child in enumerate(children):
                if child.child_id == child_id:
                    children[i] = change(child)
                    self._write(children)
                    return children[i]
        raise UsageError(f"unknown child id: {child_id}")

    def delete(self, child_id: str) -> None:
        """Remove every file and folder of the child, then the child's roster row.

        ``sessions/<child_id>/`` and ``children/<child_id>/`` go first; a folder that is a
        symbolic link has the link removed, never what it points to. The roster row goes
        last, so if removing the files fails (a read-only disk, a file in use) the child is
        still listed and the delete can be tried again. Deleting an id that has files but no
        roster row (e.g. copied in from another device) also works; an id with neither raises
        :class:`UsageError`.
        """
        # The id becomes a path component: refuse anything that could climb out of the folder.
        if not child_id or "/" in child_id or "\\" in child_id or child_id in (".", ".."):
            raise UsageError(f"unknown child id: {child_id}")
        folders = [
            self.data_dir / "sessions" / child_id,
            child_files_dir(self.data_dir, child_id),
        ]
        existing = [f for f in folders if f.is_symlink() or f.exists()]
        listed = any(c.child_id == child_id for c in self._read())
        if not listed and not existing:
            raise UsageError(f"unknown child id: {child_id}")
        for folder in existing:
            _remove_folder(folder)
        if listed:
            # Re-read under the lock: a child added or renamed meanwhile must not be undone.
            with self._changing():
                children = self._read()
                remaining = [c for c in children if c.child_id != child_id]
                if len(remaining) != len(children):
                    self._write(remaining)


def _remove_folder(folder: Path) -> None:
    """Remove a child's folder; a symbolic link (or a file) in its place is unlinked, never
    followed, so nothing outside the data folder is touched."""
    if folder.is_symlink() or not folder.is_dir():
        folder.unlink()
    else:
        shutil.rmtree(folder)  # does not follow links inside the folder either
