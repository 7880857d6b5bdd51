# Two commands for a fresh clone: `make build` and `make test`.
# Every install takes its versions from constraints.txt, so a build here, in CI and on another machine uses the
# same reportlab, python-pptx, Jinja and fonts, and writes the same bytes. `make constraints` refreshes it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONSTRAINTS := constraints.txt
BUILD_STAMP := $(VENV)/.installed-build
TEST_STAMP := $(VENV)/.installed-test

.PHONY: build test check compile typecheck layers clean constraints

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) --upgrade pip

# What building needs: the tool and its runtime dependencies.
$(BUILD_STAMP): pyproject.toml setup.py $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e .
	touch $@

# What testing needs besides: the test and dev tools.
$(TEST_STAMP): $(BUILD_STAMP)
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[test,dev]'
	touch $@

# Byte-compile the package: start-up stays fast even where PYTHONDONTWRITEBYTECODE is set.
compile: $(BUILD_STAMP)
	$(BIN)/python -m compileall -q generator

build: compile
	$(BIN)/handouts build
	$(BIN)/handouts gallery

check: compile
	$(BIN)/handouts check

typecheck: $(TEST_STAMP)
	$(BIN)/mypy

# The layers contract (pyproject.toml, [tool.importlinter]): no import runs up a layer, none goes in a circle.
layers: $(TEST_STAMP)
	$(BIN)/lint-imports

test: compile typecheck layers
	$(BIN)/ruff check generator tests benchmarks setup.py
	$(BIN)/ruff format --check generator tests benchmarks setup.py
	$(BIN)/python -m pytest -q -n auto --dist loadfile

clean:
	rm -rf output

# Resolve every dependency afresh in a scratch environment and write the versions to constraints.txt.
constraints:
	rm -rf .venv-constraints
	$(PYTHON) -m venv .venv-constraints
	.venv-constraints/bin/python -m pip install --quiet --upgrade pip
	.venv-constraints/bin/python -m pip install --quiet '.[test,dev,dask]'
	{ echo "# Written by \`make constraints\` from a fresh install of .[test,dev,dask]; installs use it with pip -c."; \
	  .venv-constraints/bin/python -m pip freeze --all --exclude handouts; } > $(CONSTRAINTS)
	rm -rf .venv-constraints
