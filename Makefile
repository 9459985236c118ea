# chiso — the only commands a newcomer needs.
#   make demo   set up and print Trà Vinh's report: every index with bundled data, year by year
#   make test   set up and run every test (Rust unit, integration and doc tests; pytest incl. doctests)
#   make bench  scoring and uncertainty-analysis throughput against numpy/pandas references
#   make lint   rustfmt, clippy (every public item documented), cargo doc (warnings are errors), ruff, stubtest

SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
VENV_ABS := $(abspath $(VENV))
PY := $(VENV_ABS)/bin/python
PIP := $(PY) -m pip
PROVINCE ?= Trà Vinh

.PHONY: install build-dev demo test test-rust test-python bench lint clean

$(VENV_ABS)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV_ABS)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet "maturin>=1.16,<2" "polars>=1.2" "pytest>=8" "hypothesis>=6" "pandas>=2" "pyarrow>=14" "numpy>=1.26" \
		"mypy>=1.18" "ruff>=0.14" "fastexcel>=0.11" "xlsxwriter>=3" "matplotlib>=3.8" \
		"nbclient>=0.10" "nbformat>=5.10" "ipykernel>=6.29"
	touch $@

install: $(VENV_ABS)/.installed

# Builds the extension (release) and installs it into the venv in editable mode.
build-dev: install
	VIRTUAL_ENV=$(VENV_ABS) PATH=$(VENV_ABS)/bin:$$PATH $(VENV_ABS)/bin/maturin develop --release --quiet

demo: build-dev
	$(VENV_ABS)/bin/chiso report --province "$(PROVINCE)"

test-rust:
	cargo test --quiet

test-python: build-dev
	cd $(CURDIR) && $(PY) -m pytest -q tests/python python/chiso

test: test-rust test-python

bench: build-dev
	cargo bench --bench engine
	$(PY) benches/bench_scoring.py
	$(PY) benches/bench_indicators.py
	cargo bench --bench uncertainty
	$(PY) benches/bench_uncertainty.py
	$(PY) benches/bench_what_if.py
	$(PY) benches/bench_plan_simulation.py

# Rust style and lints; Python lints; the .pyi stubs checked against the compiled module (mypy's stubtest).
lint: build-dev
	cargo fmt --check
	cargo clippy --all-targets --features python -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
	$(VENV_ABS)/bin/ruff check python benches scripts tests/python examples
	$(VENV_ABS)/bin/ruff format --check python benches scripts tests/python examples
	$(PY) -m mypy.stubtest chiso._chiso

clean:
	rm -rf $(VENV_ABS) target
