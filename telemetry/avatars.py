"""The names of the children's pictures (``children.csv``'s ``avatar`` column) and their rules.

A picture is a non-reader's only way to find themselves on "Who is playing?", so the roster
keeps one name per child from this fixed list: :class:`telemetry.children.ChildrenRegistry`
refuses any other name (:func:`check_avatar`), and a child added without one gets the first
picture no child of the data folder has yet (:func:`first_free_avatar`). The launcher draws
each name (``games/launcher/avatars.py``, OpenMoji pictures); the command line and
``demo-data`` validate with the same functions. This module is the one owner of the list.

The first eight names are those of earlier versions, so a ``children.csv`` they wrote keeps
its pictures. A name not in the list (a hand-edited file, a newer version's picture) is kept
in the file as it is; the launcher shows a neutral picture for it and says why.

Pure Python: the command line uses it without pygame.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from telemetry.errors import UsageError

AVATAR_NAMES: tuple[str, ...] = (
    # Earlier versions' eight, in their order (the first free one is given by default).
    "cat", "dog", "bear", "bunny", "frog", "owl", "fox", "panda",
    "lion", "pig", "penguin", "elephant", "unicorn", "ladybird", "whale", "monkey",
    "chick", "turtle", "butterfly", "octopus", "giraffe", "cow", "bee", "mouse",
    "snail", "fish", "parrot", "dinosaur",
)
_KNOWN = frozenset(AVATAR_NAMES)


def is_avatar(name: str) -> bool:
    """Whether ``name`` is exactly one of :data:`AVATAR_NAMES` (as stored: lower case)."""
    return name in _KNOWN


def unknown_avatar_message(name: str) -> str:
    """The one line that refuses picture ``name`` and lists the choices."""
    return f"unknown picture {name!r}: choose one of {', '.join(AVATAR_NAMES)}"


def check_avatar(name: str) -> str:
    """``name`` as stored (spaces stripped, lower case) if it is a known picture; otherwise
    :class:`UsageError` with :func:`unknown_avatar_message` (e.g. ``unknown picture 'lama':
    choose one of cat, dog, ...``)."""
    cleaned = " ".join(str(name).split()).lower()
    if cleaned not in _KNOWN:
        raise UsageError(unknown_avatar_message(" ".join(str(name).split())))
    return cleaned


def first_free_avatar(used: Iterable[str]) -> str:
    """The first of :data:`AVATAR_NAMES` that no name in ``used`` is; when every picture is
    taken, the first of those used the fewest times (so pictures repeat as little as can be)."""
    counts = Counter(name for name in used if name in _KNOWN)
    return min(AVATAR_NAMES, key=lambda name: counts[name])  # min keeps the first of ties
