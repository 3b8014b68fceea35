"""The layers of DESIGN.md hold: read every module's imports (AST, nothing is run).

games -> engine -> telemetry, telemetry never imports pygame, the engine never imports an
activity, and scoring modules stay pure numpy (no pygame), so reports and re-scoring work on a
machine with no display.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_roots(path: Path) -> set[str]:
    """Top-level names of every module ``path`` imports, at any depth (lazy imports too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("telemetry", {"pygame", "engine", "games", "matplotlib", "scipy"}),
        ("engine", {"games", "pandas", "matplotlib", "scipy"}),
    ],
)
def test_package_never_imports(package: str, forbidden: set[str]) -> None:
    found = {
        str(p.relative_to(ROOT)): sorted(imported_roots(p) & forbidden) for p in modules(package)
    }
    assert {k: v for k, v in found.items() if v} == {}
    assert len(found) >= 10  # the scan did read the package


def test_scoring_and_glyphs_are_pure_numpy() -> None:
    for name in ("games/tracing/scoring.py", "games/tracing/glyphs.py",
                 "games/tracing/staircase.py"):
        assert imported_roots(ROOT / name) & {"pygame", "engine", "pandas"} == set(), name


def test_the_scan_sees_lazy_imports(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    import pygame.font\n    from pandas import DataFrame\n")
    assert imported_roots(probe) == {"pygame", "pandas"}


ACTIVITY_IDS = ("tracing", "pinch", "sequencing")


def test_telemetry_names_no_activity() -> None:
    """Activity-specific report parts come by injection from games/; telemetry's code, data
    files and docstrings name no activity (so a new activity never edits telemetry)."""
    found = {}
    files = [p for p in sorted((ROOT / "telemetry").rglob("*")) if p.is_file()
             and p.suffix in {".py", ".csv", ".json", ".txt", ".md"}]
    for path in files:
        text = path.read_text(encoding="utf-8").lower()
        hits = [a for a in ACTIVITY_IDS if a in text]
        if hits:
            found[str(path.relative_to(ROOT))] = hits
    assert found == {}
    assert len(files) >= 10  # the scan did read the package
