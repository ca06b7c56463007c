# Two commands on a fresh machine: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SHARED ?= ../shared

.PHONY: run install dev sysdeps test e2e dist bench eval fuzz lint clean

$(VENV)/.installed: pyproject.toml $(wildcard adr/data/*_top.txt adr/data/*_known.txt.gz)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	@# compat editable mode: a plain path in a .pth file. The default (an import-hook finder)
	@# costs ~20 ms of imports at every interpreter start, i.e. on every agent action. setuptools
	@# calls compat transitional; if it is ever gone, the default mode still works (slower).
	$(BIN)/pip install -q -e . --config-settings editable_mode=compat || $(BIN)/pip install -q -e .
	@# bytecode up front: every agent action starts adr-hook, and PYTHONDONTWRITEBYTECODE
	@# (set on many machines) would otherwise make each start recompile adr from source
	$(BIN)/python -m compileall -q adr
	@# the typosquat index the installation carries (a wheel has it from setup.py): the daemon's first
	@# start opens it instead of building one per user
	$(BIN)/python -m adr.supply.typoindex --install
	touch $@

$(VENV)/.dev: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[dev]' --config-settings editable_mode=compat || $(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

dev: $(VENV)/.dev

## run: create .venv, install adr, start the daemon in the foreground
run: install
	$(BIN)/adr daemon

## sysdeps: system packages the tests talk to for real (a D-Bus session bus)
sysdeps:
	@bash packaging/sysdeps.sh

## test: the whole suite (pytest's "no tests collected" fails the target). Tests wait on real daemons,
## sockets and child processes as well as compute: three workers (pytest-xdist) keep both cores of a
## 2-core machine busy (9:11 against ~9:50 with two, measured); --dist loadfile keeps each file's tests,
## and its module-scoped daemons, in one worker and in order. TEST_WORKERS=0 runs everything in this process;
## PYTEST_ARGS adds pytest options (`make test PYTEST_ARGS=--durations=30`).
TEST_WORKERS ?= 3
PYTEST_ARGS ?=
test: dev sysdeps
	$(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

## e2e: real agent CLIs from npm, driven offline by a fake model server on 127.0.0.1
# whole product flows marked e2e outside tests/e2e (setup and undo of every host, daemon restarts, replay,
# the monitors' suspend flows, plugin after-hooks, the config guard's question — README "End-to-end tests"):
# slow for make test's 10-minute budget, run here beside the real agents; and two halves whose in-process fallback
# costs a whole rules load per hook call (self-defense spellings, cross-call runs; make test keeps a sample)
E2E_FLOWS = tests/test_setup.py tests/test_export_daemon.py tests/test_alerts_cli.py tests/test_replay.py \
	tests/test_monitor_network.py tests/test_monitor_process.py tests/test_js_after_hooks.py tests/test_config_guard.py \
	tests/test_native.py tests/test_daemon_online.py tests/test_monitor_desktop.py tests/test_human_gate_desktop.py \
	tests/test_selfdefense_paths.py tests/test_selfdefense_paths_xdg.py tests/test_crosscall_hook.py
e2e: dev sysdeps
	@bash packaging/e2e-deps.sh
	$(BIN)/python -m pytest -q -p no:cacheprovider -m e2e tests/e2e $(E2E_FLOWS)

## dist: sdist + pure wheel (built from the sdist) + platform wheel with the native client, in dist/;
## then each is installed into a fresh venv outside the checkout and smoke-tested there (tests/test_dist.py).
## pytest's exit code 5 (no tests collected) fails the target like any other failure.
DIST ?= dist
dist: dev sysdeps
	rm -rf $(DIST) build
	$(BIN)/python -m build --outdir $(DIST) .
	rm -rf build
	ADR_PLATFORM_WHEEL=1 $(BIN)/python -m build --wheel --outdir $(DIST) .
	ADR_DIST=$(abspath $(DIST)) $(BIN)/python -m pytest -q -p no:cacheprovider -m dist tests/test_dist.py

bench: dev
	$(BIN)/python bench/run.py

# the shell reader against bash on random token soup (adr/shell/bashdiff.py); SEEDS=1-8 COUNT=3000
fuzz: install
	$(BIN)/python bench/shell_diff.py --seeds $(or $(SEEDS),1-8) --count $(or $(COUNT),3000)

eval: install
	$(PYTHON) $(SHARED)/score.py $(SHARED)/corpus/*.jsonl --batch '$(BIN)/adr check --batch --offline' --show-misses 15

clean:
	rm -rf $(VENV) build dist *.egg-info
