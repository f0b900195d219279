# Two set-up commands for a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit lock bench clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install -q --python $(BIN)/python --require-hashes -r requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/kezhuan demo

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

# One test process per core (pytest-xdist): each worker has its own PostgreSQL database and Redis namespace.
unit: $(STAMP)
	$(BIN)/pytest -n auto

lock:
	$(BIN)/uv pip compile pyproject.toml --group dev --generate-hashes --python-version 3.11 -o requirements.lock

bench: $(STAMP)
	$(BIN)/python bench/outbox_relay.py --quick

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
