# Set up, run and test the dashboard. Needs only Python 3.11+ (and apt for the browser tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint build bench clean browser-deps audit lock

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)  ## build the database if missing and serve at http://127.0.0.1:8050
	$(BIN)/dms-dashboard serve

build: $(STAMP)
	$(BIN)/dms-dashboard build

browser-deps:  ## Debian's chromium and chromium-driver, for the browser tests
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then \
		echo "installing chromium and chromium-driver"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi

test: $(STAMP) browser-deps  ## the whole suite: lint, unit, callbacks, browser, audit
	$(BIN)/ruff check dashboard tests tools
	$(BIN)/python -m pytest -q -n 2 --dist loadfile --durations=25
	$(MAKE) audit

# Known vulnerabilities in the locked dependencies, from PyPI's advisory data (needs access
# to PyPI). Fails on a known vulnerability and when nothing could be audited, and says so;
# every package that could not be audited is named (AUDIT_STRICT=1: that fails too).
# Without any access to PyPI it fails; AUDIT_ALLOW_OFFLINE=1 makes that a loud skip.
audit: $(STAMP)  ## known vulnerabilities in requirements.lock (see README, "Dependency audit")
	$(BIN)/python tools/audit_dependencies.py requirements.lock

lock: $(STAMP)  ## rewrite requirements.lock from the installed environment
	{ echo "# Locked versions of every dependency (runtime and test) of dms-dashboard."; \
	  echo "# Regenerate with \`make lock\` after changing pyproject.toml; audited by \`make audit\`."; \
	  $(BIN)/pip freeze --exclude-editable | grep -v '^-e '; } > requirements.lock

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not browser"

lint: $(STAMP)
	$(BIN)/ruff format --check dashboard tests tools
	$(BIN)/ruff check dashboard tests tools
	$(BIN)/lint-imports  # the layer contracts of pyproject.toml (also tests/unit/test_layers.py)

bench: $(STAMP)
	$(BIN)/dms-dashboard bench --scale default --out artifacts/bench-default.json

clean:
	rm -rf $(VENV) var artifacts .pytest_cache
