"""What an export folder holds: its manifest, its per-session index, and leftover clean-up.

``manifest.json`` is the small, human-readable summary an engine user reads first (tables,
partitions, columns and types, row counts, skipped-row counts, the finemotor and schema
versions, the time range, the history of export runs). ``export_index.json`` has one entry
per exported session (its file sizes and mtimes, content hash, the run that wrote it, its
row counts): how the next run tells new and changed sessions from unchanged ones.

Pure Python (json, os): no pandas, no duckdb.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telemetry import schema
from telemetry.errors import UsageError
from telemetry.storage import atomic_write_bytes, atomic_write_json

MANIFEST_NAME = "manifest.json"
INDEX_NAME = "export_index.json"
STAGING = ".staging"
FORMAT_NAME = "finemotor-export"
EXPORT_VERSION = 1  # version of this folder layout (manifest, index, partitions)
_BATCH_FILE = re.compile(r"^b(\d{6})_\d+\.parquet$")


@dataclass
class ExportState:
    """The index (session key -> entry), the last run's number and the roster's digest."""

    index: dict[str, dict[str, Any]] = field(default_factory=dict)
    last_batch: int = 0
    roster_hash: str = ""
    runs: list[dict[str, Any]] = field(default_factory=list)


def _settings_text(settings: dict[str, Any]) -> str:
    return (
        f"tables {','.join(settings['tables'])}"
        + (", anonymized" if settings["anonymized"] else ", with the roster")
    )


def read_state(out: Path, settings: dict[str, Any]) -> ExportState:
    """The state of the export in ``out`` (empty if none), checked against this run's settings.

    A folder exported with other tables, with or without ``--anonymize``, or by a finemotor
    of another schema version cannot take this run: :class:`UsageError`.
    """
    path = out / MANIFEST_NAME
    if not path.exists():
        return ExportState()
    try:
        manifest = json.loads(path.read_bytes())
        index = json.loads((out / INDEX_NAME).read_bytes())
        if manifest.get("format") != FORMAT_NAME or not isinstance(index, dict):
            raise ValueError
    except (OSError, ValueError):
        raise UsageError(
            f"{path}: not a readable finemotor export manifest; export into a new folder"
        ) from None
    if manifest.get("export_version", 0) > EXPORT_VERSION:
        raise UsageError(
            f"{out}: written by a newer finemotor (export version "
            f"{manifest.get('export_version')}); update finemotor or use a new folder"
        )
    if manifest.get("schema_version") != schema.SCHEMA_VERSION:
        raise UsageError(
            f"{out}: holds schema version {manifest.get('schema_version')} data, this "
            f"finemotor writes version {schema.SCHEMA_VERSION}; export into a new folder"
        )
    old = {
        "tables": list(manifest.get("table_names", [])),
        "anonymized": bool(manifest.get("anonymized")),
        "format": manifest.get("file_format"),
    }
    if old != settings:
        raise UsageError(
            f"{out} holds an export of {_settings_text(old)}; this run asks for "
            f"{_settings_text(settings)}: give the same options or a new folder"
        )
    return ExportState(
        index=index.get("sessions", {}),
        last_batch=int(index.get("last_batch", 0)),
        roster_hash=str(index.get("roster_hash", "")),
        runs=list(manifest.get("exports", [])),
    )


def clean_leftovers(out: Path, last_batch: int, tables: tuple[str, ...]) -> int:
    """Remove what a run cut short left: its staging folder and files of unknown runs.

    Only this export's own files are touched (``b<run>_<i>.parquet`` in the table folders,
    with a run number the manifest does not have). Returns the number of files removed.
    """
    shutil.rmtree(out / STAGING, ignore_errors=True)
    removed = 0
    for table in tables:
        for root, _dirs, files in os.walk(out / table):
            for name in files:
                m = _BATCH_FILE.match(name)
                if m and int(m.group(1)) > last_batch:
                    os.unlink(os.path.join(root, name))
                    removed += 1
    return removed


def build_manifest(
    out: Path,
    state: ExportState,
    settings: dict[str, Any],
    run: dict[str, Any],
    version: str,
    all_tables: tuple[str, ...],
) -> dict[str, Any]:
    """The manifest of the export after this run (totals summed over the index)."""
    from telemetry.export_parquet import PARTITIONS, columns

    entries = list(state.index.values())
    tables: dict[str, Any] = {}
    for name in (t for t in all_tables if t in settings["tables"]):
        files = sorted(p.relative_to(out).as_posix() for p in (out / name).rglob("*.parquet"))
        tables[name] = {
            "path": f"{name}/",
            "partitioned_by": list(PARTITIONS[name]),
            "files": len(files),
            "rows": sum(e["rows"].get(name, 0) for e in entries),
            "skipped_rows": sum(e["skipped"].get(name, 0) for e in entries),
            "rows_left_out": sum(e["left_out"].get(name, 0) for e in entries),
            "columns": dict(columns(name)),
        }
    starts = [e["start"] for e in entries if e["start"]]
    months = [e["month"] for e in entries if e["month"]]
    state.runs.append(run)
    return {
        "format": FORMAT_NAME,
        "export_version": EXPORT_VERSION,
        "file_format": settings["format"],
        "schema_version": schema.SCHEMA_VERSION,
        "finemotor_version": version,
        "anonymized": settings["anonymized"],
        "table_names": list(settings["tables"]),
        "roster": None if settings["anonymized"] else "children.parquet",
        "sessions": len(entries),
        "unreadable_sessions": sum(1 for e in entries if not e["start"]),
        "children": len({e["child_id"] for e in entries}),
        "time_range": {
            "first_session": min(starts) if starts else None,
            "last_session": max(starts) if starts else None,
            "first_month": min(months) if months else None,
            "last_month": max(months) if months else None,
        },
        "tables": tables,
        "last_batch": state.last_batch,
        "exports": state.runs,
        "notes": [
            "rows are those that passed the crc32 check; skipped_rows were torn or failed it",
            "rows_left_out: samples/targets rows of a trial with no trials row (a crash "
            "mid-trial), or rows whose session folder has no date",
            "times are UTC; month is the UTC month of the session's start",
        ],
    }


def write_state(out: Path, state: ExportState, manifest: dict[str, Any], batch: int) -> None:
    """Write the index, then the manifest.

    The index's atomic rename is what makes a run count: its ``last_batch`` keeps the run's
    files at the next run's clean-up, its entries say those sessions are there. A crash before
    it leaves the run's files to be removed and redone; one after it, an old manifest that the
    next run rewrites.
    """
    state.last_batch = batch
    manifest["last_batch"] = batch
    index = {"last_batch": batch, "roster_hash": state.roster_hash, "sessions": state.index}
    atomic_write_bytes(out / INDEX_NAME, json.dumps(index, separators=(",", ":")).encode())
    atomic_write_json(out / MANIFEST_NAME, manifest)
