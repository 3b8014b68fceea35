"""The report in a real browser: headless Chromium opens each page over the DevTools protocol.

Checks: no console error or uncaught exception, no request leaves the page (every request is
the page's own ``file://`` URL or inline ``data:``), every chart is a non-empty SVG rendered at
its declared size, the page fits the printable width of A4 and Letter in print media, and
Chromium prints it to PDF on both paper sizes.

The DevTools client is hand-written over ``--remote-debugging-pipe`` (JSON messages ending in a
NUL byte on file descriptors 3 and 4): pure stdlib, no websocket. Without Chromium the test
fails in CI (``CI`` set) and skips only on a developer's machine.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from test_report_data import UNTIL, write_known

from games.reporting import build_reports

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
# The printable width of A4 (210 mm) and Letter (215.9 mm) with the report's 12 mm side
# margins, in CSS pixels (96 per inch): the narrower, A4, decides.
PRINT_WIDTH_PX = int((210 - 24) / 25.4 * 96)


def find_chromium() -> str | None:
    """Path of a Chromium-like browser, or None."""
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


class DevTools:
    """A minimal Chrome DevTools Protocol client over ``--remote-debugging-pipe``."""

    def __init__(self, binary: str, profile: Path) -> None:
        to_r, self._to_w = os.pipe()
        self._from_r, from_w = os.pipe()

        def wire() -> None:  # in the child: the pipe ends become fds 3 (in) and 4 (out)
            # Copy both ends above 3 and 4 first: a pipe end may itself be fd 3 or 4.
            high_in = fcntl.fcntl(to_r, fcntl.F_DUPFD, 10)
            high_out = fcntl.fcntl(from_w, fcntl.F_DUPFD, 10)
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.proc = subprocess.Popen(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--disable-extensions",
                f"--user-data-dir={profile}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire,  # only dup2 and fcntl: safe between fork and exec
            close_fds=False,  # the pipes are non-inheritable; fds 3 and 4 must survive exec
        )
        os.close(to_r)
        os.close(from_w)
        self._buf = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from_r], [], [], left)
            if ready:
                chunk = os.read(self._from_r, 1 << 16)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self._buf += chunk
        raw, _, self._buf = self._buf.partition(b"\0")
        return json.loads(raw)

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 30.0) -> dict[str, Any]:
        """Send one command and return its result (events seen meanwhile are kept)."""
        self._next_id += 1
        msg: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method: str, timeout: float = 30.0) -> dict[str, Any]:
        """Wait for an event named ``method`` (one already received counts)."""
        for ev in self.events:
            if ev.get("method") == method:
                return ev
        deadline = time.monotonic() + timeout
        while True:
            ev = self._read_message(deadline)
            self.events.append(ev)
            if ev.get("method") == method:
                return ev

    def close(self) -> None:
        """Close the browser and the pipes."""
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.send("Browser.close", timeout=5)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_w)
        os.close(self._from_r)


@pytest.fixture(scope="module")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        msg = (
            "Chromium not found (looked for " + ", ".join(CHROMIUM_NAMES) + "): install it "
            "(apt-get install chromium) to run the browser test of the reports"
        )
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return path


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    data = tmp_path_factory.mktemp("data")
    known = write_known(data)
    res = build_reports(data, tmp_path_factory.mktemp("out"), until=UNTIL, progress=False)
    return [res.index, res.child_pages[known.a], res.child_pages[known.b]]


SVG_PROBE = """
JSON.stringify(Array.from(document.querySelectorAll('svg')).map(s => {
  const r = s.getBoundingClientRect();
  return {w: +s.getAttribute('width'), h: +s.getAttribute('height'),
          rw: r.width, rh: r.height, children: s.querySelectorAll('*').length,
          label: s.getAttribute('aria-label') || '',
          title: (s.querySelector('title') || {}).textContent || ''};
}))
"""


# In each activity's chart row: how many different heights its charts start at.
CHART_ROWS_PROBE = """
Array.from(document.querySelectorAll('.charts')).map(c =>
  new Set(Array.from(c.children).map(f => Math.round(f.getBoundingClientRect().top))).size)
"""


def _evaluate(dt: DevTools, session: str, expr: str) -> Any:
    res = dt.send("Runtime.evaluate", {"expression": expr, "returnByValue": True}, session)
    return res["result"]["value"]


def test_pages_render_in_chromium(chromium: str, pages: list[Path], tmp_path: Path) -> None:
    dt = DevTools(chromium, tmp_path / "profile")
    try:
        target = dt.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = dt.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            dt.send(f"{domain}.enable", session=session)
        for page in pages:
            url = page.as_uri()
            dt.events.clear()
            dt.send("Page.navigate", {"url": url}, session)
            dt.wait_event("Page.loadEventFired")
            # Let late console messages arrive.
            _evaluate(dt, session, "new Promise(r => setTimeout(r, 200))")
            errors = [
                ev for ev in dt.events
                if ev.get("method") == "Runtime.exceptionThrown"
                or (ev.get("method") == "Runtime.consoleAPICalled"
                    and ev["params"]["type"] in ("error", "assert"))
                or (ev.get("method") == "Log.entryAdded"
                    and ev["params"]["entry"]["level"] == "error")
            ]
            assert errors == [], f"{page.name}: console errors {errors}"
            requests = [
                ev["params"]["request"]["url"]
                for ev in dt.events
                if ev.get("method") == "Network.requestWillBeSent"
            ]
            assert requests, "the navigation itself should be seen"
            outside = [u for u in requests if u != url and not u.startswith("data:")]
            assert outside == [], f"{page.name}: requests left the page: {outside}"

            svgs = json.loads(_evaluate(dt, session, SVG_PROBE))
            assert svgs, f"{page.name}: no chart"
            for s in svgs:
                assert s["w"] > 0 and s["h"] > 0, s
                assert (round(s["rw"]), round(s["rh"])) == (s["w"], s["h"]), s
                assert s["children"] > 2, s  # a title and more than one drawn element
                assert s["label"] and s["title"] == s["label"], s
            if page.name != "index.html":
                # A child page: the practice chart, three per activity and the strokes.
                widths = sorted({(s["w"], s["h"]) for s in svgs})
                assert (700, 170) in widths and (300, 170) in widths and (170, 170) in widths

            # Print media at the printable width of A4: nothing wider than the paper.
            dt.send("Emulation.setEmulatedMedia", {"media": "print"}, session)
            dt.send(
                "Emulation.setDeviceMetricsOverride",
                {"width": PRINT_WIDTH_PX, "height": 1000, "deviceScaleFactor": 1,
                 "mobile": False},
                session,
            )
            scroll = _evaluate(dt, session, "document.documentElement.scrollWidth")
            assert scroll <= PRINT_WIDTH_PX, f"{page.name}: {scroll}px wide in print"
            if page.name != "index.html":
                # On paper the three charts of an activity share one row (none left alone on
                # the next page), and the shapes' drawings go two shapes to a row.
                rows = _evaluate(dt, session, CHART_ROWS_PROBE)
                assert rows and all(r == 1 for r in rows), f"{page.name}: chart rows {rows}"
                strokes = _evaluate(dt, session, "Array.from(document.querySelectorAll("
                                    "'svg.strokes')).map(s => s.getBoundingClientRect().width)")
                assert strokes and all(w == 150 for w in strokes), strokes
            dt.send("Emulation.clearDeviceMetricsOverride", session=session)
            dt.send("Emulation.setEmulatedMedia", {"media": ""}, session)
            for paper in ((8.27, 11.69), (8.5, 11.0)):  # A4, Letter (inches)
                pdf = dt.send(
                    "Page.printToPDF",
                    {"paperWidth": paper[0], "paperHeight": paper[1], "printBackground": True},
                    session,
                    timeout=60,
                )
                assert len(pdf["data"]) > 1000
    finally:
        dt.close()
