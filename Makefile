# rongrian: `make run` serves the demo, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format messages venv clean bench

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,rq]'
	touch $@

# The task worker (notifications), the registrar of public-form complaints and the SLA
# sweep run beside the server and stop with it.
run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@trap 'trap - EXIT INT TERM; kill 0' EXIT INT TERM; \
	DEBUG=$${DEBUG:-1} $(PY) manage.py db_worker --no-startup-delay & \
	DEBUG=$${DEBUG:-1} $(PY) manage.py register_complaints --every 0.5 & \
	DEBUG=$${DEBUG:-1} $(PY) manage.py sla_sweep --every 60 & \
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

test: venv
	PY=$(PY) bash scripts/test-all

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Re-extract and compile the Thai and Burmese catalogues (needs GNU gettext).
messages: venv
	cd rongrian && ../$(PY) ../manage.py makemessages -l th -l my --no-obsolete --ignore '*/tests/*'
	cd rongrian && ../$(PY) ../manage.py compilemessages

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Benchmarks: BENCH_CASES (default 1,000,000; BENCH_QUICK=1 for 100,000), BENCH_DBS.
bench: venv
	$(PY) bench/run.py
