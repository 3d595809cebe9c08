# Two commands do all the set-up on a fresh machine (Python 3.11 + make):
#   make report   create .venv, install, run the weekly job on data/sample/
#   make test     create .venv, install, run the whole test suite
#   make lint     ruff and mypy (strict) on the package, as CI runs them
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: report test lint bench sample lab clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,lint]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/relance weekly --data data/sample --out reports

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

lint: $(STAMP)
	$(BIN)/ruff check relance_analytics tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m benchmarks

sample: $(STAMP)
	$(BIN)/relance sample --out data/sample

lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[lab,test]"
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf $(VENV) reports .relance
