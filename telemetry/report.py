"""``finemotor report``: the caseload page, one page per child and tidy CSV summaries.

Reads the data folder with ``telemetry.loader`` (per-trial summaries only), computes the
summaries in ``telemetry.analytics`` and ``telemetry.milestones``, and writes into ``out_dir``:

* ``index.html``: the caseload (last session, practice in the last 4 weeks, a trend arrow per
  activity, flags);
* ``<child_id>.html``: one child's report (practice per week, per-activity charts with
  baseline and latest medians, latest figures per item, strokes over the model path,
  milestones, a data-quality note);
* ``*.csv``: the same summaries as tidy tables (see ``CSV_FILES``).

Raw samples are opened only for the few strokes drawn (the first and the latest trial of each
tracing shape). Everything is written owner-only (0600 files in a 0700 folder): the pages hold
nicknames, and ``--anonymize`` leaves out the nickname and the roster altogether.
"""

from __future__ import annotations

import functools
import math
import os
import sys
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from telemetry import analytics, charts, milestones, schema
from telemetry import report_html as H
from telemetry.errors import UsageError
from telemetry.storage import atomic_write_bytes, ensure_private_dir

CSV_FILES = {
    "caseload": "caseload.csv",
    "sessions": "sessions.csv",
    "weekly_practice": "weekly_practice.csv",
    "activity_sessions": "activity_sessions.csv",
    "activity_weekly": "activity_weekly.csv",
    "activity_trends": "activity_trends.csv",
    "items_latest": "items_latest.csv",
    "milestones": "milestones.csv",
}
STROKE_ACTIVITY = "tracing"
MAX_STROKE_ITEMS = 12  # shapes drawn per child: enough for the pre-writing set, cheap to load
SPARK_WEEKS = 12


@dataclass
class ReportResult:
    """What ``build_reports`` wrote."""

    out_dir: Path
    index: Path
    child_pages: dict[str, Path]
    csv_files: list[Path]
    as_of: datetime
    children: int = 0
    sessions: int = 0
    trials: int = 0
    quality: dict[str, Any] = field(default_factory=dict)


class Progress:
    """A one-line progress bar on stderr: ``[#####     ] 12/40 children``."""

    def __init__(self, total: int, label: str, enabled: bool, stream: TextIO | None = None):
        self.total = total
        self.label = label
        self.enabled = enabled and total > 0
        self.stream = stream or sys.stderr
        self.done = 0

    def step(self, n: int = 1) -> None:
        """Advance by ``n`` and redraw."""
        self.done += n
        if self.enabled:
            width = 30
            filled = int(width * self.done / self.total)
            self.stream.write(
                f"\r[{'#' * filled}{' ' * (width - filled)}] {self.done}/{self.total} {self.label}"
            )
            if self.done >= self.total:
                self.stream.write("\n")
            self.stream.flush()


# --- arguments ---------------------------------------------------------------------------------


def parse_date(value: str | date | datetime | None, name: str, end: bool = False):
    """A ``--since``/``--until`` value as an aware UTC datetime (``None`` stays ``None``).

    A bare date means the start of that day for ``--since`` and the end of it (the start of the
    next day, exclusive) for ``--until``, so ``--until 2026-03-31`` includes the 31st.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime.combine(value + timedelta(days=1) if end else value, time())
    else:
        text = str(value).strip()
        try:
            if len(text) == 10:
                d = date.fromisoformat(text)
                dt = datetime.combine(d + timedelta(days=1) if end else d, time())
            else:
                dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise UsageError(
                f"{name}: {text!r} is not a date; use YYYY-MM-DD, e.g. 2026-03-31"
            ) from None
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def _display_name(child_id: str, nicknames: dict[str, str], anonymize: bool) -> str:
    """The name shown for a child: the nickname, or the pseudonym when anonymizing."""
    if not anonymize and nicknames.get(child_id):
        return nicknames[child_id]
    return f"child {child_id[:8]}"


# --- strokes -----------------------------------------------------------------------------------


STROKE_POINTS = 150  # samples kept per drawn trial: plenty for a 170 px drawing


class _SessionFiles:
    """Reads the rows of a few trials from a session's samples/targets files.

    The report draws about twenty trials per child, each from a session file of a few hundred
    kilobytes: parsing whole files with pandas costs ~7 ms each. Instead the block of the
    wanted trial is found by its row prefix (``version,session_id,trial,``, a C-speed
    ``bytes.find``), and only the rows actually drawn are crc-checked and split: a bad row is
    skipped, as the loader does, and a row never drawn cannot mislead.
    """

    def __init__(self) -> None:
        self._cache: dict[str, bytes] = {}

    def block(self, path: Path, session_id: str, trial: int) -> bytes:
        """Every line of ``trial`` in ``path``, newline-separated (rows not yet checked)."""
        key = str(path)
        data = self._cache.get(key)
        if data is None:
            try:
                data = b"\n" + path.read_bytes()  # so every row starts after a newline
            except OSError:
                data = b""
            self._cache[key] = data
        blocks: list[bytes] = []
        for v in sorted(schema.READABLE_VERSIONS):
            prefix = f"\n{v},{session_id},{trial},".encode()
            first = data.find(prefix)
            if first < 0:
                continue
            last = data.rfind(prefix)
            end = data.find(b"\n", last + 1)
            if end < 0:  # the last row is torn (no newline): it is not a row
                end = last
            raw = data[first + 1 : end]
            # The recorder writes a trial's rows contiguously; merged or hand-edited files may
            # interleave trials, and then only this trial's rows are kept.
            if data.count(prefix, first, end + 1) != raw.count(b"\n") + 1:
                raw = b"\n".join(ln for ln in raw.split(b"\n") if ln.startswith(prefix[1:]))
            blocks.append(raw)
        return b"\n".join(blocks)


def _valid_fields(lines: list[bytes]) -> list[list[bytes]]:
    """The fields of the lines whose crc32 matches (same check as the loader's)."""
    crc = zlib.crc32
    return [
        ln.split(b",")
        for ln in lines
        if ln[-9:-8] == b"," and b"%08x" % crc(ln[:-9]) == ln[-8:]
    ]


@dataclass
class TrialDrawing:
    """What is drawn of one trial: the model path, the child's strokes and the road width."""

    model: list[np.ndarray]
    strokes: list[np.ndarray]
    road_px: float = 0.0  # full width of the tolerance band (0: unknown)
    copied: bool = False  # drawn freehand in a copy box, shown centred over the model
    level: int | None = None  # the trial's level and accuracy, printed under the drawing
    accuracy: float | None = None


def _trial_strokes(files: _SessionFiles, folder: str, session_id: str, trial: int):
    """The model path parts and the child's strokes (split at pen-down) of one trial."""
    base = Path(folder)
    drawing = TrialDrawing([], [])
    # targets: version, session_id, trial, kind, part, seq, x, y, crc
    parts: dict[int, list[tuple[int, float, float]]] = {}
    targets = files.block(base / schema.TARGETS.filename, session_id, trial)
    for f in _valid_fields(targets.split(b"\n") if targets else []):
        if f[3] == b"model_path":
            parts.setdefault(int(f[4]), []).append((int(f[5]), float(f[6]), float(f[7])))
        elif f[3] == b"tolerance":  # the scene stores the band's half-width as (tol, tol)
            drawing.road_px = 2.0 * float(f[6])
        elif f[3] == b"copy_box":
            drawing.copied = True
    for part in sorted(parts):
        pts = sorted(parts[part])
        drawing.model.append(np.array([(x, y) for _, x, y in pts], dtype=float))
    # samples: version, session_id, trial, t_ms, x, y, pointer, phase, source, crc
    raw = files.block(base / schema.SAMPLES.filename, session_id, trial)
    if raw:
        lines = raw.split(b"\n")
        # Keep every k-th sample plus every pen-down and pen-up, which split the strokes; the
        # few pen-down/up rows are found with C-speed searches, not a Python pass over lines.
        k = len(lines) // STROKE_POINTS + 1
        wanted = set(range(0, len(lines), k))
        for marker in (b",down,", b",up,"):
            pos = raw.find(marker)
            while pos >= 0:
                wanted.add(raw.count(b"\n", 0, pos))
                pos = raw.find(marker, pos + 1)
        rows = _valid_fields([lines[i] for i in sorted(wanted)])
        rows.sort(key=lambda f: float(f[3]))
        if rows:
            xy = np.array([(float(f[4]), float(f[5])) for f in rows], dtype=float)
            if drawing.copied and drawing.model:
                # A copy is drawn beside the model: centre it over the model, as a therapist
                # would lay the worksheet over the model to compare.
                m = np.concatenate(drawing.model)
                xy += (m.min(axis=0) + m.max(axis=0)) / 2 - (xy.min(axis=0) + xy.max(axis=0)) / 2
            starts = [i for i, f in enumerate(rows) if f[7] == b"down"]
            if not starts or starts[0] != 0:
                starts.insert(0, 0)
            bounds = [*starts, len(xy)]
            drawing.strokes = [
                xy[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a
            ]
    return drawing


# --- pages -------------------------------------------------------------------------------------


def _header(title: str, subtitle: str) -> str:
    return f"<h1>{H.esc(title)}</h1><p class='meta'>{H.esc(subtitle)}</p>"


def _period_text(since: datetime | None, until: datetime | None, as_of: datetime) -> str:
    s = since.date().isoformat() if since else "the first session"
    u = (until - timedelta(days=1)).date().isoformat() if until else "today"
    return f"Period: {s} to {u}. Report date {as_of.date().isoformat()} (UTC)."


def _rules_note() -> str:
    r = analytics.TrendRule()
    return (
        "<p class='muted'>How to read: a session's figure is the median of its trials. "
        f"<b>Baseline</b> is the median of the first {r.window} sessions, <b>latest</b> the "
        f"median of the last {r.window} (fewer when there are under {2 * r.window} sessions), "
        "so one noisy session does not move them. Arrows compare the latest "
        f"{r.window} sessions with the {r.window} before them: ↑ or ↓ when accuracy changed "
        f"by {r.threshold:g} or more. A <b>decline</b> is flagged when accuracy dropped by "
        f"{r.decline:g} or more, unless the level went up (accuracy dips when the road "
        f"narrows), or when the items of the last {r.window} sessions sit, as a median, "
        f"{r.level_drop:g} or more levels below their own best (the game widened the road "
        f"after misses). A child is flagged after {analytics.INACTIVE_DAYS} days without practice. "
        "Dates are UTC; weeks start on Monday.</p>"
    )


def _index_trends(trends: pd.DataFrame | None, child_id: str, fallback: str) -> str:
    """Per activity: accuracy baseline → latest and the recent arrow (``tracing 0.84 → 0.98 ↑``).

    The arrow alone told a therapist the last few sessions went down, but not whether the child
    is better than at the start; both numbers answer that in one glance.
    """
    if trends is None:
        parts = []
        for part in fallback.split("; ") if fallback else []:
            act, _, arr = part.rpartition(" ")
            word = {v: k for k, v in H.ARROWS.items()}.get(arr, "none")
            parts.append(f"{H.esc(act)} {H.arrow(word)}")
        return "<br>".join(parts) or "–"
    t = trends[trends["child_id"] == child_id]
    parts = []
    for act, base, last, trend, lev0, lev1 in _columns(
        t, "activity", "baseline_accuracy", "latest_accuracy", "trend", "baseline_level",
        "latest_level"
    ):
        level = (
            f" <span class='muted nowrap'>level {lev0}→{lev1}</span>" if lev1 != lev0 else ""
        )
        parts.append(
            f"<span class='nowrap'>{H.esc(act)} {H.fmt_num(base)} → {H.fmt_num(last)} "
            f"{H.arrow(str(trend))}</span>{level}"
        )
    return "<br>".join(parts) or "–"


def render_index(
    case: pd.DataFrame,
    weekly: pd.DataFrame,
    names: dict[str, str],
    pages: dict[str, str],
    quality: H.QualityNote,
    period: str,
    anonymize: bool,
    trends: pd.DataFrame | None = None,
) -> str:
    """The caseload page (``index.html``).

    ``trends`` (``analytics.activity_trends``) adds each activity's baseline and latest
    accuracy next to its arrow; without it only the arrows of ``case`` are shown.
    """
    weekly_by_child = {cid: g for cid, g in weekly.groupby("child_id", sort=False)}
    flagged = case["flags"].astype(str) != ""
    order = case.assign(_f=~flagged, _n=case["child_id"].map(names).str.lower())
    order = order.sort_values(["_f", "_n"], kind="stable")
    rows, classes, attention = [], [], []
    for r in order.itertuples(index=False):
        w = weekly_by_child.get(r.child_id)
        spark = ""
        if w is not None and not w.empty:
            last = w.tail(SPARK_WEEKS)
            spark = charts.sparkline(
                last["sessions"].tolist(),
                title=f"Sessions per week, last {len(last)} weeks",
            )
        flags = f"<span class='flag'>{H.esc(r.flags)}</span>" if r.flags else "–"
        link = f"<a href='{H.esc(pages[r.child_id])}'>{H.esc(names[r.child_id])}</a>"
        if r.flags:
            attention.append(f"<li>{link}: {H.esc(r.flags)}</li>")
        rows.append(
            [
                link,
                f"<span class='date'>{H.esc(r.last_session)}</span>",
                H.fmt_num(r.days_since_last, 0),
                H.fmt_num(r.sessions_4w, 0),
                H.fmt_num(r.minutes_4w, 0),
                spark,
                _index_trends(trends, r.child_id, str(r.trends) if r.trends else ""),
                flags,
            ]
        )
        classes.append("flagged" if r.flags else "")
    n_flag = int(flagged.sum())
    if attention:
        needs = (
            f"<div class='attention'><b>Needs attention ({n_flag} of {len(case)}):</b><ul>"
            + "".join(attention)
            + "</ul></div>"
        )
    else:
        needs = "<div class='note'><b>No child is flagged</b> in this period.</div>"
    body = [
        _header(
            "finemotor: caseload report",
            f"{len(case)} children, {n_flag} flagged. {period}",
        ),
        needs,
        "<p class='muted'>"
        + ("Anonymized: children are shown by pseudonym only. " if anonymize else "")
        + "Flagged children come first.<span class='screen-only'> Click a child for the full "
        "report.</span> Accuracy is 0 to 1: baseline (median of the first 3 sessions) → latest "
        "(median of the last 3), and the arrow for the last 3 sessions against the 3 before. "
        "Sessions per week: one bar per week, a red dash is a week without practice.</p>",
        H.table(
            [
                "Child",
                "Last session",
                "Days since",
                "Sessions (4 wk)",
                "Minutes (4 wk)",
                f"Sessions per week ({SPARK_WEEKS} wk)",
                "Accuracy per activity",
                "Flags",
            ],
            rows,
            numeric=[False, False, True, True, True, False, False, False],
            row_classes=classes,
        ),
        _rules_note(),
        quality.html(),
        f"<p class='note'>{H.esc(H.DISCLAIMER)}</p>",
    ]
    return H.page("finemotor caseload report", "".join(body))


@dataclass
class ChildData:
    """Every precomputed table of one child, as handed to ``render_child``."""

    child_id: str
    name: str
    sessions: pd.DataFrame
    weekly: pd.DataFrame
    act_sessions: pd.DataFrame
    trends: pd.DataFrame
    items: pd.DataFrame
    milestones: pd.DataFrame
    caseload: pd.Series | None
    stroke_pairs: list[tuple[str, str, TrialDrawing, str, TrialDrawing]]
    quality: H.QualityNote


def _columns(df: pd.DataFrame, *names: str):
    """Rows of the named columns as plain Python values (much faster than itertuples)."""
    return zip(*(df[n].tolist() for n in names), strict=True)


def _practice_section(cd: ChildData) -> str:
    w = cd.weekly
    s = cd.sessions
    if s.empty:
        return "<h2>Practice</h2><p>No sessions in this period.</p>"
    weeks = len(w)
    active = int((w["sessions"] > 0).sum())
    last4 = w.tail(4)
    summary = (
        f"{len(s)} sessions, {s['minutes'].sum():.0f} minutes in all "
        f"({int((s['mode'] == 'clinic').sum())} at the clinic, "
        f"{int((s['mode'] == 'home').sum())} at home). Practice in {active} of {weeks} weeks; "
        f"last 4 weeks: {int(last4['sessions'].sum())} sessions, "
        f"{last4['minutes'].sum():.0f} minutes."
    )
    rows = [
        [H.esc(wk), H.fmt_num(n, 0), H.fmt_num(m, 1), H.fmt_num(c, 0), H.fmt_num(h, 0)]
        for wk, n, m, c, h in _columns(
            w, "week_start", "sessions", "minutes", "clinic_sessions", "home_sessions"
        )
    ]
    tbl = H.table(
        ["Week of", "Sessions", "Minutes", "Clinic", "Home"],
        rows,
        numeric=[False, True, True, True, True],
    )
    return (
        "<section id='practice'><h2>Practice</h2>"
        f"<p>{H.esc(summary)}</p>"
        + H.figure(H.practice_chart(w), "Bars: minutes per week, clinic (orange) and home "
                   "(blue). A gap is a week without practice.")
        + H.numbers_table(f"Numbers: {weeks} weeks", tbl, csv_name=CSV_FILES["weekly_practice"])
        + "</section>"
    )


DURATION_CHANGE = 0.10  # a time change under a tenth of the baseline is "about the same"


def _recent_text(tr: pd.Series, rule: analytics.TrendRule) -> str:
    """The recent trend in words: latest 3 sessions against the 3 before, and why no flag.

    A bare "↓ declining" next to no decline flag left the therapist guessing; the sentence says
    whether the dip is small or comes with a narrower road.
    """
    trend = str(tr["trend"])
    k = int(tr["window"])
    latest, prev = float(tr["latest_accuracy"]), float(tr["previous_accuracy"])
    if trend == "none" or not math.isfinite(prev):
        return (
            f"{H.arrow('none')} Too few sessions for a recent trend (it needs {2 * rule.window}"
            "; fewer are compared as they come)."
            if trend == "none"
            else f"Latest accuracy {H.fmt_num(latest)}."
        )
    text = (
        f"Recent trend {H.arrow(trend)} <b>{H.ARROW_WORDS[trend]}</b>: accuracy "
        f"{H.fmt_num(latest)} in the last {k} session(s), {H.fmt_num(prev)} in the {k} before."
    )
    if trend == "down" and not bool(tr["decline"]):
        if latest - prev <= -rule.decline + 1e-9:
            text += (
                " The level went up: accuracy usually dips when the road narrows, so this is "
                "not flagged as a decline."
            )
        else:
            text += f" A dip under {rule.decline:g} is not flagged as a decline."
    return text


def _activity_section(cd: ChildData, activity: str) -> str:
    a = cd.act_sessions[cd.act_sessions["activity"] == activity]
    t = cd.trends[cd.trends["activity"] == activity]
    tr = t.iloc[0]
    k = int(tr["window"])
    labels = H.dates(a["date"])
    acc = charts.trend_chart(
        a["accuracy"].tolist(),
        labels,
        title="Accuracy (0 to 1, median per session)",
        baseline=(k, float(tr["baseline_accuracy"])) if k else None,
        latest=(k, float(tr["latest_accuracy"])) if k else None,
        y_range=(0.0, 1.0),
    )
    dur = charts.trend_chart(
        a["duration_s"].tolist(),
        labels,
        title="Time per trial (s, median per session)",
        unit=" s",
        baseline=(k, float(tr["baseline_duration_s"])) if k else None,
        latest=(k, float(tr["latest_duration_s"])) if k else None,
    )
    lev = charts.trend_chart(
        a["level"].astype(float).tolist(),
        labels,
        title="Level (highest per session)",
        step=True,
        integer=True,
    )
    rule = analytics.TrendRule()
    base_dur = float(tr["baseline_duration_s"])
    summary = H.table(
        ["", "Baseline", "Latest", "Change", "Since baseline"],
        [
            [
                "Accuracy",
                H.fmt_num(tr["baseline_accuracy"]),
                H.fmt_num(tr["latest_accuracy"]),
                H.fmt_signed(tr["accuracy_change"]),
                H.change_word(tr["accuracy_change"], rule.threshold, "better", "lower"),
            ],
            [
                "Time per trial (s)",
                H.fmt_num(tr["baseline_duration_s"], 1),
                H.fmt_num(tr["latest_duration_s"], 1),
                H.fmt_signed(tr["duration_change_s"], 1),
                # Lower is faster; a tenth of the baseline time is the smallest change named.
                H.change_word(
                    -float(tr["duration_change_s"]),
                    DURATION_CHANGE * base_dur if math.isfinite(base_dur) else math.inf,
                    "faster",
                    "slower",
                ),
            ],
            [
                "Level",
                H.fmt_num(tr["baseline_level"], 0),
                H.fmt_num(tr["latest_level"], 0),
                H.fmt_signed(tr["latest_level"] - tr["baseline_level"], 0),
                H.change_word(tr["latest_level"] - tr["baseline_level"], 1, "harder",
                              "easier"),
            ],
        ],
        numeric=[False, True, True, True, False],
        caption=f"Medians of the first and last {k} session(s) of {int(tr['sessions'])}",
    )
    recent = _recent_text(tr, rule)
    decline = ""
    if bool(tr["decline"]):
        why = ""
        if tr.get("decline_reason") == "level":
            why = (
                f" The shapes of the last {k} session(s) are {H.fmt_num(tr['level_drop'], 1)}"
                " levels below their best (median): the game widened the road after misses."
            )
        decline = f" <span class='flag'>Decline flagged.{why}</span>"
    session_rows = [
        [
            H.esc(d),
            H.fmt_num(n, 0),
            H.fmt_num(c, 0),
            H.fmt_num(acc_v),
            H.fmt_num(dur_v, 1),
            H.fmt_num(lev_v, 0),
            H.fmt_num(err, 0),
        ]
        for d, n, c, acc_v, dur_v, lev_v, err in _columns(
            a, "date", "trials", "completed", "accuracy", "duration_s", "level", "errors"
        )
    ]
    sess_tbl = H.table(
        ["Date", "Trials", "Completed", "Accuracy", "Time (s)", "Level", "Errors"],
        session_rows,
        numeric=[False, True, True, True, True, True, True],
    )
    items = cd.items[cd.items["activity"] == activity]
    item_rows = [
        [
            H.esc(r.item),
            H.esc(r.last_date),
            H.fmt_num(r.level, 0),
            H.fmt_num(r.trials, 0),
            H.fmt_num(r.accuracy),
            H.fmt_num(r.duration_s, 1),
            H.fmt_num(r.errors, 0),
            H.fmt_num(r.total_trials, 0),
        ]
        for r in items.itertuples(index=False)
    ]
    item_tbl = H.table(
        ["Item", "Last played", "Level", "Trials", "Accuracy", "Time (s)", "Errors", "All trials"],
        item_rows,
        numeric=[False, False, True, True, True, True, True, True],
        caption="Latest session of each item (medians of its completed trials)",
    )
    return (
        f"<section id='activity-{H.esc(activity)}'><h2>{H.esc(activity.capitalize())}</h2>"
        + summary
        + f"<p>{recent}{decline}</p>"
        + H.chart_legend()
        + "<div class='charts'>"
        + H.figure(acc)
        + H.figure(dur, "Lower is faster.")
        + H.figure(lev, "A higher level is harder.")
        + "</div>"
        + H.numbers_table(f"Numbers: {len(a)} sessions", sess_tbl,
                          csv_name=CSV_FILES["activity_sessions"])
        + "<h3>Per item</h3>"
        + item_tbl
        + "</section>"
    )


def _item_label(item: str) -> str:
    """A tracing item id as a heading: ``diag_left`` → ``diag left``, ``upper_R`` → ``upper R``."""
    return item.replace("_", " ")


def _strokes_section(cd: ChildData) -> str:
    if not cd.stroke_pairs:
        return ""
    out = [
        "<section id='strokes'><h2>Strokes: first and latest trial of each shape</h2>"
        "<p class='muted'>The child's own strokes (blue) over the model path (dashed) and its "
        "road, the tolerance band of the level played (grey), first trial on the left and "
        "latest on the right, as on a paper worksheet. A narrower road means a higher level. "
        "Copies drawn freehand beside the model are shown centred over it.</p>"
    ]
    for item, d0, g0, d1, g1 in cd.stroke_pairs:
        figs = []
        for which, day, g in (("first", d0, g0), ("latest", d1, g1)):
            svg = charts.strokes_svg(
                g.model, g.strokes, title=f"{item}, {which} trial {day}", size=170,
                road_px=g.road_px,
            )
            facts = [f"{which} {day}"]
            if g.level is not None:
                facts.append(f"level {g.level}")
            if g.accuracy is not None:
                facts.append(f"accuracy {g.accuracy:.2f}")
            if g.copied:
                facts.append("copy")
            figs.append(H.figure(svg, ", ".join(facts)))
        out.append(
            f"<div class='pair'><h3>{H.esc(_item_label(item))}</h3>" + "".join(figs) + "</div>"
        )
    out.append("</section>")
    return "".join(out)


def _milestones_section(cd: ChildData, rule: milestones.MasteryRule) -> str:
    m = cd.milestones
    rows = [
        [
            H.esc(r.shape),
            f"<span class='nowrap'>{H.esc(r.typical_age)}</span>",
            H.status_cell(r.status),
            H.fmt_num(r.sessions_practised, 0),
            H.fmt_num(r.latest_accuracy),
            # The run shows how close an "emerging" shape is to "met".
            H.fmt_num(r.best_run, 0),
            # Long source URLs may break anywhere, or the table would run off the paper.
            f"<span class='src'>{H.esc(r.sources)}</span>",
        ]
        for r in m.itertuples(index=False)
    ]
    met = int((m["status"] == "met").sum())
    emerging = int((m["status"] == "emerging").sum())
    return (
        "<section id='milestones'><h2>Pre-writing milestones</h2>"
        # The statement and the rule come before the table so no one reads the status alone.
        f"<p class='note'>{H.esc(H.DISCLAIMER)} Ages come from the sources listed and vary "
        "between them; the order is more predictable than the timing.</p>"
        f"<p><b>{met} met, {emerging} emerging, {len(m) - met - emerging} not yet</b>, in "
        f"developmental order. Rule: {H.esc(rule.describe())} The best run is the longest "
        "such run of sessions so far. Status counts every session up to the report date, "
        "also any before the period of this report.</p>"
        + H.table(
            ["Shape", "Typical age (range)", "Status", "Sessions", "Latest accuracy",
             f"Best run ({rule.sessions} needed)", "Sources"],
            rows,
            numeric=[False, False, False, True, True, True, False],
        )
        + "</section>"
    )


def _glance(cd: ChildData, flags: str) -> str:
    """The box at the top of a child's page: flags, change since baseline, milestones.

    Everything a busy therapist needs before the session, in one box: the sections below
    hold the charts and the detail.
    """
    items = []
    if flags:
        items.append(f"<p class='flag'>Flags: {H.esc(flags)}</p>")
    else:
        items.append("<p>No flags.</p>")
    t = cd.trends
    if not t.empty:
        rule = analytics.TrendRule()
        rows = []
        for r in t.itertuples(index=False):
            acc_word = H.change_word(r.accuracy_change, rule.threshold, "better", "lower")
            base_dur = float(r.baseline_duration_s)
            dur_word = H.change_word(
                -float(r.duration_change_s),
                DURATION_CHANGE * base_dur if math.isfinite(base_dur) else math.inf,
                "faster",
                "slower",
            )
            rows.append(
                [
                    f"<b>{H.esc(str(r.activity).capitalize())}</b>",
                    f"{H.fmt_num(r.baseline_accuracy)} → {H.fmt_num(r.latest_accuracy)} "
                    f"({H.fmt_signed(r.accuracy_change)}, {acc_word})",
                    f"{H.fmt_num(r.baseline_duration_s, 1)} → {H.fmt_num(r.latest_duration_s, 1)}"
                    f" ({H.fmt_signed(r.duration_change_s, 1)} s, {dur_word})",
                    f"{H.fmt_num(r.baseline_level, 0)} → {H.fmt_num(r.latest_level, 0)}",
                    f"{H.arrow(str(r.trend))} {H.ARROW_WORDS[str(r.trend)]}",
                    H.fmt_num(r.sessions, 0),
                ]
            )
        items.append(
            H.table(
                ["Activity", "Accuracy (0-1)", "Time per trial (s)", "Level", "Recent trend",
                 "Sessions"],
                rows,
                numeric=[False, False, False, False, False, True],
                caption=(
                    "Baseline → latest: medians of the first and the last 3 sessions (fewer "
                    "when an activity has under 6)"
                ),
            )
        )
    m = cd.milestones
    if not m.empty:
        met = m.loc[m["status"] == "met", "shape"].tolist()
        emerging = m.loc[m["status"] == "emerging", "shape"].tolist()
        items.append(
            f"<p>Pre-writing milestones: <b>{len(met)} met</b>"
            + (f" ({H.esc(', '.join(met))})" if met else "")
            + f", {len(emerging)} emerging, {len(m) - len(met) - len(emerging)} not yet "
            "(practice guidance, not a diagnosis or standardised score).</p>"
        )
    q = cd.quality
    skipped = sum(q.skipped_rows.values())
    if skipped or q.sessions_without_end or q.unreadable_sessions:
        items.append(
            "<p class='muted'>Data quality: "
            f"{skipped} row(s) skipped in the whole data folder; {q.sessions_without_end} "
            "session(s) of this child without a recorded end (see the note at the end).</p>"
        )
    return "<div class='glance'><h2>At a glance</h2>" + "".join(items) + "</div>"


def render_child(cd: ChildData, period: str, anonymize: bool, rule: milestones.MasteryRule) -> str:
    """One child's page."""
    s = cd.sessions
    c = cd.caseload
    flags = str(c["flags"]) if c is not None and c["flags"] else ""
    facts = []
    if not s.empty:
        facts = [
            ("Sessions", f"{len(s)}"),
            ("Minutes", f"{s['minutes'].sum():.0f}"),
            ("First session", str(s["date"].iloc[0])),
            ("Last session", str(s["date"].iloc[-1])),
        ]
    box = "<div class='box'>" + "".join(
        f"<div><b>{H.esc(v)}</b>{H.esc(k)}</div>" for k, v in facts
    ) + "</div>"
    body = [
        "<p class='screen-only'><a href='index.html'>← caseload</a></p>",
        _header(
            f"{cd.name}: progress report",
            f"Pseudonym {cd.child_id}. {period}"
            + (" Anonymized." if anonymize else ""),
        ),
        box,
        _glance(cd, flags),
        _practice_section(cd),
    ]
    body.extend(_activity_section(cd, act) for act in cd.trends["activity"])
    body.append(_strokes_section(cd))
    body.append(_milestones_section(cd, rule))
    body.append(_rules_note())
    body.append(cd.quality.html())
    return H.page(f"{cd.name}: finemotor report", "".join(body))


# --- the command -------------------------------------------------------------------------------


def activity_weekly(act_sessions: pd.DataFrame) -> pd.DataFrame:
    """Per child, activity and week: sessions, trials and medians of the session figures."""
    cols = ["child_id", "activity", "week_start", "sessions", "trials", "accuracy",
            "duration_s", "level"]
    if act_sessions.empty:
        return pd.DataFrame(columns=cols)
    df = act_sessions.assign(week_start=analytics._week_start(act_sessions["started_at"]).dt.date)
    out = (
        df.groupby(["child_id", "activity", "week_start"], sort=True)
        .agg(
            sessions=("session_id", "size"),
            trials=("trials", "sum"),
            accuracy=("accuracy", "median"),
            duration_s=("duration_s", "median"),
            level=("level", "max"),
        )
        .reset_index()
    )
    return out.assign(accuracy=out["accuracy"].round(4), duration_s=out["duration_s"].round(3))[
        cols
    ]


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_safe(value: object) -> object:
    """A text cell a spreadsheet will not run: ``'`` before a leading ``= + - @`` (OWASP).

    The CSVs are made for Excel and electronic records, and a nickname is free text.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _clear_old_report(out: Path) -> None:
    """Remove the files an earlier report wrote into ``out`` (and nothing else).

    Without this an ``--anonymize`` run into a folder that held a named report would leave the
    older child pages, with their nicknames, beside the new ones.
    """
    ours = {"index.html", *CSV_FILES.values()}
    for entry in os.scandir(out):
        name = entry.name
        is_child_page = name.endswith(".html") and _is_child_id(name[: -len(".html")])
        if entry.is_file(follow_symlinks=False) and (name in ours or is_child_page):
            os.unlink(entry.path)


def _is_child_id(text: str) -> bool:
    return len(text) == 32 and all(c in "0123456789abcdef" for c in text)


def _write_csv(path: Path, df: pd.DataFrame) -> Path:
    """Write ``df`` owner-only, timestamps as ISO 8601 UTC (``2026-03-02T10:00:00Z``), text
    cells made spreadsheet-safe."""
    text_cols = [
        c for c in df.columns if df[c].dtype == object or isinstance(df[c].dtype, pd.StringDtype)
    ]
    if text_cols:
        df = df.assign(**{c: df[c].map(_spreadsheet_safe) for c in text_cols})
    stamps = {
        # numpy formats a column at C speed; NaT becomes an empty cell.
        c: pd.Series(
            np.datetime_as_string(df[c].dt.tz_convert(None).to_numpy(), unit="s"),
            index=df.index,
        ).str.replace("NaT", "", regex=False).where(df[c].isna(), lambda x: x + "Z")
        for c in df.columns
        if isinstance(df[c].dtype, pd.DatetimeTZDtype)
    }
    if stamps:
        df = df.assign(**stamps)
    atomic_write_bytes(path, df.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return path


def _quality(ds: Any, scope: str, sessions_without_end: int | None = None) -> H.QualityNote:
    q = getattr(ds, "quality", None)
    skipped = dict(getattr(q, "skipped_rows", {}) or {})
    no_end = getattr(q, "sessions_without_end", 0)
    unreadable = getattr(q, "unreadable_sessions", 0)
    if isinstance(no_end, (list, tuple, set)):
        no_end = len(no_end)
    if isinstance(unreadable, (list, tuple, set)):
        unreadable = len(unreadable)
    if sessions_without_end is not None:
        no_end = sessions_without_end
    return H.QualityNote(
        {str(k): int(v) for k, v in skipped.items()}, int(no_end), int(unreadable), scope
    )


def build_reports(
    data_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    child_ids: Sequence[str] | None = None,
    all_children: bool = False,
    since: str | date | datetime | None = None,
    until: str | date | datetime | None = None,
    anonymize: bool = False,
    progress: bool = True,
    now: datetime | None = None,
) -> ReportResult:
    """Write the caseload page, the child pages and the CSV summaries into ``out_dir``.

    ``child_ids`` limits the report to those children; ``all_children`` (or neither) reports
    every child. ``since``/``until`` are dates (``until`` inclusive). ``now`` fixes the report
    date when there is no ``until`` (tests). Raises ``UsageError`` for bad arguments, a missing
    or empty data folder and unknown children.
    """
    from telemetry.loader import load_dataset

    if child_ids and all_children:
        raise UsageError("give either --child ID ... or --all, not both")
    data = Path(data_dir)
    if not data.is_dir():
        raise UsageError(f"data folder not found: {data}")
    since_dt = parse_date(since, "--since")
    until_dt = parse_date(until, "--until", end=True)
    if since_dt and until_dt and since_dt >= until_dt:
        raise UsageError("--since must be before --until")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out is a file, not a folder: {out}")
    wanted = list(dict.fromkeys(child_ids)) if child_ids else None

    # The loader filters on UTC start dates, both ends inclusive.
    ds = load_dataset(
        data,
        child_ids=wanted,
        since=since_dt.date() if since_dt else None,
        until=(until_dt - timedelta(microseconds=1)).date() if until_dt else None,
        tables=("trials",),
    )
    sessions, trials, children = ds.sessions, ds.trials, ds.children
    known = set(children["child_id"]) if children is not None and not children.empty else set()
    known |= set(sessions["child_id"])
    if wanted:
        unknown = [c for c in wanted if c not in known]
        if unknown:
            raise UsageError(
                f"unknown child: {unknown[0]} (list the children with `finemotor children`)"
            )
    if sessions.empty and not (wanted and known):
        raise UsageError(
            f"no sessions in {data}"
            + (" for that period" if since_dt or until_dt else "")
            + ": play a session first, or try `finemotor demo-data`"
        )
    as_of = until_dt or now or datetime.now(timezone.utc)
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=timezone.utc)
    ids = wanted or sorted(known)
    nicknames = {}
    if children is not None and not children.empty:
        nicknames = {
            str(k): "" if v != v else str(v)
            for k, v in zip(children["child_id"], children["nickname"], strict=False)
        }
    names = {cid: _display_name(cid, nicknames, anonymize) for cid in ids}

    # The analytics: whole-caseload tables, grouped once per child below.
    sess_tbl = analytics.session_table(sessions, trials)
    weekly = analytics.weekly_practice(sess_tbl, until=as_of - timedelta(microseconds=1))
    act = analytics.activity_sessions(trials)
    trends = analytics.activity_trends(act, trials=trials)
    items = analytics.item_latest(trials)
    rule = milestones.MasteryRule()
    # "Met" is a lasting achievement: a milestone counts every session up to the report date,
    # also those before --since (the rest of the report covers the period only).
    history = trials
    if since_dt is not None:
        history = load_dataset(
            data,
            child_ids=wanted,
            until=(until_dt - timedelta(microseconds=1)).date() if until_dt else None,
            tables=("trials",),
        ).trials
    miles = milestones.milestone_status(history, ids, rule=rule)
    roster = None if anonymize else children
    case = analytics.caseload(sess_tbl, trends, roster, as_of, anonymize=anonymize)
    # Children in the roster without a session in the period still get a row.
    missing = [c for c in ids if c not in set(case["child_id"])]
    if missing:
        extra = pd.DataFrame({"child_id": missing})
        if not anonymize:
            extra = extra.assign(nickname=[nicknames.get(c, "") for c in missing])
        case = pd.concat([case, extra], ignore_index=True).reindex(columns=case.columns)
        case = case.assign(
            flags=case["flags"].fillna("no sessions in this period"),
            trends=case["trends"].fillna(""),
            sessions_total=case["sessions_total"].fillna(0).astype("int64"),
            sessions_4w=case["sessions_4w"].fillna(0).astype("int64"),
            minutes_4w=case["minutes_4w"].fillna(0.0),
        )

    out = ensure_private_dir(out)
    _clear_old_report(out)
    csv_paths = [
        _write_csv(out / CSV_FILES["caseload"], case),
        _write_csv(out / CSV_FILES["sessions"], sess_tbl),
        _write_csv(out / CSV_FILES["weekly_practice"], weekly),
        _write_csv(out / CSV_FILES["activity_sessions"], act),
        _write_csv(out / CSV_FILES["activity_weekly"], activity_weekly(act)),
        _write_csv(out / CSV_FILES["activity_trends"], trends),
        _write_csv(out / CSV_FILES["items_latest"], items),
        _write_csv(out / CSV_FILES["milestones"], miles),
    ]

    period = _period_text(since_dt, until_dt, as_of)
    pages = {cid: f"{cid}.html" for cid in ids}
    overall_quality = _quality(ds, "whole data folder")
    by = {
        name: {k: g for k, g in df.groupby("child_id", sort=False)}
        for name, df in (
            ("sessions", sess_tbl),
            ("weekly", weekly),
            ("act", act),
            ("trends", trends),
            ("items", items),
            ("miles", miles),
        )
    }
    case_by = {r["child_id"]: r for _, r in case.iterrows()}
    stroke_trials = _stroke_trials(trials, sessions)
    empty = {
        "sessions": sess_tbl.iloc[0:0],
        "weekly": weekly.iloc[0:0],
        "act": act.iloc[0:0],
        "trends": trends.iloc[0:0],
        "items": items.iloc[0:0],
        "miles": miles.iloc[0:0],
    }
    bar = Progress(len(ids), "children", progress)
    files = _SessionFiles()
    child_pages = {}
    for cid in ids:
        part = {k: by[k].get(cid, empty[k]) for k in by}
        no_end = int((~part["sessions"]["has_end"].astype(bool)).sum())
        cd = ChildData(
            child_id=cid,
            name=names[cid],
            sessions=part["sessions"],
            weekly=part["weekly"],
            act_sessions=part["act"],
            trends=part["trends"],
            items=part["items"],
            milestones=part["miles"],
            caseload=case_by.get(cid),
            stroke_pairs=_stroke_pairs(stroke_trials.get(cid), files),
            quality=H.QualityNote(
                overall_quality.skipped_rows,
                no_end,
                overall_quality.unreadable_sessions,
                "skipped rows: whole data folder; sessions without an end: this child",
            ),
        )
        path = out / pages[cid]
        atomic_write_bytes(path, render_child(cd, period, anonymize, rule).encode("utf-8"))
        child_pages[cid] = path
        files = _SessionFiles()  # keep memory flat: a child's samples are not needed again
        bar.step()

    index = out / "index.html"
    atomic_write_bytes(
        index,
        render_index(
            case, weekly, names, pages, overall_quality, period, anonymize, trends=trends
        ).encode("utf-8"),
    )
    return ReportResult(
        out_dir=out,
        index=index,
        child_pages=child_pages,
        csv_files=csv_paths,
        as_of=as_of,
        children=len(ids),
        sessions=len(sessions),
        trials=len(trials),
        quality={
            "skipped_rows": overall_quality.skipped_rows,
            "sessions_without_end": overall_quality.sessions_without_end,
        },
    )


def _stroke_trials(trials: pd.DataFrame, sessions: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per child: the first and latest trial of each tracing item, with the session folder."""
    tr = trials[trials["activity"] == STROKE_ACTIVITY]
    if tr.empty:
        return {}
    tr = tr.sort_values("started_at", kind="stable")
    g = tr.groupby(["child_id", "item"], sort=False)
    first = g.head(1).assign(which="first")
    last = g.tail(1).assign(which="latest")
    both = pd.concat([first, last]).merge(
        sessions[["session_id", "folder"]], on="session_id", how="left"
    )
    return {cid: grp for cid, grp in both.groupby("child_id", sort=False)}


def _stroke_pairs(rows: pd.DataFrame | None, files: _SessionFiles):
    """For one child: (item, first date, first drawing, latest date, latest drawing)."""
    if rows is None or rows.empty:
        return []
    by_item: dict[str, dict[str, dict[str, Any]]] = {}
    cols = ["item", "which", "folder", "session_id", "trial", "started_at", "level", "accuracy"]
    for rec in rows[cols].to_dict("records"):
        by_item.setdefault(str(rec["item"]), {})[rec["which"]] = rec
    # Pre-writing shapes first in the catalogue's order, then everything else alphabetically.
    order = _catalogue_order()
    items = sorted(by_item, key=lambda it: (order.get(it, 999), it))
    pairs = []
    for item in items[:MAX_STROKE_ITEMS]:
        drawn = []
        for which in ("first", "latest"):
            rec = by_item[item][which]
            drawing = _trial_strokes(
                files, str(rec["folder"]), str(rec["session_id"]), int(rec["trial"])
            )
            drawing.level = None if pd.isna(rec["level"]) else int(rec["level"])
            drawing.accuracy = None if pd.isna(rec["accuracy"]) else float(rec["accuracy"])
            drawn.append((pd.Timestamp(rec["started_at"]).date().isoformat(), drawing))
        (d0, g0), (d1, g1) = drawn
        pairs.append((item, d0, g0, d1, g1))
    return pairs


@functools.cache
def _catalogue_order() -> dict[str, int]:
    """Tracing item id to its milestone's developmental order."""
    cat = milestones.load_catalogue()
    return {it: i for i, its in enumerate(cat["items"]) for it in str(its).split()}
