"""The "Plan and goals" section of a child's report page, and its caseload cells and CSV tables.

For each child with a plan (``children/<id>/plan.json``): each open goal with its baseline,
current figure, status (met, progressing, not yet, overdue), GAS level when scaled, and a chart
of its figures with the goal's threshold drawn; the GAS T-score over the scaled goals; home
practice against the plan per week for the last four weeks (adherence); the plan's dated
history; and the first assessment against the latest, item by item. Children without a plan
or assessment get no section. CSV: ``goals.csv``, ``assessments.csv`` and ``adherence.csv``.

It reads per-child files from the data folder, so it is built with that folder
(``PlanSection(data_dir)``) and injected like any section. Names no activity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from telemetry import charts
from telemetry import report_html as H
from telemetry.errors import UsageError
from telemetry.goal_values import ASSESSMENT, goal_status
from telemetry.goals import GoalStatus, gas_t_score
from telemetry.plan import PlanFile, load_plan
from telemetry.report_sections import ChildContext, ReportContext, SectionOutput

ADHERENCE_WEEKS = 4
STATUS_CLASS = {"met": "good", "progressing": "ok", "not yet": "", "overdue": "bad"}


@dataclass
class _ChildPlan:
    plan_file: PlanFile
    statuses: list[GoalStatus] = field(default_factory=list)
    error: str = ""


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def adherence(sessions: pd.DataFrame, planned_per_week: int | None, planned_minutes: int | None,
              as_of: date, weeks: int = ADHERENCE_WEEKS) -> pd.DataFrame:
    """Home sessions and minutes per calendar week (Monday to Sunday, UTC) for the ``weeks``
    weeks up to the one holding ``as_of``, against the plan. Minutes are start to end of each
    session (a session with no end counts 0 minutes here: it never closed)."""
    home = sessions[sessions["mode"] == "home"]
    start = _monday(as_of) - timedelta(days=7 * (weeks - 1))
    rows = []
    for k in range(weeks):
        w0 = start + timedelta(days=7 * k)
        in_week = home[[w0 <= ts.date() < w0 + timedelta(days=7) and ts.date() <= as_of
                        for ts in home["started_at"]]]
        minutes = float(sum(
            max(0.0, (e - s).total_seconds() / 60.0)
            for s, e in zip(in_week["started_at"], in_week["ended_at"], strict=True)
            if not pd.isna(e)))
        rows.append({
            "week": w0.isoformat(), "home_sessions": len(in_week),
            "planned_sessions": planned_per_week, "minutes": round(minutes, 1),
            "planned_minutes": (planned_per_week * planned_minutes
                                if planned_per_week and planned_minutes else None),
        })
    return pd.DataFrame(rows)


class PlanSection:
    """The plan, goals, adherence and assessments of each child (see the module docstring)."""

    key = "plan"
    top = True  # shown first on a child's page

    def __init__(self, data_dir: str | Path) -> None:
        self.data_dir = Path(data_dir)
        self._plans: dict[str, _ChildPlan] = {}
        self._metrics: pd.DataFrame | None = None
        self._history: pd.DataFrame | None = None
        self._sessions: pd.DataFrame | None = None
        self._assessed: set[str] = set()
        self._as_of = date.today()

    def prepare(self, report: ReportContext) -> None:
        """Read every child's plan once; load metrics only for children whose goals need them."""
        self._as_of = report.period.as_of.date()
        self._history = report.history
        self._sessions = report.sessions
        s = report.sessions
        self._assessed = {str(c) for c in s.loc[s["mode"] == ASSESSMENT, "child_id"]}
        need_metrics: list[str] = []
        for cid in report.child_ids:
            try:
                pf = load_plan(self.data_dir, cid)
            except UsageError as exc:  # a damaged plan never stops a report
                self._plans[cid] = _ChildPlan(PlanFile(cid), error=str(exc))
                continue
            self._plans[cid] = _ChildPlan(pf)
            if any(g.metric not in ("accuracy", "errors", "level", "duration_s")
                   and not g.is_practice for g in pf.plan.open_goals()):
                need_metrics.append(cid)
        if need_metrics:
            from telemetry.loader import load_dataset

            self._metrics = load_dataset(self.data_dir, child_ids=need_metrics,
                                         tables=("trials", "metrics"), cache=True).metrics

    def _child_frames(self, cid: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        assert self._history is not None and self._sessions is not None
        trials = self._history[self._history["child_id"] == cid]
        sessions = self._sessions[self._sessions["child_id"] == cid]
        if self._metrics is not None and not self._metrics.empty:
            metrics = self._metrics[self._metrics["session_id"].isin(set(sessions["session_id"]))]
        else:
            metrics = pd.DataFrame({"session_id": [], "trial": [], "activity": [], "metric": [],
                                    "value": [], "unit": []})
        return trials, metrics, sessions

    def render(self, child: ChildContext) -> SectionOutput:
        """The section for one child (empty when there is no plan and no assessment)."""
        cp = self._plans.get(child.child_id)
        if cp is None:
            return SectionOutput()
        if (not cp.plan_file.history and not cp.error
                and child.child_id not in self._assessed):
            return SectionOutput()  # no plan, no assessment: nothing to show (and no goals)
        trials, metrics, sessions = self._child_frames(child.child_id)
        plan = cp.plan_file.plan
        statuses = [goal_status(g, trials, metrics, sessions, self._as_of)
                    for g in plan.open_goals()]
        assess_html, assess_table = _assessments(child, trials, sessions)
        if not cp.plan_file.history and not assess_html and not cp.error:
            return SectionOutput()
        parts = ["<section id='plan'><h2>Plan and goals</h2>"]
        if cp.error:
            parts.append(f"<p class='bad'>{H.esc(cp.error)}</p>")
        parts.append(_plan_summary(cp.plan_file, self._as_of, child))
        parts.append(_goals_html(statuses, child))
        adh = adherence(sessions, plan.home_sessions_per_week, plan.minutes, self._as_of)
        parts.append(_adherence_html(adh))
        parts.append(_history_html(cp.plan_file))
        parts.append(assess_html)
        parts.append("</section>")
        met = sum(s.status == "met" for s in statuses)
        overdue = [s.goal.goal_id for s in statuses if s.status == "overdue"]
        glance = (f"Goals: {met} of {len(statuses)} met" + (
            f", {len(overdue)} overdue" if overdue else "")) if statuses else ""
        tables = {
            "goals": _goals_table(child.child_id, statuses),
            "adherence": adh.assign(child_id=child.child_id)[
                ["child_id", *adh.columns]] if plan.home_sessions_per_week else pd.DataFrame(),
            "assessments": assess_table,
        }
        last4 = adh.tail(ADHERENCE_WEEKS)
        planned = plan.home_sessions_per_week
        review_due = plan.review_date is not None and plan.review_date <= self._as_of
        caseload = {
            "Goals met": f"{met} / {len(statuses)}" if statuses else "–",
            "Home practice (4 wk)": (f"{int(last4['home_sessions'].sum())} / "
                                     f"{planned * ADHERENCE_WEEKS}" if planned else "–"),
            "Next review": H.esc(plan.review_date.isoformat()) + (" (due)" if review_due else "")
            if plan.review_date else "–",
        }
        flags = []
        if review_due:
            flags.append("review due")
        if overdue:
            flags.append("goal overdue: " + ", ".join(overdue))
        return SectionOutput(html="".join(parts), glance=glance,
                             tables={k: v for k, v in tables.items() if not v.empty},
                             caseload=caseload, flags=flags)


def _plan_summary(pf: PlanFile, as_of: date, child: ChildContext) -> str:
    plan = pf.plan
    if not pf.history:
        return "<p class='muted'>No plan written yet (<code>finemotor plan ID set</code>).</p>"
    acts = [f"{H.esc(child.activity_title(a))}" + (
        f" ({H.esc(', '.join(ap.sets))})" if ap.sets else "")
        for a, ap in plan.activities.items() if ap.on] or ["every activity"]
    review = ""
    if plan.review_date:
        due = " <b class='bad'>(due)</b>" if plan.review_date <= as_of else ""
        review = f"; review {H.esc(plan.review_date.isoformat())}{due}"
    per_week = (f"; {plan.home_sessions_per_week} home sessions a week"
                if plan.home_sessions_per_week else "")
    minutes = f"; {plan.minutes} minutes a session" if plan.minutes else ""
    return f"<p>Plan: {', '.join(acts)}{minutes}{per_week}{review}.</p>"


def _goals_html(statuses: list[GoalStatus], child: ChildContext) -> str:
    if not statuses:
        return "<p class='muted'>No open goals.</p>"
    rows, classes, figs = [], [], []
    for st in statuses:
        g = st.goal
        when = (f"met {st.met_on.isoformat()}" if st.met_on else
                f"by {g.target_date.isoformat()}" if g.target_date else "")
        rows.append([H.esc(g.goal_id), H.esc(_goal_words(g, child)), H.fmt_num(st.baseline),
                     H.fmt_num(st.current), H.esc(st.status), H.esc(when),
                     "–" if st.gas_level is None else f"{st.gas_level:+d}"])
        classes.append(STATUS_CLASS.get(st.status, ""))
        if not st.points:
            continue  # nothing to draw yet (a new practice goal has no complete week)
        values = [v if math.isfinite(v) else float("nan") for _, v in st.points]
        labels = [d.isoformat() for d, _ in st.points]
        figs.append(H.figure(charts.trend_chart(
            values, labels, title=f"{g.goal_id}: {g.metric}", threshold=g.threshold,
            width=260, height=150)))
    out = H.table(["Goal", "What", "Baseline", "Now", "Status", "When", "GAS"], rows,
                  numeric=[False, False, True, True, False, False, True], row_classes=classes,
                  caption="Baseline: median of the first three sessions; now: of the last "
                          "three (weeks for practice goals).")
    levels = [s.gas_level for s in statuses if s.gas_level is not None]
    if levels:
        out += (f"<p>GAS T-score over {len(levels)} scaled goal{'s' * (len(levels) > 1)}: "
                f"<b>{gas_t_score(levels):.1f}</b> (50 = attained as expected; Kiresuk and "
                "Sherman, inter-goal correlation 0.3).</p>")
    return out + "<div class='charts'>" + "".join(figs) + "</div>"


def _goal_words(g: Any, child: ChildContext) -> str:
    """The goal's description with people's names for its activity and item."""
    text: str = g.describe()
    if g.activity == "*":
        return text
    what = g.activity if g.item == "*" else f"{g.activity} {g.item}"
    named = child.activity_title(g.activity) + (
        "" if g.item == "*" else f" {child.item_label(g.activity, g.item)}")
    return text.replace(f"{what}:", f"{named}:", 1)


def _adherence_html(adh: pd.DataFrame) -> str:
    if adh.empty or adh["planned_sessions"].isna().all():
        return ""
    rows = [[H.esc(r["week"]), f"{r['home_sessions']} / {int(r['planned_sessions'])}",
             H.fmt_num(r["minutes"], 0) + (f" / {int(r['planned_minutes'])}"
                                           if r["planned_minutes"] else "")]
            for r in adh.to_dict("records")]
    return "<h3>Home practice against the plan</h3>" + H.table(
        ["Week from", "Home sessions", "Minutes"], rows, numeric=[False, True, True])


def _history_html(pf: PlanFile) -> str:
    if not pf.history:
        return ""
    items = "".join(f"<li>{H.esc(h.at[:10])}: {H.esc(h.change)}</li>"
                    for h in reversed(pf.history[-8:]))
    more = f" (latest 8 of {len(pf.history)})" if len(pf.history) > 8 else ""
    return f"<details><summary>Plan history{more}</summary><ul>{items}</ul></details>"


def _assessments(child: ChildContext, trials: pd.DataFrame, sessions: pd.DataFrame
                 ) -> tuple[str, pd.DataFrame]:
    """First against latest assessment session, item by item (median accuracy and time)."""
    assess = sessions[sessions["mode"] == ASSESSMENT].sort_values("started_at")
    if assess.empty:
        return "", pd.DataFrame()
    t = trials[trials["session_id"].isin(set(assess["session_id"])) & trials["completed"]]
    per = (t.groupby(["session_id", "activity", "item"])
           .agg(level=("level", "max"), accuracy=("accuracy", "median"),
                duration_s=("duration_ms", lambda s: float(s.median()) / 1000.0))
           .reset_index())
    day = dict(zip(assess["session_id"], [ts.date().isoformat() for ts in assess["started_at"]],
                   strict=True))
    per.insert(0, "date", per["session_id"].map(day))
    per.insert(0, "child_id", child.child_id)
    per = per.sort_values(["date", "activity", "item"], kind="stable", ignore_index=True)
    first_sid, last_sid = assess["session_id"].iloc[0], assess["session_id"].iloc[-1]
    first = per[per["session_id"] == first_sid].set_index(["activity", "item"])
    last = per[per["session_id"] == last_sid].set_index(["activity", "item"])
    rows = []
    for key in first.index.union(last.index):
        a, item = key
        f_acc = first["accuracy"].get(key, float("nan"))
        l_acc = last["accuracy"].get(key, float("nan"))
        rows.append([H.esc(child.activity_title(a)), H.esc(child.item_label(a, item)),
                     H.fmt_num(f_acc), H.fmt_num(l_acc), H.fmt_signed(l_acc - f_acc)])
    n = len(assess)
    title = (f"<h3>Assessments ({n}): first {H.esc(day[first_sid])}, latest "
             f"{H.esc(day[last_sid])}</h3>")
    if n == 1:
        title = f"<h3>Assessment {H.esc(day[first_sid])} (the baseline)</h3>"
    table = H.table(["Activity", "Item", "First accuracy", "Latest accuracy", "Change"], rows,
                    numeric=[False, False, True, True, True],
                    caption="Assessments use a fixed protocol (same items, same level, no "
                            "adaptation), so they compare across months.")
    return title + table, per


def _goals_table(child_id: str, statuses: list[GoalStatus]) -> pd.DataFrame:
    """One row per open goal: what it asks and where it stands (``goals.csv``)."""
    rows = []
    for st in statuses:
        g = st.goal
        rows.append({
            "child_id": child_id, "goal_id": g.goal_id, "activity": g.activity, "item": g.item,
            "metric": g.metric, "unit": g.unit, "op": g.op, "threshold": g.threshold,
            "needed": g.needed, "window": g.window, "min_level": g.min_level,
            "target_date": g.target_date.isoformat() if g.target_date else None,
            "status": st.status, "baseline": st.baseline, "current": st.current,
            "met_on": st.met_on.isoformat() if st.met_on else None, "values": st.values,
            "gas_level": st.gas_level,
        })
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    return frame.astype({"min_level": "Int64", "gas_level": "Int64", "values": "int64"})
