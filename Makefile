# Two commands on a fresh machine with Python 3.11+ and make: `make demo`, `make test`.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint run migrate bench clean messages fonts

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed"; exit 1; }
	@echo "First run: creating $(VENV) with $(PYTHON) and installing (a minute or two)..."
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -qq --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install -qq --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP) fonts
	@$(BIN)/python -m bot demo

test: $(STAMP) fonts
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

run: $(STAMP) fonts
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

# Badge cards draw Chinese, Japanese and Korean names with Debian's Droid Sans Fallback
# (DejaVu Sans, for the rest, ships in bot/fonts). Installed when missing and apt-get can
# run; elsewhere the cards still draw, with boxes for those scripts.
FONT_PACKAGES := fonts-droid-fallback
FONT_FILES := /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf
fonts:
	@for f in $(FONT_FILES); do test -f $$f || missing=1; done; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "Installing badge card fonts: $(FONT_PACKAGES)"; \
	    apt-get install -y -qq $(FONT_PACKAGES) >/dev/null 2>&1 || \
	    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq $(FONT_PACKAGES) >/dev/null; } || \
	    echo "Could not install $(FONT_PACKAGES): badge cards will lack some scripts"; \
	  else \
	    echo "Badge cards want the Debian packages $(FONT_PACKAGES) (sudo apt-get install $(FONT_PACKAGES))"; \
	  fi; \
	fi
