# Two commands on a fresh machine with Python 3.11+ and make: `make demo`, `make test`.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint run migrate bench clean messages

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed"; exit 1; }
	@echo "First run: creating $(VENV) with $(PYTHON) and installing (a minute or two)..."
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -qq --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install -qq --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	@$(BIN)/python -m bot demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

run: $(STAMP)
	$(BIN)/python -m bot run

migrate: $(STAMP)
	$(BIN)/python -m bot migrate

bench: $(STAMP)
	$(BIN)/python bench/catalog.py --size 10000
	$(BIN)/python bench/catalog.py --size 100000

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# After changing user-facing text: refresh the template and every catalog, then translate
# the new empty entries in bot/locale/*/LC_MESSAGES/toolbox.po.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k t -k N_ -k Np_:1,2 --no-location --omit-header -o bot/locale/toolbox.pot .
	$(BIN)/pybabel update -i bot/locale/toolbox.pot -d bot/locale -D toolbox --no-fuzzy-matching
