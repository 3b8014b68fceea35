"""Pinch levels, graded as occupational therapists grade tweezer work, and their layouts.

The order follows the usual grading of a tweezer/tong task: one big object and a big cup close
by; more objects; smaller objects and targets; longer distances; an egg carton (one object per
cell); a 9-hole board; sorting by colour into matching cups; slowly moving objects; decoys not
to pick; targets across the body's midline. Left-handed play mirrors every layout (x -> 1280-x),
so "the hand's side" and "across the midline" mean the same for both hands.

Sizes are logical px (1280x800). On a calibrated screen :func:`layout` enlarges anything whose
diameter would be under :data:`MIN_TARGET_MM` (10 mm: children under about 7 need targets of at
least 1 cm) to that size. Uncalibrated, the smallest target of the table (the 9-hole board's
holes, 76 px across) is 10 mm or more on any screen of up to 7.6 px/mm (a 1280-px-wide logical
screen at least 168 mm wide, a 7-inch tablet).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from games.pinch.board import ANY_COLOUR, Board, Piece, Target

LOGICAL_W, LOGICAL_H = 1280.0, 800.0
MIN_TARGET_MM = 10.0
TOP = 130.0  # the top strip stays free for the grown-ups' house button and the progress beads
COLOUR_NAMES = ("red", "blue", "yellow", "green")


@dataclass(frozen=True)
class Level:
    """One step of the grading. ``board`` is the target kind: ``cup``, ``carton`` (one object
    per cell), ``holes`` (the 9-hole board) or ``sort`` (one cup per colour)."""

    number: int
    name: str
    objects: int
    object_r: float
    board: str
    target_r: float
    distance: float  # px from the objects' area centre to the targets' centre
    colours: int = 1
    speed: float = 0.0  # px/s of slowly moving objects
    decoys: int = 0
    cross_midline: bool = False


LEVELS: tuple[Level, ...] = (
    Level(1, "one big berry, big cup", 1, 60, "cup", 160, 380),
    Level(2, "three berries", 3, 52, "cup", 150, 420),
    Level(3, "five beads", 5, 44, "cup", 130, 460),
    Level(4, "small beads, small bowl", 5, 34, "cup", 92, 480),
    Level(5, "far bowl", 6, 34, "cup", 92, 760),
    Level(6, "egg carton", 6, 32, "carton", 50, 560),
    Level(7, "9-hole board", 9, 28, "holes", 38, 560),
    Level(8, "sort two colours", 6, 36, "sort", 100, 560, colours=2),
    Level(9, "sort three colours", 9, 32, "sort", 84, 580, colours=3),
    Level(10, "slowly moving bugs", 5, 40, "cup", 110, 560, speed=40.0),
    Level(11, "not the mushrooms", 5, 38, "cup", 100, 560, decoys=3),
    Level(12, "across the middle", 6, 34, "cup", 96, 860, cross_midline=True),
)


def level(number: int) -> Level:
    """The level ``number`` (1-based); a ``ValueError`` names the valid range otherwise."""
    if not 1 <= number <= len(LEVELS):
        raise ValueError(f"pinch level must be 1 to {len(LEVELS)}, got {number}")
    return LEVELS[number - 1]


def layout(
    lvl: Level, seed: int = 0, left_handed: bool = False, px_per_mm: float | None = None
) -> Board:
    """The board of a round at ``lvl``: the same ``seed`` gives the same board.

    Right-handed, the objects lie on the left of the targets, so the carry goes towards the
    hand's side; across the midline (level 12) they lie on the hand's side and the cup beyond
    the middle. ``px_per_mm`` (a calibrated screen) enlarges objects and targets to at least
    :data:`MIN_TARGET_MM` across.
    """
    rng = random.Random(seed * 1009 + lvl.number)
    floor = MIN_TARGET_MM * px_per_mm / 2 if px_per_mm else 0.0
    obj_r, tgt_r = max(lvl.object_r, floor), max(lvl.target_r, floor)
    cy = (TOP + LOGICAL_H) / 2
    if lvl.cross_midline:
        ocx = LOGICAL_W - 280.0
        tcx = ocx - lvl.distance
    else:
        ocx = (LOGICAL_W - lvl.distance) / 2 - 60.0
        tcx = ocx + lvl.distance
    targets = _targets(lvl, tcx, cy, tgt_r)
    area_w = min(2 * (ocx - 40.0), 2 * max(130.0, lvl.distance - tgt_r * 2.2 - 40.0), 460.0)
    area = (ocx - area_w / 2, TOP + 20.0, ocx + area_w / 2, LOGICAL_H - 30.0)
    spots = _scatter(rng, area, lvl.objects + lvl.decoys, obj_r)
    colours = [i % lvl.colours for i in range(lvl.objects)]
    rng.shuffle(colours)
    objects = []
    for (x, y), colour in zip(spots[: lvl.objects], colours, strict=True):
        vx = vy = 0.0
        if lvl.speed:
            a = rng.uniform(0, 2 * math.pi)
            vx, vy = lvl.speed * math.cos(a), lvl.speed * math.sin(a)
        objects.append(Piece(x, y, obj_r, colour if lvl.colours > 1 else 0, vx, vy))
    decoys = [Piece(x, y, obj_r) for x, y in spots[lvl.objects:]]
    board = Board(tuple(objects), tuple(targets), tuple(decoys), area)
    return rounded(mirrored(board) if left_handed else board)


def _targets(lvl: Level, cx: float, cy: float, r: float) -> list[Target]:
    if lvl.board == "cup":
        return [Target(cx, cy, r)]
    if lvl.board == "sort":
        gap = (LOGICAL_H - TOP - 40.0) / lvl.colours
        top = TOP + 20.0 + gap / 2
        return [Target(cx, top + i * gap, r, colour=i, capacity=99) for i in range(lvl.colours)]
    cols, rows = (2, 3) if lvl.board == "carton" else (3, 3)
    pitch = 2 * r + (26.0 if lvl.board == "carton" else 44.0)
    return [
        Target(cx + (c - (cols - 1) / 2) * pitch, cy + (row - (rows - 1) / 2) * pitch, r,
               colour=ANY_COLOUR, capacity=1)
        for row in range(rows)
        for c in range(cols)
    ]


def _scatter(
    rng: random.Random, area: tuple[float, float, float, float], n: int, r: float
) -> list[tuple[float, float]]:
    """``n`` centres in ``area`` on a jittered grid, never overlapping (rim gap >= r/2)."""
    x0, y0, x1, y1 = area
    w, h = x1 - x0, y1 - y0
    # The grid whose cells are the largest squares that fit: fewest wasted cells.
    cols = max(range(1, n + 1), key=lambda c: (min(w / c, h / math.ceil(n / c)), -c))
    rows = math.ceil(n / cols)
    cw, ch = w / cols, h / rows
    cells = [(c, row) for row in range(rows) for c in range(cols)]
    rng.shuffle(cells)
    out = []
    slack_x, slack_y = max(0.0, cw / 2 - 1.25 * r), max(0.0, ch / 2 - 1.25 * r)
    for c, row in sorted(cells[:n], key=lambda cr: (cr[1], cr[0])):
        out.append((
            x0 + (c + 0.5) * cw + rng.uniform(-slack_x, slack_x),
            y0 + (row + 0.5) * ch + rng.uniform(-slack_y, slack_y),
        ))
    return out


def mirrored(board: Board) -> Board:
    """The board mirrored left-right (x -> 1280 - x, velocities too), for a left hand."""

    def flip(p: Piece) -> Piece:
        return Piece(LOGICAL_W - p.x, p.y, p.r, p.colour, -p.vx, p.vy)

    x0, y0, x1, y1 = board.bounds
    return Board(
        tuple(flip(p) for p in board.objects),
        tuple(Target(LOGICAL_W - t.x, t.y, t.r, t.colour, t.capacity) for t in board.targets),
        tuple(flip(p) for p in board.decoys),
        (LOGICAL_W - x1, y0, LOGICAL_W - x0, y1),
    )


def rounded(board: Board) -> Board:
    """The board with every number rounded to 0.01 px (what targets.csv stores exactly)."""

    def rp(p: Piece) -> Piece:
        return Piece(round(p.x, 2), round(p.y, 2), round(p.r, 2), p.colour, round(p.vx, 2),
                     round(p.vy, 2))

    return Board(
        tuple(rp(p) for p in board.objects),
        tuple(Target(round(t.x, 2), round(t.y, 2), round(t.r, 2), t.colour, t.capacity)
              for t in board.targets),
        tuple(rp(p) for p in board.decoys),
        (round(board.bounds[0], 2), round(board.bounds[1], 2), round(board.bounds[2], 2),
         round(board.bounds[3], 2)),
    )
