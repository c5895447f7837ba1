# budgetpub: two commands on a fresh machine: `make run` and `make test`.
# Each step is skipped when what it makes is current: the virtualenv is installed again only
# when a lock, pyproject.toml or setup.py changes, ingest reads only new or changed documents (FORCE=1 re-reads
# every one, e.g. after changing the reader), and build keeps the store when no package changed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SOURCES := sources
DATA ?= var
HOST ?= 127.0.0.1
PORT ?= 8000
# IRIs are minted for where the service answers (a build for another address converts again)
BUDGETPUB_BASE_URL ?= http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)/
export BUDGETPUB_BASE_URL

.PHONY: install install-test lock check-port run ingest build test lint format bench corpus-report clean

# Installs come from the committed locks (requirements/*.lock: every release pinned, with its
# hashes), so a new upstream release cannot break a fresh clone; the project itself goes in
# last, with no dependency resolution of its own (--no-deps) and built by the locked setuptools
# (--no-build-isolation). `pip check` then fails the install when pyproject.toml asks for a
# package the lock lacks. `make lock` refreshes the locks after a change to the dependencies.
RUNTIME_LOCK := requirements/runtime.lock
TEST_LOCK := requirements/test.lock
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(RUNTIME_LOCK) pyproject.toml setup.py | $(BIN)/activate
	$(PIP_INSTALL) --require-hashes -r $(RUNTIME_LOCK)
	$(PIP_INSTALL) --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check --disable-pip-version-check >/dev/null
	@touch $@

$(VENV)/.installed-test: $(TEST_LOCK) pyproject.toml setup.py | $(BIN)/activate
	$(PIP_INSTALL) --require-hashes -r $(TEST_LOCK)
	$(PIP_INSTALL) --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check --disable-pip-version-check >/dev/null
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# the locks, from pyproject.toml's ranges (and requirements/build.in), for Python 3.11 on every
# platform (Docker's arm64 too), with hashes; the runtime lock takes the test lock's versions so
# the two never disagree. uv is a test dependency: it is the lock's tool, never a user's.
UV_COMPILE := $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock"
lock: install-test
	$(UV_COMPILE) pyproject.toml requirements/build.in --extra test --upgrade -o $(TEST_LOCK)
	$(UV_COMPILE) pyproject.toml requirements/build.in -c $(TEST_LOCK) -o $(RUNTIME_LOCK)

# before anything is installed or built: is HOST:PORT free?
check-port:
	@$(PYTHON) tools/check_port.py $(HOST) $(PORT)

ingest: install
	$(BIN)/budgetpub ingest $(SOURCES) --out datapackages $(if $(FORCE),--force)

build: ingest
	$(BIN)/budgetpub build --out $(DATA)

run: check-port
	@$(MAKE) --no-print-directory build
	$(BIN)/budgetpub serve --host $(HOST) --port $(PORT) --data $(DATA)

test: install-test
	$(BIN)/python -m pytest -q

# vulture: dead code (tools/vulture_whitelist.py names what it cannot see used)
VULTURE_DECORATORS := @bp.get,@bp.route,@bp.post,@app.errorhandler,@bp.before_app_request,@bp.after_app_request,@app.before_request,@app.after_request

lint: install-test
	$(BIN)/ruff check service tests bench tools
	$(BIN)/ruff format --check service tests bench tools
	$(BIN)/vulture service tests bench tools/vulture_whitelist.py --min-confidence 60 \
		--ignore-decorators "$(VULTURE_DECORATORS)"

format: install-test
	$(BIN)/ruff format service tests bench tools
	$(BIN)/ruff check --fix service tests bench tools

bench: install-test
	$(BIN)/python -m bench

# the real-document corpus report (issue 13): CORPUS=DIR, default ../shared/sources/real
# (else tests/fixtures/real)
corpus-report: install
	$(BIN)/python -m bench.corpus_report $(CORPUS)

clean:
	rm -rf $(VENV) $(DATA) .pytest_cache
