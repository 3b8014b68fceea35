"""Export speed and the caseload query over it: DuckDB over Parquet vs pandas over the CSVs.

Data: the report benchmark's 40-child year (``bench_report.ensure_data``: 40 children, 3
sessions a week, 30 trials each), and a 400-child folder made of ten copies of it with new
child and session ids (rows re-encoded with the recorder's codec, so every crc32 is right),
cached beside it (``finemotor-bench-export-400-v1``).

Figures, all in the same run:

* ``finemotor export`` of the 40-child year (default tables: trials, metrics, sessions) into
  a fresh folder, median of 3; a second export with nothing new (the incremental check);
* the caseload aggregates (the DuckDB recipe of docs/data-format.md: weekly sessions and
  minutes, weekly medians per activity) over the export, median of 5, against the same
  figures from the pandas loader over the CSV folders (``load_dataset`` + the report's
  analytics), median of 3; both checked equal;
* each of those once more in a fresh process for its peak RSS;
* at 400 children: the export, the DuckDB query and the pandas loader, each in a fresh
  process (wall time and peak RSS), single runs (the export of 52,000 sessions is minutes).

The machine is shared (2 cores, other agents running): read the ratios, not the seconds.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

from benchmarks.common import OWN_PEAK_KIB, median_seconds, report

DOC = Path(__file__).resolve().parents[1] / "docs" / "data-format.md"
COPIES = 10
BIG_NAME = "finemotor-bench-export-400-v1"


def recipe_sql(out: Path) -> str:
    """The documented DuckDB caseload query, pointed at ``out``."""
    text = DOC.read_text(encoding="utf-8")
    m = re.search(r"<!-- recipe: duckdb -->\n```sql\n(.*?)```", text, re.S)
    if m is None:
        raise RuntimeError("docs/data-format.md lost its DuckDB recipe")
    return m.group(1).replace("/path/to/export", str(out))


def duckdb_caseload(out: Path) -> list[tuple]:
    """Run the recipe; its rows."""
    import duckdb

    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        return con.execute(recipe_sql(out)).fetchall()
    finally:
        con.close()


def pandas_caseload(data: Path) -> tuple[object, object]:
    """The same figures the report's way: the loader over the CSVs, then the analytics."""
    from telemetry import analytics
    from telemetry.loader import load_dataset
    from telemetry.report_csv import activity_weekly

    ds = load_dataset(data, tables=("trials",))
    sess = analytics.session_table(ds.sessions, ds.trials)
    weekly = analytics.weekly_practice(sess)
    return weekly, activity_weekly(analytics.activity_sessions(ds.trials))


def same_figures(rows: list[tuple], pandas_result: tuple[object, object]) -> bool:
    """True if the recipe's weekly sessions/minutes and activity medians equal pandas'."""
    weekly, act = pandas_result
    mine_p = {(r[0], r[1].isoformat(), r[2], r[3]) for r in rows if r[2] is not None}
    mine_a = {(r[0], r[8], r[1].isoformat(), r[9], r[10], r[11], r[12], r[13])
              for r in rows if r[8] is not None}
    w = weekly[weekly["sessions"] > 0]  # type: ignore[index]
    want_p = {(c, d.isoformat(), int(s), float(m)) for c, d, s, m in zip(
        w["child_id"], w["week_start"], w["sessions"], w["minutes"], strict=True)}
    want_a = {(r.child_id, r.activity, r.week_start.isoformat(), int(r.sessions), int(r.trials),
               r.accuracy, r.duration_s, int(r.level))
              for r in act.itertuples(index=False)}  # type: ignore[attr-defined]
    return mine_p == want_p and mine_a == want_a


def _new_id(*parts: object) -> str:
    return hashlib.md5("/".join(map(str, parts)).encode()).hexdigest()  # noqa: S324 - ids


def _recode(data: bytes, swaps: list[tuple[bytes, bytes]]) -> bytes:
    """Swap ids in every row and give each row its new crc32 (the header stays)."""
    for old, new in swaps:
        data = data.replace(old, new)
    head, _, body = data.partition(b"\n")
    rows = body.split(b"\n")[:-1]
    crc = zlib.crc32
    out = [head]
    out += [b"%s,%08x" % (r[:-9], crc(r[:-9])) for r in rows]
    return b"\n".join(out) + b"\n"


def ensure_big(base: Path) -> tuple[Path, str]:
    """The 400-child folder: ``COPIES`` copies of ``base`` with new ids (cached)."""
    from telemetry.children import ChildrenRegistry

    big = base.parent / BIG_NAME
    if (big / ".complete").exists():
        return big, f"cached at {big}"
    shutil.rmtree(big, ignore_errors=True)
    t0 = time.perf_counter()
    reg = ChildrenRegistry(big)
    base_children = sorted(p.name for p in (base / "sessions").iterdir())
    for k in range(COPIES):
        for cid in base_children:
            new_cid = reg.add(f"Copy {k} {cid[:6]}", "fox").child_id
            for folder in sorted((base / "sessions" / cid).iterdir()):
                day, _, sid = folder.name.partition("_")
                new_sid = _new_id(k, sid)
                swaps = [(cid.encode(), new_cid.encode()), (sid.encode(), new_sid.encode())]
                dest = big / "sessions" / new_cid / f"{day}_{new_sid}"
                dest.mkdir(parents=True, mode=0o700)
                for f in folder.iterdir():
                    raw = f.read_bytes()
                    if f.suffix == ".csv":
                        raw = _recode(raw, swaps)
                    else:
                        for old, new in swaps:
                            raw = raw.replace(old, new)
                    fd = os.open(dest / f.name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                    try:
                        os.write(fd, raw)
                    finally:
                        os.close(fd)
    (big / ".complete").write_text("ok")
    return big, f"made {COPIES} copies with new ids into {big} in {time.perf_counter() - t0:.0f} s"


# Peak memory is the fresh process's own (``common.OWN_PEAK_KIB``).
_PROC = OWN_PEAK_KIB + """
import sys, time
sys.path.insert(0, {root!r})
t0 = time.perf_counter()
{body}
print(time.perf_counter() - t0)
print(_own_peak_kib())
"""


def fresh(body: str) -> tuple[float, float]:
    """Run ``body`` in a fresh interpreter: (seconds inside it, imports included; peak MB).

    Linux only (``/proc/self/status``), like the machine these figures are taken on.
    """
    code = _PROC.format(root=str(Path(__file__).resolve().parents[1]), body=body)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr)
    lines = proc.stdout.strip().splitlines()
    # The last token of each line: a library's progress bar may share the line.
    return float(lines[-2].split()[-1]), float(lines[-1].split()[-1]) / 1024.0


def _tree_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    """Measure and print the figures."""
    from benchmarks.bench_report import ensure_data
    from telemetry.export import export_dataset

    load = os.getloadavg()[0]
    print(f"  machine load (1 min) at start: {load:.1f} on {os.cpu_count()} cores", flush=True)
    data, how = ensure_data()
    print(f"  40 children: {how}", flush=True)
    print(f"  CSV data: {_tree_mb(data / 'sessions'):.0f} MB", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_p = Path(tmp)
        runs = iter(range(100))

        def export_fresh() -> None:
            export_dataset(data, tmp_p / f"x{next(runs)}")

        t_export = median_seconds(export_fresh, repeats=3, warmup=0)
        out = tmp_p / "x0"
        report("export, 40 children, a year (median of 3)", t_export, "s")
        report("  Parquet written", _tree_mb(out), "MB")
        t_again = median_seconds(lambda: export_dataset(data, out), repeats=3, warmup=0)
        report("  export again, nothing new (median of 3)", t_again, "s")

        t_duck = median_seconds(lambda: duckdb_caseload(out), repeats=5)
        t_pandas = median_seconds(lambda: pandas_caseload(data), repeats=3)
        report("caseload query, DuckDB over the export (median of 5)", t_duck, "s")
        report("caseload figures, pandas loader over CSVs (median of 3)", t_pandas, "s")
        report("  pandas / DuckDB", t_pandas / t_duck, "x")
        equal = same_figures(duckdb_caseload(out), pandas_caseload(data))
        print(f"  same figures both ways: {equal}", flush=True)

        bench = ("from pathlib import Path\n"
                 "from benchmarks.bench_export import duckdb_caseload, pandas_caseload\n")
        wall_d, peak_d = fresh(bench + f"duckdb_caseload(Path({str(out)!r}))")
        wall_p, peak_p = fresh(bench + f"pandas_caseload(Path({str(data)!r}))")
        wall_e, peak_e = fresh(
            "from telemetry.export import export_dataset\n"
            f"export_dataset({str(data)!r}, {str(tmp_p / 'fresh40')!r})")
        report("  fresh process, DuckDB query (imports included)", wall_d, "s")
        report("    peak RSS", peak_d, "MB")
        report("  fresh process, pandas loader (imports included)", wall_p, "s")
        report("    peak RSS", peak_p, "MB")
        report("  fresh process, export (imports included)", wall_e, "s")
        report("    peak RSS", peak_e, "MB")

        big, how_big = ensure_big(data)
        print(f"  400 children: {how_big}", flush=True)
        out_big = tmp_p / "big"
        wall_eb, peak_eb = fresh(
            "from telemetry.export import export_dataset\n"
            f"export_dataset({str(big)!r}, {str(out_big)!r})")
        report("export, 400 children (fresh process, 1 run)", wall_eb, "s")
        report("  peak RSS", peak_eb, "MB")
        report("  Parquet written", _tree_mb(out_big), "MB")
        wall_db, peak_db = fresh(bench + f"duckdb_caseload(Path({str(out_big)!r}))")
        wall_pb, peak_pb = fresh(bench + f"pandas_caseload(Path({str(big)!r}))")
        report("caseload, 400 children, DuckDB (fresh process)", wall_db, "s")
        report("  peak RSS", peak_db, "MB")
        report("caseload, 400 children, pandas loader (fresh process)", wall_pb, "s")
        report("  peak RSS", peak_pb, "MB")
        report("  pandas / DuckDB, time", wall_pb / wall_db, "x")
        report("  pandas / DuckDB, peak RSS", peak_pb / peak_db, "x")
    print(f"  machine load (1 min) at end: {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
