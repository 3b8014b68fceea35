"""Run Python code against a real full or read-only disk: a tiny tmpfs in a private mount namespace.

``unshare --map-root-user --mount`` gives the child process its own mount table (no root
needed, nothing visible outside it), where a tmpfs of a few KB is mounted over a folder: writes
there really fail with ENOSPC, or with EROFS once it is remounted read-only. No mocks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_on_small_disk(
    folder: Path, code: str, *, size_kb: int = 64, read_only: bool = False, prepare: str = ""
) -> subprocess.CompletedProcess[str]:
    """Mount a ``size_kb`` tmpfs on ``folder``, run ``prepare`` (Python) there while writable,
    remount it read-only if asked, then run ``code`` (Python); the folder is empty afterwards
    outside the namespace. ``FOLDER`` in both snippets is the mount point."""
    assert shutil.which("unshare"), "the small-disk tests need unshare (util-linux)"
    folder.mkdir(parents=True, exist_ok=True)
    script = (
        f"set -e; mount -t tmpfs -o size={size_kb}k,mode=0700 tmpfs {folder}; "
        f"{sys.executable} -c \"$PREPARE\"; "
        + (f"mount -o remount,ro {folder}; " if read_only else "")
        + f'exec {sys.executable} -c "$CODE"'
    )
    head = f"import sys; sys.path.insert(0, {str(ROOT)!r}); FOLDER = {str(folder)!r}\n"
    env = {
        **os.environ,
        "PREPARE": head + (prepare or "pass"),
        "CODE": head + code,
        "PYTHONPATH": str(ROOT),
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
    }
    return subprocess.run(
        ["unshare", "--map-root-user", "--mount", "sh", "-c", script],
        capture_output=True, text=True, env=env, timeout=120, cwd=ROOT,
    )
