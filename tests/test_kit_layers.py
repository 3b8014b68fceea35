"""Activity layers (AST, nothing is run): an activity never imports the launcher or another
activity, and the kit imports no activity; the kit's pure modules stay free of pygame."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KIT_PURE = ("games/kit/staircase.py", "games/kit/progress.py", "games/kit/motion.py",
            "games/kit/demo.py", "games/kit/stars.py")


def imported_modules(path: Path) -> set[str]:
    """Dotted names of every module ``path`` imports, at any depth (lazy imports too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def activity_packages() -> list[str]:
    """Every folder of ``games/`` that is an activity (has an ``__init__``; not the kit or the
    launcher)."""
    return sorted(p.parent.name for p in (ROOT / "games").glob("*/__init__.py")
                  if p.parent.name not in {"kit", "launcher"})


def test_the_scan_sees_every_activity() -> None:
    assert {"tracing", "pinch", "sequencing"} <= set(activity_packages())


@pytest.mark.parametrize("name", activity_packages())
def test_an_activity_imports_no_launcher_and_no_other_activity(name: str) -> None:
    others = {f"games.{n}" for n in activity_packages() if n != name} | {"games.launcher"}
    bad = {}
    for path in sorted((ROOT / "games" / name).rglob("*.py")):
        hits = sorted(m for m in imported_modules(path)
                      if any(m == o or m.startswith(o + ".") for o in others))
        if hits:
            bad[str(path.relative_to(ROOT))] = hits
    assert bad == {}


def test_the_kit_imports_no_activity_and_no_launcher() -> None:
    forbidden = {f"games.{n}" for n in activity_packages()} | {"games.launcher", "games.cli"}
    bad = {}
    for path in sorted((ROOT / "games" / "kit").rglob("*.py")):
        hits = sorted(m for m in imported_modules(path)
                      if any(m == o or m.startswith(o + ".") for o in forbidden))
        if hits:
            bad[str(path.relative_to(ROOT))] = hits
    assert bad == {}


@pytest.mark.parametrize("name", KIT_PURE)
def test_the_kits_pure_modules_need_no_display(name: str) -> None:
    roots = {m.split(".")[0] for m in imported_modules(ROOT / name)}
    assert roots & {"pygame", "engine", "pandas"} == set()


def test_the_scan_sees_lazy_and_dotted_imports(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from games.launcher import ActivityHost\n    import a.b\n")
    assert imported_modules(probe) == {"games.launcher", "a.b"}


@pytest.mark.parametrize("name", ["scoring", "nearest", "coverage", "score", "copy_rules",
                                  "road", "record", "lesson", "staircase", "glyphs"])
def test_tracings_pure_modules_need_no_display(name: str) -> None:
    """Re-scoring, the report and the demo use these without a display."""
    path = ROOT / "games" / "tracing" / f"{name}.py"
    roots = {m.split(".")[0] for m in imported_modules(path)}
    assert roots & {"pygame", "engine", "pandas"} == set()
    assert not any(m.startswith("games.kit.trial_scene") for m in imported_modules(path))
