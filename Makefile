# make build: set up .venv and build the site; make test: set up and run the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: build test clean distclean

build: $(STAMP)
	$(BIN)/sitegen build

test: $(STAMP)
	$(BIN)/python -m pytest

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
	rm -rf output .pytest_cache

distclean: clean
	rm -rf $(VENV)
