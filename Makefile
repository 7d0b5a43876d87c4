# Two commands on a fresh machine (Linux, macOS; on Windows use the README's plain pip route):
#   make lab    a virtual environment with the series, your own copy of the lessons, JupyterLab
#               (make lab EDITION=zh: the Chinese edition, 中文版)
#   make test   a virtual environment with the test tools, then ruff and pytest (what CI runs)
# PYTHON=python3.12 make test picks the interpreter; VENV=/elsewhere puts the environment elsewhere.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LESSONS ?= lstm-lesson-notebooks
EDITION ?= en

.PHONY: lab test wheel wheel-check handouts editions clean

lab: $(VENV)/.installed-lab
	@# the Chinese edition: a CJK font wheel for matplotlib, in case the system has no CJK font
	if [ "$(EDITION)" = zh ]; then $(BIN)/python -m pip install -q -e ".[zh]"; fi
	$(BIN)/lstm-lesson lab $(LESSONS) --lang $(EDITION)

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/pytest

# the wheel and sdist in dist/ (maintainers; see CHANGELOG.md)
wheel: $(VENV)/.installed-test
	$(BIN)/pip install -q -e ".[test,release]"
	$(BIN)/python -m build --outdir dist .
	$(BIN)/twine check --strict dist/*

# build the wheel, install it into a fresh environment, serve a workspace, run one lesson
wheel-check:
	PYTHON=$(PYTHON) .ci/check-wheel

handouts: $(VENV)/.installed-test
	$(BIN)/lstm-lesson handouts

editions: $(VENV)/.installed-test
	$(BIN)/lstm-lesson student build/student
	$(BIN)/lstm-lesson teacher build/teacher

# `pip install -e .` once per change of pyproject.toml; the test extra includes the series
$(VENV)/.installed-lab: pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "Python 3.10+ needed, got " + sys.version'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "Python 3.10+ needed, got " + sys.version'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -e ".[test]"
	touch $@ $(VENV)/.installed-lab

clean:
	rm -rf $(VENV) build dist *.egg-info
