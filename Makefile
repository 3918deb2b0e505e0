# Quick start:  make eval   (set up .venv and evaluate the built-in extractors on the seed goldset)
#               make test   (run the test suite; make test-slow: the tests marked slow)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PLUGINS := plugins/regex plugins/spacy plugins/transformers plugins/llm

.PHONY: setup eval test test-slow lint bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml $(addsuffix /pyproject.toml,$(PLUGINS))
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# the CPU build of torch first: anything else would pull a multi-GB CUDA build
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[test,ray]" $(addprefix -e ,$(PLUGINS))
	touch $@

eval: setup
	HF_HUB_OFFLINE=1 $(BIN)/harness eval --config configs/seeds.yaml

test: setup
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest

# models, the CoNLL++ train split, thousands of fuzz cases: a few minutes
test-slow: setup
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -m slow

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

# every benchmark runs; the exit status says whether any target was missed
bench: setup
	status=0; for b in benchmarks/bench_*.py plugins/*/benchmarks/bench_*.py; do \
	  echo "== $$b"; HF_HUB_OFFLINE=1 $(BIN)/python $$b || status=1; done; exit $$status

clean:
	rm -rf $(VENV) .harness-cache runs
