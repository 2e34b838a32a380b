# The course's two commands, and a few for contributors.
#   make lab    install the learner's environment into .venv (first time) and open JupyterLab on
#               lesson 00; nothing from the instructor, test, hub, e2e or site extras
#   make test   add every extra to .venv (first time) and run every test: pytest + nbval over
#               lessons/ + browser tests (tests/e2e/, marker e2e; they skip when Chromium is missing)
#   make site   build the static website offline into site/_build/html

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# One stamp per environment: the learner's (make lab) and the contributor's on top of it (make
# test, site, lint, bench). Each is redone when pyproject.toml changes. The learner's packages are
# not byte-compiled at install (--no-compile): Python compiles the few modules a lesson uses the
# first time it imports them, so the install is smaller (about 110 MB) and twice as fast.
STAMP := $(VENV)/.installed-learner
DEV_STAMP := $(VENV)/.installed-dev
EXTRAS := instructor,test,hub,e2e,site
PYTEST_ARGS ?=
TEST_WORKERS ?= 2

.PHONY: lab test test-quick lint bench clean site

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-compile -e .
	@touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	@touch $(DEV_STAMP)

lab: $(STAMP)
	$(BIN)/mscpso-edu lab

# Tests never write to the user's home: progress, Jupyter and IPython folders live in a temporary
# folder that is removed afterwards; the results cache (MSCPSO_EDU_CACHE) is shared by the whole
# run, so a figure computed by one lesson's nbval run is read by the browser and site runs.
# Unit tests and lessons run on two workers (pytest-xdist; a notebook's cells stay together in one
# kernel with --dist loadscope); the browser and hub tests then run one at a time, as they start
# servers of their own. Both parts always run; the target fails if either does.
test: $(DEV_STAMP)
	@scripts/install-test-tools $(VENV)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	export PATH="$(CURDIR)/$(VENV)/node/node_modules/.bin:$$PATH" MPLBACKEND=Agg MSCPSO_EDU_HOME="$$tmp/home" MSCPSO_EDU_CACHE="$$tmp/cache" \
	       MSCPSO_EDU_EXECUTED="$$tmp/executed" \
	       JUPYTER_CONFIG_DIR="$$tmp/jupyter/config" JUPYTER_DATA_DIR="$$tmp/jupyter/data" \
	       JUPYTER_RUNTIME_DIR="$$tmp/jupyter/runtime" IPYTHONDIR="$$tmp/ipython" \
	       JUPYTER_PLATFORM_DIRS=1 PYDEVD_DISABLE_FILE_VALIDATION=1 && \
	$(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_ARGS) -m "not e2e and not hub" \
	    -n $(TEST_WORKERS) --dist loadscope tests lessons \
	    --nbval-lax --nbval-current-env --nbval-cell-timeout=600; first=$$?; \
	$(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_ARGS) -m "e2e or hub" tests; second=$$?; \
	test $$first -eq 0 && test $$second -eq 0

# Unit tests only (no notebooks, no browser): a quick loop while editing.
test-quick: $(DEV_STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	MPLBACKEND=Agg MSCPSO_EDU_HOME="$$tmp/home" MSCPSO_EDU_CACHE="$$tmp/cache" IPYTHONDIR="$$tmp/ipython" \
	$(BIN)/python -m pytest -p no:cacheprovider -m "not e2e and not hub and not slow" \
	    -n $(TEST_WORKERS) --dist loadscope $(PYTEST_ARGS) tests

# The course as a static website, built offline with Jupyter Book 1 (every lesson executed) into
# site/_build/html. Progress and Jupyter state go to a temporary folder, as for the tests.
site: $(DEV_STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	export MPLBACKEND=Agg MSCPSO_EDU_HOME="$$tmp/home" MSCPSO_EDU_CACHE="$$tmp/cache" \
	       MSCPSO_EDU_EXECUTED="$$tmp/executed" \
	       JUPYTER_CONFIG_DIR="$$tmp/jupyter/config" JUPYTER_DATA_DIR="$$tmp/jupyter/data" \
	       JUPYTER_RUNTIME_DIR="$$tmp/jupyter/runtime" IPYTHONDIR="$$tmp/ipython" \
	       JUPYTER_PLATFORM_DIRS=1 PYDEVD_DISABLE_FILE_VALIDATION=1 && \
	$(BIN)/jupyter-book build . --config site/_config.yml --toc site/_toc.yml --path-output site
	@echo "Site: site/_build/html/index.html"

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(DEV_STAMP)
	@for script in benchmarks/bench_*.py; do echo "== $$script"; MPLBACKEND=Agg $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) build dist *.egg-info
