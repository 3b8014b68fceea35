"""The report's output folder: what a report may remove there, and the manifest that says so.

A report writes a small manifest (``MANIFEST``: the names of the files it wrote, and whether
finemotor created the folder) beside its files. The next report into the same folder removes
exactly those files (an ``--anonymize`` run into a folder that held a named report must not
leave the older child pages, with their nicknames, behind) and nothing else. A folder that is
not empty and holds no manifest belongs to someone: the report refuses it unless told to write
into it (``overwrite``), and then only replaces files of its own names. The mode of a folder
finemotor did not create is never changed; a folder it creates is owner-only (0700).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telemetry.errors import UsageError
from telemetry.storage import atomic_write_bytes, ensure_private_dir

MANIFEST = ".finemotor-report.json"
_KIND = "finemotor report"


@dataclass
class OutFolder:
    """A prepared output folder: its path, whether finemotor created it, what it wrote."""

    path: Path
    created: bool
    written: list[str] = field(default_factory=list)

    def add(self, path: Path) -> Path:
        """Note a file the report wrote (so the next report may remove it)."""
        self.written.append(path.name)
        return path

    def finish(self) -> Path:
        """Write the manifest of this report (owner-only, atomic)."""
        body = {"written_by": _KIND, "created_folder": self.created,
                "files": sorted(set(self.written))}
        path = self.path / MANIFEST
        atomic_write_bytes(path, (json.dumps(body, indent=1) + "\n").encode("utf-8"))
        return path


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("written_by") != _KIND:
        return None
    files = data.get("files")
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        return None
    return data


def _plain_name(name: str) -> bool:
    """A bare file name (a manifest edited to point elsewhere must not reach outside)."""
    return bool(name) and name not in (".", "..", MANIFEST) and "/" not in name \
        and "\\" not in name and os.sep not in name


def check(out: Path, overwrite: bool = False) -> None:
    """Raise :class:`UsageError` unless a report may write into ``out``: a file in the way,
    or a non-empty folder holding no earlier report without ``overwrite``. Reads only."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out is a file, not a folder: {out}")
    if out.is_dir() and not overwrite and _read_manifest(out) is None:
        with os.scandir(out) as entries:
            if any(True for _ in entries):
                raise UsageError(
                    f"--out folder {out} is not empty and holds no earlier report: choose a "
                    "new or empty folder, or add --overwrite to write into it (files with the "
                    "report's names are replaced, nothing else is touched)"
                )


def prepare(out: Path, overwrite: bool = False) -> OutFolder:
    """Make ``out`` ready for a report: create it (0700), or remove the files an earlier
    report listed in its manifest. Raises as :func:`check` does (nothing written then)."""
    check(out, overwrite)
    if not out.exists():
        ensure_private_dir(out)
        return OutFolder(out, created=True)
    manifest = _read_manifest(out)
    if manifest is None:
        return OutFolder(out, created=False)
    for name in manifest["files"]:
        if not _plain_name(name):
            continue
        path = out / name
        if path.is_file() and not path.is_symlink():
            path.unlink()
    return OutFolder(out, created=bool(manifest.get("created_folder", False)))
