# LPSE — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.13 || command -v python3.12 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
export LPSE_VAR_DIR ?= $(CURDIR)/var

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements/constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python 3.12 or newer is required (found " + sys.version.split()[0] + ")")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)  ## Create .venv with the pinned dependencies

run: $(STAMP)  ## Serve the portal on http://127.0.0.1:8000/ (LPSE_PORT=8002 for another port; SQLite, worker and scheduler included)
	DEBUG=$${DEBUG:-true} $(PY) manage.py prepare_embedded
	DEBUG=$${DEBUG:-true} $(BIN)/honcho -f Procfile.embedded start

test: $(STAMP)  ## Run the whole test suite (PostgreSQL when reachable, else SQLite)
	$(PY) scripts/run_tests.py $(ARGS)

fuzz: $(STAMP)  ## Property tests and the API fuzzer with fresh random examples, many more of them
	HYPOTHESIS_PROFILE=explore LPSE_FUZZ_EXAMPLES=$${LPSE_FUZZ_EXAMPLES:-60} \
		$(PY) scripts/run_tests.py -m "not browser" $(ARGS)

lint: $(STAMP)  ## ruff and mypy
	$(BIN)/ruff check .
	LPSE_TESTING=true $(BIN)/mypy

messages: $(STAMP)  ## Extract and compile translations (Indonesian)
	cd lpse && for app in */; do \
	  if [ -d "$$app/templates" ] || ls $$app/*.py >/dev/null 2>&1; then \
	    (cd $$app && mkdir -p locale && ../../$(PY) ../../manage.py makemessages -l id --no-obsolete >/dev/null); fi; done
	$(PY) manage.py makemessages -l id --no-obsolete -i 'lpse/*' -i '.venv/*' -i 'var/*'
	$(PY) manage.py compilemessages --ignore=.venv

lock:  ## Re-resolve requirements/constraints.txt from pyproject.toml
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -e '.[dev]'
	.venv-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > requirements/constraints.txt
	rm -rf .venv-lock

bench: $(STAMP)  ## Run the benchmarks under bench/ (results as JSON in var/bench/)
	$(PY) bench/run.py $(ARGS)

demo: $(STAMP)  ## Load the demo data into the embedded database
	$(PY) manage.py seed_demo

clean:  ## Remove the virtual environment (keeps var/ with your data)
	rm -rf $(VENV)

.PHONY: help venv run test fuzz lint messages lock bench demo clean
