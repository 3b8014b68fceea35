"""How the ``finemotor`` commands read the names a person types: children and items.

One resolver for every command that asks for a child (:func:`resolve_child`): a whole id, a
unique id prefix (4 or more characters) or a unique nickname, in any case. An ambiguous name
lists the children it could mean (nickname and short id); an unknown one says so and points to
``finemotor children list``. Item names (shapes, letters, routines...) are matched in any case,
and an unknown one gets a "did you mean" and the list (:func:`match_name`).

Pure Python and light to import (no pandas, no pygame): ``children`` and ``level`` use it.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from telemetry.children import Child, ChildrenRegistry
from telemetry.errors import UsageError

if TYPE_CHECKING:
    from games.kit.activity import Activity

PROG = "finemotor"
MIN_PREFIX = 4  # an id prefix shorter than this is too easy to type by accident
SHORT_ID = 8  # how much of an id a list of matches shows


def _unknown(text: str) -> UsageError:
    return UsageError(f"no child {text!r}: see `{PROG} children list` for nicknames and ids")


def resolve_child(data_dir: str | os.PathLike[str], text: str) -> Child:
    """The roster's child named by ``text``: a whole id, a unique id prefix (4+ characters) or
    a unique nickname (any case). An unknown or ambiguous name is one line that says what to
    do (a :class:`UsageError`)."""
    children = ChildrenRegistry(data_dir).list()
    wanted = " ".join(text.split())
    lowered = wanted.lower()
    exact = [c for c in children if c.child_id == lowered]
    if exact:
        return exact[0]
    by_name = [c for c in children if c.nickname.casefold() == wanted.casefold()]
    by_prefix = ([c for c in children if c.child_id.startswith(lowered)]
                 if len(wanted) >= MIN_PREFIX else [])
    found = list({c.child_id: c for c in (*by_name, *by_prefix)}.values())
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        listed = ", ".join(f"{c.nickname} ({c.child_id[:SHORT_ID]})" for c in found)
        raise UsageError(f"{text!r} could be more than one child: {listed}; "
                         "give more of the id")
    if wanted and len(wanted) < MIN_PREFIX and any(c.child_id.startswith(lowered)
                                                   for c in children):
        raise UsageError(f"no child {text!r}: an id prefix needs at least {MIN_PREFIX} "
                         f"characters (see `{PROG} children list` for nicknames and ids)")
    raise _unknown(text)


def _plain_id(text: str) -> bool:
    """A name that can be a folder of the data folder (no separator, not . or ..)."""
    return bool(text) and text not in (".", "..") and "/" not in text and "\\" not in text \
        and os.sep not in text


def resolve_child_id(data_dir: str | os.PathLike[str], text: str) -> str:
    """The id of the child named by ``text`` (as :func:`resolve_child`); also a whole id that
    has files in the data folder but no roster row (copied in from another device)."""
    try:
        return resolve_child(data_dir, text).child_id
    except UsageError:
        given = text.strip()
        data = Path(data_dir)
        if _plain_id(given) and ((data / "sessions" / given).is_dir()
                                 or (data / "children" / given).is_dir()):
            return given
        raise


def resolve_child_ids(data_dir: str | os.PathLike[str],
                      texts: Sequence[str] | None) -> list[str] | None:
    """:func:`resolve_child_id` for each of ``texts`` (in order, without repeats); None stays
    None (every child). Without a data folder they are left as given (the command then says
    the folder is missing, which is the problem)."""
    if not texts:
        return None
    if not Path(data_dir).is_dir():
        return list(texts)
    return list(dict.fromkeys(resolve_child_id(data_dir, t) for t in texts))


def match_name(text: str, known: Iterable[str], what: str, extra: str = "") -> str:
    """The one of ``known`` that ``text`` names, in any case; else a :class:`UsageError`:
    ``unknown WHAT 'x': did you mean y? (known: a, b, c EXTRA)``.

    An exact match wins over a case-insensitive one (``upper_B`` and ``lower_b`` differ only
    by more than case, but a list may hold names that do not).
    """
    names = list(dict.fromkeys(known))
    wanted = text.strip()
    if wanted in names:
        return wanted
    folded = [n for n in names if n.casefold() == wanted.casefold()]
    if len(folded) == 1:
        return folded[0]
    by_fold = {n.casefold(): n for n in names}
    close = [by_fold[m] for m in difflib.get_close_matches(wanted.casefold(), list(by_fold),
                                                           n=3, cutoff=0.6)]
    hint = f": did you mean {' or '.join(close)}?" if close else ""
    listed = ", ".join(names) if names else "none"
    raise UsageError(f"unknown {what} {text!r}{hint} (known: {listed}{extra})")


def find_item(activity: Activity, text: str) -> str:
    """The item id of ``activity`` that ``text`` names: ``*`` (every item), the id in any
    case, or a bare digit or letter (``5``, ``B``, ``b``); else a one-line error with a "did
    you mean" and the activity's items."""
    if text.strip() == "*" or activity.items is None:
        return text.strip() or "*"
    known = activity.items()
    return match_name(_item_alias(text.strip(), known), known, f"{activity.id} item",
                      extra="; '*' for every item")


def _item_alias(item: str, known: list[str] | None) -> str:
    """A bare digit or letter as a therapist types it (``5``, ``B``, ``b``) to its item id
    (``digit_5``, ``upper_B``, ``lower_b``) when the activity has such an item."""
    if known is None or item in known or len(item) != 1:
        return item
    kind = "digit" if item.isdigit() else "upper" if item.isupper() else "lower"
    alias = f"{kind}_{item}"
    return alias if alias in known else item


def path_arg(text: str) -> Path:
    """An argument type for a file or folder: a NUL character (which no path can hold) is a
    one-line usage error, not a ``ValueError`` deep in the file system calls."""
    if "\x00" in text:
        import argparse

        raise argparse.ArgumentTypeError(f"{text!r} is not a path: it holds a NUL character")
    return Path(text)


def check_outside_data(out: str | os.PathLike[str], data_dir: str | os.PathLike[str],
                       what: str = "the report") -> None:
    """Refuse an ``--out`` that is the data folder or inside it (a child's or a session's
    folder): ``what`` written there would mix with the children's data. Links are followed,
    so another path to the same folder is refused too. A :class:`UsageError`."""
    out_r, data_r = Path(out).expanduser().resolve(), Path(data_dir).expanduser().resolve()
    if out_r == data_r or data_r in out_r.parents:
        raise UsageError(f"--out {out} is inside the data folder {data_dir}: {what} would mix "
                         "with the children's data; choose a folder outside it")
