"""Child pages on two processes: results in order, every key once, failures redone here, and
the report byte-for-byte the one a single process writes."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from test_report_data import UNTIL, write_known

from games.reporting import build_reports
from telemetry.report_workers import default_workers, fork_cores, render_all, start_beside

needs_fork = pytest.mark.skipif(fork_cores() < 2,
                                reason="forked workers run on Linux with 2 or more cores")
KEYS = [f"k{i:02d}" for i in range(12)]


@needs_fork
def test_results_in_key_order_from_both_processes(tmp_path: Path) -> None:
    parent = os.getpid()

    def render(k: str) -> tuple[str, int]:
        # Each process waits for the other's first render, so both take part.
        mine, other = ("parent", "worker") if os.getpid() == parent else ("worker", "parent")
        (tmp_path / mine).touch()
        for _ in range(3000):
            if (tmp_path / other).exists():
                break
            time.sleep(0.01)
        return k, os.getpid()

    seen: list[str] = []
    out = render_all(KEYS, render, on_result=seen.append, workers=2)
    assert [k for k, _ in out] == KEYS
    assert sorted(seen) == KEYS
    pids = {pid for _, pid in out}
    assert parent in pids and len(pids) == 2  # the parent and one forked worker


@needs_fork
def test_before_runs_once_in_this_process() -> None:
    calls: list[int] = []
    render_all(KEYS, str.upper, workers=2, before=lambda: calls.append(os.getpid()))
    assert calls == [os.getpid()]


@needs_fork
def test_a_single_key_goes_to_the_worker_while_before_runs_here() -> None:
    parent = os.getpid()
    calls: list[int] = []
    out = render_all(["only"], lambda k: (k, os.getpid()), workers=2,
                     before=lambda: (calls.append(os.getpid()), time.sleep(1.5)))
    assert calls == [parent]
    assert out[0][0] == "only" and out[0][1] != parent
    # Without a before, one key is rendered here: a worker would only add the fork.
    assert render_all(["only"], lambda k: (k, os.getpid()), workers=2) == [("only", parent)]


@needs_fork
def test_a_killed_worker_costs_time_not_results() -> None:
    parent = os.getpid()

    def render(k: str) -> str:
        if os.getpid() != parent:
            os._exit(3)  # the worker dies on the first key it claims
        return k.upper()

    seen: list[str] = []
    assert render_all(KEYS, render, on_result=seen.append, workers=2) == [k.upper() for k in KEYS]
    assert sorted(seen) == KEYS


@needs_fork
def test_an_error_in_the_worker_is_raised_here() -> None:
    def render(k: str) -> str:
        if k == "k05":
            raise ValueError("bad row in k05")
        return k

    with pytest.raises(ValueError, match="bad row in k05"):
        render_all(KEYS, render, workers=2)


@needs_fork
def test_work_beside_comes_back_from_the_fork_and_is_redone_here_when_it_fails() -> None:
    parent = os.getpid()
    value = start_beside(lambda: ("sum", sum(range(1000)), os.getpid()), workers=2)
    got = value()
    assert got[:2] == ("sum", 499500) and got[2] != parent

    def dies() -> int:
        if os.getpid() != parent:
            os._exit(3)  # the forked copy dies without a word
        return 7

    assert start_beside(dies, workers=2)() == 7

    def fails() -> int:
        raise ValueError("bad table")

    with pytest.raises(ValueError, match="bad table"):  # raised here, as without the fork
        start_beside(fails, workers=2)()


def test_work_beside_without_a_fork_runs_when_asked() -> None:
    calls: list[int] = []
    value = start_beside(lambda: calls.append(1) or len(calls), workers=1)
    assert calls == []
    assert value() == 1 and calls == [1]


def test_one_worker_renders_here_in_order() -> None:
    order: list[str] = []
    assert render_all(KEYS, lambda k: order.append(k) or k, workers=1,
                      before=lambda: order.append("before")) == KEYS
    assert order == ["before", *KEYS]


def test_default_is_one_process_where_fork_is_unsafe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    assert default_workers() == 1
    monkeypatch.setattr(sys, "platform", "win32")
    assert default_workers() == 1


def test_default_is_one_process_beside_another_thread() -> None:
    import threading

    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert default_workers() == 1
    finally:
        stop.set()
        t.join()


@needs_fork
def test_report_same_bytes_on_two_processes(tmp_path: Path) -> None:
    known = write_known(tmp_path / "data")
    one = build_reports(known.data, tmp_path / "one", until=UNTIL, progress=False, workers=1)
    two = build_reports(known.data, tmp_path / "two", until=UNTIL, progress=False, workers=2)
    names = sorted(p.name for p in one.out_dir.iterdir())
    assert names == sorted(p.name for p in two.out_dir.iterdir())
    assert len(names) == 13
    for name in names:
        assert (one.out_dir / name).read_bytes() == (two.out_dir / name).read_bytes(), name
    assert list(two.child_pages) == list(one.child_pages)
    assert [p.name for p in two.csv_files] == [p.name for p in one.csv_files]


def test_a_stuck_worker_is_killed_and_its_key_redone_here() -> None:
    parent = os.getpid()

    def render(k: str) -> str:
        if os.getpid() != parent:
            time.sleep(3600)  # a worker that hangs on the first key it is handed
        return k.upper()

    seen: list[str] = []
    out = render_all(KEYS, render, on_result=seen.append, workers=2, stall_s=0.5)
    assert out == [k.upper() for k in KEYS]
    assert sorted(seen) == KEYS


def test_no_fork_with_pygame_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pygame", sys)  # any module: its presence is the sign
    assert default_workers() == 1
