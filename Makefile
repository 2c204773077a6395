# Veil: two commands. `make run` runs the main job, `make test` runs every test. Both install what they need.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
KEY_FILE := .veil/pseudonym.key
PARTNER_KEY_FILE := .veil/partner.key
SUBJECT_KEY_FILE := .veil/subject.key
STAMP := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | sha1sum | cut -c1-12)
USERS ?= 100000
EVENTS ?= 5000000
SEED ?= 42
WORKERS ?= 2
export PYSPARK_PYTHON := $(CURDIR)/$(BIN)/python
export VEIL_HOME ?= $(CURDIR)
export DBT_PROFILES_DIR ?= $(CURDIR)/profiles
WITH_KEY = DBT_ENV_SECRET_PSEUDONYM_KEY="$${DBT_ENV_SECRET_PSEUDONYM_KEY:-$$(cat $(KEY_FILE))}" \
	DBT_ENV_SECRET_PARTNER_KEY="$${DBT_ENV_SECRET_PARTNER_KEY:-$$(cat $(PARTNER_KEY_FILE))}" \
	DBT_ENV_SECRET_SUBJECT_KEY="$${DBT_ENV_SECRET_SUBJECT_KEY:-$$(cat $(SUBJECT_KEY_FILE))}"

.PHONY: install system-deps run serve test lint docs clean bench

install: system-deps $(STAMP) $(KEY_FILE) $(PARTNER_KEY_FILE) $(SUBJECT_KEY_FILE)
	@$(BIN)/python -m veil.warehouse.class_archive >/dev/null  # the driver's class archive: built once (~1 min)

system-deps:
	@bash scripts/system_deps.sh

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/python -m veil.warehouse.local_fs >/dev/null
	@rm -f $(VENV)/.installed-* && touch $@

# Per-checkout secrets for keyed pseudonyms (kept out of git; export DBT_ENV_SECRET_*_KEY to override).
# `veil keys rotate` replaces pseudonym.key; subject.key (the erasure ledger's) never rotates.
$(KEY_FILE) $(PARTNER_KEY_FILE) $(SUBJECT_KEY_FILE):
	@mkdir -p .veil && chmod 700 .veil && umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_hex(32))" > $@

## generate USERS/EVENTS → dbt build on Spark → export to PostgreSQL → summary
run: install
	$(WITH_KEY) $(BIN)/veil run --users $(USERS) --events $(EVENTS) --seed $(SEED) --workers $(WORKERS)

## the analytics API and dashboard on http://127.0.0.1:8000/ (after `make run`)
serve: install
	$(BIN)/veil serve

## every test: sqlfluff, pytest (unit, Spark, PostgreSQL, dbt build/tests on both targets, end to end)
test: install lint
	$(WITH_KEY) $(BIN)/pytest -q -n 2 --dist loadgroup

PY_DIRS := veil generator bench tests/python

lint:
	$(BIN)/ruff check $(PY_DIRS)
	$(BIN)/ruff format --check $(PY_DIRS)
	$(BIN)/mypy
	$(BIN)/sqlfluff lint models snapshots tests/dbt --processes 1

## the lineage site: dbt docs on the Spark catalog
docs: install
	$(WITH_KEY) $(BIN)/veil dbt docs generate && $(BIN)/dbt docs serve --port 8080 --project-dir . --profiles-dir profiles

bench: install
	$(WITH_KEY) $(BIN)/python bench/generate_bench.py

clean:
	rm -rf target logs warehouse .pytest_cache
