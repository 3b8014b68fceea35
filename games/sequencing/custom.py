"""Custom routines with a family's or clinic's own photos, and which routines a child plays.

A routine file is a small text file::

    title: Going to nursery
    step: coat | Coat on | coat.jpg
    step: shoes | Shoes on | shoes.png
    step: door | Out of the door | openmoji:1F6AA
    before: coat < door
    before: shoes < door

Steps are listed in one order that works; without ``before:`` lines that order is the only
one. A picture is a PNG or JPEG file in the photo folder, ``openmoji:<hexcode>`` or
``drawn:<name>``. :func:`add_routine` checks everything first (the routine, every photo) and
only then writes ``<data>/routines/<id>/`` (owner-only): ``routine.txt`` and each photo shrunk
to fit :data:`PHOTO_PX` as ``<step>.png``. A mistake is one :class:`UsageError` line and
nothing is written.

What a child plays is a per-child setting, ``<data>/children/<id>/sequencing-settings.json``
(the routines, the prompting, drag or tap-then-tap), changed under the file lock.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from games.sequencing.routines import (
    BUILT_IN,
    Routine,
    RoutineError,
    Step,
    pairs_text,
    parse_pairs,
    validate,
)
from telemetry.errors import UsageError
from telemetry.locking import locked
from telemetry.profile import load_profile, update_profile
from telemetry.storage import DIR_MODE, FILE_MODE, atomic_write_json, ensure_private_dir

PHOTO_PX = 320  # the largest a card is shown (220 logical px, up to 1.45x on a big screen)
MAX_PHOTO_BYTES = 15 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
ROUTINE_FILE = "routine.txt"
PHOTO_SUFFIXES = (".png", ".jpg", ".jpeg")
_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
_LINE = re.compile(r"^(title|step|before)\s*:\s*(.*)$")


def routines_dir(data_dir: Path) -> Path:
    """Where custom routines live: ``<data>/routines``."""
    return Path(data_dir) / "routines"


def settings_path(data_dir: Path, child_id: str) -> Path:
    """The per-child sequencing settings file (routines, prompting, input)."""
    return Path(data_dir) / "children" / child_id / "sequencing-settings.json"


def parse_routine_text(text: str, routine_id: str, *, where: str) -> Routine:
    """A :class:`Routine` (``custom=True``) from routine-file text; errors name ``where`` and
    the line. Pictures stay as written (file names are mapped by :func:`add_routine`)."""
    title = ""
    steps: list[Step] = []
    before: list[tuple[str, str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            raise UsageError(
                f"{where} line {number}: expected 'title:', 'step:' or 'before:', got {line!r}"
            )
        key, value = match.group(1), match.group(2).strip()
        if key == "title":
            title = value
        elif key == "step":
            parts = [p.strip() for p in value.split("|")]
            if len(parts) != 3 or not all(parts):
                raise UsageError(f"{where} line {number}: a step is 'step: id | label | picture'")
            steps.append(Step(*parts))
        else:
            try:
                before += parse_pairs(value.replace(" ", ""))
            except ValueError as err:
                raise UsageError(f"{where} line {number}: {err}") from None
    if not before:
        ids = [s.id for s in steps]
        before = list(zip(ids, ids[1:], strict=False))
    return Routine(routine_id, title, tuple(steps), tuple(before), custom=True)


def routine_text(routine: Routine) -> str:
    """The routine file for ``routine`` (what :func:`parse_routine_text` reads back)."""
    lines = [f"title: {routine.title}"]
    lines += [f"step: {s.id} | {s.label} | {s.picture}" for s in routine.steps]
    lines += [f"before: {pair}" for pair in pairs_text(routine.before).split()]
    return "\n".join(lines) + "\n"


def _load_photo(path: Path, step: str) -> object:
    """The photo of ``step`` as a pygame Surface shrunk to fit PHOTO_PX; UsageError if bad."""
    import pygame

    name = path.name
    if not path.is_file():
        raise UsageError(f"photo {name!r} for step {step!r} is not in {path.parent}")
    size = path.stat().st_size
    if size > MAX_PHOTO_BYTES:
        raise UsageError(
            f"photo {name!r} is too large ({size / 1024 / 1024:.1f} MB; at most "
            f"{MAX_PHOTO_BYTES // 1024 // 1024} MB)"
        )
    with open(path, "rb") as fh:
        head = fh.read(8)
    if path.suffix.lower() not in PHOTO_SUFFIXES or not any(head.startswith(m) for m in _MAGIC):
        raise UsageError(f"photo {name!r} is not a PNG or JPEG image")
    try:
        image = pygame.image.load(str(path))
    except (pygame.error, OSError):
        raise UsageError(f"photo {name!r} is not a PNG or JPEG image (it cannot be read)") from None
    w, h = image.get_size()
    if w * h > MAX_PHOTO_PIXELS:
        raise UsageError(f"photo {name!r} is too large ({w}x{h} pixels; at most 40 megapixels)")
    scale = min(1.0, PHOTO_PX / max(w, h))
    rgba = pygame.Surface((w, h), pygame.SRCALPHA, 32)
    rgba.blit(image, (0, 0))
    target = (max(1, round(w * scale)), max(1, round(h * scale)))
    return pygame.transform.smoothscale(rgba, target) if target != (w, h) else rgba


def _picture_known(folder: Path) -> Callable[[str], bool]:
    def known(picture: str) -> bool:
        kind, _, name = picture.partition(":")
        if kind == "openmoji":
            from games.kit.pictures import has_picture

            return has_picture(name)
        return kind == "photo" and (folder / name).is_file()

    return known


def load_routine(data_dir: Path, routine_id: str) -> Routine:
    """The stored custom routine ``routine_id`` (UsageError if there is none or it is broken)."""
    folder = routines_dir(data_dir) / routine_id
    path = folder / ROUTINE_FILE
    if not path.is_file():
        raise UsageError(f"no custom routine {routine_id!r} (see 'finemotor routines list')")
    routine = parse_routine_text(path.read_text("utf-8"), routine_id, where=str(path))
    try:
        return validate(routine, _picture_known(folder))
    except RoutineError as err:
        raise UsageError(str(err)) from None


def custom_routines(data_dir: Path) -> tuple[list[Routine], list[str]]:
    """Every stored custom routine that loads, and one line for each that does not."""
    found, problems = [], []
    base = routines_dir(data_dir)
    for folder in sorted(base.iterdir()) if base.is_dir() else []:
        if folder.is_dir() and not folder.name.startswith("."):
            try:
                found.append(load_routine(data_dir, folder.name))
            except UsageError as err:
                problems.append(str(err))
    return found, problems


def all_routines(data_dir: Path | None) -> list[Routine]:
    """The built-in routines, then the custom ones that load."""
    customs = custom_routines(data_dir)[0] if data_dir is not None else []
    return [*BUILT_IN, *customs]


def find_routine(data_dir: Path | None, routine_id: str) -> Routine:
    """A built-in or custom routine by id; UsageError listing the known ids if none."""
    for r in all_routines(data_dir):
        if r.id == routine_id:
            return r
    known = ", ".join(r.id for r in all_routines(data_dir))
    raise UsageError(f"unknown routine {routine_id!r} (known: {known})")


def add_routine(data_dir: Path, file: Path, photos: Path | None, routine_id: str) -> Routine:
    """Check the routine in ``file`` and its photos in ``photos``, then store them.

    Nothing is written unless every check passes; the routine folder appears at once (a
    rename of a finished temporary folder).
    """
    if not file.is_file():
        raise UsageError(f"routine file {str(file)!r} does not exist")
    if any(r.id == routine_id for r in BUILT_IN):
        raise UsageError(f"{routine_id!r} is a built-in routine: choose another id with --id")
    target = routines_dir(data_dir) / routine_id
    if target.exists():
        raise UsageError(f"a routine {routine_id!r} exists already: delete it first")
    try:
        text = file.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"routine file {file.name!r} cannot be read: {err}") from None
    routine = parse_routine_text(text, routine_id, where=file.name)
    folder = photos if photos is not None else file.parent
    images, steps = {}, []
    for s in routine.steps:
        kind, sep, _ = s.picture.partition(":")
        if sep and kind in ("openmoji", "drawn", "photo"):
            steps.append(s)
            continue
        images[f"{s.id}.png"] = _load_photo(folder / s.picture, s.id)
        steps.append(Step(s.id, s.label, f"photo:{s.id}.png"))
    stored = Routine(routine.id, routine.title, tuple(steps), routine.before, custom=True)
    try:
        validate(stored, lambda p: p[6:] in images or _picture_known(folder)(p))
    except RoutineError as err:
        raise UsageError(str(err)) from None
    _write(data_dir, stored, images)
    return stored


def _write(data_dir: Path, routine: Routine, images: dict[str, object]) -> None:
    import pygame

    base = ensure_private_dir(routines_dir(data_dir))
    tmp = Path(tempfile.mkdtemp(prefix=f".{routine.id}.", dir=base))
    try:
        os.chmod(tmp, DIR_MODE)
        for name, surface in images.items():
            pygame.image.save(surface, str(tmp / name))  # type: ignore[arg-type]
            os.chmod(tmp / name, FILE_MODE)
        fd = os.open(tmp / ROUTINE_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(routine_text(routine))
        os.rename(tmp, base / routine.id)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # our own temporary folder only
        raise


def delete_routine(data_dir: Path, routine_id: str) -> list[str]:
    """Remove a custom routine's files that finemotor wrote; returns files left (not ours)."""
    routine = load_routine(data_dir, routine_id)
    folder = routines_dir(data_dir) / routine_id
    ours = {ROUTINE_FILE} | {s.picture[6:] for s in routine.steps if s.picture.startswith("photo:")}
    for name in ours:
        (folder / name).unlink(missing_ok=True)
    left = sorted(p.name for p in folder.iterdir())
    if not left:
        folder.rmdir()
    return left


PROMPTINGS = ("errorless", "after-error", "none")
INPUTS = ("drag", "tap")
DEFAULT_SETTINGS: dict[str, object] = {"routines": [], "prompting": "after-error", "input": "drag"}


def child_settings(data_dir: Path, child_id: str) -> dict[str, object]:
    """The child's sequencing settings: ``routines`` (ids; empty: all), ``prompting``
    (:data:`PROMPTINGS`), ``input`` (``drag``, or ``tap`` for tap-then-tap). A missing or
    unreadable file, or a value out of range, gives the default for that value.

    The routines are sequencing's own (this module's file); the prompting and the input are
    the child's own settings in their profile (``telemetry.profile``: ``prompting`` and
    ``assisted_input``), the one place every activity and the launcher read them. A value an
    older version kept in the sequencing file is still read when the profile names none."""
    out = dict(DEFAULT_SETTINGS)
    try:
        data = json.loads(settings_path(data_dir, child_id).read_text("utf-8"))
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    ids = data.get("routines")
    if isinstance(ids, list):
        out["routines"] = [str(i) for i in ids]
    if data.get("prompting") in PROMPTINGS:
        out["prompting"] = data["prompting"]
    if data.get("input") in INPUTS:
        out["input"] = data["input"]
    own = load_profile(data_dir, child_id).settings
    if "prompting" in own:
        out["prompting"] = str(own["prompting"]).replace("_", "-")
    if "assisted_input" in own:
        out["input"] = "tap" if own["assisted_input"] else "drag"
    return out


def chosen_routines(data_dir: Path, child_id: str) -> list[str] | None:
    """The routine ids a grown-up chose for the child, or None (all routines)."""
    ids = child_settings(data_dir, child_id)["routines"]
    return list(ids) if ids else None  # type: ignore[call-overload]


def update_child_settings(data_dir: Path, child_id: str, **changes: object) -> dict[str, object]:
    """Change some of the child's settings: the routines in the sequencing file, the
    prompting and input in the child's profile (each a read-modify-write under its lock)."""
    if changes.get("routines"):
        for rid in changes["routines"]:  # type: ignore[attr-defined]
            find_routine(data_dir, rid)
    if "prompting" in changes and changes["prompting"] not in PROMPTINGS:
        raise UsageError(f"prompting is one of {', '.join(PROMPTINGS)}")
    if "input" in changes and changes["input"] not in INPUTS:
        raise UsageError(f"input is one of {', '.join(INPUTS)}")
    own: dict[str, object] = {}
    if "prompting" in changes:
        own["prompting"] = str(changes.pop("prompting")).replace("-", "_")
    if "input" in changes:
        own["assisted_input"] = changes.pop("input") == "tap"
    if own:
        update_profile(data_dir, child_id, settings=own)
    path = settings_path(data_dir, child_id)
    ensure_private_dir(path.parent)
    with locked(path):
        try:
            stored = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            stored = {}
        # An older version's prompting/input stay as they were (read only while the profile
        # names none); new ones go to the profile only.
        current: dict[str, object] = stored if isinstance(stored, dict) else {}
        current.setdefault("routines", [])
        current.update(changes)
        atomic_write_json(path, current)
    return child_settings(data_dir, child_id)


def choose_routines(data_dir: Path, child_id: str, routine_ids: list[str] | None) -> None:
    """Set the routines the child plays (None: all of them)."""
    update_child_settings(data_dir, child_id, routines=list(routine_ids or []))


def routines_for_child(data_dir: Path | None, child_id: str) -> list[Routine]:
    """The routines the child plays: the chosen ones that still exist, else all of them."""
    every = all_routines(data_dir)
    chosen = chosen_routines(data_dir, child_id) if data_dir is not None else None
    if chosen:
        picked = [r for r in every if r.id in chosen]
        if picked:
            return picked
    return every
