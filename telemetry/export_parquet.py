"""The Parquet side of ``finemotor export``: checked frames in, partitioned Parquet files out.

DuckDB is the writer (``COPY ... TO ... (FORMAT PARQUET, PARTITION_BY ...)``): it takes the
loader's typed pandas frames without a copy through pyarrow, writes one file per partition
and batch (zstd, with the schema version in each file's key-value metadata), and the same
engine queries the result. Checked rows are gathered chunk by chunk into a DuckDB work
database on disk (in the export's staging folder), so a 400-child export never holds a whole
table in pandas at once; one ``COPY`` per table then writes it.

Imported only by :mod:`telemetry.export` (never on the play path: it imports duckdb and
pandas).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import duckdb
import pandas as pd

from telemetry import schema
from telemetry.storage import DIR_MODE, FILE_MODE

# Columns every exported table adds to the CSV's: the month (UTC, of the session's start)
# that partitions it, and for per-trial tables the trial's activity.
MONTH = "month"
ACTIVITY = "activity"
# Which tables carry an activity, and what each is partitioned by (engines prune on these).
PARTITIONS: dict[str, tuple[str, ...]] = {
    "trials": (ACTIVITY, MONTH),
    "metrics": (ACTIVITY, MONTH),
    "samples": (ACTIVITY, MONTH),
    "targets": (ACTIVITY, MONTH),
    "sessions": (MONTH,),
}
SQL_TYPES = {
    "str": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "datetime": "TIMESTAMPTZ",
}
# The sessions table: session.json's fields, typed (the local folder path is not exported).
SESSION_SQL: tuple[tuple[str, str], ...] = (
    ("session_id", "VARCHAR"),
    ("child_id", "VARCHAR"),
    ("started_at", "TIMESTAMPTZ"),
    ("ended_at", "TIMESTAMPTZ"),
    ("mode", "VARCHAR"),
    ("app_version", "VARCHAR"),
    ("screen_width_px", "BIGINT"),
    ("screen_height_px", "BIGINT"),
    ("screen_width_mm", "DOUBLE"),
    ("screen_height_mm", "DOUBLE"),
    ("handedness", "VARCHAR"),
)
CHILDREN_SQL: tuple[tuple[str, str], ...] = (
    ("child_id", "VARCHAR"),
    ("nickname", "VARCHAR"),
    ("avatar", "VARCHAR"),
    ("created_at", "TIMESTAMPTZ"),
)


def columns(table: str) -> list[tuple[str, str]]:
    """The exported columns of ``table`` (name, DuckDB type), partition columns included."""
    if table == "sessions":
        cols = [(schema.VERSION_COLUMN, "INTEGER"), *SESSION_SQL]
    else:
        spec = schema.TABLES[table]
        cols = [(schema.VERSION_COLUMN, "INTEGER")]
        cols += [(c.name, SQL_TYPES[c.dtype]) for c in spec.columns]
    if ACTIVITY in PARTITIONS[table] and all(name != ACTIVITY for name, _ in cols):
        at = next(i for i, (name, _) in enumerate(cols) if name == "trial") + 1
        cols.insert(at, (ACTIVITY, "VARCHAR"))
    return [*cols, (MONTH, "VARCHAR")]


MEMORY_LIMIT = "512MB"


def _quiet(con: duckdb.DuckDBPyConnection) -> None:
    """UTC times, and no progress bar (DuckDB draws one on stdout for queries over 2 s)."""
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")


def batch_prefix(batch: int) -> str:
    """The file-name prefix of one export run's files (``b000003_``)."""
    return f"b{batch:06d}_"


def _q(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


class Writer:
    """A DuckDB work database that gathers checked rows and writes them as Parquet."""

    def __init__(self, work_db: Path | str = ":memory:", threads: int | None = None) -> None:
        self.con = duckdb.connect(str(work_db))
        _quiet(self.con)
        # DuckDB would take up to 80 % of the RAM (2.1 GB measured at 400 children); the work
        # database is on disk, so a bound only makes it spill and flush sooner.
        self.con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        # Row order inside a partition means nothing here; dropping it lets COPY stream.
        self.con.execute("SET preserve_insertion_order = false")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self.con.execute("CREATE TABLE w_months (session_id VARCHAR, month VARCHAR)")
        self.con.execute(
            "CREATE TABLE w_trial_activity (session_id VARCHAR, trial BIGINT, activity VARCHAR)"
        )
        self._made: set[str] = set()

    def close(self) -> None:
        """Close the work database."""
        self.con.close()

    def add_months(self, months: dict[str, str]) -> None:
        """Say which month (``YYYY-MM``) each session id of this run belongs to."""
        frame = pd.DataFrame({"session_id": list(months), "month": list(months.values())})
        self._insert("w_months", frame, [("session_id", "VARCHAR"), ("month", "VARCHAR")])

    def add_trial_activity(self, trials: pd.DataFrame) -> None:
        """Say which activity each (session, trial) was: samples and targets are filed by it."""
        self._insert(
            "w_trial_activity", trials[["session_id", "trial", "activity"]],
            [("session_id", "VARCHAR"), ("trial", "BIGINT"), ("activity", "VARCHAR")],
        )

    def add_rows(self, table: str, frame: pd.DataFrame) -> None:
        """Add a chunk of the loader's checked, typed rows of ``table`` to the work database."""
        own = [(n, t) for n, t in columns(table) if n in frame.columns]
        name = f"w_{table}"
        if name not in self._made:
            cols = ", ".join(f"{n} {t}" for n, t in own)
            self.con.execute(f"CREATE TABLE {name} ({cols})")
            self._made.add(name)
        self._insert(name, frame, own)

    def _insert(self, name: str, frame: pd.DataFrame, cols: list[tuple[str, str]]) -> None:
        if frame.empty:
            return
        self.con.register("chunk", frame)
        try:
            select = ", ".join(f"CAST({n} AS {t})" for n, t in cols)
            names = ", ".join(n for n, _ in cols)
            self.con.execute(f"INSERT INTO {name} ({names}) SELECT {select} FROM chunk")
        finally:
            self.con.unregister("chunk")

    def _select(self, table: str) -> str:
        """The rows of ``table`` as exported: months (and activities) joined on."""
        src = f"w_{table}"
        out = []
        for name, sql_type in columns(table):
            if name == schema.VERSION_COLUMN:
                out.append(f"CAST({schema.SCHEMA_VERSION} AS {sql_type}) AS {name}")
            elif name == MONTH:
                out.append(f"m.{MONTH}")
            elif name == ACTIVITY and table in ("samples", "targets"):
                out.append(f"a.{ACTIVITY}")
            else:
                out.append(f"r.{name}")
        sql = f"SELECT {', '.join(out)} FROM {src} r JOIN w_months m USING (session_id)"
        if table in ("samples", "targets"):
            sql += (
                " JOIN (SELECT session_id, trial, any_value(activity) AS activity"
                " FROM w_trial_activity GROUP BY ALL) a USING (session_id, trial)"
            )
        return sql

    def per_session(self, table: str) -> tuple[dict[str, int], dict[str, int]]:
        """Rows of ``table`` per session id: (exported, left out for want of a month/trial)."""
        if f"w_{table}" not in self._made:
            return {}, {}
        kept = dict(
            self.con.execute(
                f"SELECT session_id, count(*) FROM ({self._select(table)}) GROUP BY ALL"
            ).fetchall()
        )
        total = dict(
            self.con.execute(f"SELECT session_id, count(*) FROM w_{table} GROUP BY ALL").fetchall()
        )
        left = {sid: n - kept.get(sid, 0) for sid, n in total.items() if n > kept.get(sid, 0)}
        return kept, left

    def copy(self, table: str, folder: Path, batch: int) -> None:
        """Write ``table``'s gathered rows as a partitioned Parquet dataset under ``folder``."""
        if f"w_{table}" not in self._made:
            return
        parts = ", ".join(PARTITIONS[table])
        self.con.execute(
            f"COPY ({self._select(table)}) TO {_q(str(folder))} (FORMAT PARQUET, "
            f"PARTITION_BY ({parts}), WRITE_PARTITION_COLUMNS true, "
            f"FILENAME_PATTERN {_q(batch_prefix(batch) + '{i}')}, COMPRESSION zstd, "
            f"KV_METADATA {{finemotor_schema_version: {_q(str(schema.SCHEMA_VERSION))}, "
            f"finemotor_table: {_q(table)}}})"
        )

    def write_children(self, frame: pd.DataFrame, path: Path) -> None:
        """Write the roster (``children.parquet``): nicknames, so never in an anonymised export."""
        self.con.register("roster", frame)
        try:
            select = ", ".join(f"CAST({n} AS {t}) AS {n}" for n, t in CHILDREN_SQL)
            self.con.execute(
                f"COPY (SELECT {select} FROM roster ORDER BY child_id) TO {_q(str(path))} "
                "(FORMAT PARQUET, COMPRESSION zstd)"
            )
        finally:
            self.con.unregister("roster")


def drop_sessions(files: Iterable[Path], session_ids: Sequence[str], tmp_dir: Path) -> int:
    """Rewrite each Parquet file without the rows of ``session_ids``; returns files changed.

    A file left empty is removed. Each rewrite goes to ``tmp_dir`` first and replaces the old
    file in one rename, so a reader (or a crash) sees the old file or the new one.
    """
    con = duckdb.connect()
    changed = 0
    try:
        _quiet(con)
        ids = pd.DataFrame({"session_id": list(session_ids)})
        con.register("gone", ids)
        for path in files:
            src = f"read_parquet({_q(str(path))}, hive_partitioning = false)"
            hit = con.execute(
                f"SELECT count(*) FROM {src} WHERE session_id IN (SELECT session_id FROM gone)"
            ).fetchone()
            if not hit or not hit[0]:
                continue
            changed += 1
            left = con.execute(
                f"SELECT count(*) FROM {src} "
                "WHERE session_id NOT IN (SELECT session_id FROM gone)"
            ).fetchone()
            if not left or not left[0]:
                os.unlink(path)
                continue
            tmp = tmp_dir / f"rewrite-{changed}.parquet"
            meta = con.execute(
                f"SELECT key, value FROM parquet_kv_metadata({_q(str(path))})"
            ).fetchall()
            kv = ", ".join(f"{k.decode()}: {_q(v.decode())}" for k, v in meta)
            con.execute(
                f"COPY (SELECT * FROM {src} WHERE session_id NOT IN "
                f"(SELECT session_id FROM gone)) TO {_q(str(tmp))} (FORMAT PARQUET, "
                f"COMPRESSION zstd{', KV_METADATA {' + kv + '}' if kv else ''})"
            )
            make_private(tmp)
            os.replace(tmp, path)
    finally:
        con.close()
    return changed


def make_private(path: Path) -> None:
    """Owner-only permissions on a file (or folder tree) this export wrote, fsynced."""
    if path.is_dir():
        os.chmod(path, DIR_MODE)
        for root, dirs, files in os.walk(path):
            for d in dirs:
                os.chmod(os.path.join(root, d), DIR_MODE)
            for f in files:
                make_private(Path(root) / f)
        return
    os.chmod(path, FILE_MODE)
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
