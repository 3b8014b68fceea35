"""Pinch's section of a child's report: per-session figures, baseline against latest, the
transport paths over the board, and the grasp milestones as guidance.

Injected into ``telemetry.report.build_reports`` through the activity's ``report_sections``
hook (``telemetry.report_sections`` describes the contract). Figures come from the boards'
``metrics.csv`` rows; the paths are replayed from the stored samples and board
(:mod:`games.pinch.record`, :mod:`games.pinch.score`), for the first and the latest board only.
Boards played with the single-pointer alternative (``assisted`` = 1) are counted but kept out
of every motor figure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from games.kit.packed import pack, unpack
from games.pinch.record import read_board
from telemetry import report_html as H
from telemetry import schema
from telemetry.grouping import Groups, first_time, utc_dates, utc_micros
from telemetry.report_sections import ChildContext, ReportContext, SectionOutput, records

ACTIVITY = "pinch"
# (metric name in metrics.csv, column, header, unit shown, digits, lower is better)
MEASURES = (
    ("time_per_object", "time_per_object_s", "Time per object", "s", 2, True),
    ("objects_per_minute", "objects_per_minute", "Objects per minute", "", 1, False),
    ("drops", "drops", "Drops", "", 0, True),
    ("failed_grasps", "failed_grasps", "Failed grasps", "", 0, True),
    ("path_efficiency", "path_efficiency", "Path efficiency", "", 2, False),
    ("throughput", "throughput_bps", "Throughput", "bits/s", 2, False),
)
_MEASURE_NAMES = tuple(m[0] for m in MEASURES)
BASELINE_BOARDS = 3  # baseline and latest are medians of three boards (peg-test practice)
# Grasp milestones: guidance with their public sources, never pass/fail norms.
MILESTONES = (
    ("Inferior pincer (thumb to the side of the index finger)", "9-12 months",
     "drannezachry.com/blog-posts/fine-motor-skill-development-2/"),
    ("Static tripod grasp (inconsistent); strings beads", "3-4 years",
     "cheshire.k12.ct.us/occupational-therapy/fine-motor-development"),
    ("Dynamic tripod emerging; mature neat pincer grasp", "4-5 years",
     "cheshire.k12.ct.us/occupational-therapy/fine-motor-development"),
    ("Tongs (whole hand opens and closes) before tweezers (pincer precision)",
     "no age norm found for tweezers: aim them at children with a mature pincer (4-5 years+)",
     "jewelautismcentre.com; cheshire.k12.ct.us"),
)
STATEMENT = (
    "A screen score is its own measure: digital peg tests agree only weakly with the physical "
    "Nine-Hole Peg Test, so these figures are never a peg-test equivalent and are compared "
    "with the child's own earlier boards. No age norm exists for tweezer use."
)


def _board_metrics(child: ChildContext, sids: list[str], nums: list[int]) -> np.ndarray:
    """Per board (``sids``/``nums``: its session and trial), the value of ``assisted`` and of
    each of the :data:`MEASURES` from its checked metrics.csv rows (NaN when missing, 0 for a
    missing ``assisted``; a later row of the same metric wins; millimetre and empty values are
    not figures)."""
    values = child.trial_metrics(sids, nums, ("assisted", *_MEASURE_NAMES), skip_empty=True,
                                 skip_units=("mm",))
    values[:, 0] = np.where(np.isnan(values[:, 0]), 0.0, values[:, 0])
    return values


def board_figures(child: ChildContext, trials: pd.DataFrame) -> pd.DataFrame:
    """One row per pinch board: its session, date, level and the :data:`MEASURES` (from the
    board's metrics.csv rows), plus ``assisted``."""
    sids = [str(s) for s in trials["session_id"].tolist()]
    nums = [int(t) for t in trials["trial"].tolist()]
    values = _board_metrics(child, sids, nums)
    out: dict[str, Any] = {"session_id": sids, "trial": nums,
                           "started_at": trials["started_at"].array,
                           "level": trials["level"].tolist(),
                           "assisted": values[:, 0] != 0.0}  # NaN counts as assisted
    for j, (name, col, *_) in enumerate(MEASURES, start=1):
        if name == "time_per_object":
            # ms stored to 4 decimals are s to 7: rounded so 3347.4524 ms is 3.3474524 s, not
            # 3.3474524000000003 (the float quotient) in pinch_sessions.csv
            out[col] = [round(v / 1000.0, 7) for v in values[:, j].tolist()]
        else:
            out[col] = values[:, j]
    return pd.DataFrame(out)


# The trial cache's name and recipe for a board's drawing: bump the tag whenever read_paths
# or the scoring under it change the paths, so boards drawn the old way are drawn again.
PATHS_KIND = "pinch.paths"
PATHS_TAG = "carries 1"


@dataclass
class BoardDrawing:
    """What is drawn of one board: the cups, the objects where they lay and the decoys (rows
    of x, y, r) and the path of every carry (rows of x, y)."""

    targets: np.ndarray
    objects: np.ndarray
    decoys: np.ndarray
    paths: list[np.ndarray]


def _circles(pieces: Sequence[Any]) -> np.ndarray:
    return np.array([(p.x, p.y, p.r) for p in pieces], dtype=np.float64).reshape(-1, 3)


def encode_board(drawing: BoardDrawing | None) -> bytes:
    """A board's drawing as bytes (exact, ``kit.packed``); b"" for a board not stored."""
    if drawing is None:
        return b""
    return pack([], [drawing.targets, drawing.objects, drawing.decoys, *drawing.paths])


def decode_board(value: bytes) -> BoardDrawing | None:
    """The drawing :func:`encode_board` gave ``value`` for."""
    if not value:
        return None
    _, (targets, objects, decoys, *paths) = unpack(value, 0)
    return BoardDrawing(targets, objects, decoys, paths)


def _paths_svg(board: BoardDrawing, title: str, width: int = 300) -> str:
    """The board (targets, objects at their start) and the carries' paths, as an SVG."""
    k = width / 1280.0
    h = int(800 * k)
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{h}' "
             f"viewBox='0 0 {width} {h}' role='img' aria-label='{H.esc(title)}'>",
             f"<title>{H.esc(title)}</title>",
             f"<rect width='{width}' height='{h}' fill='#f3f7ee' stroke='#ccc'/>"]
    for x, y, r in board.targets.tolist():
        parts.append(f"<circle cx='{x * k:.1f}' cy='{y * k:.1f}' r='{r * k:.1f}' "
                     "fill='#cfe3f7' stroke='#4a78b0'/>")
    for x, y, r in board.objects.tolist():
        parts.append(f"<circle cx='{x * k:.1f}' cy='{y * k:.1f}' r='{r * k:.1f}' "
                     "fill='none' stroke='#c0392b' stroke-dasharray='2,2'/>")
    for x, y, r in board.decoys.tolist():
        parts.append(f"<circle cx='{x * k:.1f}' cy='{y * k:.1f}' r='{r * k:.1f}' "
                     "fill='none' stroke='#999'/>")
    for path in board.paths:
        if len(path) < 2:
            continue
        pts = " ".join(f"{x * k:.1f},{y * k:.1f}" for x, y in path.tolist())
        parts.append(f"<polyline points='{pts}' fill='none' stroke='#1f5fbf' "
                     "stroke-width='1.5' stroke-linejoin='round'/>")
        ex, ey = path[-1, 0] * k, path[-1, 1] * k
        parts.append(f"<circle cx='{ex:.1f}' cy='{ey:.1f}' r='2.5' fill='#1f5fbf'/>")
    parts.append("</svg>")
    return "".join(parts)


def read_paths(child: ChildContext, session_id: str, trial: int) -> BoardDrawing | None:
    """The board of one stored trial and the path of every carry, replayed from disk (None
    when the trial has no stored board)."""
    targets = [(f[2].decode(), int(f[3]), int(f[4]), float(f[5]), float(f[6]))
               for f in child.trial_rows(schema.TARGETS, session_id, trial)]
    if not targets:
        return None
    board, shown = read_board(targets)
    drawing = BoardDrawing(_circles(board.targets), _circles(board.objects),
                           _circles(board.decoys), [])
    rows = [(float(f[2]), float(f[3]), float(f[4]), int(f[5]), f[6].decode(), f[7].decode())
            for f in child.trial_rows(schema.SAMPLES, session_id, trial)]
    rows.sort(key=lambda r: r[0])
    if not rows:
        return drawing
    # Scoring (and the movement measures under it) is imported only for a board that is drawn.
    from games.pinch.score import Samples, score_round

    score = score_round(Samples.from_rows(rows), board, shown)
    drawing.paths = [np.asarray(c.path, dtype=np.float64)[:, 1:3] for c in score.carries]
    return drawing


def cached_paths(child: ChildContext, session_id: str, trial: int) -> BoardDrawing | None:
    """:func:`read_paths` through the child's trial cache: replayed from the files only when
    the board's targets or samples changed since it was kept."""
    return decode_board(child.trial_value(
        PATHS_KIND, PATHS_TAG, session_id, trial, (schema.TARGETS, schema.SAMPLES),
        lambda: encode_board(read_paths(child, session_id, trial))))


def _median(values: pd.Series) -> float:
    """The median of the values that are not NaN (NaN when none are), as pandas takes it."""
    v = values.to_numpy(dtype=float)
    v = v[~np.isnan(v)]
    return float(np.median(v)) if len(v) else math.nan


class PinchSection:
    """Per-session figures, baseline vs latest, transport paths and grasp milestones."""

    key = "pinch"
    uses_metrics = True  # every board's figures come from its metric rows

    def prepare(self, report: ReportContext) -> None:
        """Nothing to precompute: a child's boards are read when the child is rendered."""

    def render(self, child: ChildContext) -> SectionOutput:
        """The pinch section (empty when the child played no pinch board in the period)."""
        tr = child.trials
        tr = tr.loc[(tr["activity"] == ACTIVITY) & tr["completed"].astype(bool),
                    ["session_id", "trial", "started_at", "level"]]  # what the boards need
        if tr.empty:
            return SectionOutput()
        tr = tr.sort_values("started_at", kind="stable")
        boards = board_figures(child, tr)
        motor = boards[~boards["assisted"]]
        n_assisted = int(boards["assisted"].sum())
        out = ["<section id='pinch'><h2>Pinch: grasp, carry and release</h2>",
               f"<p class='note'>{H.esc(STATEMENT)} {H.esc(H.DISCLAIMER)}</p>"]
        if n_assisted:
            out.append(f"<p class='muted'>{n_assisted} board(s) played with the single-pointer "
                       "alternative (tap, then tap) are left out of every figure below.</p>")
        tables: dict[str, pd.DataFrame] = {}
        glance = ""
        if not motor.empty:
            out.append(self._baseline(motor))
            sessions = self._sessions(child, motor)
            tables["pinch_sessions"] = sessions
            out.append(self._sessions_table(sessions))
            out.append(self._paths(child, motor))
            glance = self._glance(motor)
        out.append(self._milestones())
        out.append("</section>")
        return SectionOutput(html="".join(out), glance=glance, tables=tables)

    def _baseline(self, motor: pd.DataFrame) -> str:
        first, last = motor.head(BASELINE_BOARDS), motor.tail(BASELINE_BOARDS)
        # The level comes first: a harder board (farther, smaller) takes longer per object.
        rows = [[H.esc("Level (harder boards take longer)"),
                 H.fmt_num(_median(first["level"].astype(float)), 0),
                 H.fmt_num(_median(last["level"].astype(float)), 0), "", ""]]
        for _, col, header, unit, digits, lower in MEASURES:
            b, latest = _median(first[col]), _median(last[col])
            change = latest - b
            better = (change < 0) if lower else (change > 0)
            word = "" if not math.isfinite(change) or change == 0 else (
                "better" if better else "worse")
            rows.append([H.esc(header + (f" ({unit})" if unit else "")), H.fmt_num(b, digits),
                         H.fmt_num(latest, digits), H.fmt_signed(change, digits), H.esc(word)])
        return ("<h3>Baseline against latest</h3>"
                f"<p class='muted'>Medians of the first {BASELINE_BOARDS} and the latest "
                f"{BASELINE_BOARDS} boards played with a pinch ({len(motor)} in the period); "
                "therapists average three trials of a peg test for the same reason.</p>"
                + H.table(["Figure", "Baseline", "Latest", "Change", ""], rows,
                          numeric=[False, True, True, True, False]))

    def _sessions(self, child: ChildContext, motor: pd.DataFrame) -> pd.DataFrame:
        """One row per session, in the order of each session's first board: boards, medians
        (drops and failed grasps: totals), as pandas' group-by gave them."""
        codes, ids = pd.factorize(motor["session_id"])  # in order of first appearance
        g = Groups([codes.astype(np.int64)])
        first = first_time(g, utc_micros(motor["started_at"]))
        sessions = pd.DataFrame({
            "child_id": child.child_id,
            "session_id": list(ids),
            "date": [d.isoformat() for d in utc_dates(first)],
            "boards": g.sizes,
            "time_per_object_s": g.median(motor["time_per_object_s"].to_numpy()),
            "objects_per_minute": g.median(motor["objects_per_minute"].to_numpy()),
            "drops": g.sum(motor["drops"].to_numpy()),
            "failed_grasps": g.sum(motor["failed_grasps"].to_numpy()),
            "path_efficiency": g.median(motor["path_efficiency"].to_numpy()),
            "throughput_bps": g.median(motor["throughput_bps"].to_numpy()),
        })
        return sessions

    def _sessions_table(self, s: pd.DataFrame) -> str:
        rows = [[H.esc(r.date), H.fmt_num(r.boards, 0), H.fmt_num(r.time_per_object_s),
                 H.fmt_num(r.objects_per_minute, 1), H.fmt_num(r.drops, 0),
                 H.fmt_num(r.failed_grasps, 0), H.fmt_num(r.path_efficiency),
                 H.fmt_num(r.throughput_bps)] for r in records(s)]
        return ("<h3>Per session</h3>"
                "<p class='muted'>Medians per session (drops and failed grasps: totals). Also in "
                "pinch_sessions.csv.</p>"
                + H.table(["Date", "Boards", "Time per object (s)", "Objects per minute",
                           "Drops", "Failed grasps", "Path efficiency", "Throughput (bits/s)"],
                          rows, numeric=[False] + [True] * 7))

    def _paths(self, child: ChildContext, motor: pd.DataFrame) -> str:
        picks = [("first", motor.iloc[0])]
        if len(motor) > 1:
            picks.append(("latest", motor.iloc[-1]))
        figs = []
        for which, rec in picks:
            board = cached_paths(child, str(rec["session_id"]), int(rec["trial"]))
            if board is None:
                continue
            day = rec["started_at"].date().isoformat()
            title = f"{which} board {day}, level {int(rec['level'])}"
            figs.append(H.figure(_paths_svg(board, title), title))
        if not figs:
            return ""
        return ("<h3>Transport paths: first and latest board</h3>"
                "<p class='muted'>Each line is one carry, from the grip to the release (dot), "
                "over the cups (blue) and where the objects lay (dashed red).</p>"
                "<div class='pair'>" + "".join(figs) + "</div>")

    def _glance(self, motor: pd.DataFrame) -> str:
        b = _median(motor.head(BASELINE_BOARDS)["time_per_object_s"])
        latest = _median(motor.tail(BASELINE_BOARDS)["time_per_object_s"])
        if not (math.isfinite(b) and math.isfinite(latest)):
            return ""
        return (f"Pinch: time per object <b>{H.fmt_num(b)} s</b> at baseline, "
                f"<b>{H.fmt_num(latest)} s</b> latest (medians of {BASELINE_BOARDS} boards; a "
                "screen measure, not a peg-test score).")

    def _milestones(self) -> str:
        rows = [[H.esc(skill), H.esc(age), f"<span class='src'>{H.esc(src)}</span>"]
                for skill, age, src in MILESTONES]
        return ("<h3>Grasp milestones (guidance)</h3>"
                "<p class='muted'>Typical ages from the sources listed; ranges, never pass or "
                "fail.</p>"
                + H.table(["Skill", "Typical age", "Sources"], rows))


def report_sections() -> list[Any]:
    """Pinch's sections, in page order (the registry's ``report_sections`` hook)."""
    return [PinchSection()]
