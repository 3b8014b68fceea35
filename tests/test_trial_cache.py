"""The trial cache (telemetry.trial_cache): values derived from one trial's raw rows, kept per
child, used only while the files they came from are unchanged, and never a reason to fail."""

from __future__ import annotations

import os
import shutil
import stat
import zlib
from pathlib import Path

import numpy as np
import pytest
from test_report_data import UNTIL, write_known

from games.kit.packed import pack, unpack
from games.pinch.report import BoardDrawing, decode_board, encode_board
from games.reporting import build_reports
from games.tracing.report import TrialDrawing, decode_drawing, encode_drawing
from telemetry import trial_cache
from telemetry.trial_cache import FILE_NAME, TrialCache, decode, encode, read_entries


def _folder(child: Path, name: str, samples: bytes = b"a,b\n") -> Path:
    folder = child / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "samples.csv").write_bytes(samples)
    (folder / "targets.csv").write_bytes(b"t\n")
    return folder


class Maker:
    """A ``make`` that counts its calls and gives ``value``."""

    def __init__(self, value: bytes) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> bytes:
        self.calls += 1
        return self.value


FILES = ("targets.csv", "samples.csv")


def test_a_value_is_made_once_then_read_from_the_file(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "s1")
    make = Maker(b"drawing-1")
    cache = TrialCache(str(tmp_path))
    assert cache.value("k", "t1", str(folder), 3, FILES, make) == b"drawing-1"
    assert cache.value("k", "t1", str(folder), 3, FILES, make) == b"drawing-1"
    assert make.calls == 1  # the second look-up used the entry made by the first
    cache.save()
    path = tmp_path / FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = Maker(b"other")
    assert TrialCache(str(tmp_path)).value("k", "t1", str(folder), 3, FILES, again) == (
        b"drawing-1")
    assert again.calls == 0
    entries = read_entries(str(path))
    assert list(entries) == [("k", "s1", 3)]
    tag, key, value = entries[("k", "s1", 3)]
    assert (tag, value) == ("t1", b"drawing-1")
    st = (folder / "targets.csv").stat()
    assert key[:4] == (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    assert len(key) == 8


def test_a_changed_source_file_or_tag_makes_the_value_again(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "s1")
    first = TrialCache(str(tmp_path))
    first.value("k", "t1", str(folder), 1, FILES, Maker(b"old"))
    first.save()
    with open(folder / "samples.csv", "ab") as fh:  # a row appended
        fh.write(b"c,d\n")
    make = Maker(b"new")
    cache = TrialCache(str(tmp_path))
    assert cache.value("k", "t1", str(folder), 1, FILES, make) == b"new"
    cache.save()
    assert TrialCache(str(tmp_path)).value("k", "t1", str(folder), 1, FILES,
                                           Maker(b"x")) == b"new"
    # the same files, another recipe
    retag = Maker(b"v2")
    assert TrialCache(str(tmp_path)).value("k", "t2", str(folder), 1, FILES, retag) == b"v2"
    assert retag.calls == 1
    # a source file removed
    (folder / "targets.csv").unlink()
    gone = Maker(b"no targets")
    assert TrialCache(str(tmp_path)).value("k", "t1", str(folder), 1, FILES, gone) == (
        b"no targets")
    assert gone.calls == 1


@pytest.mark.parametrize("damage", ["cut", "flip", "text", "empty"])
def test_a_damaged_cache_file_is_ignored_and_written_again(tmp_path: Path, damage: str) -> None:
    folder = _folder(tmp_path, "s1")
    cache = TrialCache(str(tmp_path))
    cache.value("k", "t", str(folder), 1, FILES, Maker(b"value"))
    cache.save()
    path = tmp_path / FILE_NAME
    data = path.read_bytes()
    damaged = {"cut": data[:-3], "flip": data[:-1] + bytes([data[-1] ^ 1]),
               "text": b"my notes\n", "empty": b""}[damage]
    path.write_bytes(damaged)
    assert decode(damaged) is None
    make = Maker(b"value")
    fresh = TrialCache(str(tmp_path))
    assert fresh.value("k", "t", str(folder), 1, FILES, make) == b"value"
    assert make.calls == 1
    fresh.save()
    assert path.read_bytes() == data


def test_a_crc_valid_file_of_the_wrong_shape_is_ignored() -> None:
    body = b'[["k","s1","x","t",[],0,1]]'
    data = b"finemotor-trial-cache 1 %08x %d\n" % (zlib.crc32(body), len(body)) + body
    assert decode(data) is None
    assert decode(encode({("k", "s1", 2): ("t", (1, 2, 3, 4), b"ab")})) == {
        ("k", "s1", 2): ("t", (1, 2, 3, 4), b"ab")}


def test_two_writers_keep_each_others_entries_and_gone_folders_are_dropped(
        tmp_path: Path) -> None:
    s1, s2, s3 = (_folder(tmp_path, n) for n in ("s1", "s2", "s3"))
    a, b = TrialCache(str(tmp_path)), TrialCache(str(tmp_path))
    a.value("k", "t", str(s1), 1, FILES, Maker(b"one"))
    b.value("k", "t", str(s2), 1, FILES, Maker(b"two"))
    b.value("k", "t", str(s3), 1, FILES, Maker(b"three"))
    a.save()
    b.save()  # read again under the lock: a's entry stays
    assert {i: e[2] for i, e in read_entries(str(tmp_path / FILE_NAME)).items()} == {
        ("k", "s1", 1): b"one", ("k", "s2", 1): b"two", ("k", "s3", 1): b"three"}
    shutil.rmtree(s2)
    c = TrialCache(str(tmp_path))
    c.value("k", "t", str(s1), 2, FILES, Maker(b"four"))
    c.save()
    assert sorted(read_entries(str(tmp_path / FILE_NAME))) == [
        ("k", "s1", 1), ("k", "s1", 2), ("k", "s3", 1)]


def test_the_file_keeps_at_most_max_entries_those_of_this_run_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trial_cache, "MAX_ENTRIES", 3)
    folder = _folder(tmp_path, "s1")
    old = TrialCache(str(tmp_path))
    for trial in range(1, 5):
        old.value("k", "t", str(folder), trial, FILES, Maker(b"%d" % trial))
    old.save()
    assert sorted(i[2] for i in read_entries(str(tmp_path / FILE_NAME))) == [2, 3, 4]
    new = TrialCache(str(tmp_path))
    new.value("k", "t", str(folder), 2, FILES, Maker(b"x"))  # used (from the file)
    new.value("k", "t", str(folder), 9, FILES, Maker(b"9"))  # made
    new.save()
    assert list(read_entries(str(tmp_path / FILE_NAME))) == [
        ("k", "s1", 4), ("k", "s1", 2), ("k", "s1", 9)]


def test_a_cache_that_cannot_be_written_leaves_the_values_right(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "s1")
    (tmp_path / FILE_NAME).mkdir()  # something that is no file stands in its place
    cache = TrialCache(str(tmp_path))
    assert cache.value("k", "t", str(folder), 1, FILES, Maker(b"v")) == b"v"
    cache.save()  # no error
    assert (tmp_path / FILE_NAME).is_dir()
    assert os.listdir(tmp_path / FILE_NAME) == []


def test_a_drawing_comes_back_exactly() -> None:
    drawing = TrialDrawing(
        model=[np.array([[1.5, 2.25], [3.0, 1e-7]]), np.array([[0.1, 0.2]])],
        strokes=[np.array([[0.30000000000000004, 5.0], [6.0, 7.0], [8.0, 9.5]])],
        road_px=37.5, copied=True)
    back = decode_drawing(encode_drawing(drawing))
    assert back.road_px == 37.5 and back.copied is True
    assert [a.tolist() for a in back.model] == [a.tolist() for a in drawing.model]
    assert [a.tolist() for a in back.strokes] == [a.tolist() for a in drawing.strokes]
    empty = decode_drawing(encode_drawing(TrialDrawing()))
    assert (empty.model, empty.strokes, empty.road_px, empty.copied) == ([], [], 0.0, False)


def _shift_samples(samples: Path, dx: float) -> None:
    """Move every sample ``dx`` to the right, each row with its crc32 made again."""
    lines = samples.read_bytes().split(b"\n")
    out = [lines[0]]
    for line in lines[1:]:
        if not line:
            out.append(line)
            continue
        fields = line.split(b",")[:-1]
        fields[4] = b"%r" % (float(fields[4]) + dx)
        body = b",".join(fields)
        out.append(body + b",%08x" % zlib.crc32(body))
    samples.write_bytes(b"\n".join(out))


def test_a_report_draws_from_the_cache_until_the_samples_change(tmp_path: Path) -> None:
    known = write_known(tmp_path / "data")
    page = f"{known.a}.html"

    def report(out: str, cache: bool = True) -> str:
        build_reports(known.data, tmp_path / out, until=UNTIL, progress=False, cache=cache)
        return (tmp_path / out / page).read_text()

    first = report("r1")
    cache_file = known.data / "sessions" / known.a / FILE_NAME
    name = {k: f.name for k, f in known.folders.items()}
    assert sorted(read_entries(str(cache_file))) == [
        ("pinch.paths", name["S5"], 4), ("pinch.paths", name["S6"], 5),
        ("tracing.drawing", name["S1"], 1), ("tracing.drawing", name["S6"], 3)]
    assert report("r2") == first
    assert report("plain", cache=False) == first

    _shift_samples(known.folders["S1"] / "samples.csv", 40.0)
    shifted = report("r3")
    assert shifted != first
    assert shifted == report("plain2", cache=False)
    assert report("r4") == shifted


def test_packed_arrays_come_back_exactly_with_their_shapes() -> None:
    arrays = [np.array([[0.1, 0.2, 1e300]]), np.zeros((0, 3)), np.array([[-0.0, 2.5]])]
    scalars, back = unpack(pack([1.25, 7.0], arrays), 2)
    assert scalars == [1.25, 7.0]
    assert [a.shape for a in back] == [(1, 3), (0, 3), (1, 2)]
    assert [a.tolist() for a in back] == [a.tolist() for a in arrays]
    assert np.signbit(back[2][0, 0])
    with pytest.raises(ValueError, match="pack takes 2-D arrays only"):
        pack([], [np.array([1.0, 2.0])])


def test_a_board_drawing_comes_back_exactly() -> None:
    board = BoardDrawing(
        targets=np.array([[600.5, 300.0, 42.0], [700.0, 310.25, 40.0]]),
        objects=np.array([[100.0, 500.0, 18.5]]), decoys=np.zeros((0, 3)),
        paths=[np.array([[100.0, 500.0], [350.125, 420.0], [600.5, 300.0]])])
    back = decode_board(encode_board(board))
    assert back is not None
    for name in ("targets", "objects", "decoys"):
        assert getattr(back, name).tolist() == getattr(board, name).tolist()
    assert back.decoys.shape == (0, 3)
    assert [p.tolist() for p in back.paths] == [p.tolist() for p in board.paths]
    assert decode_board(encode_board(None)) is None


def test_a_value_made_while_its_files_changed_or_failed_to_read_is_not_kept(
        tmp_path: Path) -> None:
    folder = _folder(tmp_path, "s1")

    def appending() -> bytes:
        with open(folder / "samples.csv", "ab") as fh:  # the file grows while it is read
            fh.write(b"e,f\n")
        return b"half"

    cache = TrialCache(str(tmp_path))
    assert cache.value("k", "t", str(folder), 1, FILES, appending) == b"half"
    assert cache.value("k", "t", str(folder), 2, FILES, Maker(b"unread"),
                       keep=lambda: False) == b"unread"
    cache.save()
    assert not (tmp_path / FILE_NAME).exists()  # nothing worth keeping was made
    make = Maker(b"whole")
    again = TrialCache(str(tmp_path))
    assert again.value("k", "t", str(folder), 1, FILES, make) == b"whole"
    assert make.calls == 1


def test_a_read_error_in_the_rows_reader_is_counted_not_read_as_empty(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from telemetry import rows

    (tmp_path / "samples.csv").write_bytes(b"x\n")
    reader = rows.TrialRows()

    def failing(path: str, *args: object, **kwargs: object) -> object:
        if not os.path.exists(path):
            raise FileNotFoundError(2, "No such file or directory", path)
        raise OSError(5, "Input/output error", path)

    monkeypatch.setattr(rows, "open", failing, raising=False)
    reader.block(tmp_path, rows.schema.SAMPLES, "s", 1)
    assert reader.read_errors == 1
    reader.block(tmp_path / "gone", rows.schema.SAMPLES, "s", 1)  # not there: no error
    assert reader.read_errors == 1


def test_entries_of_a_deleted_session_are_dropped_even_when_nothing_is_made(
        tmp_path: Path) -> None:
    s1, s2 = _folder(tmp_path, "s1"), _folder(tmp_path, "s2")
    first = TrialCache(str(tmp_path))
    first.value("k", "t", str(s1), 1, FILES, Maker(b"one"))
    first.value("k", "t", str(s2), 1, FILES, Maker(b"two"))
    first.save()
    shutil.rmtree(s2)
    later = TrialCache(str(tmp_path))
    assert later.value("k", "t", str(s1), 1, FILES, Maker(b"x")) == b"one"  # from the file
    later.save()
    assert list(read_entries(str(tmp_path / FILE_NAME))) == [("k", "s1", 1)]
