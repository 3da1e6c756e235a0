# The two commands: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APPS := contributors stories instagram scheduling analytics cmsatdesy_cms

.PHONY: run test lint bench load soak install install-dev messages setup format

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/python -c "import pathlib, sys; pathlib.Path(sys.argv[1]).touch()" $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/python -c "import pathlib, sys; pathlib.Path(sys.argv[1]).touch()" $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Compiled in Python (Babel): GNU gettext is needed only by `make lint`, which extracts strings.
messages: install
	$(BIN)/python scripts/compile_messages.py

setup: install messages
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py seed_demo

run: setup
	@echo ""
	@echo "  cmsatdesy_cms runs at http://127.0.0.1:8000/  (Graph API emulator at http://127.0.0.1:8765/)"
	@echo "  Demo logins (password cmsatdesy-demo): scientist, scientist2, reviewer, science, admin"
	@echo ""
	$(BIN)/honcho start -f Procfile

test: install-dev messages
	$(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: install-dev messages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python scripts/check_translations.py
	DJANGO_ENV=production SECRET_KEY=lint-only-$$RANDOM-secret-key-that-is-long-enough-for-the-deploy-check-0123456789 \
		ALLOWED_HOSTS=cms.example.org DATABASE_URL=postgres://u@127.0.0.1/db \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-dev messages
	$(BIN)/python scripts/bench.py

# Locust against several gunicorn processes on PostgreSQL (DATABASE_URL names the server; the test
# uses a database of its own beside it). LOAD_ARGS="--minutes 5 --web-processes 6" to change it.
load: install-dev messages
	$(BIN)/python scripts/load.py $(LOAD_ARGS)

# The kill tests (a worker SIGKILLed while Meta holds its reply to container creation, and to
# media_publish) ten times each, then the tally: duplicates and lost posts. Needs PostgreSQL and
# Redis (DATABASE_URL, CELERY_BROKER_URL), like CI.
soak: install-dev messages
	KILL_TEST_ROUNDS=10 $(BIN)/pytest scheduling/tests/test_publishing_recovery.py -k killed -p no:randomly -s -q $(PYTEST_ARGS)
