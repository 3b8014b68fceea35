"""Run every benchmark module (``benchmarks/bench_*.py``, each with a ``main()``) and print figures.

Usage: ``python -m benchmarks [NAME ...]`` where NAME filters modules by substring.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


def main(argv: list[str]) -> int:
    """Import and run the selected benchmark modules in name order."""
    import benchmarks

    modules = pkgutil.iter_modules(benchmarks.__path__)
    names = sorted(m.name for m in modules if m.name.startswith("bench_"))
    selected = [n for n in names if not argv or any(a in n for a in argv)]
    for name in selected:
        print(f"== {name}", flush=True)
        importlib.import_module(f"benchmarks.{name}").main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
