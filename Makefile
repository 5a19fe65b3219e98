# The README's two commands:
#   make lab    install everything into .venv and open the course in JupyterLab
#   make test   install (if needed) and run the whole test suite (unit tests + every notebook)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: lab test install benchmarks clean-venv

# --allow-root only where you are root (a container): Jupyter refuses root otherwise.
lab: install
	$(BIN)/jupyter lab notebooks/ $$([ "$$(id -u)" = 0 ] && echo --allow-root)

# Notebooks save checkpoints under $GANLAB_RUNS_DIR; the tests use a fresh folder each time,
# so a leftover run is never resumed instead of trained.
test: install
	GANLAB_PROFILE=$${GANLAB_PROFILE:-quick} GANLAB_RUNS_DIR=$${GANLAB_RUNS_DIR:-$$(mktemp -d)} \
		$(BIN)/python -m pytest

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

benchmarks: install
	$(BIN)/python benchmarks/notebook_runs.py
	$(BIN)/python benchmarks/dense_mnist_quality.py
	$(BIN)/python benchmarks/dcgan_throughput.py
	$(BIN)/python benchmarks/resume_cycles.py

clean-venv:
	rm -rf $(VENV)
