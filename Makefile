# The README's two commands:
#   make lab    install everything into .venv and open the course in JupyterLab
#   make test   install (if needed) and run the whole test suite (unit tests + every notebook)
#   make course / make figures: the rendered course and its reference figures (docs/build_course.py)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: lab test install benchmarks course figures clean-venv

# --allow-root only where you are root (a container): Jupyter refuses root otherwise.
lab: install
	$(BIN)/jupyter lab notebooks/ $$([ "$$(id -u)" = 0 ] && echo --allow-root)

# Notebooks save checkpoints under $GANLAB_RUNS_DIR; the tests use a fresh folder each time,
# so a leftover run is never resumed instead of trained. The notebooks run once: their executed
# copies (in $GANLAB_EXECUTED_DIR) make the rendered course that tests/test_course_build.py checks,
# which therefore runs second. The rest runs in TEST_WORKERS processes (pytest-xdist), each file in one
# of them, so a notebook's cells run in order in one kernel. TEST_WORKERS=0: one process.
TEST_WORKERS ?= 2
test: install
	export GANLAB_PROFILE=$${GANLAB_PROFILE:-quick} GANLAB_RUNS_DIR=$${GANLAB_RUNS_DIR:-$$(mktemp -d)} \
		GANLAB_EXECUTED_DIR=$${GANLAB_EXECUTED_DIR:-$$(mktemp -d)}; \
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --ignore=tests/test_course_build.py \
		&& $(BIN)/python -m pytest tests/test_course_build.py

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
	$(BIN)/python benchmarks/gpu_profile_on_cpu.py
	$(BIN)/python benchmarks/binder_sim.py
	$(BIN)/python benchmarks/metric_timings.py

# The rendered copy of the course (every notebook executed, cpu profile) in docs/_build/course/;
# `make figures` also redraws the reference figures in docs/figures/ (commit them).
course: install
	$(BIN)/python docs/build_course.py --profile cpu --out docs/_build/course

figures: install
	$(BIN)/python docs/build_course.py --profile cpu --out docs/_build/course --figures

clean-venv:
	rm -rf $(VENV)
