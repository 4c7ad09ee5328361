# Two commands do everything on a fresh Debian/Ubuntu machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# fonts-noto-cjk: handouts and pages in Chinese; libharfbuzz-subset0: fast font subsetting in
# WeasyPrint (0.3 s instead of 10+ s a handout); poppler-utils: handout tests; chromium: browser
# tests; postgresql: the second database the suite runs on.
SYSTEM_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 poppler-utils chromium postgresql

# The suite runs a second time on this PostgreSQL, which `make setup` starts when it can.
PG_URL ?= postgres://sopdesk:sopdesk@127.0.0.1:5432/sopdesk

.PHONY: setup run serve serve-search test lint system-packages demo postgres

setup: system-packages $(VENV)/.installed postgres
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v0

# Start Debian's PostgreSQL cluster and give the project a role that may create its test
# database. Best effort: without root, or without the package, the PostgreSQL run is skipped.
postgres:
	@command -v pg_lsclusters >/dev/null || { echo "PostgreSQL is not installed: its test run will be skipped."; exit 0; }; \
	[ "$$(id -u)" = 0 ] || { echo "Not root: start PostgreSQL yourself, with a role as in PG_URL."; exit 0; }; \
	cluster=$$(pg_lsclusters -h | awk 'NR==1 {print $$1" "$$2}'); \
	if [ -z "$$cluster" ]; then pg_createcluster 15 main >/dev/null && cluster="15 main"; fi; \
	pg_ctlcluster $$cluster start 2>/dev/null || true; \
	for i in 1 2 3 4 5 6 7 8 9 10; do su postgres -c "psql -qtAc 'SELECT 1'" >/dev/null 2>&1 && break; sleep 1; done; \
	su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'sopdesk'\"" | grep -q 1 || \
		su postgres -c "psql -qc \"CREATE ROLE sopdesk LOGIN CREATEDB PASSWORD 'sopdesk'\""; \
	su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname = 'sopdesk'\"" | grep -q 1 || \
		su postgres -c "createdb -O sopdesk sopdesk"

system-packages:
	@command -v dpkg-query >/dev/null || { echo "Not a Debian system: install $(SYSTEM_PACKAGES) by hand."; exit 0; }; \
	missing=$$(for p in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	else echo "WARNING: missing system packages:" $$missing "(need root or sudo to install them)"; exit 0; fi; \
	echo "Installing system packages:" $$missing; \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	touch $@

demo: setup
	$(BIN)/python manage.py load_demo_library
	$(BIN)/python manage.py load_demo_referrals
	$(BIN)/python manage.py ensure_demo_users
	$(BIN)/python manage.py load_demo_training
	$(BIN)/python manage.py load_demo_upkeep
	$(BIN)/python manage.py load_demo_forms
	$(BIN)/python manage.py generate_questions

# The demo runs with DEBUG on (Django's error pages, media served by runserver).
run: demo
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production-style: gunicorn workers, DEBUG off, static files from WhiteNoise. Set SECRET_KEY,
# DATABASE_URL, ALLOWED_HOSTS, SITE_URL in the environment, and HTTPS=true behind TLS; without
# SECRET_KEY the settings generate one once into var/secret_key.
WORKERS ?= 4
serve: demo
	export DEBUG=false HTTPS="$${HTTPS:-false}"; \
	$(BIN)/python manage.py collectstatic --noinput -v0 && \
	exec $(BIN)/gunicorn sopdesk.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--access-logfile - --timeout 60

# Search on workers of its own, for a front server to route /api/search and /search/ to
# (README, "Search on its own workers"): a search then never waits behind page requests.
SEARCH_PORT ?= 8001
SEARCH_WORKERS ?= 1
serve-search: $(VENV)/.installed
	export DEBUG=false HTTPS="$${HTTPS:-false}"; \
	exec $(BIN)/gunicorn sopdesk.wsgi --bind $(HOST):$(SEARCH_PORT) --workers $(SEARCH_WORKERS) \
		--access-logfile - --timeout 60

# mypy reads [tool.mypy] in pyproject.toml (the apps, with django-stubs), so it runs from here.
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	cd $(CURDIR) && $(BIN)/mypy

test: setup lint
	$(BIN)/python -m pytest
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== The whole suite again, on PostgreSQL ($(PG_URL))"; \
		DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest; \
	else \
		echo "SKIPPED: the PostgreSQL run: no server answers at $(PG_URL) (make setup starts Debian's postgresql when run as root)."; \
	fi
