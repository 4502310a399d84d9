# Groundswell: `make run` sets up and serves the demo, `make test` sets up and runs the suite.
SHELL := /bin/sh
.DEFAULT_GOAL := help

VENV      ?= .venv
PY        := $(VENV)/bin/python
MANAGE    := $(PY) manage.py
PORT      ?= 8000
SIZE      ?= small
# make bench: quick (SQLite, against the ceiling, under 10 minutes) or full (adds PostgreSQL and the peer)
BENCH_SIZE ?= quick
# pytest-xdist workers: one per core by default; WORKERS=0 runs the suite in one process.
WORKERS   ?= auto
export UV_PYTHON_DOWNLOADS := never
export UV_NATIVE_TLS := 1
export GROUNDSWELL_ENV ?= development

.PHONY: help install pin run serve migrate seed worker scheduler backup restore test test-fast check lint fmt typecheck pytest test-postgres test-browser topology bench bench-scale clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(VENV)/.installed: requirements/base.txt requirements/dev.txt pyproject.toml
	@python=$${PYTHON:-$$(scripts/find-python)} || exit 1; \
	  echo "Using $$python ($$($$python --version))"; \
	  test -x $(PY) || $$python -m venv $(VENV) || exit 1
	@$(PY) -m pip install -q --disable-pip-version-check uv==0.13.9 \
	  && $(VENV)/bin/uv pip install -q -p $(PY) -r requirements/dev.txt \
	  && $(VENV)/bin/uv pip install -q -p $(PY) --no-deps -e . \
	  || { echo "uv failed; falling back to pip"; \
	       $(PY) -m pip install -q --disable-pip-version-check -r requirements/dev.txt \
	       && $(PY) -m pip install -q --disable-pip-version-check --no-deps -e .; } || exit 1
	@mkdir -p var && touch $@

install: $(VENV)/.installed ## create .venv and install pinned requirements

pin: install ## re-pin requirements/*.txt from the .in files (keeps current pins where they fit)
	cd requirements && ../$(VENV)/bin/uv pip compile -q --no-header --universal \
	  --python-version 3.12 base.in -o base.txt
	cd requirements && ../$(VENV)/bin/uv pip compile -q --no-header --universal \
	  --python-version 3.12 dev.in -o dev.txt

migrate: install ## apply database migrations
	@$(MANAGE) migrate --no-input -v 0

seed: migrate ## load the demo organisation if the database is empty (SIZE=small|medium|large)
	@$(MANAGE) seed_demo --size $(SIZE) --if-empty

run: seed ## set up, load the demo and serve http://127.0.0.1:$(PORT) with a task worker and the scheduler
	@$(MANAGE) collectstatic --no-input -v 0
	@$(MANAGE) demo_logins --url http://127.0.0.1:$(PORT)/
	@PORT=$(PORT) scripts/serve $(PY)

worker: migrate ## run the background task worker alone
	@$(MANAGE) db_worker

scheduler: migrate ## run the scheduler of periodic jobs alone (it enqueues them for the worker)
	@$(MANAGE) scheduler

backup: install ## back up the database and media files into var/backups/ (BACKUP_DIR=... elsewhere)
	@$(MANAGE) backup $(if $(BACKUP_DIR),"$(BACKUP_DIR)")

restore: install ## restore FILE=var/backups/....tar.gz (stop the site first; YES=1 no question, FORCE=1 over data)
	@test -n "$(FILE)" || { echo "make restore needs FILE=path/to/groundswell-....tar.gz (make backup writes them into var/backups/)." >&2; exit 2; }
	@$(MANAGE) restore "$(FILE)" $(if $(YES),--no-input) $(if $(FORCE),--force)

test: install lint typecheck pytest ## lint, format check, mypy, migrations check and the whole suite

lint: install ## ruff lint and format check, and the import layers (import-linter, pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

fmt: install ## format and autofix with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: install ## mypy with django-stubs
	GROUNDSWELL_ENV=test $(VENV)/bin/mypy groundswell tests conftest.py bench scripts/topology.py

pytest: install ## migrations check and pytest with coverage (browser tests included), in parallel
	GROUNDSWELL_ENV=test $(MANAGE) makemigrations --check --dry-run -v 1
	GROUNDSWELL_ENV=test $(PY) -m pytest -n $(WORKERS) --cov --cov-report=term $(PYTEST_ARGS)

test-fast: install ## the suite without browser tests or coverage, in parallel (no lint)
	GROUNDSWELL_ENV=test $(PY) -m pytest -n $(WORKERS) -q -m "not browser" $(PYTEST_ARGS)

test-postgres: install ## the whole suite against a throw-away PostgreSQL server (needs Debian's postgresql)
	scripts/with-postgres $(MAKE) pytest

test-browser: install ## only the browser journeys in Chromium
	GROUNDSWELL_ENV=test $(PY) -m pytest tests/browser $(PYTEST_ARGS)

topology: install ## PostgreSQL, Redis, gunicorn x4, RQ x2 and an SMTP sink, checked end to end
	$(PY) scripts/topology.py $(TOPOLOGY_ARGS)

bench: install ## run the benchmarks in bench/ on throw-away databases (BENCH_SIZE=quick|full)
	$(PY) -m bench.run --size $(BENCH_SIZE)

bench-scale: install ## growth curves on a throw-away PostgreSQL to 10M interactions and 100k people (SCALE_ARGS=--top 1000000 ...; about 30 min)
	$(PY) -m bench.scale $(SCALE_ARGS)

clean: ## remove the virtualenv and local data
	rm -rf $(VENV) var .coverage htmlcov
