"""Storage helpers: data folder default, owner-only folders and files, atomic replace, lock."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from telemetry.errors import UsageError
from telemetry.storage import (
    SessionLock,
    atomic_write_bytes,
    atomic_write_json,
    default_data_dir,
    ensure_private_dir,
    fsync_parents,
    open_private_append,
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_default_data_dir_env_wins(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FINEMOTOR_DATA", str(tmp_path / "x"))
    assert default_data_dir() == tmp_path / "x"
    monkeypatch.delenv("FINEMOTOR_DATA")
    import platformdirs

    assert default_data_dir() == Path(platformdirs.user_data_dir("finemotor"))


def test_ensure_private_dir_creates_and_tightens(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        made = ensure_private_dir(tmp_path / "a" / "b" / "c")
    finally:
        os.umask(old)
    assert made == tmp_path / "a" / "b" / "c"
    for p in (tmp_path / "a", tmp_path / "a" / "b", made):
        assert _mode(p) == 0o700, p
    os.chmod(made, 0o755)
    ensure_private_dir(made)
    assert _mode(made) == 0o700
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match="^not a folder: "):
        ensure_private_dir(tmp_path / "file")


def test_ensure_private_dir_lists_the_folders_it_made(tmp_path: Path) -> None:
    created: list[Path] = []
    ensure_private_dir(tmp_path / "a" / "b", created=created)
    assert created == [tmp_path / "a", tmp_path / "a" / "b"]  # outermost first
    ensure_private_dir(tmp_path / "a" / "b" / "c", created=created)
    assert created == [tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"]
    ensure_private_dir(tmp_path / "a", created=created)  # exists: nothing added
    assert len(created) == 3


def test_fsync_parents_syncs_each_holding_folder_once(monkeypatch, tmp_path: Path) -> None:
    from telemetry import storage

    synced: list[Path] = []
    monkeypatch.setattr(storage, "fsync_dir", lambda path: synced.append(Path(path)))
    fsync_parents([tmp_path / "a", tmp_path / "a" / "b", tmp_path / "c"])
    assert synced == [tmp_path, tmp_path / "a"]
    fsync_parents([])
    assert synced == [tmp_path, tmp_path / "a"]


def test_open_private_append(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    fd = open_private_append(path)
    try:
        os.write(fd, b"a\n")
    finally:
        os.close(fd)
    fd = open_private_append(path)
    try:
        os.write(fd, b"b\n")
    finally:
        os.close(fd)
    assert path.read_bytes() == b"a\nb\n"
    assert _mode(path) == 0o600
    os.chmod(path, 0o644)
    os.close(open_private_append(path))
    assert _mode(path) == 0o600


def test_atomic_writes(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    atomic_write_json(path, {"a": 1, "b": None, "name": "é"})
    assert json.loads(path.read_text(encoding="utf-8")) == {"a": 1, "b": None, "name": "é"}
    assert path.read_text(encoding="utf-8").endswith("}\n")
    atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"new"
    assert _mode(path) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]  # no temporary left
    with pytest.raises(FileNotFoundError):
        atomic_write_bytes(tmp_path / "missing" / "x", b"")


def test_lock_context_and_reacquire(tmp_path: Path) -> None:
    with SessionLock(tmp_path) as lock:
        assert lock.held
        assert _mode(tmp_path / ".lock") == 0o600
        with pytest.raises(UsageError, match="in use by another finemotor process"):
            SessionLock(tmp_path).acquire()
    assert not lock.held
    assert not (tmp_path / ".lock").exists()
    lock.release()  # harmless twice
    with SessionLock(tmp_path):
        pass


def test_play_path_modules_import_nothing_heavy() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import telemetry.recorder, telemetry.children, telemetry.storage\n"
        "heavy = sorted(m for m in ('pandas', 'numpy', 'matplotlib', 'scipy', 'pygame')"
        " if m in sys.modules)\n"
        "import telemetry.loader\n"
        "print(','.join(heavy), 'pygame' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == " False\n"  # nothing heavy on the play path; no pygame anywhere
