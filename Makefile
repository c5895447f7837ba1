# budgetpub: two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SOURCES := sources
DATA ?= var
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-test run ingest build test lint format bench corpus-report clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/activate
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[test]'

ingest: install
	$(BIN)/budgetpub ingest $(SOURCES) --out datapackages --force

build: ingest
	$(BIN)/budgetpub build --out $(DATA)

run: build
	$(BIN)/budgetpub serve --host $(HOST) --port $(PORT) --data $(DATA)

test: install-test
	$(BIN)/python -m pytest -q

lint: install-test
	$(BIN)/ruff check service tests bench tools
	$(BIN)/ruff format --check service tests bench tools

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
