"""Sequencing figures: frame time while a photo card is dragged, and loading a photo routine.

1. Frame CPU time (poll + update + draw + present, ``App.frame_cpu_ns``) while the scripted
   hand drags one of 6 photo cards (a custom routine added from 1200x900 JPEGs) back and forth
   for 10 s at 120 Hz, with the scene's per-trial caches (background, cards), against a naive
   scene that rebuilds the background and every card from its stored photo every frame.
2. Loading a routine of 6 photos as a trial starts (parse and check the routine file, load and
   fit each stored photo to the card size), caches cold, against the naive baseline: loading
   the original 1200x900 photos and fitting them at play time (no shrinking when added).
Medians of several runs; the machine is shared, so read the ratios.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from benchmarks.common import median_seconds, percentile, report  # noqa: E402

STEPS = ("wake", "wash", "dress", "eat", "bag", "shoes")


def _photo_routine(base: Path) -> tuple[Path, Path]:
    """A 6-photo custom routine added to a data folder; returns (data folder, photo folder)."""
    import pygame

    from games.sequencing.custom import add_routine

    photos = base / "photos"
    photos.mkdir()
    lines = ["title: Morning"]
    for i, step in enumerate(STEPS):
        s = pygame.Surface((1200, 900))
        s.fill((40 * i, 200 - 20 * i, 120))
        pygame.draw.circle(s, (250, 250, 250), (600, 450), 300)
        pygame.image.save(s, str(photos / f"{step}.jpg"))
        lines.append(f"step: {step} | {step.title()} | {step}.jpg")
    (photos / "morning.txt").write_text("\n".join(lines) + "\n", "utf-8")
    data = base / "data"
    add_routine(data, photos / "morning.txt", photos, "morning")
    return data, photos


def _frame_p99(data: Path, naive: bool) -> tuple[float, float, int, float]:
    """(wall p99, wall median, frames, thread-CPU p99) in ms while a photo card is dragged.

    The wall time (``App.frame_cpu_ns``) includes the time other processes hold the CPU on a
    loaded machine; the thread's own CPU time per frame does not."""
    from engine.settings import Settings
    from engine.testing import ScriptedHand, make_test_app
    from games.sequencing import cards
    from games.sequencing.board import centre
    from games.sequencing.custom import find_routine
    from games.sequencing.scene import Options, SequencingScene

    class Naive(SequencingScene):
        def draw(self, surface):  # type: ignore[no-untyped-def]
            self.__dict__.pop("_background", None)
            self.__dict__.pop("_cards", None)
            cards.clear_cache()
            super().draw(surface)

    routine = find_routine(data, "morning")
    app = make_test_app(settings=Settings(sound_on=False))
    options = Options([routine], folder_of=lambda r: data / "routines" / r.id)
    scene = (Naive if naive else SequencingScene)("bench", options, 7, seed=1)
    app.stack.push(scene)
    hand = ScriptedHand(app)
    hand.step(5)
    app.frame_cpu_ns.clear()
    cpu: list[float] = []
    frame = app.frame

    def timed() -> None:
        t0 = time.thread_time_ns()
        frame()
        cpu.append((time.thread_time_ns() - t0) / 1e6)

    app.frame = timed  # type: ignore[method-assign]
    start = centre(scene.board.rect_of("wash"))
    path = [start] + [(200.0 + 880.0 * (k % 2), 300.0) for k in range(1, 9)] + [start]
    hand.drag(path, speed=700.0, event_hz=120.0)
    times = app.frame_times_ms()
    app.close()
    return percentile(times, 99), statistics.median(times), len(times), percentile(cpu, 99)


def _load(data: Path, photos: Path, naive: bool) -> None:
    from games.sequencing import cards
    from games.sequencing.custom import find_routine

    cards.clear_cache()
    routine = find_routine(data, "morning")
    folder = photos if naive else data / "routines" / "morning"
    for step in routine.steps:
        picture = f"photo:{step.id}.jpg" if naive else step.picture
        cards.card_picture(picture, 176, folder)


def _thread_ms(fn: Callable[[], object], repeats: int = 9) -> float:
    """Median thread CPU time of ``fn()`` in ms (after one warm-up run): the machine's other
    processes do not count in it."""
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.thread_time_ns()
        fn()
        times.append((time.thread_time_ns() - t0) / 1e6)
    return statistics.median(times)


def main() -> None:
    """Print the figures."""
    import pygame

    pygame.init()
    with tempfile.TemporaryDirectory() as tmp:
        data, photos = _photo_routine(Path(tmp))
        runs = [_frame_p99(data, naive=False) for _ in range(3)]
        cpu = statistics.median(r[3] for r in runs)
        report(f"frame thread-CPU p99, 6 photo cards, one dragged ({runs[0][2]} frames)", cpu,
               "ms", "< 4 ms")
        report("frame wall p99, same (loaded machine: includes preemption)",
               statistics.median(r[0] for r in runs), "ms")
        report("frame wall median, same", statistics.median(r[1] for r in runs), "ms")
        naive_runs = [_frame_p99(data, naive=True) for _ in range(3)]
        naive = statistics.median(r[3] for r in naive_runs)
        report("frame thread-CPU p99, naive (rebuild background and cards every frame)",
               naive, "ms")
        report("ratio naive / cached (thread-CPU p99)", naive / cpu, "x")
        load = _thread_ms(lambda: _load(data, photos, naive=False))
        report("load a 6-photo routine, cold caches (thread CPU)", load, "ms", "< 100 ms")
        wall = median_seconds(lambda: _load(data, photos, naive=False), repeats=9) * 1e3
        report("same, wall time (loaded machine)", wall, "ms")
        slow = _thread_ms(lambda: _load(data, photos, naive=True))
        report("load naive (original 1200x900 photos fitted at play time)", slow, "ms")
        report("ratio naive / stored (thread CPU)", slow / load, "x")


if __name__ == "__main__":
    main()
