# HLT Samverkan: two commands do all set-up.
#   make run   – the portal with demo data on embedded defaults (SQLite, filesystem broker)
#   make test  – the import contracts and types, then the whole suite on PostgreSQL and Redis
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails and calendar feeds are built outside any request, so `make run` tells the web and
# worker processes the address they serve (HOST and PORT) unless HLT_BASE_URL says otherwise.
BASE_URL = $(or $(HLT_BASE_URL),http://$(HOST):$(PORT))
RUN_ENV = HLT_BASE_URL='$(BASE_URL)'
# Test services: the machine's local defaults unless the environment says otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/hlt
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1

# make bench: its own database (created and filled once; FORCE=1 generates it again) and Redis db.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/hlt_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/2
BENCH_ENV = DJANGO_SETTINGS_MODULE=hlt.settings_test DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL)

.PHONY: run test bench lint format messages requirements pdf-deps system-deps check-services clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.base: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.txt
	touch $@

$(VENV)/.dev: requirements/dev.txt requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	touch $@ $(VENV)/.base

run: $(VENV)/.base pdf-deps
	@mkdir -p var
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	@$(RUN_ENV) $(BIN)/python manage.py demo_accounts
	@echo "HLT Samverkan: $(BASE_URL)/  (Ctrl-C stops web, worker and beat)"
	@trap 'kill 0' INT TERM EXIT; \
	$(RUN_ENV) $(BIN)/celery --app hlt worker --beat --concurrency 1 --loglevel WARNING \
	  --schedule var/celerybeat-schedule & \
	$(RUN_ENV) $(BIN)/gunicorn hlt.wsgi --bind $(HOST):$(PORT) --workers 2 --log-level warning; \
	wait

# WeasyPrint renders PDFs with Pango and needs a font with å, ä and ö; install them when missing and we may.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
pdf-deps:
	@if ! ldconfig -p | grep -q libpangoft2-1.0.so.0 || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Pango and DejaVu fonts for WeasyPrint ..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_PACKAGES) >/dev/null; \
	  else \
	    echo "WeasyPrint needs: sudo apt-get install $(PDF_PACKAGES)" >&2; exit 1; \
	  fi; fi

# Debian's chromium drives the browser tests; install it when missing and we may.
system-deps: pdf-deps
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests ..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is missing: run 'sudo apt-get install chromium' (Debian) and try again." >&2; exit 1; \
	  fi; }

check-services: $(VENV)/.dev
	@DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python scripts/check_services.py

# The import direction (pyproject.toml, [tool.importlinter]) and the types of the services and selectors
# ([tool.mypy]) are checked first: they take seconds (mypy about ten without its cache).
test: $(VENV)/.dev system-deps check-services
	$(BIN)/lint-imports
	$(BIN)/mypy
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest

# The dashboards on a national-scale dataset (issue 6): not part of `make test`, it takes minutes.
bench: $(VENV)/.dev
	@$(BENCH_ENV) $(BIN)/python scripts/check_services.py --create-database
	$(BENCH_ENV) $(BIN)/python manage.py migrate --no-input --verbosity 0
	$(BENCH_ENV) $(BIN)/python manage.py generate_scale_data $(if $(FORCE),--force,--unless-generated)
	$(BENCH_ENV) $(BIN)/python manage.py bench_dashboards

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract new strings and compile the catalogues (the .mo files are committed).
messages: $(VENV)/.base
	$(BIN)/python manage.py makemessages --locale sv --ignore '.venv/*' --ignore 'var/*' --ignore 'staticfiles/*' --ignore 'tests/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

# Compile requirements/*.txt from the .in files with hashes, keeping every pin the .txt files hold (upgrade one
# package with `make requirements UPGRADE=name`). dev.txt is constrained by base.txt, so both pin the same.
COMPILE = $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
  --no-emit-find-links $(if $(UPGRADE),--upgrade-package $(UPGRADE))
# Not through .venv/.dev: after a merge the .txt files may not install until they are compiled again.
requirements: | $(BIN)/python
	$(BIN)/pip install --quiet "$$(grep -o '^pip-tools==[^ ]*' requirements/dev.txt)"
	$(COMPILE) requirements/base.in -o requirements/base.txt
	$(COMPILE) requirements/dev.in -o requirements/dev.txt

clean:
	rm -rf $(VENV) var staticfiles
