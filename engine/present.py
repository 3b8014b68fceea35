"""Putting a composed frame on screen, off the input path where the platform allows it.

The main thread composes each frame into the window surface (scenes draw, the logical surface
is blitted or scaled in); showing it is a separate step that can block: it is a round trip to
the display server (about 0.3 ms on a local X server with SDL's native framebuffer, 8-12 ms
with SDL's default OpenGL texture framebuffer under Mesa's software renderer). While the main
thread blocks there it cannot read input, so samples queued meanwhile would be stamped late.

:class:`Presenter` shows frames either at once on the calling thread, or on one worker thread
("present thread"): pygame-ce releases the GIL inside ``display.flip()`` and
``display.update(rects)``, so the main thread keeps pumping, reading and stamping input every
2 ms while the worker waits for the server. The rules that keep two threads apart:

* Only the main thread pumps events (SDL requires it) and draws or composes; the worker only
  calls the show function on a frame that is already composed.
* The main thread never touches the window surface while a frame is in flight (``busy``): a
  frame that comes due then is not composed (the scene stays dirty and is drawn at the next
  deadline), and anything that replaces the window surface (a resize, full screen, closing)
  first waits for the worker (:meth:`Presenter.wait`).
* Where that is not known to be safe (see :func:`threaded_present_safe`), frames are shown on
  the main thread, as before.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

# SDL video drivers where showing a frame from a second thread is safe: X11, where SDL calls
# XInitThreads (Xlib locks every call) and the native XShm framebuffer is used (the app asks
# for it). Not macOS (Cocoa wants all window work on the main thread), not Wayland or KMSDRM
# (their window framebuffer is an OpenGL texture, and a GL context belongs to one thread), not
# Windows (GDI from a second thread is untested here).
THREADED_DRIVERS = frozenset({"x11"})
# A show that fails this many times in a row is not a passing race with a resize: the error
# is raised on the main thread.
MAX_CONSECUTIVE_ERRORS = 10
_STATS_KEPT = 100_000


def threaded_present_safe(driver: str, can_stop_autoresize: bool) -> bool:
    """Whether frames may be shown on a worker thread with this SDL video ``driver``.

    ``can_stop_autoresize`` says whether pygame's resize watch (which rebuilds the window
    surface from inside the event pump, i.e. while a frame may be in flight) can be turned off.
    """
    return driver in THREADED_DRIVERS and can_stop_autoresize


class Presenter:
    """Runs ``show`` (put the composed window surface on screen) at once or on a worker thread.

    ``present_ns`` keeps how long each show took (on whichever thread ran it).
    """

    def __init__(self, show: Callable[[], None], threaded: bool) -> None:
        self._show = show
        self.threaded = threaded
        self.present_ns: deque[int] = deque(maxlen=_STATS_KEPT)
        self.shown = 0
        self.errors = 0
        self._consecutive_errors = 0
        self._error: BaseException | None = None  # for take_error
        self._last_error: BaseException | None = None  # for _raise_if_stuck
        self._idle = threading.Event()
        self._idle.set()
        self._request = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None

    @property
    def busy(self) -> bool:
        """True while a frame is being shown on the worker (the window surface is in use)."""
        return not self._idle.is_set()

    def present(self) -> bool:
        """Show the composed frame; False (nothing done) if the previous one is still in flight.

        Threaded: returns at once, the worker shows it. Raises on the main thread an error the
        worker hit :data:`MAX_CONSECUTIVE_ERRORS` times in a row.
        """
        if not self.threaded:
            self._run_show()
            self._raise_if_stuck()
            return True
        if self.busy:
            return False
        self._raise_if_stuck()
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="finemotor-present",
                                            daemon=True)
            self._thread.start()
        self._idle.clear()
        self._request.set()
        return True

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until no frame is in flight; False if ``timeout_s`` passed first."""
        return self._idle.wait(timeout_s)

    def close(self) -> None:
        """Wait for a frame in flight and stop the worker. Safe to call twice."""
        self.wait(5.0)
        if self._thread is not None:
            self._stopping = True
            self._request.set()
            self._thread.join(5.0)
            self._thread = None

    def take_error(self) -> BaseException | None:
        """The last error a show raised since the previous call (the frame was not shown)."""
        err, self._error = self._error, None
        return err

    def _raise_if_stuck(self) -> None:
        err = self._last_error
        if self._consecutive_errors >= MAX_CONSECUTIVE_ERRORS and err is not None:
            self._consecutive_errors = 0
            self._last_error = self._error = None
            raise err

    def _run_show(self) -> None:
        t0 = time.perf_counter_ns()
        try:
            self._show()
        except Exception as exc:
            self.errors += 1
            if not self.threaded:
                raise
            # Kept, and raised on the main thread if it lasts (see _raise_if_stuck).
            self._consecutive_errors += 1
            self._error = self._last_error = exc
        else:
            self.shown += 1
            self._consecutive_errors = 0
        finally:
            self.present_ns.append(time.perf_counter_ns() - t0)

    def _work(self) -> None:
        while True:
            self._request.wait()
            self._request.clear()
            if self._stopping:
                self._idle.set()
                return
            try:
                self._run_show()
            finally:
                self._idle.set()
