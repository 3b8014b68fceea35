"""Report speed and memory: one child with a year of data, and a caseload of 40 such children.

Budgets (DESIGN.md): one child's report under 1 s; the whole caseload (40 children, 3
sessions a week for a year, 30 trials each: about 187,000 trials) under 5 s with peak memory
under 500 MB.

The data set is generated once into a cached folder (``$FINEMOTOR_BENCH_CACHE`` or the system
temp folder, ``finemotor-bench-report-v2``) with ``telemetry.schema.encode_row``, the codec the
recorder writes with, so the files are byte-for-byte what the recorder would write; going
through the recorder itself (an fsync per trial) would take most of an hour. Trial figures
come from a skill model; raw samples and model paths are written for the first and last three
sessions of each child (the only sessions the report opens to draw strokes, since every shape
is practised in every session), other sessions hold trials and metrics only.

Figures: the report in-process (median of several runs after a warm-up) and in a fresh
subprocess (imports included, peak RSS from ``resource.getrusage``), against a naive baseline
measured in the same run: one ``pd.read_csv`` per session file, per-session Python loops, a
boolean mask per child, and a matplotlib figure per activity (the obvious first version).

The summary cache (``telemetry.summary_cache``, issue 15), in fresh processes as a therapist
runs ``finemotor report`` (module bytecode cached, as installed): reading every file
(``cache=False``) against the first run (the cache built) and the second run (the cache up
to date), warm page cache and right after ``sync; echo 3 > /proc/sys/vm/drop_caches`` (as
root), medians of five (three cold) with the variants interleaved run by run, so the shared
machine's load hits them alike. ``FINEMOTOR_BENCH_REPORT=cache`` runs only these.

Also one session-accuracy chart of a child-year drawn both ways, matplotlib (``Figure`` +
``savefig`` as SVG into memory) and the report's hand-written SVG, median of several runs:
the figure behind drawing the report's charts by hand although the issue asked for matplotlib.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import OWN_PEAK_KIB, median_seconds, report

CHILDREN = 40
WEEKS = 52
PER_WEEK = 3
TRIALS = 30
SAMPLE_SESSIONS = 3  # first and last N sessions of each child carry samples and targets
SEED = 1
END = datetime(2026, 11, 20, 18, 0, tzinfo=timezone.utc)
CACHE_NAME = "finemotor-bench-report-v2"


def cache_dir() -> Path:
    """The cached data folder (created on first use)."""
    root = Path(os.environ.get("FINEMOTOR_BENCH_CACHE", tempfile.gettempdir()))
    return root / CACHE_NAME


def _iso(dt: datetime) -> str:
    """The recorder's timestamp format (``telemetry.recorder.iso_utc``)."""
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def generate(data: Path, children: int = CHILDREN, weeks: int = WEEKS, seed: int = SEED) -> int:
    """Write the benchmark data folder; returns the number of trials written."""
    from games.tracing.demo import SHAPES, model_box, simulate_trace
    from games.tracing.glyphs import glyph
    from games.tracing.staircase import level as tracing_level
    from telemetry import schema
    from telemetry.children import ChildrenRegistry
    from telemetry.recorder import SESSION_FILE
    from telemetry.storage import ensure_private_dir

    enc = schema.encode_row
    rng = np.random.default_rng(seed)
    reg = ChildrenRegistry(data)
    models = {(s, lv): glyph(s).scaled(*model_box(lv)) for s in SHAPES for lv in (1, 2, 3)}
    headers = {t.name: t.header_line() for t in schema.SESSION_TABLES}
    n_trials = 0
    start_day = (END - timedelta(weeks=weeks)).date()
    start_day -= timedelta(days=start_day.weekday())
    for ci in range(children):
        child_id = reg.add(f"Bench {ci + 1}", "fox").child_id
        wobble0, wobble_end = rng.uniform(45, 70), rng.uniform(8, 14)
        learn = rng.uniform(8, 20)
        days = []
        for w in range(weeks):
            if rng.random() < 0.05:  # a missed week
                continue
            for d in sorted(rng.choice(7, size=PER_WEEK, replace=False)):
                days.append(start_day + timedelta(weeks=w, days=int(d)))
        level = 1
        good = 0
        for si, day in enumerate(days):
            start = datetime(day.year, day.month, day.day, 16, 0, tzinfo=timezone.utc)
            sid = uuid.UUID(int=int(rng.integers(0, 2**63)) << 64 | si).hex
            folder = ensure_private_dir(data / "sessions" / child_id / f"{day}_{sid}")
            with_samples = si < SAMPLE_SESSIONS or si >= len(days) - SAMPLE_SESSIONS
            weeks_in = si / PER_WEEK
            wobble = wobble_end + (wobble0 - wobble_end) * np.exp(-weeks_in / learn)
            tol = tracing_level(level).tolerance_px
            out = {name: [headers[name]] for name in headers}
            t = start
            accs = []
            for trial in range(1, TRIALS + 1):
                t += timedelta(seconds=float(rng.uniform(8, 25)))
                if trial <= 24:
                    activity, item = "tracing", SHAPES[(trial - 1) % len(SHAPES)]
                    acc = float(np.clip(1.0 - 0.55 * wobble / tol + rng.normal(0, 0.08), 0, 1))
                    accs.append(acc)
                    dur = float(rng.uniform(2500, 6000))
                    errors = int(rng.poisson(max(0.1, 3 * (1 - acc))))
                    metrics = [("mean_deviation", wobble * 0.5, "px"), ("exits", errors, "count"),
                               ("coverage", 100 * acc, "%"), ("sparc", -1.5 - wobble / 40, ""),
                               ("mean_speed", 200.0, "px/s"), ("tolerance", tol, "px")]
                else:
                    activity, item = "pinch", "beads_5"
                    acc = float(np.clip(1.0 - wobble / 80 + rng.normal(0, 0.1), 0, 1))
                    dur = float(rng.uniform(8000, 15000))
                    errors = int(rng.poisson(1))
                    metrics = [("objects_placed", 5 * acc, "count"), ("drops", errors, "count")]
                lvl = level if activity == "tracing" else 1
                out["trials"].append(enc((sid, child_id, activity, lvl, trial, item, "trace",
                                          _iso(t), round(dur, 1), round(acc, 4), errors, True)))
                out["metrics"].extend(enc((sid, trial, activity, m, float(v), u))
                                      for m, v, u in metrics)
                if with_samples and activity == "tracing":
                    model = models[item, level]
                    for part, stroke in enumerate(model):
                        out["targets"].extend(enc((sid, trial, "model_path", part, q, x, y))
                                              for q, (x, y) in enumerate(stroke.tolist()))
                    out["targets"].append(enc((sid, trial, "tolerance", 0, 0, tol, tol)))
                    samples, _ = simulate_trace(model, wobble, 220.0, rng)
                    t0 = (t - start).total_seconds() * 1000.0
                    out["samples"].extend(
                        enc((sid, trial, round(t0 + ts * 1000.0, 3), x, y, 0, ph, "touch"))
                        for ts, x, y, ph in samples
                    )
                t += timedelta(milliseconds=dur)
                n_trials += 1
            for name, rows in out.items():
                path = folder / f"{name}.csv"
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                try:
                    os.write(fd, b"".join(rows))
                finally:
                    os.close(fd)
            meta = {
                "schema_version": schema.SCHEMA_VERSION, "session_id": sid,
                "child_id": child_id, "started_at": _iso(start),
                "ended_at": _iso(t + timedelta(seconds=30)), "mode": "home" if si % 3 else
                "clinic", "app_version": "0.1.0",
                "screen": {"width_px": 1280, "height_px": 800, "width_mm": None,
                           "height_mm": None},
                "handedness": "right",
            }
            (folder / SESSION_FILE).write_text(json.dumps(meta), encoding="utf-8")
            # The therapist narrows the road after three good sessions in a row.
            good = good + 1 if np.median(accs) >= 0.85 else 0
            if good >= 3 and level < 3:
                level, good = level + 1, 0
    return n_trials


def ensure_data() -> tuple[Path, str]:
    """The cached data folder, generating it when missing; and how it was obtained."""
    data = cache_dir()
    marker = data / ".complete"
    if marker.exists():
        return data, (
            f"cached at {data} (written once with telemetry.schema.encode_row, the recorder's "
            "codec; delete the folder to regenerate)"
        )
    if data.exists():
        shutil.rmtree(data)
    t0 = time.perf_counter()
    n = generate(data)
    marker.write_text(str(n))
    return data, f"generated {n} trials into {data} in {time.perf_counter() - t0:.0f} s"


def naive_report(data: Path, child_ids: list[str], out: Path) -> None:
    """The obvious first version: per-file read_csv, Python loops, a matplotlib figure each."""
    import io

    import matplotlib

    matplotlib.use("svg")
    import pandas as pd
    from matplotlib.figure import Figure

    out.mkdir(parents=True, exist_ok=True)
    for cid in child_ids:
        frames = []
        for folder in sorted((data / "sessions" / cid).iterdir()):
            if not folder.is_dir():  # the report's caches and their lock files
                continue
            df = pd.read_csv(folder / "trials.csv")
            frames.append(df)
        trials = pd.concat(frames)
        html = [f"<h1>{cid}</h1>"]
        for activity in sorted(trials["activity"].unique()):
            acc, dur = [], []
            sub = trials[trials["activity"] == activity]
            for sid in sub["session_id"].unique():
                s = sub[sub["session_id"] == sid]
                acc.append(s["accuracy"].median())
                dur.append(s["duration_ms"].median() / 1000)
            fig = Figure(figsize=(7, 2.2))
            ax1, ax2 = fig.subplots(1, 2)
            ax1.plot(acc)
            ax2.plot(dur)
            buf = io.StringIO()
            fig.savefig(buf, format="svg")
            html.append(buf.getvalue())
        (out / f"{cid}.html").write_text("".join(html))


def chart_data(sessions: int = WEEKS * PER_WEEK, seed: int = SEED):
    """One child-year of session accuracies (a learning curve with noise) and their dates."""
    rng = np.random.default_rng(seed)
    x = np.arange(sessions)
    acc = np.clip(0.55 + 0.35 * (1 - np.exp(-x / 40)) + rng.normal(0, 0.06, sessions), 0, 1)
    start = (END - timedelta(weeks=WEEKS)).date()
    dates = [(start + timedelta(days=int(i * 7 / PER_WEEK))).isoformat() for i in x]
    return acc.round(4).tolist(), dates


def matplotlib_accuracy_chart(values: list[float], dates: list[str]) -> bytes:
    """The same session-accuracy chart with matplotlib, as the issue first asked for.

    Same size (300 x 170 px), title, axis labels, line with dots, and baseline and latest
    medians drawn as bands; saved as SVG into memory (``Figure`` needs no pyplot state).
    """
    import io

    from matplotlib.figure import Figure

    fig = Figure(figsize=(3.0, 1.7), dpi=100)
    ax = fig.add_subplot()
    n = len(values)
    ax.plot(range(n), values, color="#0072B2", marker="o", markersize=2, linewidth=1)
    base, last = float(np.median(values[:3])), float(np.median(values[-3:]))
    ax.hlines([base], -0.45, 2.45, colors="#E69F00", linewidth=4)
    ax.hlines([last], n - 3.45, n - 0.55, colors="#009E73", linewidth=4)
    ax.set_ylim(0, 1)
    ax.set_xticks([0, n - 1], [dates[0], dates[-1]])
    ax.set_xlabel("session date", fontsize=8)
    ax.set_title("Accuracy (0 to 1, median per session)", fontsize=8)
    ax.tick_params(labelsize=7)
    buf = io.BytesIO()
    fig.savefig(buf, format="svg")
    return buf.getvalue()


def svg_accuracy_chart(values: list[float], dates: list[str]) -> str:
    """The report's own hand-drawn chart for the same data (``telemetry.charts``)."""
    from telemetry import charts

    return charts.trend_chart(
        values, dates, title="Accuracy (0 to 1, median per session)",
        baseline=(3, float(np.median(values[:3]))), latest=(3, float(np.median(values[-3:]))),
        y_range=(0.0, 1.0),
    )


def _cpu_children() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


_last_cpu = [0.0]  # CPU seconds (user + system) of the last _subprocess_run's process


def _subprocess_run(code: str) -> tuple[float, float]:
    """Run ``code`` in a fresh interpreter; returns (wall seconds, peak RSS in MB). Its CPU
    time (user + system) is left in ``_last_cpu[0]``: on the shared machine, wall time is
    mostly waiting for a core, CPU time much less so."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    cpu0 = _cpu_children()
    t0 = time.perf_counter()
    # As an installed finemotor runs: its modules' bytecode cached (.pyc), whatever
    # PYTHONDONTWRITEBYTECODE the shell has.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env
    )
    wall = time.perf_counter() - t0
    _last_cpu[0] = _cpu_children() - cpu0
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr)
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far (KiB on Linux); the child
    # prints its own peak too (VmHWM), which is exact even after a bigger earlier child.
    own = float(proc.stdout.strip().splitlines()[-1])
    peak_kib = max(own, 0.0) or resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss - before
    return wall, peak_kib / 1024.0


_CHILD_CODE = OWN_PEAK_KIB + """
from datetime import datetime, timezone
from games.reporting import build_reports
build_reports({data!r}, {out!r}, child_ids={ids!r}, all_children={all_!r}, progress=False,
              now=datetime(2026, 11, 20, 18, tzinfo=timezone.utc), overwrite=True,
              cache={cache!r})
print(_own_peak_kib())
"""


def drop_page_cache() -> bool:
    """``sync; echo 3 > /proc/sys/vm/drop_caches`` (Linux, as root); False when not allowed."""
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as fh:
            fh.write("3\n")
    except OSError:
        return False
    return True


def drawn_trials(data: Path) -> list[tuple[str, str, int]]:
    """(folder, session id, trial) of every trial the caseload report draws: the first and
    latest finished trial of each shape of each child (``games/tracing/report.py``)."""
    import pandas as pd

    from telemetry.loader import load_dataset

    ds = load_dataset(data, tables=("trials",))
    tr = ds.trials[ds.trials["completed"]].sort_values("started_at", kind="stable")
    g = tr.groupby(["child_id", "item"], sort=False, observed=True)
    both = pd.concat([g.head(1), g.tail(1)]).drop_duplicates(
        ["session_id", "trial"])
    folders = dict(zip(ds.sessions["session_id"], ds.sessions["folder"], strict=True))
    return [(folders[str(s)], str(s), int(t)) for s, t in zip(both["session_id"], both["trial"],
                                                              strict=True)]


def read_strokes(trials: list[tuple[str, str, int]], whole_files: bool) -> int:
    """Read the samples of ``trials`` through ``telemetry.rows.TrialRows`` (one reader per
    child's worth, as the report does); ``whole_files``: the reader before issue 15, which
    read every samples.csv whole."""
    from telemetry import rows, schema

    limit = rows.WHOLE_FILE_BYTES
    rows.WHOLE_FILE_BYTES = 1 << 62 if whole_files else limit
    try:
        reader, n = rows.TrialRows(), 0
        for i, (folder, sid, trial) in enumerate(trials):
            n += len(reader.lines(folder, schema.SAMPLES, sid, trial))
            if i % 20 == 19:
                reader.clear()
        return n
    finally:
        rows.WHOLE_FILE_BYTES = limit


def clear_caches(data: Path) -> int:
    """Delete every child's ``.summaries.cache`` and ``.trials.cache`` (the next report
    rebuilds them: a first run); returns how many were there."""
    from telemetry import summary_cache, trial_cache

    gone = 0
    for name in (summary_cache.FILE_NAME, trial_cache.FILE_NAME):
        for path in (data / "sessions").glob(f"*/{name}"):
            path.unlink()
            gone += 1
    return gone


def _median_fresh(variants: dict[str, tuple[str, Any]], runs: int) -> dict[str, float]:
    """Median wall time (``name``) and CPU time (``name + " cpu"``) of ``runs`` fresh
    processes for each variant ``name: (code, before)``, the variants interleaved run by run
    (so a change in the machine's load hits them alike); ``before()`` runs before each run,
    untimed (drop the page cache, delete the summary cache)."""
    times: dict[str, list[float]] = {}
    for _ in range(runs):
        for name, (code, before) in variants.items():
            if before is not None:
                before()
            times.setdefault(name, []).append(_subprocess_run(code)[0])
            times.setdefault(f"{name} cpu", []).append(_last_cpu[0])
    return {name: statistics.median(t) for name, t in times.items()}


def _report_pair(label: str, m: dict[str, float], name: str, budget: str) -> None:
    report(f"{label}: wall", m[name], "s", budget)
    report(f"{label}: CPU (user + system)", m[f"{name} cpu"], "s")


def cache_figures(data: Path, tmp: Path, one: list[str], runs: int = 5) -> None:
    """The summary cache in fresh processes (as a therapist runs ``finemotor report``), each
    figure a median of ``runs`` runs, with its ratio to reading every file (``cache=False``,
    the report before the cache) measured in the same run, interleaved: warm page cache;
    first run (no summary or trial cache yet: both are built) against second run (caches up
    to date); and
    right after dropping the page cache (``sync; echo 3 > /proc/sys/vm/drop_caches``, as
    root)."""
    can_drop = drop_page_cache()
    how = ("sync; echo 3 > /proc/sys/vm/drop_caches" if can_drop
           else "not allowed (not root): cold figures skipped")
    print(f"  page cache drop: {how}", flush=True)
    for label, ids, all_ in (("one child, a year", one, False), ("caseload", None, True)):
        budget = "< 5 s" if all_ else "< 1 s"

        def code(cache: bool, ids: list[str] | None = ids, all_: bool = all_) -> str:
            return _CHILD_CODE.format(data=str(data), out=str(tmp / f"c-{all_}-{cache}"),
                                      ids=ids, all_=all_, cache=cache)

        print(f"  load average {os.getloadavg()[0]:.1f} before '{label}'", flush=True)
        _subprocess_run(code(True))  # page cache and summary cache warm
        warm = _median_fresh({
            "files": (code(False), None),
            "first": (code(True), lambda: clear_caches(data)),
            "second": (code(True), None),
        }, runs)
        _report_pair(f"{label}, fresh, warm, every file read (no cache)", warm, "files", budget)
        _report_pair(f"{label}, fresh, warm, first run (cache built)", warm, "first", budget)
        _report_pair(f"{label}, fresh, warm, second run (cache up to date)", warm, "second",
                     budget)
        report("  no cache / second run, wall", warm["files"] / warm["second"], "x")
        report("  no cache / second run, CPU", warm["files cpu"] / warm["second cpu"], "x")
        report("  first run / second run, wall", warm["first"] / warm["second"], "x")
        if can_drop:
            cold = _median_fresh({
                "files": (code(False), drop_page_cache),
                "second": (code(True), drop_page_cache),
            }, max(3, runs - 2))
            _report_pair(f"{label}, fresh, cold, every file read (no cache)", cold, "files",
                         budget)
            _report_pair(f"{label}, fresh, cold, second run (cache up to date)", cold,
                         "second", budget)
            report("  no cache / second run, cold, wall", cold["files"] / cold["second"], "x")
        print(f"  load average {os.getloadavg()[0]:.1f} after '{label}'", flush=True)


def main() -> None:
    """Measure and print the figures (``FINEMOTOR_BENCH_REPORT=cache``: only the summary
    cache's fresh-process figures)."""
    if os.environ.get("FINEMOTOR_BENCH_REPORT") == "cache":
        data, how = ensure_data()
        print(f"  data: {how}", flush=True)
        from telemetry.children import ChildrenRegistry

        ids = [c.child_id for c in ChildrenRegistry(data).list()]
        with tempfile.TemporaryDirectory() as tmp:
            cache_figures(data, Path(tmp), [ids[0]])
        return
    from datetime import datetime as _dt

    from games.reporting import build_reports
    from telemetry.children import ChildrenRegistry

    # One chart, both ways, on the same child-year of sessions: why the report draws its SVG
    # by hand rather than with matplotlib (a caseload page set draws some 300 such charts).
    values, dates = chart_data()
    t_mpl = median_seconds(lambda: matplotlib_accuracy_chart(values, dates), repeats=15)
    t_svg = median_seconds(lambda: svg_accuracy_chart(values, dates), repeats=51)
    report(f"accuracy chart, {len(values)} sessions: matplotlib SVG", t_mpl * 1000, "ms")
    report("  the same chart, hand-drawn SVG (telemetry.charts)", t_svg * 1000, "ms")
    report("  matplotlib / hand-drawn", t_mpl / t_svg, "x")

    data, how = ensure_data()
    print(f"  data: {how}", flush=True)
    ids = [c.child_id for c in ChildrenRegistry(data).list()]
    one = [ids[0]]
    now = _dt(2026, 11, 20, 18, tzinfo=timezone.utc)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_p = Path(tmp)

        def one_child() -> None:
            build_reports(data, tmp_p / "one", child_ids=one, progress=False, now=now)

        def caseload() -> None:
            build_reports(data, tmp_p / "all", all_children=True, progress=False, now=now)

        t_one = median_seconds(one_child, repeats=5)
        report("one child, a year (in-process, median of 5)", t_one, "s", "< 1 s")
        t_files = median_seconds(lambda: build_reports(data, tmp_p / "one-f", child_ids=one,
                                                       progress=False, now=now, cache=False),
                                 repeats=5)
        report("  the same reading every file (no summary cache)", t_files, "s")
        report("  no cache / cache", t_files / t_one, "x")
        t_naive_one = median_seconds(lambda: naive_report(data, one, tmp_p / "n1"), repeats=3)
        report("  naive baseline, one child", t_naive_one, "s")
        report("  speed-up over naive", t_naive_one / t_one, "x")

        wall, _ = _subprocess_run(_CHILD_CODE.format(data=str(data), out=str(tmp_p / "s1"),
                                                     ids=one, all_=False, cache=True))
        report("one child, fresh process (imports included)", wall, "s")

        t_all = median_seconds(caseload, repeats=3)
        report(f"caseload of {len(ids)} children (in-process, median of 3)", t_all, "s", "< 5 s")
        t_all_files = median_seconds(lambda: build_reports(data, tmp_p / "all-f",
                                                           all_children=True, progress=False,
                                                           now=now, cache=False), repeats=3)
        report("  the same reading every file (no summary cache)", t_all_files, "s")
        report("  no cache / cache", t_all_files / t_all, "x")
        sample = ids[:5]
        t_naive5 = median_seconds(lambda: naive_report(data, sample, tmp_p / "n5"), repeats=1,
                                  warmup=0)
        naive_all = t_naive5 * len(ids) / len(sample)
        report(f"  naive baseline, {len(ids)} children (5 measured, scaled)", naive_all, "s")
        report("  speed-up over naive", naive_all / t_all, "x")

        wall, peak = _subprocess_run(_CHILD_CODE.format(data=str(data), out=str(tmp_p / "s2"),
                                                        ids=None, all_=True, cache=True))
        report("caseload, fresh process (imports included)", wall, "s", "< 5 s")
        report("caseload, peak RSS of that process", peak, "MB", "< 500 MB")

        trials = drawn_trials(data)
        read_strokes(trials, whole_files=False)
        t_new = median_seconds(lambda: read_strokes(trials, whole_files=False), repeats=5)
        t_old = median_seconds(lambda: read_strokes(trials, whole_files=True), repeats=3)
        report(f"samples of the {len(trials)} drawn trials, bisection reader", t_new, "s")
        report("  whole-file reader (before issue 15)", t_old, "s")
        report("  whole-file / bisection", t_old / t_new, "x")
        print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
        cache_figures(data, tmp_p, one)


if __name__ == "__main__":
    main()
