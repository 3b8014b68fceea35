"""The one owner of pinch's targets.csv geometry: the scene writes it, the report section, the
demo simulator and the re-scoring tests read it back. Pure Python, no pygame, no pandas.

targets.csv rows are ``(kind, part, seq, x, y)``; a pinch round writes (logical px unless said):

==========  ======  ===  ==========================  ======================================
kind        part    seq  x                           y
==========  ======  ===  ==========================  ======================================
board       0       0    left of the drift area      top
board       0       1    right                       bottom
board       0       2    shown_ms: when the board    0
                         appeared, on the samples'
                         t_ms clock (moving objects
                         drift from then)
object      i       0    start centre x              start centre y
object      i       1    radius                      colour index (0 red, 1 blue, ...)
object      i       2    vx (px/s; 0 = still)        vy (px/s)
target      j       0    centre x                    centre y
target      j       1    radius                      colour it takes (-1: any)
target      j       2    capacity (objects it holds) 0
decoy       k       0    centre x                    centre y
decoy       k       1    radius                      0
==========  ======  ===  ==========================  ======================================

The stored values are what the round used: the layout rounds to 0.01 px, which the CSV keeps
exactly, so a stored round re-scores to the stored figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from games.pinch.board import Board, Piece, Target


class TargetWriter(Protocol):
    """What :func:`write_board` needs of a recorder (``TrialSink.add_targets``)."""

    def add_targets(self, kind: str, part: int, points: Iterable[Any]) -> None:
        """Record one part's points (seq = index)."""


def board_rows(board: Board, shown_ms: float) -> list[tuple[str, int, list[tuple[float, float]]]]:
    """The ``(kind, part, points)`` groups :func:`write_board` records, in order."""
    x0, y0, x1, y1 = board.bounds
    rows: list[tuple[str, int, list[tuple[float, float]]]] = [
        ("board", 0, [(x0, y0), (x1, y1), (float(shown_ms), 0.0)])
    ]
    for i, p in enumerate(board.objects):
        rows.append(("object", i, [(p.x, p.y), (p.r, float(p.colour)), (p.vx, p.vy)]))
    for j, t in enumerate(board.targets):
        rows.append(("target", j, [(t.x, t.y), (t.r, float(t.colour)), (float(t.capacity), 0.0)]))
    for k, d in enumerate(board.decoys):
        rows.append(("decoy", k, [(d.x, d.y), (d.r, 0.0)]))
    return rows


def write_board(sink: TargetWriter, board: Board, shown_ms: float) -> None:
    """Record ``board`` (and when it was shown) as the open trial's targets."""
    for kind, part, points in board_rows(board, shown_ms):
        sink.add_targets(kind, part, points)


class BoardFormatError(ValueError):
    """targets.csv rows that do not describe a pinch board (the message says what is wrong)."""


def read_board(rows: Iterable[Any]) -> tuple[Board, float]:
    """The board and its ``shown_ms`` from targets rows ``(kind, part, seq, x, y)``.

    ``rows`` may be tuples or a pandas DataFrame with those columns (read by name). Rows of
    other kinds are ignored. A missing point raises :class:`BoardFormatError`.
    """
    points: dict[tuple[str, int, int], tuple[float, float]] = {}
    for kind, part, seq, x, y in _tuples(rows):
        points[(str(kind), int(part), int(seq))] = (float(x), float(y))

    def get(kind: str, part: int, seq: int) -> tuple[float, float]:
        try:
            return points[(kind, part, seq)]
        except KeyError:
            raise BoardFormatError(f"pinch targets: no {kind} {part} point {seq}") from None

    def count(kind: str) -> int:
        return len({p for k, p, _ in points if k == kind})

    (x0, y0), (x1, y1), (shown_ms, _) = get("board", 0, 0), get("board", 0, 1), get("board", 0, 2)
    objects = []
    for i in range(count("object")):
        (x, y), (r, colour), (vx, vy) = (get("object", i, s) for s in range(3))
        objects.append(Piece(x, y, r, int(colour), vx, vy))
    targets = []
    for j in range(count("target")):
        (x, y), (r, colour), (cap, _) = (get("target", j, s) for s in range(3))
        targets.append(Target(x, y, r, int(colour), int(cap)))
    decoys = []
    for k in range(count("decoy")):
        (x, y), (r, _) = get("decoy", k, 0), get("decoy", k, 1)
        decoys.append(Piece(x, y, r))
    board = Board(tuple(objects), tuple(targets), tuple(decoys), (x0, y0, x1, y1))
    return board, shown_ms


def _tuples(rows: Iterable[Any]) -> Iterable[tuple[Any, ...]]:
    columns = getattr(rows, "columns", None)
    if columns is not None:  # a DataFrame: read the five columns by name
        frame: Any = rows
        return zip(*(frame[c].tolist() for c in ("kind", "part", "seq", "x", "y")), strict=True)
    return (tuple(r) for r in rows)
