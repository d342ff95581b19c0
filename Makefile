# Two commands for people: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi
TRANSLATIONS := youthagainstguns/translations

# Debian packages: WeasyPrint's libraries and a font for `run`; a browser (with its
# translations, so that it speaks Spanish: see tests/e2e/conftest.py), PDF tools, a database
# server, Redis and nginx (the tests start their own) for `test`.
RUN_PACKAGES := python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
TEST_PACKAGES := $(RUN_PACKAGES) chromium chromium-l10n poppler-utils postgresql redis-server nginx

.PHONY: run test system-run system-test translations postgres lint bench clean

# Links in mail, QR codes and feeds point at this server.
run: export PUBLIC_BASE_URL = http://127.0.0.1:$(PORT)
run: system-run $(VENV)/.run-installed translations
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	@echo ""
	@echo "  Youth Against Guns: http://127.0.0.1:$(PORT)"
	@echo "  Demo accounts (password demo-yag-2026):"
	@echo "    admin@example.org  coordinacion@example.org  mentor@example.org"
	@echo "    colegio@example.org  ponente@example.org"
	@echo ""
	@echo "  Mail is written to instance/mail/*.eml unless MAIL_SERVER is set; see /admin/outbox."
	@echo ""
	@# The job worker runs beside gunicorn, in a session of its own so that Ctrl-C reaches it
	@# once, from the trap, which stops it (letting running jobs finish) however gunicorn ends.
	@# --no-control-socket: gunicorn 27 otherwise shares one control socket with every other
	@# gunicorn on the host (~/.gunicorn/gunicorn.ctl), and a second instance takes it over.
	@setsid $(BIN)/flask worker & worker=$$!; \
	trap 'kill -INT $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(BIN)/gunicorn --no-control-socket --workers 2 --threads 4 --bind 127.0.0.1:$(PORT) \
	  --access-logfile - --logger-class youthagainstguns.accesslog.RedactingLogger \
	  --access-logformat '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms' wsgi:app

# The two engines' suites run side by side: each is mostly one busy Python process, and the
# machine has two cores (one after the other, they took nearly all of CI's 20-minute budget).
# SQLite's output goes to a file, printed whole after PostgreSQL's; either failing fails the run.
# PostgreSQL starts with the browser tests and SQLite ends with them, so they rarely overlap.
test: system-test $(VENV)/.test-installed translations postgres
	$(BIN)/ruff check youthagainstguns tests config.py wsgi.py bench
	@mkdir -p test-artifacts
	@TEST_DB=sqlite BROWSER_TESTS_LAST=1 $(BIN)/pytest > test-artifacts/pytest-sqlite.log 2>&1 & sqlite=$$!; \
	echo "PostgreSQL suite here; SQLite suite in test-artifacts/pytest-sqlite.log, shown after."; \
	TEST_DB=postgresql $(BIN)/pytest; postgresql=$$?; \
	wait $$sqlite; sqlite=$$?; \
	echo ""; echo "===== SQLite suite (test-artifacts/pytest-sqlite.log) ====="; \
	cat test-artifacts/pytest-sqlite.log; \
	[ $$postgresql -eq 0 ] && [ $$sqlite -eq 0 ]

system-run:
	@$(call apt_ensure,$(RUN_PACKAGES))

system-test:
	@$(call apt_ensure,$(TEST_PACKAGES))

# Install the Debian packages in $(1) that are missing; skip apt entirely when none are.
define apt_ensure
missing=""; for p in $(1); do \
  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
done; \
if [ -n "$$missing" ]; then \
  echo "Installing Debian packages:$$missing"; \
  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
fi
endef

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel

$(VENV)/.run-installed: setup.cfg pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test-installed: setup.cfg pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.run-installed

translations:
	$(BIN)/pybabel -q compile -d $(TRANSLATIONS)

# Refresh the catalogs after adding or changing strings; then translate the new entries.
translations-update:
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -o $(TRANSLATIONS)/messages.pot -w 100 --no-location --sort-output --ignore-dirs=".* .venv instance" .
	$(BIN)/pybabel -q update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -w 100 --no-fuzzy-matching --ignore-obsolete

# Start the local PostgreSQL cluster and the test role, unless TEST_PG_URL names a server.
postgres:
	@if [ -z "$$TEST_PG_URL" ]; then \
	  read -r version cluster _ <<< "$$(pg_lsclusters --no-header | head -1)"; \
	  if [ -z "$$version" ]; then version=$$(ls /usr/lib/postgresql | sort -n | tail -1); cluster=main; \
	    pg_createcluster $$version $$cluster >/dev/null; fi; \
	  pg_ctlcluster $$version $$cluster start 2>/dev/null || true; \
	  for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 0.5; done; \
	  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='yag'\"" | grep -q 1 || \
	    su postgres -c "psql -qc \"CREATE ROLE yag LOGIN PASSWORD 'yag' CREATEDB\""; \
	  su postgres -c "psql -qc \"GRANT pg_signal_backend TO yag\"" >/dev/null; \
	fi

lint: $(VENV)/.test-installed
	$(BIN)/ruff check youthagainstguns tests config.py wsgi.py bench

# Key pages at scale 0.1 and 1, query plans, certificate packs, gunicorn throughput, worker
# memory; writes bench/RESULTS.md.
# BENCH_ARGS="--engine postgresql" or "--quick"; the databases are kept in instance/bench/.
bench: system-test $(VENV)/.test-installed translations postgres
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) test-artifacts
