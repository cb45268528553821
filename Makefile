# The two commands of the README: `make run` and `make test`. Everything else is a step of theirs.
# Needs Python >= 3.11 and make; set PYTHON to choose the interpreter.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip

.DEFAULT_GOAL := help
.PHONY: help run test check lint format types imports tests migrate install install-dev clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	  || { echo "Python >= 3.11 is needed (PYTHON=$(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(PIP) install --quiet --editable .
	@touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(PIP) install --quiet --editable '.[dev]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed ## Create the virtual environment and install the service

install-dev: $(VENV)/.installed-dev ## ... with the development tools

migrate: install ## Apply database migrations (embedded SQLite unless DATABASE_URL is set)
	$(BIN)/mobility db upgrade

run: migrate ## Set up everything and serve the API (http://127.0.0.1:8000/graphql)
	$(BIN)/mobility serve

test: install-dev ## Set up the development environment and run every check
	$(MAKE) check

check: lint types imports tests ## ruff, mypy --strict, import contracts, tests

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev ## Rewrite files with ruff's formatter and fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

types:
	$(BIN)/mypy

imports:
	$(BIN)/lint-imports

tests:
	$(BIN)/pytest

clean: ## Remove the virtual environment, caches and the embedded database
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache var
