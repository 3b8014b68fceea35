"""The report's section contract: an injected section renders into every child page, gets the
child's checked rows, writes its CSV; telemetry alone draws only the generic sections."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from test_report_data import UNTIL, Known, write_known

from games.reporting import activity_report_parts
from telemetry import schema
from telemetry.report import build_reports
from telemetry.report_sections import (
    ChildContext,
    ReportContext,
    ReportSection,
    SectionOutput,
    check_keys,
)
from telemetry.rows import TrialRows, checked_fields


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> Known:
    return write_known(tmp_path_factory.mktemp("data"))


class CountingSection:
    """A test section: how many trials and target rows each child has, as HTML and CSV."""

    key = "probe"

    def __init__(self) -> None:
        self.prepared: list[str] = []

    def prepare(self, report: ReportContext) -> None:
        self.prepared = list(report.child_ids)

    def render(self, child: ChildContext) -> SectionOutput:
        tr = child.trials
        targets = sum(
            len(child.trial_rows(schema.TARGETS, sid, t))
            for sid, t in zip(tr["session_id"], tr["trial"], strict=True)
        )
        return SectionOutput(
            html=f"<section id='probe'><h2>Probe</h2><p>{len(tr)} trials, {targets} "
                 f"target rows, first item {child.item_label('x', 'diag_left')}</p></section>",
            glance=f"Probe glance {len(tr)}",
            tables={"probe": pd.DataFrame({"child_id": [child.child_id], "trials": [len(tr)]})},
        )


def test_injected_section_renders_and_writes_its_csv(known: Known, tmp_path: Path) -> None:
    probe = CountingSection()
    assert isinstance(probe, ReportSection)
    res = build_reports(known.data, tmp_path / "r", until=UNTIL, progress=False,
                        sections=[probe], item_label=lambda a, i: f"[{a}:{i}]")
    assert probe.prepared == sorted([known.a, known.b])
    page = (tmp_path / "r" / f"{known.a}.html").read_text(encoding="utf-8")
    # A: 21 trials (19 tracing with an 11-point model each, 2 pinch; test_report_data.py).
    assert "<p>Probe glance 21</p>" in page
    assert ("<section id='probe'><h2>Probe</h2><p>21 trials, 209 target rows, first item "
            "[x:diag_left]</p></section>") in page
    # The injected section comes after the generic ones and their notes.
    assert page.index("id='practice'") < page.index("How to read") < page.index("id='probe'")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "r" / "probe.csv").read_text())))
    assert {r["child_id"]: r["trials"] for r in rows} == {known.a: "21", known.b: "7"}
    assert res.out_dir / "probe.csv" in res.csv_files


def test_without_sections_telemetry_draws_only_generic_parts(known: Known,
                                                            tmp_path: Path) -> None:
    build_reports(known.data, tmp_path / "r", until=UNTIL, progress=False)
    page = (tmp_path / "r" / f"{known.b}.html").read_text(encoding="utf-8")
    assert "id='practice'" in page and "id='activity-" in page
    assert "id='strokes'" not in page and "id='milestones'" not in page
    assert not (tmp_path / "r" / "milestones.csv").exists()
    with_games = tmp_path / "g"
    build_reports(known.data, with_games, until=UNTIL, progress=False,
                  **activity_report_parts())
    page = (with_games / f"{known.b}.html").read_text(encoding="utf-8")
    assert page.index("id='strokes'") < page.index("id='milestones'")


def test_section_keys_must_be_unique() -> None:
    with pytest.raises(ValueError, match="unique"):
        check_keys([CountingSection(), CountingSection()])
    with pytest.raises(ValueError, match="not a report section"):
        check_keys([object()])  # type: ignore[list-item]


def test_trial_rows_keep_only_checked_rows_of_that_trial(tmp_path: Path) -> None:
    rows = [("s1", 1, "model_path", 0, i, float(i), 2.0) for i in range(3)]
    rows += [("s1", 2, "model_path", 0, 0, 9.0, 9.0)]
    good = [schema.encode_row(r) for r in rows]
    bad = bytearray(schema.encode_row(("s1", 1, "model_path", 0, 3, 3.0, 2.0)))
    bad[-3] = ord("0") if bad[-3] != ord("0") else ord("1")  # a flipped crc digit
    body = schema.TARGETS.header_line() + good[0] + bytes(bad) + good[1] + good[2] + good[3]
    (tmp_path / "targets.csv").write_bytes(body + good[0][:-5])  # and a torn last row
    reader = TrialRows()
    lines = reader.lines(tmp_path, schema.TARGETS, "s1", 1)
    assert len(lines) == 4  # three good rows and the bad one, not the torn one nor trial 2
    assert reader.rows(tmp_path, schema.TARGETS, "s1", 1) == [
        [b"s1", b"1", b"model_path", b"0", str(i).encode(), f"{i}.0".encode(), b"2.0"]
        for i in range(3)
    ]
    assert checked_fields([good[3][:-1]]) == [[b"s1", b"2", b"model_path", b"0", b"0", b"9.0",
                                                b"9.0"]]
    assert reader.rows(tmp_path, schema.TARGETS, "s2", 1) == []


def test_trial_rows_read_a_file_saved_with_crlf(tmp_path: Path) -> None:
    rows = [schema.encode_row(("s1", 1, "model_path", 0, i, float(i), 2.0)) for i in range(2)]
    body = schema.TARGETS.header_line() + b"".join(rows)
    (tmp_path / "targets.csv").write_bytes(body.replace(b"\n", b"\r\n"))
    got = TrialRows().rows(tmp_path, schema.TARGETS, "s1", 1)
    assert [f[4] for f in got] == [b"0", b"1"]


def test_a_trial_is_read_from_a_large_file_without_reading_it_whole(tmp_path: Path,
                                                                   monkeypatch) -> None:
    from telemetry import rows as rows_mod

    sid = "a" * 32
    body = [schema.SAMPLES.header_line()]
    for trial in range(1, 41):  # 40 trials of 300 samples: ~1 MB, over WHOLE_FILE_BYTES
        body += [schema.encode_row((sid, trial, i * 16.6667, 100.0 + i, 200.5, 0, "move",
                                    "mouse")) for i in range(300)]
    data = b"".join(body)
    assert len(data) > rows_mod.WHOLE_FILE_BYTES
    (tmp_path / "samples.csv").write_bytes(data + b"1," + sid.encode() + b",40,99")  # torn
    whole = (b"\n" + data).split(b"\n")
    reads: list[int] = []
    real_open = open

    def counting_open(path, mode="r", *args, **kwargs):
        fh = real_open(path, mode, *args, **kwargs)
        read = fh.read

        def spy_read(n=-1):
            out = read(n)
            reads.append(len(out))
            return out

        fh.read = spy_read
        return fh

    monkeypatch.setattr(rows_mod, "open", counting_open, raising=False)
    for trial in (1, 2, 17, 39, 40):
        got = TrialRows().lines(tmp_path, schema.SAMPLES, sid, trial)
        prefix = f"1,{sid},{trial},".encode()
        assert got == [ln for ln in whole if ln.startswith(prefix)], trial
    # Each lookup read a few small probes and its own ~28 KB block, never the 1 MB file.
    assert max(reads) < 64 << 10 and sum(reads) < 5 * (160 << 10), (max(reads), sum(reads))


def test_records_are_the_rows_itertuples_gives() -> None:
    from telemetry.report_sections import records

    df = pd.DataFrame({
        "a": [1, 2], "b": [0.5, float("nan")], "when": pd.to_datetime(["2026-01-02", None]),
        "n": pd.array([3, None], dtype="Int64"), "s": ["x", "y"],
        "c": pd.Categorical(["p", "q"]), "class": [True, False]})
    got, want = list(records(df)), list(df.itertuples(index=False))
    # the same values, printed the same (a nullable integer is a plain int here, np.int64
    # from itertuples)
    assert [tuple(map(str, r)) for r in got] == [tuple(map(str, r)) for r in want]
    assert [r[:3] + r[4:] for r in got][0] == tuple(want[0][:3] + want[0][4:])
    assert got[0]._fields == want[0]._fields == ("a", "b", "when", "n", "s", "c", "_6")
    assert got[1].s == "y" and got[0].a == 1 and type(got[0].a) is int
    assert list(records(df.iloc[0:0])) == []
