# Jingmin — the README's two commands: `make run` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
PYTEST_ARGS ?=

.PHONY: run test lint format bench install install-dev browser messages clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run the product on the embedded SQLite database with the Tainan demo, at http://127.0.0.1:8000
run: install
	$(BIN)/jingmin serve --demo

## Debian's Chromium (and CJK fonts) for the browser tests, when missing
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		echo "installing Debian chromium and fonts-noto-cjk"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

## the whole test suite (DATABASE_URL=postgresql://... to run it on PostgreSQL)
test: install-dev browser
	$(BIN)/python -m pytest -q -p no:randomly --create-db $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-dev
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

## regenerate translations (needs gettext and polib)
messages: install-dev
	cd jingmin && ../$(BIN)/python -m django makemessages -l zh_Hant --settings=jingmin.settings
	$(BIN)/python tools/fill_zh.py

clean:
	rm -rf $(VENV) var build *.egg-info
