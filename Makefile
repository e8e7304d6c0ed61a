# Kennisbank: `make run` serves the demo, `make test` runs the tests. Both set everything up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PLUGINS := education business culture ngo municipality
PLUGIN_DIRS := $(addprefix plugins/,$(PLUGINS))
HOST ?= 127.0.0.1
PORT ?= 5000
export KENNISBANK_INSTANCE ?= $(CURDIR)/instance

.PHONY: install install-test system-deps catalogs translations run test lint bench clean

install: $(VENV)/.installed catalogs

$(VENV)/.installed: pyproject.toml setup.py $(wildcard plugins/*/pyproject.toml)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e . $(foreach p,$(PLUGIN_DIRS),$(if $(wildcard $(p)/pyproject.toml),-e $(p)))
	touch $@

install-test: $(VENV)/.installed-test catalogs system-deps

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

# Debian packages the browser and HTML tests use: Chromium, and Java for the Nu HTML checker.
system-deps:
	@command -v chromium >/dev/null && command -v java >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && apt-get install -y -q chromium default-jre-headless; \
	  else echo "Chromium or Java missing; run: sudo apt-get install chromium default-jre-headless"; fi; }

# Compile every catalog (core and plugins) into .mo files beside the .po files.
catalogs: $(VENV)/.installed
	$(BIN)/python -m kennisbank.catalogs compile

# Extract messages, update the catalogs, compile (run after changing user-visible text).
translations: $(VENV)/.installed
	$(BIN)/python -m kennisbank.catalogs update
	$(BIN)/python -m kennisbank.catalogs compile

run: install
	@if [ ! -f "$(KENNISBANK_INSTANCE)/kennisbank.sqlite" ]; then $(BIN)/kennisbank init --demo; fi
	$(BIN)/kennisbank serve --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check kennisbank plugins tests bench
	$(BIN)/bandit -q -r kennisbank plugins -ll

bench: install-test
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build dist *.egg-info test-artifacts
	find translations plugins -name '*.mo' -delete
