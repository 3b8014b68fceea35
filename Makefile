# Two entry points for people (see README "Quick start"): `make play` and `make test`.
# Both create a local .venv on first use, so a fresh machine needs only Python 3.10+ and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HEADLESS := SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy

.PHONY: play test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

play: $(STAMP)
	$(PY) -m games

test: $(STAMP)
	$(HEADLESS) $(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(HEADLESS) $(PY) -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
