# The two quick-start commands: `make run` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
export FLASK_APP := wsgi

.PHONY: run test newman bench bench-instructions install install-dev catalogs clean
.PHONY: messages-extract messages-update messages-init

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "PetClinic needs Python 3.11 or newer; set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

## Languages (README, "Languages"): the catalogs are written in translations/<lang>/.../messages.po
## and compiled here into the .mo files the app reads (never committed).
CATALOGS := $(wildcard translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)
install: $(VENV)/.installed $(COMPILED)
install-dev: $(VENV)/.installed-dev $(COMPILED)

catalogs: $(COMPILED)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	@$(BIN)/pybabel compile --statistics -i $< -o $@ -l $*

## messages-extract: every marked string of app/ and templates/ into translations/messages.pot
messages-extract: install
	@mkdir -p translations
	$(BIN)/pybabel extract -F babel.cfg -k _l -c TRANSLATORS: \
	  --sort-by-file --no-wrap --project PetClinic -o translations/messages.pot .

## messages-update: bring each language's catalog up to the template (new strings come in empty)
messages-update: messages-extract
	$(BIN)/pybabel update --no-wrap --no-fuzzy-matching -i translations/messages.pot -d translations

## messages-init: start a new language's catalog, e.g. make messages-init LANG_CODE=it
messages-init: messages-extract
	$(BIN)/pybabel init -i translations/messages.pot -d translations -l $(LANG_CODE)

## run: set up, migrate, seed the demo clinic (first time only), start the development server
## and the messages worker beside it
# The development server speaks plain HTTP: cookies without Secure, and a secret key of its
# own, made once, because the app refuses to run on the development default.
SECRET_KEY_FILE := instance/secret_key

$(SECRET_KEY_FILE): | $(BIN)/python
	@mkdir -p $(dir $@)
	@(umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(48))' > $@)

run: export SECRET_KEY ?= $(shell cat $(SECRET_KEY_FILE) 2>/dev/null)
run: export SESSION_COOKIE_SECURE ?= false
run: install $(SECRET_KEY_FILE)
	$(BIN)/flask seed demo --upgrade
	@# The outbox's sender runs beside the server and stops with it. Without SMTP_HOST it
	@# delivers nothing: the development backend logs each message (README, "Messages to owners").
	@$(BIN)/flask messages worker --interval 5 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# axe-core for the accessibility tests (tests/browser/test_accessibility.py), from the npm
# registry at the version tests/browser/package-lock.json pins. Without npm the tests skip,
# except under CI (CI=true), where this fails: .ci/run installs npm first.
AXE := tests/browser/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error && touch $@; \
	elif [ "$$CI" = "true" ]; then \
	  echo "npm is missing: CI must run the accessibility tests (apt-get install nodejs npm)" >&2; exit 1; \
	else \
	  echo "npm not found: the accessibility tests will be skipped (apt-get install nodejs npm)" >&2; \
	fi

## test: set up and run the test suite (SQLite; set TEST_DATABASE_URL for PostgreSQL)
# On PYTEST_WORKERS processes at once (pytest-xdist; each has a database of its own, see
# tests/conftest.py), a file's tests on one worker so that its servers start once; then the
# few tests marked "alone" (they stop the shared PostgreSQL) with nothing beside them.
# PYTEST_ARGS goes to both runs; exit status 5 is "no test selected".
PYTEST_WORKERS ?= auto
test: install-dev $(AXE)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile -m "not alone" $(PYTEST_ARGS)
	$(BIN)/pytest -m alone $(PYTEST_ARGS) || [ $$? -eq 5 ]

## newman: the Spring REST project's Postman collection against gunicorn (tests/newman/run.sh)
# On SQLite; with TEST_DATABASE_URL, on a PostgreSQL database named after it plus "_newman".
newman: install
	bash tests/newman/run.sh

## bench: seed large clinics, load them under gunicorn with wrk, print a table (not part of test)
# BENCH_ARGS passes options through, e.g. BENCH_ARGS="--databases sqlite --duration 5".
bench: install
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

## bench-instructions: each page's instructions per request under callgrind (not part of test)
bench-instructions: install
	@command -v valgrind >/dev/null || { [ "$$(id -u)" -eq 0 ] && s= || s=sudo; \
	  $$s apt-get update -qq && $$s env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind; }
	$(BIN)/python benchmarks/instructions.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache tests/browser/node_modules
