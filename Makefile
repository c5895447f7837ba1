# budgetpub: two commands on a fresh machine: `make run` and `make test`.
# Each step is skipped when what it makes is current: the virtualenv is installed again only
# when pyproject.toml or setup.py changes, ingest reads only new or changed documents (FORCE=1 re-reads
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

.PHONY: install install-test check-port run ingest build test lint format bench corpus-report clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml setup.py | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml setup.py | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

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

$(VENV)/.installed-vulture: | $(BIN)/activate
	$(BIN)/pip install --quiet 'vulture>=2.11'
	@touch $@

lint: install-test $(VENV)/.installed-vulture
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
