"""``python -m games``: the same command line as ``finemotor``."""

from games.cli import main

raise SystemExit(main())
