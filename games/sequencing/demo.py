"""Made-up sequencing trials for ``finemotor demo-data``, played through the real rules.

A simulated child drags cards along slightly wobbly paths; every pointer sample goes to the
recorder and to a :class:`~games.sequencing.board.Board` at the precision samples.csv keeps,
and the trial is finished with the same figures the scene records (:func:`trial_figures`),
so a demo trial re-scores exactly from its files. Skill grows over the weeks; the prompting
fades from errorless to a hint after an error to none, as a therapist would fade it.
"""

from __future__ import annotations

import math
from typing import Any

from games.kit.demo import SimTrial
from games.kit.staircase import Staircase
from games.sequencing.board import SEND_BACK_MS, Board, centre, make_layout
from games.sequencing.levels import LEVELS, level, pick_routine, routine_for_level
from games.sequencing.measures import trial_figures
from games.sequencing.record import Played, write_targets
from games.sequencing.routines import BUILT_IN
from games.sequencing.score import DISTRACTOR

ACTIVITY_ID = "sequencing"
ITEM = "routines"
EVENT_HZ = 60.0
MAX_ATTEMPTS = 5  # after this many wrong arrangements the made-up child wanders off


def prompting_for(weeks_in: float, weeks: int) -> str:
    """The prompting a therapist would use at this point of the period (fading)."""
    share = weeks_in / max(1, weeks)
    return "errorless" if share < 0.3 else "after-error" if share < 0.65 else "none"


def _skill(trial: SimTrial, lvl: int, prompting: str) -> float:
    """The chance the child picks a right card for the next slot."""
    growth = min(1.0, trial.weeks_in / max(1, trial.weeks))
    base = 0.55 + 0.35 * growth - 0.04 * (lvl - 1)
    if prompting == "errorless":
        base += 0.3
    return float(min(0.97, max(0.3, base)))


class _Player:
    """Feeds one simulated pointer to the recorder and the board."""

    def __init__(self, trial: SimTrial, board: Board) -> None:
        self.trial, self.board = trial, board
        self.samples: list[tuple[float, float, float, int, str]] = []
        self.origin = getattr(trial.recorder, "origin_ns", 0)

    def sample(self, phase: str, x: float, y: float) -> None:
        clock = self.trial.clock
        t_ns = clock.mono_ns()
        x, y = round(float(x), 4), round(float(y), 4)  # plain floats: numpy ones print oddly
        self.trial.recorder.add_sample(t_ns, x, y, 0, phase, "touch")
        t_ms = round((t_ns - self.origin) / 1e6, 4)
        self.samples.append((t_ms, x, y, 0, phase))
        self.board.pointer(phase, x, y, t_ms, 0)

    def drag(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        rng, trial = self.trial.rng, self.trial
        dist = math.dist(start, end)
        n = max(3, int(dist / max(60.0, trial.speed_px_s) * EVENT_HZ))
        bend = rng.normal(0.0, trial.wobble_px)
        nx, ny = (-(end[1] - start[1]) / max(dist, 1), (end[0] - start[0]) / max(dist, 1))
        miss = rng.normal(0.0, trial.wobble_px * 0.4, 2)
        self.sample("down", *start)
        for i in range(1, n + 1):
            u = i / n
            s = u * u * (3 - 2 * u)  # ease in and out: a bell-shaped speed
            off = bend * math.sin(math.pi * u)
            x = start[0] + (end[0] + miss[0] - start[0]) * s + nx * off
            y = start[1] + (end[1] + miss[1] - start[1]) * s + ny * off
            trial.clock.advance(1.0 / EVENT_HZ)
            self.sample("move", x, y)
        trial.clock.advance(1.0 / EVENT_HZ)
        self.sample("up", *self.samples[-1][1:3])


def simulate(trial: SimTrial) -> None:
    """Record one made-up sequencing trial through ``trial.recorder`` (module docstring)."""
    state: dict[str, Any] = trial.state
    stair: Staircase = state.setdefault("staircase", Staircase(n_levels=len(LEVELS)))
    turn = state.get("turn", 0)
    state["turn"] = turn + 1
    lvl = level(stair.current_level(ITEM))
    routine = routine_for_level(pick_routine(BUILT_IN, lvl, int(trial.rng.integers(0, 97))), lvl)
    prompting = prompting_for(trial.weeks_in, trial.weeks)
    cards = [*routine.step_ids, *([DISTRACTOR] if lvl.distractor else [])]
    layout = make_layout(len(routine.steps), len(cards), int(trial.rng.integers(0, 1 << 30)))
    played = Played(routine.id, tuple(cards), routine.before, layout)
    board = Board(played.order(), tuple(cards), layout, prompting=prompting)
    rec = trial.recorder
    rec.begin_trial(ACTIVITY_ID, lvl.number, routine.id, "drag")
    write_targets(rec, played)
    player = _Player(trial, board)
    skill = _skill(trial, lvl.number, prompting)
    rng = trial.rng
    trial.clock.advance(float(rng.uniform(1.0, 3.0)))  # looking at the cards first
    while not board.done and len(board.attempts) < MAX_ATTEMPTS:
        slot = board.placed.index(None)
        free = [c for c in cards if c not in board.placed]
        best = board.order.hint_slots  # where each card may go now
        right = [c for c in free if c != DISTRACTOR and slot in best(c, board.placed)]
        card = right[0] if right and rng.random() < skill else free[int(rng.integers(len(free)))]
        player.drag(centre(board.rect_of(card)), centre(layout.slots[slot]))
        trial.clock.advance(float(rng.uniform(0.4, 1.6)))
        if board.rest_until_ms > player.samples[-1][0]:
            trial.clock.advance(SEND_BACK_MS / 1000.0)
    if not board.done:
        rec.abandon_trial()
        return
    score, metrics = trial_figures(board, lvl.slot_hint_level, player.samples)
    rec.finish_trial(accuracy=score.accuracy, errors=score.errors, completed=True,
                     metrics=metrics, duration_ms=score.total_ms)
    stair.record(ITEM, score.first_try)
    trial.clock.advance(len(routine.steps) * 0.7 + 1.6)  # the story and the reward

