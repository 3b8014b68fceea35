"""``finemotor export``: the checked rows as a partitioned Parquet dataset, written incrementally.

Past one clinic (a network of clinics, a research study pooling devices) the CSV folders are
not what DuckDB, Spark or polars should read: they do not check the crc32, stop on or pad a
torn row, and thousands of small files are slow there. The export writes only rows that
passed the loader's check (:class:`telemetry.loader.CheckedRows`), typed as in
:mod:`telemetry.schema`, one Hive-partitioned Parquet dataset per table::

    <out>/manifest.json                 what is there: tables, rows, skipped rows, time range...
    <out>/export_index.json             one entry per exported session (how "changed" is told)
    <out>/trials/activity=<a>/month=<YYYY-MM>/b<run>_<i>.parquet
    <out>/metrics/..., samples/..., targets/...   (same partitions; samples and targets carry
                                                    the activity of their trial)
    <out>/sessions/month=<YYYY-MM>/b<run>_<i>.parquet
    <out>/children.parquet              the roster (never with --anonymize)

Incremental: a session is (re)written when it is new, or when its files changed. "Changed" is
told by each file's size and mtime first; a session whose sizes or mtimes differ is then
hashed (SHA-256 of its files), and only a different hash counts, so folders copied again
between devices (new mtimes, same bytes) are not rewritten. A changed session's old rows are
removed from the files of the run that wrote them, then it is written afresh. Sessions no
longer in the data folder (or outside this run's --child/--since/--until) stay as they were.

Crash safety: a run writes into ``<out>/.staging`` first, moves its files in, and writes the
index and manifest last (atomically). Files of a run the manifest does not know (a run cut
short) are removed at the next run, which then redoes that work.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from telemetry import schema
from telemetry.errors import UsageError
from telemetry.export_plan import Session, chunks, plan, select_sessions
from telemetry.export_state import (
    INDEX_NAME,
    MANIFEST_NAME,
    STAGING,
    ExportState,
    build_manifest,
    clean_leftovers,
    read_state,
    write_state,
)
from telemetry.storage import ensure_private_dir, fsync_dir

ALL_TABLES = ("trials", "metrics", "samples", "targets", "sessions")
# Samples are raw movement, the most sensitive data (data-format.md, "Privacy"), and the
# biggest: exported only when asked for, with targets (their geometry).
DEFAULT_TABLES = ("trials", "metrics", "sessions")
FORMATS = ("parquet",)


@dataclass
class ExportResult:
    """What one export run did, and the manifest it left."""

    out_dir: Path
    manifest: dict[str, Any]
    sessions_added: int = 0
    sessions_replaced: int = 0
    sessions_unchanged: int = 0
    files_written: list[str] = field(default_factory=list)


def parse_tables(tables: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"trials,metrics"`` (or a list) as a checked tuple of table names, in export order."""
    if tables is None:
        return DEFAULT_TABLES
    names = tables.split(",") if isinstance(tables, str) else list(tables)
    names = [n.strip() for n in names if n.strip()]
    unknown = [n for n in names if n not in ALL_TABLES]
    if unknown or not names:
        raise UsageError(
            f"unknown table: {', '.join(unknown) or '(none)'} (one or more of "
            f"{','.join(ALL_TABLES)}, separated by commas)"
        )
    return tuple(t for t in ALL_TABLES if t in names)


def _parse_day(value: str | date | None, what: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"invalid {what} date: {value!r} (use YYYY-MM-DD)") from None


def _finemotor_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("finemotor")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


def _check_out(out: Path, data: Path) -> None:
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out is a file, not a folder: {out}")
    out_r, data_r = out.resolve(), data.resolve()
    if out_r == data_r or data_r in out_r.parents or out_r in data_r.parents:
        raise UsageError(f"--out must be a folder outside the data folder: {out}")
    if out.is_dir() and not (out / MANIFEST_NAME).exists():
        ours = {*ALL_TABLES, "children.parquet", STAGING, ".lock"}
        strangers = sorted(e.name for e in os.scandir(out) if e.name not in ours)
        if strangers:
            raise UsageError(
                f"--out folder is not empty and holds no finemotor export: {out} "
                f"(it has {strangers[0]}); give a new or empty folder"
            )


def export_dataset(
    data_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    child_ids: Sequence[str] | None = None,
    all_children: bool = False,
    since: str | date | None = None,
    until: str | date | None = None,
    anonymize: bool = False,
    tables: str | Sequence[str] | None = None,
    fmt: str = "parquet",
    now: datetime | None = None,
) -> ExportResult:
    """Export the checked rows of a data folder into ``out_dir`` (see the module docstring).

    ``since``/``until`` are UTC dates, both included. Raises :class:`UsageError` for bad
    arguments (nothing is written then), an export folder of other settings, or a folder in
    use by another export.
    """
    from telemetry.loader import load_dataset
    from telemetry.storage import SessionLock

    if fmt not in FORMATS:
        raise UsageError(f"unknown --format: {fmt} (one of {', '.join(FORMATS)})")
    if child_ids and all_children:
        raise UsageError("give either --child ID ... or --all, not both")
    wanted_tables = parse_tables(tables)
    since_d, until_d = _parse_day(since, "--since"), _parse_day(until, "--until")
    if since_d and until_d and since_d > until_d:
        raise UsageError("--since must not be after --until")
    data, out = Path(data_dir), Path(out_dir)
    if not data.is_dir():
        raise UsageError(f"data folder not found: {data}")
    _check_out(out, data)
    wanted = list(dict.fromkeys(child_ids)) if child_ids else None
    ds = load_dataset(data, child_ids=wanted, since=since_d, until=until_d, tables=())
    if wanted:
        known = set(ds.children["child_id"]) | set(ds.sessions["child_id"])
        known |= {p.name for p in (data / "sessions").iterdir()}
        unknown = [c for c in wanted if c not in known]
        if unknown:
            raise UsageError(
                f"unknown child: {unknown[0]} (list the children with `finemotor children`)"
            )
    selected = select_sessions(ds)

    settings = {"tables": list(wanted_tables), "anonymized": anonymize, "format": fmt}
    existed = out.exists()
    out = ensure_private_dir(out)
    lock = SessionLock(out)
    try:
        lock.acquire()
    except UsageError:
        raise UsageError(f"export folder is in use by another finemotor export: {out}") from None
    try:
        state = read_state(out, settings)
        if not selected and not state.index:
            raise UsageError(
                f"no sessions to export in {data}"
                + (" for that period" if since_d or until_d else "")
                + (" for those children" if wanted else "")
            )
        clean_leftovers(out, state.last_batch, ALL_TABLES)
        return _run(data, out, ds, selected, state, settings, now)
    except UsageError:
        if not existed:
            with contextlib.suppress(OSError):
                lock.release()
                os.rmdir(out)
        raise
    finally:
        lock.release()


def _load_chunk(chunk: list[Session], spec: schema.Table) -> tuple[Any, dict[str, int]]:
    """The checked, typed rows of one table over a chunk of sessions; rows skipped per file.

    The loader's own reading: :class:`~telemetry.loader.CheckedRows` into one ``read_csv``.
    A row with a right crc32 but contents not of its columns' types makes that parse fail;
    then the chunk is read file by file through the loader's lenient path, so such rows are
    dropped and counted against their own session, as the report counts them.
    """
    import pandas as pd

    from telemetry.loader import CheckedRows, _load_table, parse_rows

    paths = [os.path.join(s.folder, spec.filename) for s in chunk]
    stream = CheckedRows(paths, spec)
    try:
        return parse_rows(stream, spec), stream.skipped_by_file
    except (ValueError, TypeError, OverflowError):
        frames, skipped = [], {}
        for path in paths:
            frame, n, _torn = _load_table([path], spec)
            frames.append(frame)
            if n:
                skipped[path] = n
        return pd.concat(frames, ignore_index=True), skipped


def _run(
    data: Path, out: Path, ds: Any, selected: list[Session], state: ExportState,
    settings: dict[str, Any], now: datetime | None,
) -> ExportResult:
    from telemetry.export_parquet import Writer, batch_prefix, drop_sessions, make_private
    from telemetry.loader import _sessions_frame, _stand_in_sessions

    new, changed = plan(selected, state)
    todo = new + changed
    result = ExportResult(out, {}, len(new), len(changed), len(selected) - len(todo))
    tables: list[str] = settings["tables"]
    batch = state.last_batch + 1
    staging = out / STAGING
    shutil.rmtree(staging, ignore_errors=True)
    ensure_private_dir(staging)
    counts: dict[str, dict[str, dict[str, int]]] = {s.session_id: {} for s in todo}
    if todo:
        writer = Writer(staging / "work.duckdb")
        try:
            writer.add_months({s.session_id: s.month for s in todo if s.month})
            by_folder = {s.folder: s for s in todo}
            # Trials are always read: samples and targets are filed by their trial's
            # activity, and a session with a damaged session.json gets its row from them.
            row_tables = ["trials", *(t for t in tables if t not in ("trials", "sessions"))]
            stand_ins = []
            for name in row_tables:
                spec = schema.TABLES[name]
                for chunk in chunks(todo, spec.filename):
                    frame, skipped = _load_chunk(chunk, spec)
                    if name == "trials":
                        writer.add_trial_activity(frame)
                        damaged = [s.folder for s in chunk if s.start is None]
                        if damaged:
                            stand_ins += _stand_in_sessions(damaged, frame)
                    if name in tables:
                        writer.add_rows(name, frame)
                    for path, n in skipped.items():
                        sid = by_folder[os.path.dirname(path)].session_id
                        counts[sid].setdefault("skipped", {})[name] = n
            if "sessions" in tables:
                keys = {s.session_id for s in todo}
                writer.add_rows("sessions", ds.sessions[ds.sessions["session_id"].isin(keys)])
                if stand_ins:
                    writer.add_rows("sessions", _sessions_frame(stand_ins))
            for name in tables:
                kept, left = writer.per_session(name)
                for sid, n in kept.items():
                    counts.setdefault(sid, {}).setdefault("rows", {})[name] = n
                for sid, n in left.items():
                    counts.setdefault(sid, {}).setdefault("left_out", {})[name] = n
                writer.copy(name, staging / name, batch)
        finally:
            writer.close()
        os.unlink(staging / "work.duckdb")
        with contextlib.suppress(FileNotFoundError):
            os.unlink(staging / "work.duckdb.wal")

        # Old rows of changed sessions go before the new ones come in.
        by_file_glob: dict[tuple[int, str], list[str]] = {}
        for s in changed:
            entry = state.index[s.key]
            by_file_glob.setdefault((entry["batch"], entry["month"] or ""), []).append(
                entry["session_id"]
            )
        for (old_batch, month), ids in by_file_glob.items():
            files = [
                p for t in tables for p in (out / t).glob(f"**/month={month}/"
                                                          f"{batch_prefix(old_batch)}*.parquet")
            ]
            drop_sessions(files, ids, staging)

        make_private(staging)
        for written in sorted(staging.rglob("*.parquet")):
            rel = written.relative_to(staging)
            target = out / rel
            ensure_private_dir(target.parent)
            os.replace(written, target)
            fsync_dir(target.parent)
            result.files_written.append(rel.as_posix())
    shutil.rmtree(staging, ignore_errors=True)

    roster_written = _write_roster(data, out, state, selected, settings, staging)
    if roster_written:
        result.files_written.append("children.parquet")
    for s in todo:
        c = counts.get(s.session_id, {})
        state.index[s.key] = {
            "session_id": s.session_id, "child_id": s.child_id, "month": s.month,
            "start": s.start, "fp": s.fingerprint, "hash": s.content, "batch": batch,
            "rows": c.get("rows", {}), "skipped": c.get("skipped", {}),
            "left_out": c.get("left_out", {}),
        }
    at = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    run = {
        "batch": batch if todo else None,
        "at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sessions_added": len(new),
        "sessions_replaced": len(changed),
        "sessions_unchanged": result.sessions_unchanged,
        "files_written": result.files_written,
    }
    manifest = build_manifest(out, state, settings, run, _finemotor_version(), ALL_TABLES)
    write_state(out, state, manifest, batch if todo else state.last_batch)
    result.manifest = manifest
    return result


def _write_roster(
    data: Path, out: Path, state: ExportState, selected: list[Session],
    settings: dict[str, Any], staging: Path,
) -> bool:
    """Write ``children.parquet`` (exported children only) when it changed; never anonymised."""
    if settings["anonymized"]:
        return False
    import pandas as pd

    from telemetry.children import ChildrenRegistry
    from telemetry.export_parquet import Writer, make_private

    ids = {e["child_id"] for e in state.index.values()} | {s.child_id for s in selected}
    rows = sorted(
        (c.child_id, c.nickname, c.avatar, c.created_at)
        for c in ChildrenRegistry(data).list() if c.child_id in ids
    )
    digest = hashlib.sha256(repr(rows).encode("utf-8")).hexdigest()
    if digest == state.roster_hash and (out / "children.parquet").exists():
        return False
    frame = pd.DataFrame(rows, columns=list(schema.CHILDREN.column_names))
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, format="ISO8601")
    ensure_private_dir(staging)
    writer = Writer()
    try:
        writer.write_children(frame, staging / "children.parquet")
    finally:
        writer.close()
    make_private(staging / "children.parquet")
    os.replace(staging / "children.parquet", out / "children.parquet")
    fsync_dir(out)
    shutil.rmtree(staging, ignore_errors=True)
    state.roster_hash = digest
    return True


__all__ = [
    "ALL_TABLES", "DEFAULT_TABLES", "INDEX_NAME", "MANIFEST_NAME", "ExportResult",
    "export_dataset", "parse_tables",
]
