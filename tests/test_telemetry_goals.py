"""Goal evaluation and GAS on hand-built series with answers worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from telemetry.goals import Goal, evaluate, gas_level, gas_t_score

D0 = date(2026, 9, 1)


def days(values: list[float]) -> list[tuple[date, float]]:
    """One value a week from D0."""
    return [(D0 + timedelta(days=7 * i), v) for i, v in enumerate(values)]


def circle_goal(**kw: object) -> Goal:
    base: dict[str, object] = dict(goal_id="g1", activity="tracing", item="circle",
                                   metric="accuracy", op=">=", threshold=0.8, window=3, needed=3)
    base.update(kw)
    return Goal(**base)  # type: ignore[arg-type]


def test_met_on_exactly_the_session_that_makes_the_third_in_a_row() -> None:
    pts = days([0.7, 0.85, 0.9, 0.6, 0.82, 0.85, 0.9])
    goal = circle_goal()
    before = evaluate(goal, pts, as_of=pts[5][0])
    assert before.status == "progressing"
    assert before.met_on is None and before.passing_in_window == 2
    after = evaluate(goal, pts, as_of=pts[6][0])
    # 0.82, 0.85, 0.9 are the 5th, 6th and 7th sessions: the 7th makes the third in a row.
    assert after.status == "met" and after.met_on == pts[6][0]
    later = pts + [(date(2026, 12, 1), 0.1)]
    assert evaluate(goal, later, as_of=date(2027, 1, 1)).met_on == pts[6][0]  # stays met


def test_k_of_n_met_when_the_window_first_holds_k() -> None:
    goal = circle_goal(window=5, needed=3, op=">=", threshold=1.0, metric="first_try")
    pts = days([1, 0, 0, 1, 0, 1, 1])
    st = evaluate(goal, pts, as_of=date(2027, 1, 1))
    # windows: [1,0,0,1,0] has 2; [0,0,1,0,1] has 2; [0,1,0,1,1] has 3 -> met on the 7th.
    assert st.status == "met" and st.met_on == pts[6][0]
    assert evaluate(goal, pts[:6], as_of=date(2027, 1, 1)).status == "progressing"


def test_lower_is_better_goal() -> None:
    goal = Goal("g2", "pinch", "duration_s", "<=", 60.0, window=2, needed=2)
    st = evaluate(goal, days([90, 70, 58, 61, 55, 59]), as_of=date(2027, 1, 1))
    assert st.met_on == D0 + timedelta(days=35)  # 55 then 59: the 6th value
    assert st.baseline == 70 and st.current == 59


def test_overdue_not_yet_and_points_after_as_of_ignored() -> None:
    goal = circle_goal(target_date=date(2026, 9, 20))
    pts = days([0.5, 0.5, 0.5, 0.9, 0.9, 0.9])
    st = evaluate(goal, pts, as_of=date(2026, 9, 21))
    assert st.status == "overdue" and st.values == 3
    assert evaluate(circle_goal(), pts[:3], as_of=date(2026, 9, 21)).status == "not yet"
    assert evaluate(circle_goal(), [], as_of=D0).status == "not yet"
    # met after the target date is still met (late, but met)
    assert evaluate(goal, pts, as_of=date(2026, 12, 1)).status == "met"


def test_progressing_when_current_beats_baseline_with_no_pass() -> None:
    st = evaluate(circle_goal(), days([0.4, 0.5, 0.45, 0.6, 0.7, 0.65]), as_of=date(2027, 1, 1))
    assert st.status == "progressing" and st.baseline == 0.45 and st.current == 0.65


def test_gas_levels_on_the_five_thresholds() -> None:
    goal = circle_goal(gas=(0.5, 0.6, 0.7, 0.8, 0.9))
    assert [gas_level(goal, v) for v in (0.3, 0.5, 0.69, 0.7, 0.84, 0.95)] == [-2, -2, -1, 0, 1, 2]
    low = Goal("g", "pinch", "duration_s", "<=", 60, gas=(120, 90, 60, 45, 30))
    assert [gas_level(low, v) for v in (200, 100, 90, 60, 45, 10)] == [-2, -2, -1, 0, 1, 2]
    st = evaluate(goal, days([0.6, 0.82, 0.85, 0.86]), as_of=date(2027, 1, 1))
    assert st.gas_level == 1  # current = median(0.82, 0.85, 0.86) = 0.85


def test_gas_t_score_worked_examples() -> None:
    # Kiresuk-Sherman with rho 0.3 and unit weights: T = 50 + 10*sum(x)/sqrt(0.7n + 0.3n^2)
    assert gas_t_score([1, 0, -1]) == pytest.approx(50.0)
    assert gas_t_score([1, 1, 2]) == pytest.approx(50 + 40 / 4.8 ** 0.5)  # 68.2574
    assert gas_t_score([1, 1, 2]) == pytest.approx(68.2574, abs=1e-4)
    assert gas_t_score([-2, -2]) == pytest.approx(25.1931, abs=1e-4)
    assert gas_t_score([0]) == 50.0
    with pytest.raises(ValueError, match=r"GAS levels are -2..\+2, got \[3\]"):
        gas_t_score([3])
    with pytest.raises(ValueError, match="at least one scaled goal"):
        gas_t_score([])


def test_bad_goals_are_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="comparison must be one of >=, <=, got '>'"):
        circle_goal(op=">")
    with pytest.raises(ValueError, match="got 4 of 3"):
        circle_goal(needed=4)
    with pytest.raises(ValueError, match="GAS thresholds must be rising from -2 to"):
        circle_goal(gas=(0.9, 0.8, 0.7, 0.6, 0.5))


def test_describe_reads_like_the_therapist_wrote_it() -> None:
    g = circle_goal(min_level=4, target_date=date(2027, 3, 1))
    assert g.describe() == (
        "tracing circle: accuracy >= 0.8 (level 4+), 3 sessions in a row, by 2027-03-01"
    )
    p = Goal("g3", "*", "home_sessions_per_week", ">=", 3, window=4, needed=4)
    assert p.describe() == "practice: home_sessions_per_week >= 3, 4 weeks in a row"


def test_a_session_below_the_goal_level_breaks_the_run_but_not_the_figures() -> None:
    goal = circle_goal(min_level=4)
    pts = days([0.9, 0.9, float("-inf"), 0.9, 0.9, 0.9])
    st = evaluate(goal, pts, as_of=date(2027, 1, 1))
    assert st.met_on == pts[5][0]  # the run restarts after the session played at level 3
    assert st.baseline == 0.9 and st.current == 0.9 and st.values == 6
