# Two commands for a fresh clone: `make build` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test check compile typecheck clean

$(STAMP): pyproject.toml setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

# Byte-compile the package: start-up stays fast even where PYTHONDONTWRITEBYTECODE is set.
compile: $(STAMP)
	$(BIN)/python -m compileall -q generator

build: compile
	$(BIN)/handouts build
	$(BIN)/handouts gallery

check: compile
	$(BIN)/handouts check

# mypy reads the package as `handouts` through a link, because it cannot follow the editable install's import hook.
typecheck: $(STAMP)
	mkdir -p $(VENV)/mypy-path && ln -sfn "$(CURDIR)/generator" $(VENV)/mypy-path/handouts
	$(BIN)/mypy

test: compile typecheck
	$(BIN)/ruff check generator tests benchmarks setup.py
	$(BIN)/ruff format --check generator tests benchmarks setup.py
	$(BIN)/python -m pytest -q

clean:
	rm -rf output
