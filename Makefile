# sitrep: `make help` lists the targets. The first run sets everything up by itself.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
# The tests run in parallel, one worker per core; a module's tests stay on one worker, so its
# module-scoped fixtures (a render) run once. TEST_JOBS=0 runs them in this process.
TEST_JOBS ?= auto
PARALLEL := -n $(TEST_JOBS) --dist loadscope

.PHONY: help reports test test-fast lab lint check bench setup system clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-9s %s\n", $$1, $$2}'

reports: setup ## install what is needed, then render every report to reports/ (HTML and PDF)
	$(BIN)/sitrep render

test: setup ## install what is needed, run the whole test suite, then render every report
	$(BIN)/pytest $(PARALLEL)
	$(BIN)/sitrep render

test-fast: setup ## the quick loop: every test but real renders (e2e) and slow ones, in parallel
	$(BIN)/pytest $(PARALLEL) -m "not e2e and not slow"

lab: setup ## open the notebooks in JupyterLab
	$(BIN)/jupyter lab --notebook-dir=notebooks --config=scripts/jupyter_server_config.py

lint: setup ## ruff over the package and the tests; the import contract of the three floors
	$(BIN)/ruff check src tests
	$(BIN)/lint-imports

bench: setup ## time the loop and the suite against the naive way; writes benchmarks/results/
	$(BIN)/python benchmarks/loop.py --runs 3; loop=$$?; \
	$(BIN)/python benchmarks/render_suite.py --runs 3 && exit $$loop

check: setup ## validate the shipped data set (exit 2 on bad data)
	$(BIN)/sitrep check data

setup: $(STAMP) system ## the virtual environment and the Debian packages for PDF

$(STAMP): pyproject.toml
	scripts/setup-python "$(PYTHON)" "$(VENV)"
	@touch $@

system: ## Debian packages for PDF and browser tests (chromium, fonts, poppler), when missing
	@scripts/setup-system "$(VENV)"

clean: ## remove the virtual environment and rendered reports
	rm -rf $(VENV) build reports/*/ reports/index.html
