"""Tracing's sections of a child's report: the strokes drawn and the pre-writing milestones.

Injected into ``telemetry.report.build_reports`` through the activity's ``report_sections``
hook (``telemetry.report_sections`` describes the contract). The strokes are read from disk
through telemetry's one checked-row reader: only the first and the latest trial of each shape,
and of a long trial only about ``STROKE_POINTS`` samples (plus every pen-down and pen-up).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from games.kit.packed import pack, unpack
from games.tracing import milestones
from games.tracing.record import read_targets
from telemetry import charts, schema
from telemetry import report_html as H
from telemetry.grouping import NAT, utc_micros
from telemetry.report_sections import ChildContext, ReportContext, SectionOutput, records
from telemetry.rows import checked_fields

if TYPE_CHECKING:
    import pandas as pd

ACTIVITY = milestones.TRACING_ACTIVITY
MAX_STROKE_ITEMS = 12  # shapes drawn per child: enough for the pre-writing set, cheap to load
STROKE_POINTS = 150  # samples kept per drawn trial: plenty for a 170 px drawing


@dataclass
class TrialDrawing:
    """What is drawn of one trial: the model path, the child's strokes and the road width."""

    model: list[np.ndarray] = field(default_factory=list)
    strokes: list[np.ndarray] = field(default_factory=list)
    road_px: float = 0.0  # full width of the tolerance band (0: unknown)
    copied: bool = False  # drawn freehand in a copy box, shown centred over the model
    level: int | None = None  # the trial's level and accuracy, printed under the drawing
    accuracy: float | None = None


def kept_samples(block: bytes, ends: np.ndarray) -> list[int]:
    """Which lines of a trial's sample rows (``block``: the lines joined by newlines, ``ends``:
    where those newlines are) are drawn, in order: every k-th (about :data:`STROKE_POINTS` in
    all) plus every pen-down and pen-up, which split the strokes."""
    n = len(ends) + 1
    wanted = set(range(0, n, n // STROKE_POINTS + 1))
    # The pens are searched in the whole block, not line by line: a line holds no newline,
    # so a match is on the line after the newlines before it.
    hits = []
    for pen in (b",down,", b",up,"):
        at = block.find(pen)
        while at >= 0:
            hits.append(at)
            at = block.find(pen, at + 1)
    wanted.update(np.searchsorted(ends, hits).tolist())
    return sorted(wanted)


# The trial cache's name and recipe for a drawing: bump the tag whenever read_drawing or
# kept_samples change what they keep, so drawings made the old way are made again.
DRAWING_KIND = "tracing.drawing"
DRAWING_TAG = "strokes 2"


def encode_drawing(drawing: TrialDrawing) -> bytes:
    """A drawing's model, strokes, road width and copy flag as bytes (exact, ``kit.packed``)."""
    return pack([drawing.road_px, float(drawing.copied), len(drawing.model)],
                [*drawing.model, *drawing.strokes])


def decode_drawing(value: bytes) -> TrialDrawing:
    """The drawing :func:`encode_drawing` gave ``value`` for."""
    (road_px, copied, parts), arrays = unpack(value, 3)
    return TrialDrawing(model=arrays[:int(parts)], strokes=arrays[int(parts):],
                        road_px=road_px, copied=bool(copied))


def cached_drawing(child: ChildContext, session_id: str, trial: int) -> TrialDrawing:
    """:func:`read_drawing` through the child's trial cache: read from the files only when
    the trial's targets or samples changed since the drawing was kept."""
    value = child.trial_value(
        DRAWING_KIND, DRAWING_TAG, session_id, trial, (schema.TARGETS, schema.SAMPLES),
        lambda: encode_drawing(read_drawing(child, session_id, trial)))
    return decode_drawing(value)


def read_drawing(child: ChildContext, session_id: str, trial: int) -> TrialDrawing:
    """The model path parts and the child's strokes (split at pen-down) of one trial."""
    # targets fields: session_id, trial, kind, part, seq, x, y; record.py owns their meaning
    targets = read_targets(
        (f[2].decode(), int(f[3]), int(f[4]), float(f[5]), float(f[6]))
        for f in child.trial_rows(schema.TARGETS, session_id, trial))
    # the scene stores the band's half-width; a copy was drawn in a copy box
    drawing = TrialDrawing(model=targets.model, road_px=2.0 * targets.tolerance_px,
                           copied=targets.copied)
    # samples fields: session_id, trial, t_ms, x, y, pointer, phase, source
    block = child.trial_block(schema.SAMPLES, session_id, trial)
    if not block:
        return drawing
    ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == ord("\n"))
    kept = np.array(kept_samples(block, ends), dtype=np.int64)
    # line i runs from after the newline before it to its own newline (or the block's end)
    begin = np.concatenate(([0], ends + 1))[kept].tolist()
    end = np.append(ends, len(block))[kept].tolist()
    rows = checked_fields([block[a:b] for a, b in zip(begin, end, strict=True)])
    rows.sort(key=lambda f: float(f[2]))
    if not rows:
        return drawing
    xy = np.array([(float(f[3]), float(f[4])) for f in rows], dtype=float)
    if drawing.copied and drawing.model:
        # A copy is drawn beside the model: centre it over the model, as a therapist would
        # lay the worksheet over the model to compare.
        m = np.concatenate(drawing.model)
        xy += (m.min(axis=0) + m.max(axis=0)) / 2 - (xy.min(axis=0) + xy.max(axis=0)) / 2
    starts = [i for i, f in enumerate(rows) if f[6] == b"down"]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    bounds = [*starts, len(xy)]
    drawing.strokes = [xy[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]
    return drawing


def first_and_latest(items: np.ndarray, completed: np.ndarray
                     ) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """For trials in time order (``items``: each trial's shape, named by ``str`` of it;
    ``completed``: whether it was finished), per shape the position of its first trial, of
    its first completed and of its latest completed trial (a shape never completed is in the
    first mapping only)."""
    import pandas as pd

    raw, uniques = pd.factorize(items, use_na_sentinel=False)
    names = [str(u) for u in uniques]
    ids = {n: i for i, n in reversed(list(enumerate(names)))}  # two values, one name: one id
    codes = np.array([ids[n] for n in names], dtype=np.int64)[raw]

    def first_of(at: np.ndarray) -> dict[str, int]:
        found, where = np.unique(codes[at], return_index=True)
        return {names[c]: int(at[w]) for c, w in zip(found.tolist(), where.tolist(),
                                                      strict=True)}

    done = np.flatnonzero(completed)
    return first_of(np.arange(len(codes))), first_of(done), first_of(done[::-1])


def _catalogue_order() -> dict[str, int]:
    """Tracing item id to its milestone's developmental order."""
    cat = milestones.load_catalogue()
    return {it: i for i, its in enumerate(cat["items"]) for it in str(its).split()}


class StrokesSection:
    """First and latest trial of each shape, drawn over the model path and its road."""

    key = "strokes"

    def __init__(self) -> None:
        self._order: dict[str, int] = {}

    def prepare(self, report: ReportContext) -> None:
        """Read the catalogue order once (pre-writing shapes first)."""
        self._order = _catalogue_order()

    def _pairs(self, child: ChildContext) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
        """Per shape: its first and its latest completed trial (both its first trial, marked
        not finished, when none was completed)."""
        tr = child.trials
        pos = np.flatnonzero((tr["activity"] == ACTIVITY).to_numpy())
        if not len(pos):
            return []
        # The tracing trials' positions in time order: a stable sort, a trial without a time
        # last (as pandas' sort_values, which the page always used).
        when = utc_micros(tr["started_at"])[pos]
        pos = pos[np.argsort(np.where(when == NAT, np.iinfo(np.int64).max, when), kind="stable")]
        first, first_done, last_done = first_and_latest(
            tr["item"].to_numpy()[pos], tr["completed"].astype(bool).to_numpy()[pos])
        shapes = sorted(first, key=lambda it: (self._order.get(it, 999), it))[:MAX_STROKE_ITEMS]
        chosen = [(first_done[it], last_done[it]) if it in first_done else (first[it],) * 2
                  for it in shapes]
        # Only the trials drawn become records (plain Python values, as the page prints them).
        cols = ["session_id", "trial", "started_at", "level", "accuracy", "completed"]
        at = sorted({i for pair in chosen for i in pair})
        values = [tr[c].take(pos[at]).tolist() for c in cols]
        recs = {a: dict(zip(cols, row, strict=True))
                for a, *row in zip(at, *values, strict=True)}
        return [(it, recs[a], recs[b]) for it, (a, b) in zip(shapes, chosen, strict=True)]

    def render(self, child: ChildContext) -> SectionOutput:
        """The strokes section (empty when the child traced nothing in the period)."""
        pairs = self._pairs(child)
        if not pairs:
            return SectionOutput()
        out = [
            "<section id='strokes'><h2>Strokes: first and latest trial of each shape</h2>"
            "<p class='muted'>The child's own strokes (blue) over the model path (dashed) and "
            "its road, the tolerance band of the level played (grey), first trial on the left "
            "and latest on the right, as on a paper worksheet: the first and the latest "
            "finished trial (a shape never finished shows its first try, marked not "
            "finished; a shape with one trial shows it once). A narrower road means a higher "
            "level. Copies drawn freehand beside the model are shown centred over it.</p>"
        ]
        for item, first, latest in pairs:
            label = child.item_label(ACTIVITY, item)
            figs = []
            same = (first["session_id"], first["trial"]) == (latest["session_id"],
                                                                latest["trial"])
            shown = [("only", first)] if same else [("first", first), ("latest", latest)]
            for which, rec in shown:
                g = cached_drawing(child, str(rec["session_id"]), int(rec["trial"]))
                g.level = None if rec["level"] != rec["level"] else int(rec["level"])
                g.accuracy = None if rec["accuracy"] != rec["accuracy"] else float(rec["accuracy"])
                day = rec["started_at"].date().isoformat()
                svg = charts.strokes_svg(
                    g.model, g.strokes, title=f"{label}, {which} trial {day}", size=170,
                    road_px=g.road_px,
                )
                facts = [f"{which} {day}"]
                if not bool(rec["completed"]):
                    facts.append("not finished")
                if g.level is not None:
                    facts.append(f"level {g.level}")
                if g.accuracy is not None:
                    facts.append(f"accuracy {g.accuracy:.2f}")
                if g.copied:
                    facts.append("copy")
                figs.append(H.figure(svg, ", ".join(facts)))
            out.append(f"<div class='pair'><h3>{H.esc(label)}</h3>" + "".join(figs) + "</div>")
        out.append("</section>")
        return SectionOutput(html="".join(out))


class MilestonesSection:
    """The pre-writing milestones: status per shape, the rule, the sources; ``milestones.csv``."""

    key = "milestones"

    def __init__(self, rule: milestones.MasteryRule | None = None) -> None:
        self.rule = rule or milestones.MasteryRule()
        self._by_child: dict[str, pd.DataFrame] = {}
        self._empty: pd.DataFrame | None = None

    def prepare(self, report: ReportContext) -> None:
        """Every child's status in one pass over the history (also before ``--since``)."""
        miles = milestones.milestone_status(report.history, report.child_ids, rule=self.rule)
        self._by_child = dict(iter(miles.groupby("child_id", sort=False)))
        self._empty = miles.iloc[0:0]

    def render(self, child: ChildContext) -> SectionOutput:
        """The milestones table, its glance line and the child's rows for ``milestones.csv``."""
        m = self._by_child.get(child.child_id, self._empty)
        assert m is not None, "prepare() comes first"
        rule = self.rule
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
            for r in records(m)
        ]
        met_names = m.loc[m["status"] == "met", "shape"].tolist()
        met = len(met_names)
        emerging = int((m["status"] == "emerging").sum())
        html = (
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
        glance = ""
        if not m.empty:
            glance = (
                f"Pre-writing milestones: <b>{met} met</b>"
                + (f" ({H.esc(', '.join(met_names))})" if met_names else "")
                + f", {emerging} emerging, {len(m) - met - emerging} not yet "
                "(practice guidance, not a diagnosis or standardised score)."
            )
        return SectionOutput(html=html, glance=glance, tables={"milestones": m})


def report_sections() -> list[Any]:
    """Tracing's sections, in page order (the registry's ``report_sections`` hook)."""
    return [StrokesSection(), MilestonesSection()]
