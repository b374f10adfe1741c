# autograd-lab: two commands do all the set-up.
#   make lab    install (once), then open the course in JupyterLab
#   make check  ruff + the unit tests that take no notebook, browser or handout (under a minute)
#   make test   install (once), then ruff + pytest (every test, and strict nbval)
#   make test-next  the same notebooks and unit tests on the next PyTorch release
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON_BOOT ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NB ?= notebooks
PORT ?= 8888
# make grade SUBMISSIONS=folder grades collected exercises notebooks (GRADE_ARGS: --jobs N, --lang en...)
SUBMISSIONS ?=
GRADE_ARGS ?=
# make lab EDITION=instructor serves the solutions too; make lab RESET=notebooks/zh/x.ipynb
# gives one notebook of the working copy back its course version (keeping a backup).
EDITION ?= student
RESET ?=
# make lab UI=zh opens JupyterLab in Chinese (UI=en in English); without it the last choice stays.
UI ?=
# make install TORCH_INDEX=https://download.pytorch.org/whl/cpu installs torch from that
# index first (a CPU build such as 2.13.0+cpu satisfies the lock's torch==2.13.0).
TORCH_INDEX ?=
TORCH_VERSION := $(shell sed -n 's/^torch==//p' requirements.lock)
LINTED := autograd_lab tests tools benchmarks notebooks deploy
# The markers of what takes minutes (pyproject.toml; applied in tests/conftest.py).
QUICK := not notebooks and not browser and not handout and not slow

# The next PyTorch release: stored outputs are those of the pinned one, so both must print the
# same. Its environment is the lock with only torch changed (pip installs it from local disk).
NEXT_TORCH ?= 2.14.1
NEXT_VENV := .venv-next
NEXT_STAMP := $(NEXT_VENV)/.installed
# Tests that exercise no PyTorch behaviour (a browser, the handout, the lab server) run once, in
# make test; the reproducibility matrix compares thread configurations, not releases.
NEXT_SKIP := tests/test_browser.py tests/test_browser_explorers.py tests/test_handout.py \
  tests/test_lab.py tests/test_reproducibility.py tests/test_hub.py tests/test_deploy.py

.PHONY: help install system lab check test test-next lint outputs lock figures baselines student handout release grade

help:
	@echo "make lab      open the course in JupyterLab (installs on first run; make lab UI=zh for a Chinese interface)"
	@echo "              EDITION=instructor with the solutions; RESET=notebooks/zh/NN_x.ipynb resets one notebook"
	@echo "make install  build .venv (TORCH_INDEX=URL: torch from a CPU-wheel index first)"
	@echo "make check    ruff + the quick unit tests (no notebooks, browser, handout or slow test): < 1 min"
	@echo "make test     ruff + every test + one strict nbval pass over every notebook, on two workers"
	@echo "make test-next  strict nbval + unit tests on torch==$(NEXT_TORCH) in $(NEXT_VENV) (built once)"
	@echo "make outputs  re-execute notebooks in place (NB=path/to/one.ipynb for one)"
	@echo "make figures  redraw the lecture figures into assets/<lang>/, every language"
	@echo "make baselines  re-render the image-test baselines (after an intended plot change)"
	@echo "make student  regenerate the student edition of the exercises from the solutions"
	@echo "make handout  build the classroom handout (HTML + PDF, student and instructor)"
	@echo "make release  the student release (no solutions) into build/release/ and onto branch student"
	@echo "make grade SUBMISSIONS=folder  grade collected exercises notebooks: grades.csv + report.html"
	@echo "make lock     re-resolve requirements.lock from pyproject.toml"

# The stamp records what was installed; it is rebuilt only when the lock or pyproject changes,
# so a second run installs nothing.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || { echo "creating $(VENV)"; $(PYTHON_BOOT) -m venv $(VENV); }
	@$(if $(TORCH_INDEX),echo "installing torch==$(TORCH_VERSION) from $(TORCH_INDEX)" && \
	  $(PY) -m pip install --quiet --disable-pip-version-check --no-deps \
	  --index-url $(TORCH_INDEX) torch==$(TORCH_VERSION),true)
	@echo "installing exact versions from requirements.lock"
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

install: $(STAMP) system
	@echo "python environment: up to date ($(VENV), $$($(PY) -c 'import torch; print("torch", torch.__version__)'))"

system:
	@bash tools/install_system_packages.sh
	@bash tools/install_node_packages.sh

lab: install
	@$(PY) -m tools.lab --port $(PORT) --edition $(EDITION) $(if $(UI),--ui $(UI),) \
	  $(if $(RESET),--reset $(RESET),)

lint: install
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)

check: lint
	$(VENV)/bin/pytest tests -q -n 2 -m "$(QUICK)"

# One session on two pytest-xdist workers: every test, and one strict nbval pass over every
# notebook (--dist loadscope keeps a module, or a notebook's cells and kernel, on one worker).
# The reproducibility run (another configuration) goes on in the background meanwhile.
test: lint
	$(VENV)/bin/pytest -n 2 --dist loadscope tests --nbval --nbval-current-env notebooks

$(NEXT_STAMP): requirements.lock pyproject.toml
	@test -x $(NEXT_VENV)/bin/python || { echo "creating $(NEXT_VENV)"; $(PYTHON_BOOT) -m venv $(NEXT_VENV); }
	@echo "installing requirements.lock with torch==$(NEXT_TORCH) (a large build; the first time takes minutes)"
	@sed 's/^torch==.*/torch==$(NEXT_TORCH)/' requirements.lock > $(NEXT_VENV)/requirements-next.txt
	@$(NEXT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
	  -r $(NEXT_VENV)/requirements-next.txt
	@$(NEXT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps \
	  --no-build-isolation -e .
	@touch $(NEXT_STAMP)

test-next: $(NEXT_STAMP) system
	@echo "strict nbval and unit tests on $$($(NEXT_VENV)/bin/python -c 'import torch; print("torch", torch.__version__)')"
	$(NEXT_VENV)/bin/pytest tests --nbval --nbval-current-env notebooks -p no:cacheprovider \
	  $(foreach t,$(NEXT_SKIP),--ignore=$(t))

outputs: install
	$(PY) -m tools.execute_notebooks $(NB)

lock: $(STAMP)
	$(PY) -m tools.lock

figures: install
	$(PY) -m autograd_lab.figures

baselines: install
	$(PY) -m tools.update_baselines

student: install
	$(PY) -m tools.student_edition

handout: install
	$(PY) -m tools.handout

release: install
	$(PY) -m tools.release

grade: install
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder [GRADE_ARGS='--jobs 2 --lang en']"; exit 2; }
	$(PY) -m tools.grade $(SUBMISSIONS) $(GRADE_ARGS)
