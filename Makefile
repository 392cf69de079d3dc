# insyn — every target creates the virtualenv it needs; nothing has to be activated first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup run test lint format bench bench-web messages clean

setup: $(STAMP) messages

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Compiles locale/*/LC_MESSAGES/*.po with Babel, so no system gettext is needed.
messages: $(STAMP)
	@$(BIN)/python scripts/compilemessages.py

# Serves without Django's debug pages; `make run DEBUG=1` turns them on for a developer.
run: setup
	$(if $(filter 1 yes true on,$(DEBUG)),INSYN_DEBUG=1 )$(BIN)/insyn run

test: setup
	@scripts/test.sh

lint: setup
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy

format: setup
	$(BIN)/ruff check --fix src tests bench scripts
	$(BIN)/ruff format src tests bench scripts

# `make bench INSYN_BENCH_SCALE=10`: the national scale (10M occasions); see docs/performance.md
bench: setup
	$(BIN)/python bench/run.py

# Load on the served pages at 1, 10 and 50 users (bench/web.py; INSYN_BENCHWEB_* to change).
bench-web: setup
	$(BIN)/python bench/web.py

clean:
	rm -rf $(VENV) var/static node_modules .pytest_cache .mypy_cache .ruff_cache
