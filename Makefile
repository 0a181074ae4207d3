# Stafettlogg — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app run
PG_URL ?= postgresql://postgres@127.0.0.1:5432/stafettlogg_test
PG_DB = $(lastword $(subst /, ,$(PG_URL)))
export ALLOW_SYNTHETIC_IDS ?= 1

.PHONY: run test test-fast install install-dev translations compile-translations lint \
        postgres chromium oidc bench-tools clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Fuzzy entries are guesses: they are left out (tests/test_translations.py fails on them), and a
## catalogue that is still empty compiles to an empty .mo, so the pages show the English source.
compile-translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d translations

## make run: install, migrate the SQLite database in instance/, load the demo and serve.
run: install compile-translations
	$(FLASK) db upgrade
	$(FLASK) demo-data
	@echo "Serving on http://127.0.0.1:5000 (the demo logins are above)"
	$(FLASK) run --host 127.0.0.1 --port 5000

## make translations: extract source strings, update nn and nb, compile. --ignore-dirs: babel skips
## directories that start with _ by default, and templates/_macros holds strings too.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -o translations/messages.pot --no-location --sort-output --ignore-dirs '.* __pycache__' --project Stafettlogg .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d translations

## PostgreSQL: start the local cluster if it is down, create the test database if missing
## (`make test PG_URL=.../other_db` runs the suite on another database).
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
	  echo "Starting PostgreSQL"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort -V | tail -1) main start; \
	  for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$(PG_DB)'" | grep -q 1 \
	  || createdb -h 127.0.0.1 -U postgres $(PG_DB)

## Debian's chromium for the browser tests (never a downloaded browser).
chromium:
	@command -v /usr/bin/chromium >/dev/null || { \
	  echo "Installing Debian's chromium"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

## Debian's wrk, the load generator of bench/throughput.py and the other gunicorn benches.
bench-tools:
	@command -v wrk >/dev/null || { \
	  echo "Installing Debian's wrk"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }

## The local OpenID provider that stands in for ID-porten in the tests (oidc/, oidc-provider
## pinned in oidc/package-lock.json); needs Node.js 20 and npm.
oidc/node_modules/.package-lock.json: oidc/package-lock.json
	@command -v npm >/dev/null || { echo "Node.js 20 and npm are required (the local OpenID provider)"; exit 1; }
	npm ci --prefix oidc --no-audit --no-fund

oidc: oidc/node_modules/.package-lock.json

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

## make test: the whole suite on SQLite and on PostgreSQL (the browser tests may not skip), the
## two halves at the same time, each on TEST_WORKERS pytest-xdist processes: one process per
## core leaves the cores idle while tests wait for the browser or the database. On PostgreSQL
## each worker has a database of its own, $(PG_DB)_gw0, _gw1 ..., made by tests/conftest.py if
## missing. Each half writes its own log, printed when both are done; either failing fails.
TEST_WORKERS ?= 2
test: export BROWSER_TESTS_REQUIRED = 1
test: install-dev compile-translations chromium postgres oidc lint
	@echo "=== Test suite on SQLite and on PostgreSQL, at the same time ==="
	@logs=$$(mktemp -d); \
	  $(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) \
	    > $$logs/sqlite.log 2>&1 & sqlite=$$!; \
	  TEST_DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -q -p no:cacheprovider \
	    -n $(TEST_WORKERS) > $$logs/postgresql.log 2>&1; postgresql=$$?; \
	  wait $$sqlite; sqlite=$$?; \
	  echo "=== Test suite on SQLite (exit $$sqlite) ==="; cat $$logs/sqlite.log; \
	  echo "=== Test suite on PostgreSQL (exit $$postgresql) ==="; cat $$logs/postgresql.log; \
	  rm -rf $$logs; \
	  [ $$sqlite = 0 ] && [ $$postgresql = 0 ]

## make test-fast: SQLite only, without the browser tests.
test-fast: install-dev compile-translations
	$(BIN)/python -m pytest -q -m "not browser"

clean:
	rm -rf $(VENV) instance/*.sqlite3*
