# Rapport: a referral bot for business networking groups.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python

.PHONY: demo console test lint bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: $(VENV)/.installed
	@rm -rf .demo.db .demo.db-wal .demo.db-shm .demo-files
	$(PY) -m bot --config examples/demo.toml console --db .demo.db --script examples/demo.txt --now "2026-11-02 08:00" --tz Africa/Johannesburg

console: $(VENV)/.installed
	$(PY) -m bot console --db rapport.db

test: $(VENV)/.installed
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy --strict bot/

# full-scale benchmarks (10,000 groups, 1M referrals): prints the table, writes bench/results.json
bench: $(VENV)/.installed
	$(PY) -m bench

clean:
	rm -rf $(VENV) .demo.db* .demo-files .pytest_cache
