# matrl_nb: the two commands a new user needs are `make figures` and `make test`.
# Both install first (idempotent: a stamp file in .venv records a finished install).
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
PIP   := $(PY) -m pip
STAMP := $(VENV)/.matrl_nb-installed
PRESET ?= quick
NOTEBOOKS ?=

.PHONY: install figures test site export clean-nbs browser bench

install: $(STAMP)

# Order matters, for these reasons:
#  1. pip < 24.1: newer pip refuses gym 0.20's metadata (and then breaks the later `pip install -e .`);
#  2. torch 2.13.0 first, so pip takes the CPU wheel and never pulls several GB of CUDA packages;
#  3. gym 0.20.0 built alone, with the old setuptools/wheel pinned in scripts/gym-build-constraints.txt
#     (its setup.py breaks with new ones); the pin is for that build only: torch needs setuptools >= 77;
#  4. ma-gym 0.0.14 (it requires gym 0.19-0.20), then this package with its dev extras;
#  5. an offline MathJax 2 for the fallback site (--no-deps: we only need its static files), because
#     nbconvert's HTML would load MathJax from a CDN and show raw $..$ offline.
$(STAMP): pyproject.toml scripts/gym-build-constraints.txt
	python3 -m venv $(VENV)
	$(PIP) install -q "pip<24.1"
	$(PIP) install -q torch==2.13.0
	PIP_CONSTRAINT=scripts/gym-build-constraints.txt $(PIP) install -q gym==0.20.0
	$(PIP) install -q ma-gym==0.0.14
	$(PIP) install -q -e ".[dev]"
	$(PIP) install -q --no-deps jupyter-server-mathjax
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# Regenerate every figure (PNG + CSV) and the executed notebooks. PRESET=paper for the paper's scale.
figures: install
	$(PY) -m matrl_nb.reproduce --preset $(PRESET) $(NOTEBOOKS)

# The test suite: library in sync with the notebooks, every notebook in smoke mode, then pytest.
test: install browser
	$(VENV)/bin/nbdev_export
	@if [ -n "$$(git status --porcelain -- matrl_nb)" ]; then \
	  echo "matrl_nb/ differs from what the notebooks export (run nbdev_export and commit):"; \
	  git status --porcelain -- matrl_nb; git --no-pager diff --stat -- matrl_nb; exit 1; fi
	$(VENV)/bin/nbdev_test --n_workers 2 --timing
	$(VENV)/bin/pytest -q

# Debian's chromium for the site test; installed only when missing and only where we are root.
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null); \
	  else echo "chromium/chromedriver missing and not root: install Debian's chromium and chromium-driver"; exit 1; fi; fi

# The documentation site: Quarto (nbdev_docs) when installed, else the nbconvert fallback in _site/.
site: install
	$(PY) -m matrl_nb.site

export: install
	$(VENV)/bin/nbdev_export

clean-nbs: install
	$(VENV)/bin/nbdev_clean

bench: install
	for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done
