"""ChildrenRegistry: add, list, get, rename, delete; the nickname lives only in children.csv."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from telemetry import schema
from telemetry.avatars import AVATAR_NAMES
from telemetry.children import Child, ChildrenRegistry, child_files_dir
from telemetry.errors import UsageError
from telemetry.recorder import SessionRecorder


def _record_session(data: Path, child_id: str) -> Path:
    with SessionRecorder.start(data, child_id) as rec:
        rec.begin_trial("tracing", 1, "circle")
        rec.add_targets("model_path", 0, [(1, 2), (3, 4)])
        rec.add_sample(rec.origin_ns, 1, 2, 0, "down", "mouse")
        rec.finish_trial(accuracy=0.5, errors=1, completed=True, metrics=[("m", 1, "px")])
    return rec.folder


def test_add_writes_children_csv_exactly(tmp_path: Path) -> None:
    reg = ChildrenRegistry(tmp_path / "data")
    child = reg.add("  Zoë  ", avatar="fox")
    assert re.fullmatch(r"[0-9a-f]{32}", child.child_id)
    assert child.nickname == "Zoë"
    assert child.avatar == "fox"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", child.created_at)
    other = reg.add('Sam "the, great"')
    text = (tmp_path / "data" / "children.csv").read_text(encoding="utf-8")
    assert text == (
        "child_id,nickname,avatar,created_at\n"
        f"{child.child_id},Zoë,fox,{child.created_at}\n"
        f'{other.child_id},"Sam ""the, great""",cat,{other.created_at}\n'
    )  # no picture given: the first one nobody has (fox is Zoë's, so cat)
    expected = Child(other.child_id, 'Sam "the, great"', "cat", other.created_at)
    assert reg.get(other.child_id) == expected
    path = tmp_path / "data" / "children.csv"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "data").st_mode) == 0o700
    # Only children.csv and its lock file in the folder: the atomic write's temporary file
    # is gone.
    names = sorted(p.name for p in (tmp_path / "data").iterdir())
    assert names == [".children.csv.lock", "children.csv"]


def test_ids_are_random_not_derived_from_details(tmp_path: Path) -> None:
    reg = ChildrenRegistry(tmp_path)
    a, b = reg.add("Ana"), reg.add("Ana")
    assert a.child_id != b.child_id


def test_nickname_rules(tmp_path: Path) -> None:
    reg = ChildrenRegistry(tmp_path)
    for bad in ("", "   ", "\t\n"):
        with pytest.raises(UsageError) as err:
            reg.add(bad)
        assert str(err.value) == (
            "nickname is empty: give the child a nickname of 1 to 40 characters"
        )
    with pytest.raises(UsageError) as err:
        reg.add("x" * 41)
    assert str(err.value) == "nickname is 41 characters long: use 1 to 40 characters"
    assert reg.add("y" * 40).nickname == "y" * 40
    assert reg.add("Jo\nAnn").nickname == "Jo Ann"  # no line break can reach the file
    assert not (tmp_path / "children.csv").read_text().count("\r")


def test_list_sorted_by_nickname_get_rename(tmp_path: Path) -> None:
    reg = ChildrenRegistry(tmp_path)
    assert reg.list() == []
    lea, ben, ana = reg.add("lea"), reg.add("Ben"), reg.add("Ana")
    assert [c.nickname for c in reg.list()] == ["Ana", "Ben", "lea"]
    renamed = reg.rename(ben.child_id, " Zed ")
    assert renamed == Child(ben.child_id, "Zed", "dog", ben.created_at)
    assert [c.child_id for c in reg.list()] == [ana.child_id, lea.child_id, ben.child_id]
    assert reg.get(ben.child_id).nickname == "Zed"
    with pytest.raises(UsageError) as err:
        reg.get("nope")
    assert str(err.value) == "unknown child id: nope"
    with pytest.raises(UsageError) as err:
        reg.rename("nope", "X")
    assert str(err.value) == "unknown child id: nope"


def test_delete_removes_every_file_of_the_child_only(tmp_path: Path) -> None:
    reg = ChildrenRegistry(tmp_path)
    gone, kept = reg.add("Gone"), reg.add("Kept")
    _record_session(tmp_path, gone.child_id)
    _record_session(tmp_path, gone.child_id)
    kept_folder = _record_session(tmp_path, kept.child_id)
    settings = child_files_dir(tmp_path, gone.child_id)
    settings.mkdir(parents=True)
    (settings / "progress.json").write_text("{}")
    child_files_dir(tmp_path, kept.child_id).mkdir(parents=True)

    reg.delete(gone.child_id)

    assert [c.child_id for c in reg.list()] == [kept.child_id]
    assert not (tmp_path / "sessions" / gone.child_id).exists()
    assert not settings.exists()
    everything = "\n".join(str(p) for p in tmp_path.rglob("*"))
    assert gone.child_id not in everything
    for p in tmp_path.rglob("*"):
        if p.is_file():
            assert gone.child_id.encode() not in p.read_bytes(), p
    assert kept_folder.is_dir()
    assert child_files_dir(tmp_path, kept.child_id).is_dir()
    with pytest.raises(UsageError) as err:
        reg.delete(gone.child_id)
    assert str(err.value) == f"unknown child id: {gone.child_id}"
    with pytest.raises(UsageError):
        reg.delete("..")


def _undeletable(folder: Path) -> None:
    """Make removing ``folder``'s entries fail for real (root ignores mode bits: chattr +i)."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
    else:
        folder.chmod(0o500)


def _deletable(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o700)


def test_delete_removes_a_symlinked_sessions_folder_link_not_its_target(tmp_path: Path) -> None:
    data = tmp_path / "data"
    reg = ChildrenRegistry(data)
    child, kept = reg.add("Linked"), reg.add("Kept")
    elsewhere = tmp_path / "elsewhere"  # e.g. sessions moved to a bigger disk by hand
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("not finemotor's")
    (data / "sessions").mkdir()
    (data / "sessions" / child.child_id).symlink_to(elsewhere, target_is_directory=True)
    files = child_files_dir(data, child.child_id)
    files.mkdir(parents=True)
    (files / "tracing.json").write_text("{}")
    (files / "outside").symlink_to(elsewhere / "keep.txt")

    reg.delete(child.child_id)

    assert not os.path.lexists(data / "sessions" / child.child_id)
    assert not files.exists()
    assert (elsewhere / "keep.txt").read_text() == "not finemotor's"
    assert [c.child_id for c in reg.list()] == [kept.child_id]


def test_delete_that_fails_leaves_the_child_listed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    reg = ChildrenRegistry(data)
    child = reg.add("Stuck")
    folder = _record_session(data, child.child_id)
    _undeletable(folder)
    try:
        with pytest.raises(PermissionError):
            reg.delete(child.child_id)
        # The roster row goes last: the child is still there to try again.
        assert [c.child_id for c in reg.list()] == [child.child_id]
    finally:
        _deletable(folder)
    reg.delete(child.child_id)
    assert reg.list() == []
    assert not (data / "sessions" / child.child_id).exists()


@pytest.mark.parametrize(
    ("nickname", "code", "name"),
    [
        ("Ana\u202eeoJ", "202E", "RIGHT-TO-LEFT OVERRIDE"),
        ("Ja\u200bck", "200B", "ZERO WIDTH SPACE"),
        ("Li\u200dly", "200D", "ZERO WIDTH JOINER"),
        ("Max\u2060", "2060", "WORD JOINER"),
        ("Bo\x07b", "0007", "control character"),
        ("Eve\u061c", "061C", "ARABIC LETTER MARK"),
    ],
)
def test_invisible_and_control_characters_are_refused(
    tmp_path: Path, nickname: str, code: str, name: str
) -> None:
    reg = ChildrenRegistry(tmp_path)
    with pytest.raises(UsageError) as err:
        reg.add(nickname)
    assert str(err.value) == (
        f"nickname contains an invisible or control character (U+{code} {name}): type it "
        "again with letters, digits, spaces and visible symbols only"
    )
    assert not (tmp_path / "children.csv").exists()
    ok = reg.add("Zoë 🦊 O'Neil-Ng")
    with pytest.raises(UsageError):
        reg.rename(ok.child_id, nickname)
    with pytest.raises(UsageError) as err:
        reg.add("Sam", avatar=f"fox{nickname}")
    assert str(err.value).startswith("avatar contains an invisible or control character")
    assert [c.nickname for c in reg.list()] == ["Zoë 🦊 O'Neil-Ng"]


def test_delete_files_without_roster_row(tmp_path: Path) -> None:
    # Sessions copied from another device can exist for an id with no roster row here.
    orphan = "f" * 32
    _record_session(tmp_path, orphan)
    ChildrenRegistry(tmp_path).delete(orphan)
    assert not (tmp_path / "sessions" / orphan).exists()


def test_nickname_appears_in_no_file_but_children_csv(tmp_path: Path) -> None:
    nickname = "Pippilotta"
    reg = ChildrenRegistry(tmp_path)
    child = reg.add(nickname, avatar="cat")
    _record_session(tmp_path, child.child_id)
    reg.rename(child.child_id, nickname + " L")
    holders = [
        p.relative_to(tmp_path).as_posix()
        for p in tmp_path.rglob("*")
        if p.is_file() and nickname.encode() in p.read_bytes()
    ]
    assert holders == ["children.csv"]
    names = [p.name for p in tmp_path.rglob("*")]
    assert not any(nickname in n for n in names)


def test_unexpected_header_is_reported(tmp_path: Path) -> None:
    (tmp_path / "children.csv").write_text("id,name\n1,x\n")
    with pytest.raises(UsageError) as err:
        ChildrenRegistry(tmp_path).list()
    expected_header = ",".join(schema.CHILDREN.header)
    assert str(err.value) == (
        f"{tmp_path / 'children.csv'}: unexpected header 'id,name', expected '{expected_header}'"
    )


# -- text that is not UTF-8 ------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
NOT_UTF8 = 'nickname "Zo\\xeb" is not valid UTF-8: type it again in a UTF-8 terminal'
LATIN1_ROW = "child_id,nickname,avatar,created_at\nabc,Zoë,fox,2025-01-01T00:00:00.000000Z\n"


def test_nickname_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    reg = ChildrenRegistry(tmp_path / "data")
    zoe = "Zo\udceb"  # what Python makes of the argv bytes b"Zo\xeb" (surrogate escapes)
    with pytest.raises(UsageError) as err:
        reg.add(zoe)
    assert str(err.value) == NOT_UTF8
    assert not (tmp_path / "data").exists()  # nothing written
    with pytest.raises(UsageError) as err:
        reg.add("Zoe", avatar="f\udcf6x")
    assert str(err.value) == (
        'avatar "f\\xf6x" is not valid UTF-8: type it again in a UTF-8 terminal'
    )
    child = reg.add("Zoe")
    before = reg.path.read_bytes()
    with pytest.raises(UsageError) as err:
        reg.rename(child.child_id, zoe)
    assert str(err.value) == NOT_UTF8
    with pytest.raises(UsageError) as err:  # a lone surrogate not made from a byte
        reg.rename(child.child_id, "a\ud800")
    assert str(err.value) == (
        'nickname "a\\ud800" is not valid UTF-8: type it again in a UTF-8 terminal'
    )
    assert reg.path.read_bytes() == before


def test_children_csv_that_is_not_utf8_is_a_clear_error_and_stays_as_it_is(
    tmp_path: Path,
) -> None:
    path = tmp_path / "children.csv"
    path.write_bytes(LATIN1_ROW.encode("latin-1"))  # as a spreadsheet may save it
    reg = ChildrenRegistry(tmp_path)
    message = f"{path} is not UTF-8 text: save it again as UTF-8 (in Excel: CSV UTF-8)"
    calls = [
        reg.list,
        lambda: reg.get("abc"),
        lambda: reg.add("Ben"),
        lambda: reg.rename("abc", "Zoe"),
        lambda: reg.delete("abc"),
    ]
    for call in calls:
        with pytest.raises(UsageError) as err:
            call()
        assert str(err.value) == message
    assert path.read_bytes() == LATIN1_ROW.encode("latin-1")
    # Nothing written but the (empty) lock file of the read-modify-write.
    assert sorted(p.name for p in tmp_path.iterdir()) == [".children.csv.lock", "children.csv"]
    assert (tmp_path / ".children.csv.lock").read_bytes() == b""


def test_children_csv_saved_as_excel_csv_utf8_reads(tmp_path: Path) -> None:
    (tmp_path / "children.csv").write_bytes(b"\xef\xbb\xbf" + LATIN1_ROW.encode("utf-8"))
    (child,) = ChildrenRegistry(tmp_path).list()
    assert (child.child_id, child.nickname) == ("abc", "Zoë")


def _finemotor(args: list[bytes], tmp_path: Path) -> subprocess.CompletedProcess[bytes]:
    script = Path(sys.executable).with_name("finemotor")  # the installed console script
    if not script.exists():
        pytest.skip("finemotor console script not installed next to this Python")
    # A UTF-8 locale: Python then turns the bad byte into a surrogate escape, as on most
    # systems (under a Latin-1 locale the same byte would simply be an ë).
    env = {**os.environ, "LC_ALL": "C.UTF-8", "FINEMOTOR_DATA": str(tmp_path)}
    return subprocess.run([str(script), *args], capture_output=True, cwd=ROOT, env=env,
                          timeout=60)


def test_cli_children_add_with_a_nickname_that_is_not_utf8(tmp_path: Path) -> None:
    proc = _finemotor([b"children", b"add", b"Zo\xeb"], tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert proc.stderr == f"finemotor: error: {NOT_UTF8}\n".encode()
    assert not (tmp_path / "children.csv").exists()


def test_cli_with_a_children_csv_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "children.csv"
    path.write_bytes(LATIN1_ROW.encode("latin-1"))
    line = (
        f"finemotor: error: {path} is not UTF-8 text: save it again as UTF-8 "
        "(in Excel: CSV UTF-8)\n"
    ).encode()
    for args in ([b"children", b"list"], [b"children", b"add", b"Ben"],
                 [b"play", b"--windowed", b"--child", b"abc"]):
        proc = _finemotor(args, tmp_path)
        assert proc.returncode == 2, args
        assert proc.stdout == b""
        assert proc.stderr == line, args  # one line, no traceback
    assert path.read_bytes() == LATIN1_ROW.encode("latin-1")


def test_a_new_data_folder_entry_is_fsynced(tmp_path: Path, synced_dirs: list[Path]) -> None:
    synced = synced_dirs
    data = tmp_path / "new" / "data"  # neither folder exists yet
    reg = ChildrenRegistry(data)
    reg.add("Ana")
    # children.csv's entry (in the data folder), then new/'s (in tmp_path), the data folder's
    # (in new/).
    assert synced == [data, tmp_path, tmp_path / "new"]
    synced.clear()
    reg.add("Ben")
    assert synced == [data]


# -- pictures ------------------------------------------------------------------------------


def test_each_new_child_gets_a_picture_nobody_has(tmp_path: Path) -> None:
    reg = ChildrenRegistry(tmp_path)
    reg.add("Old", avatar="dog")
    kids = [reg.add(f"Kid {i:02d}") for i in range(27)]
    assert [k.avatar for k in kids] == [a for a in AVATAR_NAMES if a != "dog"]
    assert len({c.avatar for c in reg.list()}) == 28 == len(AVATAR_NAMES)
    # Every picture taken: the first of the least used (all once), then the next.
    assert [reg.add("More").avatar, reg.add("More").avatar] == ["cat", "dog"]


def test_unknown_picture_names_are_refused_with_the_choices(tmp_path: Path) -> None:
    reg = ChildrenRegistry(tmp_path)
    with pytest.raises(UsageError) as err:
        reg.add("Sam", avatar="zebra")
    assert str(err.value) == (
        "unknown picture 'zebra': choose one of cat, dog, bear, bunny, frog, owl, fox, panda, "
        "lion, pig, penguin, elephant, unicorn, ladybird, whale, monkey, chick, turtle, "
        "butterfly, octopus, giraffe, cow, bee, mouse, snail, fish, parrot, dinosaur"
    )
    assert not (tmp_path / "children.csv").exists()
    sam = reg.add("Sam", avatar=" Whale ")  # any case, spaces stripped
    assert sam.avatar == "whale"
    with pytest.raises(UsageError) as err:
        reg.set_avatar(sam.child_id, "lama")
    assert str(err.value).startswith("unknown picture 'lama': choose one of cat, dog, ")
    assert reg.set_avatar(sam.child_id, "LION") == Child(sam.child_id, "Sam", "lion",
                                                          sam.created_at)
    assert reg.get(sam.child_id).avatar == "lion"
    with pytest.raises(UsageError) as err:
        reg.set_avatar("f" * 32, "cat")
    assert str(err.value) == f"unknown child id: {'f' * 32}"


def test_a_roster_with_a_picture_name_finemotor_lacks_keeps_it(tmp_path: Path) -> None:
    # Written by hand (or by a newer version): read as is, and kept as is when others change.
    (tmp_path / "children.csv").write_text(
        "child_id,nickname,avatar,created_at\n"
        "a1,Kai,zebra,2025-01-01T00:00:00.000000Z\n"
        "b2,Ben,cat,2025-01-02T00:00:00.000000Z\n", encoding="utf-8")
    reg = ChildrenRegistry(tmp_path)
    assert [c.avatar for c in reg.list()] == ["cat", "zebra"]
    reg.rename("b2", "Benny")
    new = reg.add("Ana")
    assert new.avatar == "dog"  # cat is Ben's; zebra is no picture
    assert (tmp_path / "children.csv").read_text(encoding="utf-8").splitlines()[1] == (
        "a1,Kai,zebra,2025-01-01T00:00:00.000000Z")


def test_same_nickname_finds_children_of_that_name(tmp_path: Path) -> None:
    reg = ChildrenRegistry(tmp_path)
    ana = reg.add("Ana")
    reg.add("Anabel")
    assert reg.same_nickname("  ana ") == [ana]
    assert reg.same_nickname("Ben") == []
