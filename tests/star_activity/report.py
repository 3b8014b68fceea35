"""The star's report section: how many stars were tapped, and the latest press read from disk."""

from __future__ import annotations

import math

from star_activity.record import read_targets
from telemetry import schema
from telemetry.report_sections import ChildContext, ReportContext, SectionOutput


class StarSection:
    """Stars tapped, mean accuracy and the latest press's distance from the star's centre."""

    key = "star-taps"

    def prepare(self, report: ReportContext) -> None:
        """Nothing to compute for the whole caseload."""

    def render(self, child: ChildContext) -> SectionOutput:
        trials = child.trials[(child.trials["activity"] == "star") & child.trials["completed"]]
        if trials.empty:
            return SectionOutput()
        last = trials.sort_values("started_at").iloc[-1]
        sid, n = str(last["session_id"]), int(last["trial"])
        rows = [(f[2].decode(), int(f[3]), int(f[4]), float(f[5]), float(f[6]))
                for f in child.trial_rows(schema.TARGETS, sid, n)]
        cx, cy, _ = read_targets(rows)
        down = [f for f in child.trial_rows(schema.SAMPLES, sid, n) if f[6] == b"down"][0]
        d = math.hypot(float(down[3]) - cx, float(down[4]) - cy)
        return SectionOutput(
            html=(f'<section id="{self.key}"><h2>Tap the star</h2><p>{len(trials)} stars '
                  f"tapped, mean accuracy {trials['accuracy'].mean():.2f}; the latest press "
                  f"was {d:.0f} px from the centre.</p></section>"),
            glance=f"{len(trials)} stars tapped")
