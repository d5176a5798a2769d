# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 6

.PHONY: setup messages bench-public system-packages run serve test test-fast lint bench bench-metro bench-linkage bench-reports bench-backup bench-pdf bench-imports demo-city clean

$(STAMP): requirements.txt requirements-dev.txt requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt -c requirements.lock
	$(VENV)/bin/pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

tsunagu/static/vendor/.stamp: $(NODE_STAMP)
	mkdir -p tsunagu/static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/axe-core/axe.min.js node_modules/cytoscape/dist/cytoscape.min.js tsunagu/static/vendor/
	touch $@

# Debian packages beside Python (scripts/debian-packages.txt: WeasyPrint's Pango and HarfBuzz, the Japanese fonts,
# poppler-utils for the tests); installs only what is missing, with sudo when not root.
system-packages:
	scripts/install-system-packages.sh

# The public pages' translations (tsunagu/locale/*/django.po, committed) compiled to .mo with msgfmt (gettext)
messages: $(STAMP)
	$(PY) manage.py compilemessages -v0

setup: system-packages $(STAMP) tsunagu/static/vendor/.stamp messages

run: setup
	$(PY) manage.py migrate --noinput -v0
	$(VENV)/bin/tsunagu demo --profile town --if-empty
	$(VENV)/bin/tsunagu demo-logins
	@echo "つなぐ を http://$(HOST):$(PORT)/ で起動します（終了は Ctrl+C）。"
	HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) scripts/serve.sh

# ruff, the architecture's contracts (import-linter, pyproject.toml) and types (mypy with django-stubs)
lint: setup
	$(VENV)/bin/ruff check tsunagu tests bench
	$(VENV)/bin/lint-imports --no-logo
	$(VENV)/bin/mypy

test: lint
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(VENV)/bin/pytest -p no:cacheprovider $(PYTEST_ARGS)

test-fast: setup
	$(VENV)/bin/pytest -m "not e2e and not slow" -x -q

bench: setup
	$(PY) -m bench.all

bench-linkage: setup
	$(PY) -m bench.linkage.run $(BENCH_ARGS)

bench-reports: setup
	$(PY) -m bench.reports.run $(BENCH_ARGS)

# the page benchmarks on the metro profile (政令市, 10× the city) beside the city, PostgreSQL; p95 ratios, worker RSS
bench-metro: setup
	$(PY) -m bench.metro $(BENCH_ARGS)

# `tsunagu backup` and `tsunagu restore` of the city profile, SQLite and PostgreSQL (bench/backup/run.py)
bench-backup: setup
	$(PY) -m bench.backup.run $(BENCH_ARGS)

# an HSDS import of 15,000 services while 15 workers save consultations (SQLite), and 73,754 against 15,000
bench-imports: setup
	$(PY) -m bench.imports.run $(BENCH_ARGS)

# 帳票のPDF: the 同意書 and the blank 相談受付・申込票, 20 renders each in one warm process, city profile
bench-pdf: setup
	$(PY) -m bench.pdf.run $(BENCH_ARGS)

# 住民の入口: the public form and pages under 20 visitors, and a sending's answer (bench/public/run.py)
bench-public: setup
	$(PY) -m bench.public.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules tsunagu/static/vendor var .mypy_cache .import_linter_cache
