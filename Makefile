# Two entry points for people (see README "Quick start"): `make play` and `make test`.
# Both create a local .venv on first use, so a fresh machine needs only Python 3.10+ and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HEADLESS := SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy

.PHONY: play test lint bench bytecode clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

# finemotor's own modules compiled ahead (pip does it for the packages it installs): where
# PYTHONDONTWRITEBYTECODE is set, every `finemotor report` would otherwise compile them again
# (about 0.1 to 0.4 s of a report). Up-to-date files are skipped; a stale one is never used.
bytecode: $(STAMP)
	@$(PY) -m compileall -q games telemetry engine benchmarks > /dev/null

play: bytecode
	$(PY) -m games

test: bytecode
	$(HEADLESS) $(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: bytecode
	$(HEADLESS) $(PY) -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
