# The two commands: `make run` (serve the app with demo data) and `make test` (lint + checks + tests).
# Everything they need is installed on first use: a virtualenv in .venv, npm assets in
# node_modules, and Debian's chromium for the browser tests.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
ASSETS := node_modules/.package-lock.json
CHROMIUM := /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

WRK := /usr/bin/wrk
BENCH_ARGS ?=

.PHONY: run test lint install assets chromium bench audit backup restore clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null

$(WRK):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk >/dev/null

install: $(INSTALLED) $(ASSETS)
assets: $(ASSETS)
chromium: $(CHROMIUM)

# Local development server with demo data. DEBUG is on only here. The background worker (e-mail,
# periodic jobs) runs beside runserver; Ctrl-C stops both (a background job of a non-interactive
# shell ignores SIGINT, so the EXIT trap stops it). Sent mail lands in .mail/, one file each.
run: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py load_demo
	@DJANGO_DEBUG=1 $(PY) manage.py procrastinate worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	trap 'exit 130' INT TERM; \
	echo "Worker started (pid $$worker); mail is written to .mail/"; \
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install chromium lint
	DJANGO_SETTINGS_MODULE=kyodo_center.settings.test $(PY) manage.py makemigrations --check --dry-run
	# Two workers (pytest-xdist), one test database each: the 2-core machine runs the suite in
	# about half the time.
	$(VENV)/bin/pytest -n 2

# Measured speed on this machine (bench/run.py): `make bench BENCH_ARGS="--bookings 1000000"`.
bench: install $(WRK)
	$(PY) bench/run.py $(BENCH_ARGS)

# Lighthouse (phone profile) on the public pages served as in production (tools/lighthouse/):
# a11y / best practices / SEO / performance per page. Lighthouse lives in its own package.json
# there, so `make test` never installs it.
LIGHTHOUSE := tools/lighthouse/node_modules/.package-lock.json

$(LIGHTHOUSE): tools/lighthouse/package.json tools/lighthouse/package-lock.json
	cd tools/lighthouse && npm ci --no-audit --no-fund --loglevel=error

audit: install assets chromium $(LIGHTHOUSE)
	CHROME_PATH=$(CHROMIUM) $(PY) tools/lighthouse/audit.py

# Backups of the configured database (DATABASE_URL, or the embedded one in .pgdata/).
# Outside a configured server environment these run with local development settings.
LOCAL_ENV := $(if $(SECRET_KEY),,DJANGO_DEBUG=1)

backup: install
	$(LOCAL_ENV) $(PY) manage.py backup_database $(FILE)

restore: install
	@test -n "$(FILE)" || (echo "make restore FILE=backups/….dump" && exit 2)
	$(LOCAL_ENV) $(PY) manage.py restore_database $(FILE) --yes

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
