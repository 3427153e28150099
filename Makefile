# The interface to the project. `make run` and `make test` work on a fresh clone with Python 3.11 and make.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: help setup browser sample run build test dev docs clean bench

help:  ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(BIN)/wres: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON) --quiet
	@touch $@

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	@mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $@

setup: $(BIN)/wres $(DAGSTER_HOME)/dagster.yaml  ## Create the virtual environment (uv, locked versions) and the dbt manifest
	$(BIN)/wres setup

sample: setup  ## Write the bundled sample landing data with the generator (data/landing)
	$(BIN)/wres generate --sample

run: sample  ## Set up, write the sample data and materialise every asset
	$(BIN)/wres build

build: setup  ## Materialise every asset for the current settings (WRES_LANDING_DIR, ...)
	$(BIN)/wres build

browser:  ## Install Debian's chromium for the report's browser test where it is missing (never fails)
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  ( ( (apt-get install -y -qq chromium || (apt-get update -qq && apt-get install -y -qq chromium)) || \
	      (sudo -n apt-get install -y -qq chromium || \
	       (sudo -n apt-get update -qq && sudo -n apt-get install -y -qq chromium)) ) >/dev/null 2>&1 || \
	    echo "chromium is not installed and could not be: the report's browser test will be skipped" ) || true

test: setup browser  ## Set up and run every test
	$(BIN)/pytest

dev: sample  ## Open the Dagster UI on the same definitions (http://localhost:3000)
	DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS=true $(BIN)/dagster dev -m orchestration.definitions

docs: setup  ## Build the dbt docs site (dbt_project/target/index.html)
	cd dbt_project && ../$(BIN)/dbt docs generate --profiles-dir . --static

bench: setup  ## The national performance benchmark (docs/performance.md); BENCH_OUT (default /tmp/wres-bench)
	$(BIN)/python -m bench.national --out $(or $(BENCH_OUT),/tmp/wres-bench)

clean:  ## Remove the environment, generated data, warehouse, exports and dbt target
	rm -rf $(VENV) $(TOOLS) data .dagster_home dbt_project/target dbt_project/logs
	find exports -mindepth 1 ! -name README.md -delete 2>/dev/null || true
