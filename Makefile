# The two commands a newcomer needs: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
export DJANGO_SETTINGS_MODULE := bearcms.settings

.PHONY: run test lint format browser test-sqlite test-postgres bench clean

$(VENV)/bin/activate:
	@bash scripts/ensure-venv "$(PYTHON)" "$(VENV)"

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/activate
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/activate
	$(PIP) install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# Other people's ActivityPub code, which the federation tests check ours against, in a
# virtualenv of its own (tests/peers/requirements.txt says why).
PEERS := .venv-peers
$(PEERS)/.installed: tests/peers/requirements.txt
	@bash scripts/ensure-venv "$(PYTHON)" "$(PEERS)"
	$(PEERS)/bin/pip install -q -r tests/peers/requirements.txt
	touch $@

## run: install, migrate the SQLite database, seed the demo blog and serve on :8000
run: $(VENV)/.runtime
	@# The file cache may describe an earlier database (db.sqlite3 deleted): start afresh.
	rm -rf var/cache
	DEBUG=true SITE_PORT=$(PORT) $(PY) manage.py migrate --noinput
	DEBUG=true SITE_PORT=$(PORT) $(PY) manage.py seed_demo
	@echo ""
	@echo "  Platform (landing, sign-up):  http://localhost:$(PORT)/"
	@echo "  Demo blog:                    http://demo.localhost:$(PORT)/"
	@echo "  Discovery feed:               http://localhost:$(PORT)/discover/"
	@echo "  Dashboard:                    http://localhost:$(PORT)/dashboard/"
	@echo "  Log in as the demo blogger:   demo@example.com / demo-blogger-pass"
	@echo "  Log in as staff:              staff@example.com / staff-admin-pass"
	@echo "  Emails (sign-up confirmation, password reset, subscribers) are printed below."
	@echo ""
	DEBUG=true SITE_PORT=$(PORT) $(PY) manage.py runserver 127.0.0.1:$(PORT)

## test: install what the tests need, lint, then run the suite on SQLite and PostgreSQL
## (the browser tests, and what uses no database, once: in the SQLite pass)
test: $(VENV)/.dev $(PEERS)/.installed browser lint
	@# The passes share no database, port or folder: they run side by side, one a core,
	@# and each prints its whole output when it ends (-O).
	@$(MAKE) --no-print-directory -j2 -O test-sqlite test-postgres

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@# The layer rules of docs/architecture.md (contracts in pyproject.toml).
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## browser: Debian's chromium for the end-to-end test (never `playwright install`)
browser:
	@bash scripts/ensure-chromium

test-sqlite: $(VENV)/.dev $(PEERS)/.installed
	@echo "== the suite on SQLite"
	env -u DATABASE_URL $(VENV)/bin/pytest

test-postgres: $(VENV)/.dev $(PEERS)/.installed
	@bash scripts/ensure-postgres "$(POSTGRES_URL)" "$(PY)"; status=$$?; \
	  if [ $$status -eq 1 ]; then exit 0; elif [ $$status -ne 0 ]; then exit $$status; fi; \
	  echo "== the suite again on PostgreSQL ($(POSTGRES_URL)), less the browser tests and what uses no database"; \
	  DATABASE_URL="$(POSTGRES_URL)" $(VENV)/bin/pytest -m "not browser and not database_independent"

## bench: the scale benchmark (see README, Performance)
bench: $(VENV)/.dev
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) $(PEERS) var staticfiles .pytest_cache .ruff_cache
