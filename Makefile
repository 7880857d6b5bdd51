# Two commands for a fresh clone: `make build` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test check compile clean

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

test: compile
	$(BIN)/ruff check generator tests
	$(BIN)/python -m pytest -q

clean:
	rm -rf output
