# make build: set up .venv and build the site; make test: set up and run the tests;
# make lint: mypy --strict and ruff;
# make fuzz: incremental builds against clean builds on many random sequences of changes;
# make bench: time sitegen against Hugo and Pelican and write BENCHMARKS.md.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

BENCH_VENV  := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed
BENCH_ARGS  ?=

.PHONY: build test lint fuzz bench clean distclean

build: $(STAMP)
	$(BIN)/sitegen build

test: $(STAMP)
	$(BIN)/python -m pytest

# mypy --strict and ruff, both configured in pyproject.toml; 0 findings.
lint: $(STAMP)
	$(BIN)/ruff check sitegen tests bench
	$(BIN)/mypy

# Incremental builds against clean builds, on many more random sequences of changes than
# `make test` tries (tests/test_incremental_machine.py).
fuzz: $(STAMP)
	SITEGEN_FUZZ_EXAMPLES=300 $(BIN)/python -m pytest tests/test_incremental_machine.py -p no:cacheprovider

# The peers live in an environment of their own, never dependencies of sitegen; sitegen
# is installed there as a user has it (without the test tools).
bench: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python bench/run.py --write BENCHMARKS.md $(BENCH_ARGS)

$(BENCH_STAMP): bench/requirements.txt pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "sitegen needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -r bench/requirements.txt -e .
	touch $@

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "sitegen needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the project's metadata changes; the install is editable, so code
# changes need no reinstall.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf output .pytest_cache .sitegen-cache .bench

distclean: clean
	rm -rf $(VENV) $(BENCH_VENV)
