# Lianxin developer commands. `make run` and `make test` are the two commands
# the README promises: each builds what it needs on a fresh machine.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: audit bench bench-smoke faults soak run test install install-dev lint format lock migrate seed worker beat messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.lock | $(BIN)/python
	$(BIN)/pip install -q -r requirements.lock
	@touch $@

$(VENV)/.dev: requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.lock
	@touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

## run: set up and serve the app on the embedded default (SQLite, eager tasks, demo data)
run: export DEBUG ?= 1
run: install
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: set up and run the whole suite (unit, permission matrix, browser, Celery)
test: install-dev
	bash scripts/ensure-chromium.sh
	$(BIN)/pytest $(PYTEST_ARGS)

## bench: figures for the speed targets, on PostgreSQL (see tests/bench/)
bench: install-dev
	$(BIN)/python -m tests.bench --size $(or $(SIZE),S) $(BENCH)

## bench-smoke: the same harness at a tiny size, in a few minutes (CI); never fails on a figure
bench-smoke: install-dev
	$(BIN)/python -m tests.bench --size smoke $(BENCH)

## faults: the long fault runs (issue 9): 20 SIGKILLs per scenario, a 30 s Redis outage, dropped database connections
faults: install-dev
	$(BIN)/python -m tests.faults $(FAULTS_ARGS)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/lianxin_faults} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/1} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/2} \
	LIANXIN_FAULT_REDIS_SECONDS=30 $(BIN)/pytest -p no:cacheprovider tests/faults/test_redis_down.py tests/faults/test_database_drop.py

## audit: bandit over our apps, pip-audit over both locks (exit 2: no vulnerability service reached)
audit: install-dev
	bash scripts/security-audit.sh

## soak: USERS users (default 100) for MINUTES (default 10) on a seeded SIZE (default M); fails on a 5xx or a lost write
soak: install-dev
	SOAK_USERS=$(or $(USERS),100) SOAK_MINUTES=$(or $(MINUTES),10) $(BIN)/python -m tests.bench --size $(or $(SIZE),M) soak

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## lock: re-resolve the pinned dependency locks from requirements*.in
lock: $(BIN)/python
	$(BIN)/pip install -q uv
	$(BIN)/uv pip compile --python-version 3.11 --no-header -q requirements.in -o requirements.lock
	$(BIN)/uv pip compile --python-version 3.11 --no-header -q requirements-dev.in -o requirements-dev.lock

## messages: refresh locale/*.po from the code and compile them (needs gettext)
messages: install-dev
	cd . && DEBUG=1 $(BIN)/python manage.py makemessages -l zh_Hans -l en --ignore '.venv/*' --ignore 'tests/*' --ignore 'staticfiles/*'
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore '.venv/*'

worker: install
	$(BIN)/celery -A lms worker -l info

beat: install
	$(BIN)/celery -A lms beat -l info

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache
