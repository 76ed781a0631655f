# Two commands matter: `make run` and `make test`. Both build .venv from pyproject.toml + uv.lock.
PYTHON ?= python3
VENV := .venv
UV := .tools/bin/uv
BIN := $(VENV)/bin
# promtool and prometheus for the dashboard and alert-rule tests: Debian's `prometheus` package,
# downloaded (no root, no daemon) and unpacked into .tools/prometheus on first `make test`.
PROMETHEUS_DIR := .tools/prometheus
PROMTOOL := $(PROMETHEUS_DIR)/usr/bin/promtool
# Headless Chromium for the report's screenshot test: Debian's `chromium` package (needs root).
# Where apt-get cannot install it, the test skips and says why; nothing else depends on it.
CHROMIUM := /usr/bin/chromium
export DAGSTER_HOME := $(CURDIR)/dagster_home

.PHONY: run run-all native test fuzz lint ui bench clean deploy-data
# A representative slice of the library, one scenario per failure family, replayed in about a
# minute; `make run-all` replays every library scenario (matrix sweeps expanded).
SCENARIOS ?= market_crash usdt_depeg settlement_failure price_divergence strategy_malfunction crisis_terra_luna

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv>=0.5"

$(PROMTOOL):
	rm -rf $(PROMETHEUS_DIR) && mkdir -p $(PROMETHEUS_DIR)/deb
	cd $(PROMETHEUS_DIR)/deb && apt-get download prometheus
	dpkg-deb -x $(PROMETHEUS_DIR)/deb/prometheus_*.deb $(PROMETHEUS_DIR)
	$(PROMTOOL) --version >/dev/null

$(CHROMIUM):
	apt-get install -y --no-install-recommends chromium fonts-liberation \
	  || (apt-get update && apt-get install -y --no-install-recommends chromium fonts-liberation) \
	  || echo "chromium not installed: tests/integration/test_report_browser.py will skip"

# Bytecode compiled at install, on every core at once: otherwise the first processes to import
# Dagster, great_expectations and pandas each compile them, a minute or more of a fresh clone's
# first `make test` or `make run`.
$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet --compile-bytecode
	touch $@

# The co-simulation's hot modules compiled by mypyc (simulators/compiled), rebuilt when a source
# they were compiled against changes; about 30 s. Without a C compiler the build only warns and
# the simulators run interpreted: the same tables, slower.
NATIVE := .build/compiled/manifest.json
$(NATIVE): $(VENV)/.synced $(shell find simulators scenarios -name '*.py')
	RISKPROOF_INTERPRETED=1 $(BIN)/python -m simulators.compiled.build --optional

native: $(NATIVE)

run: $(NATIVE)
	$(BIN)/riskproof run $(SCENARIOS)

run-all: $(NATIVE)
	$(BIN)/riskproof run

lint: $(VENV)/.synced
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint $(NATIVE) $(PROMTOOL) $(CHROMIUM)
	$(PROMTOOL) check rules dashboards/alerts/riskproof.rules.yml
	$(PROMTOOL) test rules dashboards/alerts/riskproof.rules.test.yml
	$(BIN)/pytest -n 2 --dist loadfile

# tests/reliability at length: fresh hypothesis draws (the `fuzz` profile, 25x the examples of
# `make test`) and 15 SIGKILLs instead of 3. Not part of `make test` or CI.
fuzz: $(VENV)/.synced
	RISKPROOF_FUZZ=1 $(BIN)/pytest tests/reliability

# The lake's runs as Prometheus blocks in data/exports/tsdb, what deploy/compose.yaml mounts.
deploy-data: $(VENV)/.synced $(PROMTOOL)
	$(BIN)/riskproof --data-dir $(CURDIR)/data export metrics --all --tsdb

ui: $(NATIVE)
	$(BIN)/riskproof scenarios register
	$(BIN)/dagster dev -m pipelines.definitions

bench: $(NATIVE)
	$(BIN)/python -m benchmarks

clean:
	rm -rf data/lake data/exports data/scenarios data/warehouse.duckdb dagster_home/storage
