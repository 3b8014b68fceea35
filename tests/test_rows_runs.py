"""telemetry.rows: a file's trials indexed in one pass (trial_runs), and every look-up through
the index keeping the reader's rules: every whole row of the trial in file order (merged files
that interleave trials too), never a torn last row, damaged rows left to checked_fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from telemetry import rows as rows_mod
from telemetry import schema
from telemetry.rows import TrialRows, trial_runs

SID = "a" * 32


def _target(trial: int, seq: int, sid: str = SID) -> bytes:
    return schema.encode_row((sid, trial, "model_path", 0, seq, float(seq), 2.0))


def test_trial_runs_are_the_byte_ranges_of_each_trials_rows() -> None:
    t1 = [_target(1, i) for i in range(2)]
    t2 = [_target(2, 0)]
    again = [_target(1, 9)]  # a merged file: trial 1 again after trial 2
    torn = _target(2, 5)[:-4]
    data = b"\n" + schema.TARGETS.header_line() + b"".join(t1 + t2 + again) + torn
    h = 1 + len(schema.TARGETS.header_line())
    a = h + len(t1[0]) + len(t1[1])  # where trial 2 starts
    b = a + len(t2[0])  # where trial 1 starts again
    assert trial_runs(data) == {
        f"1,{SID},1,".encode(): [(h, a - 1), (b, b + len(again[0]) - 1)],
        f"1,{SID},2,".encode(): [(a, b - 1)],  # the torn row is in no run
    }
    assert data[h:a - 1] == b"".join(t1)[:-1]  # whole rows without their last newline


def test_interleaved_trials_give_every_row_in_file_order(tmp_path: Path) -> None:
    order = [(1, 0), (2, 0), (1, 1), (1, 2), (2, 1), (3, 0), (1, 3)]
    lines = {k: _target(*k) for k in order}
    bad = bytearray(_target(1, 4))
    bad[-3] = ord("0") if bad[-3] != ord("0") else ord("1")  # a flipped crc digit
    body = b"".join(lines[k] for k in order[:4]) + bytes(bad) + b"".join(
        lines[k] for k in order[4:])
    (tmp_path / "targets.csv").write_bytes(schema.TARGETS.header_line() + body
                                           + _target(1, 5)[:-1])  # a torn last row of trial 1
    reader = TrialRows()
    got = reader.lines(tmp_path, schema.TARGETS, SID, 1)
    assert got == [lines[(1, 0)][:-1], lines[(1, 1)][:-1], lines[(1, 2)][:-1], bytes(bad[:-1]),
                   lines[(1, 3)][:-1]]
    assert reader.block(tmp_path, schema.TARGETS, SID, 1) == b"\n".join(got)
    # the damaged row is read but never kept
    assert [f[4] for f in reader.rows(tmp_path, schema.TARGETS, SID, 1)] == [b"0", b"1", b"2",
                                                                              b"3"]
    assert reader.lines(tmp_path, schema.TARGETS, SID, 2) == [lines[(2, 0)][:-1],
                                                             lines[(2, 1)][:-1]]
    assert reader.lines(tmp_path, schema.TARGETS, SID, 4) == []
    assert reader.block(tmp_path, schema.TARGETS, SID, 4) == b""
    assert reader.lines(tmp_path, schema.TARGETS, "b" * 32, 1) == []


def test_trial_numbers_match_as_written_only(tmp_path: Path) -> None:
    """Trial 1 is not trial 10 nor a row whose trial field reads 01."""
    ten = _target(10, 0)
    odd = f"1,{SID},01,model_path,0,0,0.0,2.0,00000000\n".encode()
    (tmp_path / "targets.csv").write_bytes(schema.TARGETS.header_line() + ten + odd
                                           + _target(1, 0))
    assert TrialRows().lines(tmp_path, schema.TARGETS, SID, 1) == [_target(1, 0)[:-1]]
    assert TrialRows().lines(tmp_path, schema.TARGETS, SID, 10) == [ten[:-1]]


def _samples(trial: int, n: int, sid: str = SID) -> list[bytes]:
    return [schema.encode_row((sid, trial, i * 16.6667, 100.0 + i, 200.5, 0, "move", "mouse"))
            for i in range(n)]


@pytest.mark.parametrize("intruder", ["other session", "earlier trial"])
def test_a_large_files_span_with_other_rows_keeps_only_the_trials(tmp_path: Path,
                                                                 intruder: str) -> None:
    """A span of a large file is usually nothing but its trial's rows; when a merged file puts
    other rows in it, they are left out as in a small file."""
    body = [schema.SAMPLES.header_line()]
    for trial in range(1, 41):  # ~1 MB, over WHOLE_FILE_BYTES: read by bisection
        rows = _samples(trial, 300)
        if trial == 17:
            extra = (_samples(17, 1, sid="b" * 32) if intruder == "other session"
                     else _samples(16, 1))
            rows = rows[:150] + extra + rows[150:]
        body += rows
    data = b"".join(body)
    assert len(data) > rows_mod.WHOLE_FILE_BYTES
    (tmp_path / "samples.csv").write_bytes(data)
    got = TrialRows().lines(tmp_path, schema.SAMPLES, SID, 17)
    assert got == [r[:-1] for r in _samples(17, 300)]
    assert TrialRows().lines(tmp_path, schema.SAMPLES, SID, 18) == [r[:-1]
                                                                  for r in _samples(18, 300)]
