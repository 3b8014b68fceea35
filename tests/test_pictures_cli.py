"""The children's pictures on the command line and in demo-data: one list, unknown names
refused with the choices, each child a picture of its own, a repeated nickname warned about."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from pathlib import Path  # noqa: E402

from games import cli  # noqa: E402
from telemetry.avatars import AVATAR_NAMES  # noqa: E402
from telemetry.children import ChildrenRegistry  # noqa: E402

CHOICES = ("cat, dog, bear, bunny, frog, owl, fox, panda, lion, pig, penguin, elephant, "
           "unicorn, ladybird, whale, monkey, chick, turtle, butterfly, octopus, giraffe, cow, "
           "bee, mouse, snail, fish, parrot, dinosaur")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process (argparse's exits unwrapped)."""
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_children_add_refuses_an_unknown_picture_and_writes_nothing(capsys, tmp_path: Path):
    code, out, err = run(capsys, "children", "add", "Kai", "--picture", "dragon",
                         "--data-dir", str(tmp_path))
    assert (code, out) == (2, "")
    assert err == f"finemotor: error: unknown picture 'dragon': choose one of {CHOICES}\n"
    assert not (tmp_path / "children.csv").exists()


def test_children_add_takes_any_case_and_the_new_pictures(capsys, tmp_path: Path):
    code, out, err = run(capsys, "children", "add", "Kai", "--picture", "Whale",
                         "--data-dir", str(tmp_path))
    (kai,) = ChildrenRegistry(tmp_path).list()
    assert (code, out, err) == (0, f"added Kai (whale): {kai.child_id}\n", "")


def test_help_lists_every_picture(capsys):
    code, out, _ = run(capsys, "children", "add", "--help")
    assert code == 0
    assert " ".join(out.split()).count(" ".join(CHOICES.split())) == 1


def test_a_nickname_already_used_is_added_with_a_warning(capsys, tmp_path: Path):
    d = str(tmp_path)
    run(capsys, "children", "add", "Ana", "--data-dir", d)
    code, out, err = run(capsys, "children", "add", "ana", "--data-dir", d)
    first, second = sorted(ChildrenRegistry(tmp_path).list(), key=lambda c: c.created_at)
    assert code == 0
    assert out == f"added ana (dog): {second.child_id}\n"
    assert err == (f"finemotor: warning: another child is called ana too: "
                   f"Ana ({first.child_id[:8]}, cat)\n")


def test_children_set_picture(capsys, tmp_path: Path):
    kid = ChildrenRegistry(tmp_path).add("Kai")
    code, out, err = run(capsys, "children", "set", kid.child_id, "--picture", "lion",
                         "--data-dir", str(tmp_path))
    assert (code, out, err) == (0, "saved Kai's details\n", "")
    assert ChildrenRegistry(tmp_path).get(kid.child_id).avatar == "lion"
    code, out, err = run(capsys, "children", "set", kid.child_id, "--picture", "zebra",
                         "--hand", "left", "--data-dir", str(tmp_path))
    assert (code, out) == (2, "")
    assert err == f"finemotor: error: unknown picture 'zebra': choose one of {CHOICES}\n"
    assert ChildrenRegistry(tmp_path).get(kid.child_id).avatar == "lion"
    from telemetry.profile import load_profile

    assert load_profile(tmp_path, kid.child_id).hand is None  # nothing else written either


def test_the_9th_to_28th_child_get_distinct_pictures(capsys, tmp_path: Path):
    d = str(tmp_path)
    for i in range(28):
        assert run(capsys, "children", "add", f"Kid {i:02d}", "--data-dir", d)[0] == 0
    kids = sorted(ChildrenRegistry(tmp_path).list(), key=lambda c: c.nickname)
    assert tuple(c.avatar for c in kids) == AVATAR_NAMES


def test_demo_children_each_get_a_picture_of_their_own(tmp_path: Path):
    from datetime import datetime, timezone

    from games.demo_data import write_demo_data

    ChildrenRegistry(tmp_path).add("Real", "fox")  # a demo into a folder with a child
    write_demo_data(tmp_path, children=10, weeks=1, seed=3, progress=False,
                    now=datetime(2026, 3, 27, 18, 0, tzinfo=timezone.utc), trials_per_session=1)
    pictures = [c.avatar for c in sorted(ChildrenRegistry(tmp_path).list(),
                                         key=lambda c: c.created_at)]
    assert pictures == ["fox", "cat", "dog", "bear", "bunny", "frog", "owl", "panda", "lion",
                        "pig", "penguin"]
