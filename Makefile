# Two commands for a fresh clone: `make build` and `make test`.
# Every install takes its versions from constraints.txt, so a build here, in CI and on another machine uses the
# same reportlab, python-pptx, Jinja and fonts, and writes the same bytes. `make constraints` refreshes it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONSTRAINTS := constraints.txt
BUILD_STAMP := $(VENV)/.installed-build
TEST_STAMP := $(VENV)/.installed-test

.PHONY: build test check compile typecheck layers clean constraints docs docs-generated bench-tools

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) --upgrade pip

# What building needs: the tool and its runtime dependencies.
$(BUILD_STAMP): pyproject.toml setup.py $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e .
	touch $@

# What testing needs besides: the test, docs, release and dev tools.
$(TEST_STAMP): $(BUILD_STAMP)
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[test,dev]'
	touch $@

# The manual, as the wheel carries it (warnings are errors), into docs/_build/html: `handouts docs` opens it.
docs: $(TEST_STAMP)
	$(BIN)/python -m sphinx -b html -W --keep-going -q docs docs/_build/html

# The parts of the manual the code writes (the command reference, the block table, the pictures of outputs).
docs-generated: $(TEST_STAMP)
	$(BIN)/python docs/generate.py

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
	$(BIN)/ruff check generator tests benchmarks setup.py build_support docs/conf.py docs/generate.py
	$(BIN)/ruff format --check generator tests benchmarks setup.py build_support docs/conf.py docs/generate.py
	$(BIN)/python -m pytest -q -n auto --dist loadfile

clean:
	rm -rf output

# Install everything afresh in a scratch environment and write what got installed to constraints.txt: the versions
# pinned there stay (UPGRADE=1 resolves everything anew), new dependencies are added, ones no longer needed go.
# tests/test_dependencies.py compares it with the test environment's `pip freeze`.
EXTRAS := test,dev,dask,docs,release
constraints:
	rm -rf .venv-constraints
	$(PYTHON) -m venv .venv-constraints
	.venv-constraints/bin/python -m pip install --quiet $(if $(UPGRADE),,-c $(CONSTRAINTS)) --upgrade pip
	.venv-constraints/bin/python -m pip install --quiet $(if $(UPGRADE),,-c $(CONSTRAINTS)) '.[$(EXTRAS)]'
	{ echo "# Written by \`make constraints\` from a fresh install of .[$(EXTRAS)]; installs use it with pip -c."; \
	  .venv-constraints/bin/python -m pip freeze --all --exclude handouts; } > $(CONSTRAINTS).new
	mv $(CONSTRAINTS).new $(CONSTRAINTS)
	rm -rf .venv-constraints

# The tools the benchmark measures a cold single handout and deck against (issue 27, target 2): a recent pandoc
# (the typst writer needs >= 3.1.2; Debian's is older) and the Typst compiler, both from PyPI wheels that carry
# the binaries, in a venv of their own so the project's environment and constraints.txt stay as they are.
BENCH_TOOLS := .bench-tools
bench-tools: $(BENCH_TOOLS)/.installed

$(BENCH_TOOLS)/.installed:
	$(PYTHON) -m venv $(BENCH_TOOLS)
	$(BENCH_TOOLS)/bin/python -m pip install --quiet pypandoc_binary==1.17 typst==0.15.2
	touch $@
