"""A child's progress file for one activity: ``<data>/children/<child_id>/<activity>.json``.

:class:`ProgressFile` is what an activity declares once (its id, its number of levels, its
success rule, the name of its per-item table) and then uses everywhere: the scene loads the
child's :class:`~games.kit.staircase.Staircase` and saves it after each trial, the set picker
reads mastery, and the grown-up side (``finemotor level``, the settings screen) reads levels
and pins them through the activity's ``read_levels`` / ``pin_level`` hooks, which are
:meth:`ProgressFile.read_levels` / :meth:`ProgressFile.pin_level`.

Files are written atomically with owner-only permissions
(:func:`telemetry.storage.atomic_write_json`); a missing or unreadable file reads as a fresh
start, never an error. Every read-modify-write goes through :meth:`ProgressFile.update`, the one
place that takes the file's OS lock (:func:`telemetry.locking.locked`), so the game saving a
trial and ``finemotor level`` pinning at the same time never lose either change.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from games.kit.staircase import DEFAULT_SUCCESS_ACCURACY, Staircase, SuccessRule, accuracy_at_least
from telemetry.locking import locked
from telemetry.storage import atomic_write_json, ensure_private_dir

T = TypeVar("T")


@dataclass(frozen=True)
class ProgressFile:
    """How one activity keeps per-child progress (see the module docstring)."""

    activity: str
    n_levels: int
    success_rule: SuccessRule = field(
        default=accuracy_at_least(DEFAULT_SUCCESS_ACCURACY), compare=False)
    items_key: str = "items"
    factory: Callable[[], Staircase] | None = field(default=None, compare=False)

    def fresh(self) -> Staircase:
        """A staircase with no trials yet (the activity's own subclass when it gives one)."""
        if self.factory is not None:
            return self.factory()
        return Staircase(n_levels=self.n_levels, success_rule=self.success_rule,
                         items_key=self.items_key)

    def path(self, data_dir: str | Path, child_id: str) -> Path:
        """``<data>/children/<child_id>/<activity>.json``."""
        return Path(data_dir) / "children" / child_id / f"{self.activity}.json"

    def load(self, path: str | Path) -> Staircase:
        """Read progress; a missing or unreadable file gives a fresh start (never an error)."""
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError):
            return self.fresh()
        return self.fresh().fill(data)

    def save(self, path: str | Path, progress: Staircase) -> None:
        """Write progress atomically, owner-only (the folder is created 0700 if needed)."""
        ensure_private_dir(Path(path).parent)
        atomic_write_json(path, progress.to_dict())

    def update(self, path: str | Path, change: Callable[[Staircase], T]) -> T:
        """Read the file, apply ``change`` to its staircase, write it back; returns what
        ``change`` returns. The one read-modify-write of a progress file."""
        ensure_private_dir(Path(path).parent)
        with locked(path):
            progress = self.load(path)
            out = change(progress)
            self.save(path, progress)
        return out

    def read_levels(self, data_dir: Path, child_id: str) -> dict[str, tuple[int, bool]]:
        """``{item: (level to play next, pinned)}`` for the items the child played or that a
        grown-up pinned (``"*"``: a pin for every item)."""
        progress = self.load(self.path(data_dir, child_id))
        items = sorted(set(progress.items) | set(progress.pinned))
        return {i: (progress.current_level(i), progress.is_pinned(i)) for i in items}

    def pin_level(self, data_dir: str | Path, child_id: str, item: str,
                  number: int | None) -> Path:
        """Pin (or with ``None`` unpin) a child's level for ``item`` (``"*"``: every item);
        returns the file's path. The staircase keeps counting but no longer moves a pinned
        level. A level outside ``1..n_levels`` is a ``ValueError`` and nothing is written."""
        path = self.path(data_dir, child_id)
        self.update(path, lambda progress: progress.pin(item, number))
        return path


def data_dir_of(app: object) -> Path | None:
    """The data folder a scene saves progress in: ``app.data_dir`` (the launcher sets it), or
    else read from the recorder's session folder (``<data>/sessions/<child>/<date>_<id>``);
    None when neither is known (a bare test app: progress is then not kept)."""
    d = getattr(app, "data_dir", None)
    if d is not None:
        return Path(d)
    folder = getattr(getattr(app, "recorder", None), "folder", None)
    return Path(folder).parents[2] if folder is not None else None
