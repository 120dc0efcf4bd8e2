# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Make's commands are local development; the test run itself always runs with DEBUG off
# (pyproject.toml's pytest env), as production does.
export DJANGO_DEBUG ?= 1

.PHONY: run test setup install install-test lock messages lint bench audit clean reset-staff-password

# pip, not python, marks a usable venv: without Debian's python3-venv, `python3 -m venv` fails
# half-way, leaving a python but no pip behind.
$(BIN)/pip:
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "Could not create a virtual environment: install python3-venv (apt-get install python3-venv)"; \
	  exit 1; }

# The locks, generated from pyproject.toml by `make lock`: every package a deployment
# (requirements/app.txt) or the suite (requirements/test.txt) installs, at one version, with the
# hashes of its wheels. A stamp per lock: reinstall only when the lock changes. --require-hashes
# installs nothing the lock does not name with its hash, and the lock's `--only-binary :all:`
# builds nothing. The project itself is not installed as a package: manage.py, pytest and gunicorn
# import portal and content from this directory. A venv made before the lock has it installed,
# requiring the pins of that day, so it is taken out first (a no-op in a new venv).
APP_LOCK := requirements/app.txt
TEST_LOCK := requirements/test.txt

$(VENV)/.installed: $(APP_LOCK) | $(BIN)/pip
	$(BIN)/pip uninstall --quiet --yes patient-education-portal 2>/dev/null
	$(BIN)/pip install --quiet --require-hashes --requirement $(APP_LOCK)
	touch $@

$(VENV)/.installed-test: $(TEST_LOCK) | $(BIN)/pip
	$(BIN)/pip uninstall --quiet --yes patient-education-portal 2>/dev/null
	$(BIN)/pip install --quiet --require-hashes --requirement $(TEST_LOCK)
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

messages: install
	$(MANAGE) compilemessages --ignore "$(VENV)" --verbosity 0

# Local development: SQLite under var/, DEBUG on, demo content, a staff account for the admin.
setup: install messages
	mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) render_content
	$(MANAGE) demo_staff

# A worker beside the server draws the PDF handouts (content/handouts/tasks.py); it stops when the
# server does (Ctrl-C, or the server exiting). It does not reload on code changes: rerun
# `make run` after changing a task.
run: setup
	@echo "Serving the portal at http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/), with a worker"
	@SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)}; export SITE_URL; \
	  $(MANAGE) db_worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(MANAGE) runserver $(HOST):$(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/python requirements/check_lock.py

# Regenerate the locks from pyproject.toml with uv (pinned; installed into the venv): one resolution
# for Linux, macOS and Windows on Python 3.11 and later, packages that apply only to some of them
# under markers, the hashes of every wheel; app.txt is the product's part of test.txt, at the same
# versions. A version already locked stays until pyproject.toml asks for another, or
# LOCK_ARGS="--upgrade-package fonttools" (or "--upgrade", everything) moves it.
UV_VERSION := 0.13.8
UV_COMPILE = $(BIN)/uv pip compile --quiet pyproject.toml --universal --python-version 3.11 \
  --generate-hashes --only-binary :all: --emit-build-options --custom-compile-command "make lock"
lock: | $(BIN)/pip
	$(BIN)/pip install --quiet uv==$(UV_VERSION)
	mkdir -p requirements
	$(UV_COMPILE) --extra test --output-file $(TEST_LOCK) $(LOCK_ARGS)
	$(UV_COMPILE) --constraint $(TEST_LOCK) --output-file $(APP_LOCK)

test: install-test messages lint
	mkdir -p var
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# Load test as production runs: gunicorn, DEBUG off, collected static files, wrk on 127.0.0.1.
# `make bench DB=postgres` for PostgreSQL + Redis with two app servers; BENCH_ARGS="--duration 30"
# for longer runs (see bench/management/commands/bench.py).
# The benchmarks and the audit are developer tools in bench/, a Django app only bench.settings
# installs (the product's settings plus that app); the gunicorn servers they measure run the
# product's portal.settings (bench/servers.py).
# With DB=postgres, bench_publishing and then bench_search each make (and drop) their own
# test_portal_bench database next to this one.
BENCH_MANAGE := DJANGO_SETTINGS_MODULE=bench.settings $(MANAGE)
BENCH_POSTGRES := postgres://postgres@127.0.0.1:5432/portal_bench
bench: install-test messages
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	$(BENCH_MANAGE) bench $(if $(filter postgres,$(DB)),--postgres) $(BENCH_ARGS)
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=bench-only-not-a-secret-0123456789-abcdefghijklmnopq \
	  DJANGO_STATIC_MANIFEST=0 $(BENCH_MANAGE) bench_rendering
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=bench-only-not-a-secret-0123456789-abcdefghijklmnopq \
	  DJANGO_STATIC_MANIFEST=0 $(if $(filter postgres,$(DB)),DATABASE_URL=$(BENCH_POSTGRES)) \
	  $(BENCH_MANAGE) bench_publishing
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=bench-only-not-a-secret-0123456789-abcdefghijklmnopq \
	  DJANGO_STATIC_MANIFEST=0 $(if $(filter postgres,$(DB)),DATABASE_URL=$(BENCH_POSTGRES) \
	  REDIS_URL=redis://127.0.0.1:6379/0 CACHE_KEY_PREFIX=portal-bench-search) $(BENCH_MANAGE) bench_search

# Lighthouse from npm into var/audit/ (not committed), run with Debian's Chromium against the demo
# served with production settings; prints the scores per page and language.
LIGHTHOUSE_VERSION ?= 12.8.2
AUDIT_DIR := var/audit
$(AUDIT_DIR)/node_modules/.bin/lighthouse:
	mkdir -p $(AUDIT_DIR)
	cd $(AUDIT_DIR) && CHROMEDRIVER_SKIP_DOWNLOAD=true PUPPETEER_SKIP_DOWNLOAD=true \
	  npm install --no-audit --no-fund --prefix . lighthouse@$(LIGHTHOUSE_VERSION)

audit: install messages $(AUDIT_DIR)/node_modules/.bin/lighthouse
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(BENCH_MANAGE) audit $(if $(filter postgres,$(DB)),--postgres) $(AUDIT_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

reset-staff-password: install
	$(MANAGE) demo_staff --reset
