"""Sequencing's section of a child's report: routine length, first-try success, ordered pairs,
time per card, and the prompting needed, over time; the routines practised; milestone rows.

Injected through the activity's ``report_sections`` hook (``telemetry.report_sections``). The
per-trial figures come from metrics.csv, read through telemetry's one checked-row reader. A
child who needs less prompting is progressing even when the score is flat, so the prompt level
and the hints stand beside the scores. Milestones are guidance from weak sources, not norms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from telemetry import charts
from telemetry import report_html as H
from telemetry.grouping import Groups, as_times, first_time, utc_dates, utc_micros
from telemetry.report_sections import ChildContext, ReportContext, SectionOutput, records

if TYPE_CHECKING:
    import pandas as pd

ACTIVITY = "sequencing"
METRICS = ("first_try", "pairs_share", "ms_per_card", "prompt_level", "hints", "steps",
           "assisted", "drag_path_efficiency")
# (band, steps, typical age, source): guidance only, weak evidence (docs/therapist-guide.md).
MILESTONES = (
    ("First, then (2 steps)", (2,), "about 2 years and up",
     "safeappsforkids.com First Then review; materials.pinnacleblooms.org"),
    ("3 steps", (3,), "about 4 years",
     "daycareresource.com/developmentalstages4to5years.html; "
     "earlylearningprogressions.fpg.unc.edu (NC DPI 2015)"),
    ("4 steps", (4,), "about 4 to 5 years",
     "neonataldisorders.com; eathealthy365.com (blog-quality)"),
)
BANDS = ((2, "2"), (3, "3"), (4, "4"), (5, "5-6"), (6, "5-6"))


def band(steps: float) -> str:
    """The routine-length band of a trial: 2, 3, 4 or 5-6 steps."""
    return dict(BANDS).get(int(steps), "5-6") if steps == steps else "?"


def trial_table(child: ChildContext) -> pd.DataFrame:
    """The child's completed sequencing trials with their figures from metrics.csv."""
    import pandas as pd

    tr = child.trials
    keep = ((tr["activity"] == ACTIVITY) & (tr["completed"] == True)).to_numpy(bool)  # noqa: E712
    sids = tr["session_id"].to_numpy(object)[keep].astype(str).tolist()
    nums = tr["trial"].to_numpy()[keep].astype(np.int64).tolist()
    # A trial's last row of each metric gives its figure (an empty value: none).
    values = child.trial_metrics(sids, nums, METRICS, skip_empty=False)
    columns = ["session_id", "trial", "started_at", "item", "level", *METRICS]
    frame = pd.DataFrame({
        "session_id": sids, "trial": nums, "started_at": tr["started_at"].array[keep],
        "item": tr["item"].to_numpy(object)[keep].tolist(),
        "level": tr["level"].to_numpy()[keep].tolist(),
        **{m: values[:, j] for j, m in enumerate(METRICS)}}) if sids else pd.DataFrame(
            [], columns=columns)
    frame = frame.sort_values("started_at", kind="stable").reset_index(drop=True)
    frame["band"] = [band(s) for s in frame["steps"]]
    frame["week"] = frame["started_at"].dt.tz_localize(None).dt.to_period("W").dt.start_time \
        if len(frame) else frame["started_at"]
    return frame


def weekly(frame: pd.DataFrame) -> pd.DataFrame:
    """Per week and length band: trials, first-try share, pairs share, s per card, prompt
    level and hints per trial (means), weeks and bands in order (as pandas' group-by gives
    them, on numpy: a child's page made three of those, a tenth of its time)."""
    import pandas as pd

    if frame.empty:
        return frame.assign(trials=[])
    weeks, week_keys = pd.factorize(frame["week"], sort=True)
    bands, band_keys = pd.factorize(frame["band"], sort=True)
    g = Groups([weeks, bands])
    return pd.DataFrame({
        "week": week_keys.take(g.keys[0]), "band": band_keys.take(g.keys[1]),
        "trials": g.sizes.astype(np.int64), "first_try": g.mean(frame["first_try"]),
        "pairs_share": g.mean(frame["pairs_share"]),
        "ms_per_card": g.median(frame["ms_per_card"]),
        "prompt_level": g.mean(frame["prompt_level"]), "hints": g.mean(frame["hints"])})


class SequencingSection:
    """The sequencing section of a child's page (module docstring) and ``sequencing.csv``."""

    key = "sequencing"
    uses_metrics = True  # every trial's figures come from its metric rows

    def prepare(self, report: ReportContext) -> None:
        """Nothing caseload-wide: each child's figures are read in :meth:`render`."""

    def render(self, child: ChildContext) -> SectionOutput:
        """The section for one child (empty when the child played no sequencing)."""
        frame = trial_table(child)
        if frame.empty:
            return SectionOutput()
        weeks = weekly(frame)
        out = ["<section id='sequencing'><h2>Sequencing: daily routines in order</h2>",
               "<p class='muted'>First try: the first complete arrangement was right (every "
               "\"must come before\" pair, any valid order). Ordered pairs: the share of those "
               "pairs in order in the first arrangement (partial credit). Prompt level: 2 the "
               "right slot glowed at every pick, 1 it glowed after a mistake, 0 none. Needing "
               "less prompting is progress even when the scores stay flat.</p>"]
        out.append(self._charts(frame))
        rows = [[H.esc(w.week.date().isoformat()), H.esc(w.band), H.fmt_num(w.trials, 0),
                 H.fmt_num(100 * w.first_try, 0), H.fmt_num(w.pairs_share),
                 H.fmt_num(w.ms_per_card / 1000, 1), H.fmt_num(w.prompt_level, 1),
                 H.fmt_num(w.hints, 1)] for w in records(weeks)]
        out.append(H.numbers_table("Per week and routine length", H.table(
            ["Week", "Steps", "Trials", "First try %", "Ordered pairs", "s per card",
             "Prompt level", "Hints per trial"], rows, [False, False] + [True] * 6)))
        out.append(self._routines(child, frame))
        out.append(self._milestones(frame))
        motor = frame["drag_path_efficiency"].to_numpy(float)[
            frame["assisted"].to_numpy(float) != 1.0]
        motor = motor[~np.isnan(motor)]
        if len(motor):
            out.append(f"<p class='muted'>Card drags (tap-then-tap trials left out): median "
                       f"path efficiency {H.fmt_num(float(np.median(motor)))} over "
                       f"{len(motor)} trials.</p>")
        out.append("</section>")
        latest = frame.tail(5)
        glance = (f"Sequencing: {H.fmt_num(100 * latest['first_try'].mean(), 0)}% right first "
                  f"try in the latest {len(latest)} routines (up to "
                  f"{int(latest['steps'].max())} steps), prompt level "
                  f"{H.fmt_num(latest['prompt_level'].mean(), 1)}.")
        # the pseudonymous id, as every table of the report has it (never the nickname)
        table = weeks.assign(child_id=child.child_id)
        table = table[["child_id", *[c for c in table.columns if c != "child_id"]]]
        return SectionOutput(html="".join(out), glance=H.esc(glance),
                             tables={"sequencing": table})

    @staticmethod
    def _charts(frame: pd.DataFrame) -> str:
        import pandas as pd

        # Sessions in the order they first come (the frame is in time order, so a session's
        # first trial is its earliest: its day), then sorted by day as before.
        codes, _ = pd.factorize(frame["session_id"], sort=False)
        g = Groups([codes])
        sessions = pd.DataFrame({
            "day": as_times(first_time(g, utc_micros(frame["started_at"])),
                            frame["started_at"]).array,
            "first_try": g.mean(frame["first_try"]), "pairs": g.mean(frame["pairs_share"]),
            "prompt": g.mean(frame["prompt_level"])})
        sessions = sessions.sort_values("day")
        labels = H.dates(sessions["day"])
        figs = [
            charts.trend_chart(sessions["first_try"].tolist(), labels,
                               title="First try right (share per session)", y_range=(0, 1)),
            charts.trend_chart(sessions["pairs"].tolist(), labels,
                               title="Ordered pairs (mean per session)", y_range=(0, 1)),
            charts.trend_chart(sessions["prompt"].tolist(), labels,
                               title="Prompt level (mean per session)", y_range=(0, 2)),
        ]
        return "".join(H.figure(svg) for svg in figs)

    @staticmethod
    def _routines(child: ChildContext, frame: pd.DataFrame) -> str:
        import pandas as pd

        codes, items = pd.factorize(frame["item"], sort=True)
        g = Groups([codes])
        last = utc_dates(g.max(utc_micros(frame["started_at"])))
        rows = [[H.esc(child.item_label(ACTIVITY, str(item))), H.fmt_num(steps, 0),
                 H.fmt_num(trials, 0), H.fmt_num(100 * first_try, 0),
                 H.esc(day.isoformat())]
                for item, steps, trials, first_try, day in zip(
                    items.take(g.keys[0]).tolist(), g.fmax(frame["steps"]).tolist(),
                    g.sizes.tolist(), g.mean(frame["first_try"]).tolist(), last, strict=True)]
        return "<h3>Routines practised</h3>" + H.table(
            ["Routine", "Steps (most)", "Trials", "First try %", "Last played"], rows,
            [False, True, True, True, False])

    @staticmethod
    def _milestones(frame: pd.DataFrame) -> str:
        rows = []
        all_steps = frame["steps"].to_numpy(float)
        first_try = frame["first_try"].to_numpy(float)
        for name, steps, age, source in MILESTONES:
            played = np.flatnonzero(np.isin(all_steps, steps))[-5:]  # the latest five
            seen = (f"{int(np.nansum(first_try[played]))} of {len(played)} right first try "
                    "(latest)") if len(played) else "not played yet"
            rows.append([H.esc(name), H.esc(age), H.esc(seen),
                         f"<span class='src'>{H.esc(source)}</span>"])
        return ("<h3>Sequencing milestones (guidance)</h3><p class='note'>Weak evidence: the "
                "ages come from parent- and blog-level sources and vary; use them as a rough "
                f"guide, never as a pass or fail. {H.esc(H.DISCLAIMER)}</p>" + H.table(
                    ["Skill", "Typical age", "This child", "Sources"], rows))


def sections() -> list[Any]:
    """The activity's report sections."""
    return [SequencingSection()]

