"""Custom routines with own photos: add, list, show, delete, choose; bad input writes nothing."""

from __future__ import annotations

import argparse
import stat
from pathlib import Path

import pygame
import pytest

from games.sequencing import custom
from games.sequencing.cli import add_cli
from telemetry.children import ChildrenRegistry
from telemetry.errors import UsageError

ROUTINE = """# our morning
title: Going to nursery
step: coat | Coat on | coat.jpg
step: shoes | Shoes on | shoes.png
step: door | Out of the door | openmoji:1F6AA
before: coat < door
before: shoes < door
"""


def _photos(folder: Path) -> Path:
    folder.mkdir()
    big = pygame.Surface((1200, 900))
    big.fill((200, 40, 40))
    pygame.image.save(big, str(folder / "coat.jpg"))
    small = pygame.Surface((100, 160), pygame.SRCALPHA)
    small.fill((40, 40, 200, 255))
    pygame.image.save(small, str(folder / "shoes.png"))
    (folder / "routine.txt").write_text(ROUTINE, "utf-8")
    return folder


def _run(data: Path, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="finemotor")
    add_cli(parser.add_subparsers(dest="command"))
    args = parser.parse_args([*argv, "--data-dir", str(data)])
    return args.handler(args)


def test_add_list_show_delete_round_trip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _photos(tmp_path / "in")
    data = tmp_path / "data"
    assert _run(data, "routines", "add", str(src / "routine.txt"), "--id", "nursery") == 0
    assert capsys.readouterr().out == "routine 'nursery' added: 3 steps (Going to nursery)\n"
    folder = data / "routines" / "nursery"
    assert sorted(p.name for p in folder.iterdir()) == ["coat.png", "routine.txt", "shoes.png"]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}
    assert pygame.image.load(str(folder / "coat.png")).get_size() == (320, 240)
    assert pygame.image.load(str(folder / "shoes.png")).get_size() == (100, 160)  # never enlarged
    assert (folder / "routine.txt").read_text("utf-8") == (
        "title: Going to nursery\n"
        "step: coat | Coat on | photo:coat.png\n"
        "step: shoes | Shoes on | photo:shoes.png\n"
        "step: door | Out of the door | openmoji:1F6AA\n"
        "before: coat<door\nbefore: shoes<door\n"
    )
    routine = custom.find_routine(data, "nursery")
    assert routine.custom and routine.step_ids == ("coat", "shoes", "door")
    _run(data, "routines", "list")
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "nursery          3 steps  custom    Going to nursery"
    assert out[0] == "toilet           2 steps  built-in  Toilet"
    _run(data, "routines", "show", "nursery")
    assert capsys.readouterr().out == (
        "Going to nursery (nursery, custom)\n"
        "  1. coat: Coat on  [photo:coat.png]\n"
        "  2. shoes: Shoes on  [photo:shoes.png]\n"
        "  3. door: Out of the door  [openmoji:1F6AA]\n"
        "  order: coat before door, shoes before door\n"
        "  2 orders accepted\n"
    )
    (folder / "notes.txt").write_text("a parent's own file", "utf-8")
    _run(data, "routines", "delete", "nursery")
    assert capsys.readouterr().out == (
        "routine 'nursery' deleted\nleft in its folder (not written by finemotor): notes.txt\n"
    )
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    (folder / "notes.txt").unlink()
    _run(data, "routines", "add", str(src / "routine.txt"))  # id from the file name
    assert (data / "routines" / "routine").is_dir()


def _nothing_written(data: Path) -> bool:
    base = data / "routines"
    return not base.exists() or not any(base.iterdir())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: (d / "coat.jpg").unlink(), "photo 'coat.jpg' for step 'coat' is not in {src}"),
        (lambda d: (d / "shoes.png").write_text("not a picture"),
         "photo 'shoes.png' is not a PNG or JPEG image"),
        (lambda d: (d / "routine.txt").write_text(ROUTINE + "before: door < coat\n"),
         "routine 'nursery': the order goes round in a circle: coat < door < coat"),
        (lambda d: (d / "routine.txt").write_text(ROUTINE.replace("1F6AA", "1F6AB0")),
         "routine 'nursery': step 'door': unknown picture 'openmoji:1F6AB0'"),
        (lambda d: (d / "routine.txt").write_text(ROUTINE + "steps: x\n"),
         "routine.txt line 8: expected 'title:', 'step:' or 'before:', got 'steps: x'"),
        (lambda d: (d / "routine.txt").write_text(ROUTINE.replace("| Coat on ", "")),
         "routine.txt line 3: a step is 'step: id | label | picture'"),
    ],
)
def test_bad_photos_and_routine_files_write_nothing(
    tmp_path: Path, change, message: str
) -> None:
    src = _photos(tmp_path / "in")
    change(src)
    data = tmp_path / "data"
    with pytest.raises(UsageError) as err:
        _run(data, "routines", "add", str(src / "routine.txt"), "--id", "nursery")
    assert str(err.value) == message.format(src=src)
    assert _nothing_written(data)


def test_too_large_photo_and_taken_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = _photos(tmp_path / "in")
    data = tmp_path / "data"
    monkeypatch.setattr(custom, "MAX_PHOTO_PIXELS", 1_000_000)
    with pytest.raises(UsageError, match=r"^photo 'coat.jpg' is too large \(1200x900 pixels; "):
        _run(data, "routines", "add", str(src / "routine.txt"), "--id", "nursery")
    monkeypatch.setattr(custom, "MAX_PHOTO_BYTES", 1000)
    with pytest.raises(UsageError, match=r"^photo 'coat.jpg' is too large \(0.0 MB; at most 0 MB"):
        _run(data, "routines", "add", str(src / "routine.txt"), "--id", "nursery")
    assert _nothing_written(data)
    monkeypatch.undo()
    with pytest.raises(UsageError) as err:
        _run(data, "routines", "add", str(src / "routine.txt"), "--id", "bath")
    assert str(err.value) == "'bath' is a built-in routine: choose another id with --id"
    _run(data, "routines", "add", str(src / "routine.txt"), "--id", "nursery")
    with pytest.raises(UsageError) as err:
        _run(data, "routines", "add", str(src / "routine.txt"), "--id", "nursery")
    assert str(err.value) == "a routine 'nursery' exists already: delete it first"
    with pytest.raises(UsageError) as err:
        _run(data, "routines", "delete", "bath")
    assert str(err.value) == "no custom routine 'bath' (see 'finemotor routines list')"


def test_a_grown_up_chooses_the_routines_a_child_plays(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    child = ChildrenRegistry(data).add("Mia")
    assert [r.id for r in custom.routines_for_child(data, child.child_id)][:2] == [
        "toilet", "socks-shoes"]
    _run(data, "routines", "choose", child.child_id, "bath", "bedtime")
    assert capsys.readouterr().out == (
        "Mia plays: bath, bedtime; prompting: after-error; input: drag\n")
    assert [r.id for r in custom.routines_for_child(data, child.child_id)] == ["bath", "bedtime"]
    _run(data, "routines", "choose", child.child_id, "--prompting", "errorless", "--input", "tap")
    assert capsys.readouterr().out == (
        "Mia plays: bath, bedtime; prompting: errorless; input: tap\n")
    path = custom.settings_path(data, child.child_id)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(UsageError, match="^unknown routine 'castle' "):
        _run(data, "routines", "choose", child.child_id, "castle")
    _run(data, "routines", "choose", child.child_id, "--all")
    assert capsys.readouterr().out == (
        "Mia plays: every routine; prompting: errorless; input: tap\n")
    assert len(custom.routines_for_child(data, child.child_id)) == 10


def test_routines_through_the_finemotor_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from games.cli import main

    missing = tmp_path / "none.txt"
    assert main(["routines", "add", str(missing), "--data-dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"finemotor: error: routine file '{missing}' does not exist\n"
    assert main(["routines", "--data-dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "toilet           2 steps  built-in  Toilet"
    assert not (tmp_path / "routines").exists()
