# Two commands for a fresh clone: `make build` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test check lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/handouts build
	$(BIN)/handouts gallery

check: $(STAMP)
	$(BIN)/handouts check

test: $(STAMP)
	$(BIN)/ruff check generator tests
	$(BIN)/python -m pytest -q

clean:
	rm -rf output
