# mvkp: the two commands for a fresh machine are `make demo` and `make test` (see README.md).
PYTHON ?= python3
PIP    ?= $(PYTHON) -m pip
DATA   ?= data/synthetic
RUN    ?= runs/demo

.PHONY: install demo test test-slow bench sync readme clean-nbs

# torch first, pinned to the local CPU wheel: an unpinned torch would pull GBs of CUDA wheels.
# The package itself only requires torch>=2.0, so GPU users keep their own build.
install:
	$(PYTHON) -c "import torch" 2>/dev/null || $(PIP) install -q torch==2.13.0
	$(PIP) install -q -e ".[dev]"

# Main job: synthetic dataset -> train (demo preset) -> probe evaluation -> report: about 40 min on 2 CPU cores from a fresh clone (timed 2026-12-01: dataset 1.4, training 35.8, evaluation 4.5 min; the evaluation now takes 2.2 min, bench/bench_eval.py).
# Re-running `make demo` after an interruption resumes training from $(RUN)/last.pt.
demo: install
	$(PYTHON) -m mvkp.synthetic --out $(DATA)
	$(PYTHON) -m mvkp.train --preset demo --data $(DATA) --out $(RUN) $(if $(wildcard $(RUN)/last.pt),--resume,)
	$(PYTHON) -m mvkp.evaluate $(RUN)
	@echo "report: $(RUN)/report.md"

# Tests: every notebook under nbdev_test (fast cells only), then pytest.
# One BLAS/OpenMP thread per process: 2 workers x 2 threads on a 2-core machine made torch
# runs 5-100x slower under contention.
test: install
	OMP_NUM_THREADS=1 nbdev_test --n_workers 2 --timing
	OMP_NUM_THREADS=1 $(PYTHON) -m pytest -q tests

test-slow: install
	nbdev_test --flags slow --n_workers 1 --timing
	$(PYTHON) -m pytest -q tests --runslow

bench: install
	for f in bench/bench_*.py; do $(PYTHON) $$f || exit 1; done

# Developer helpers: export notebooks, clean them, regenerate README.md.
sync:
	nbdev_export
	nbdev_clean
	$(PYTHON) tools/make_readme.py
