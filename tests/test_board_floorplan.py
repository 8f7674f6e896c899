"""The board floorplan (hdl.boards.floorplan): the page banks' block RAM sites."""

import json
import os

import pytest

from hdl.boards import floorplan
from hdl.book.layouts import BOARD_PARAMS


def _bank_cells(prefix, slices, banks=(0, 1)):
    return {f"{prefix}bank{b}.0.{k}": "DP16KD" for b in banks for k in range(slices)}


def test_block_ram_sites_follow_the_parts_columns():
    sites = floorplan.ebr_sites(46, 40)
    assert sites[:5] == ["X40/Y46/EBR0", "X42/Y46/EBR1", "X44/Y46/EBR2", "X46/Y46/EBR3",
                         "X49/Y46/EBR0"]
    assert len(sites) == 9 * 4 and sites[-1] == "X120/Y46/EBR3"
    with pytest.raises(ValueError, match="no block RAM on row 47"):
        floorplan.ebr_sites(47)
    with pytest.raises(ValueError, match="column 41 has no block RAM site"):
        floorplan.ebr_sites(46, 41)


def test_board_banks_are_23_slices_of_a_400_bit_page():
    # 5 levels of 80 bits (price 32, shares 32, orders 16) in 18-bit ports.
    assert floorplan.bank_slices(BOARD_PARAMS) == 23


def test_each_banks_slices_sit_in_bit_order_one_bank_above_the_other():
    prefix = "card.builder.levels.pages."
    cells = {**_bank_cells(prefix, 23), "card.builder.orders.mem.0.0": "DP16KD",
             f"{prefix}s3_x": "TRELLIS_FF"}
    plan = floorplan.page_bank_sites(cells, prefix, 23)
    assert len(plan) == 46 and "card.builder.orders.mem.0.0" not in plan
    row0, row1 = floorplan.BANK_ROWS
    # Every other site from column 4, the group at columns 31 to 37 skipped.
    assert plan[f"{prefix}bank0.0.0"] == f"X4/Y{row0}/EBR0"
    assert plan[f"{prefix}bank1.0.0"] == f"X4/Y{row1}/EBR0"
    assert plan[f"{prefix}bank0.0.1"] == f"X8/Y{row0}/EBR2"
    assert plan[f"{prefix}bank0.0.6"] == f"X40/Y{row0}/EBR0"
    assert plan[f"{prefix}bank1.0.22"] == f"X114/Y{row1}/EBR0"
    for k in range(23):       # slice k of both banks in the same column
        a, b = plan[f"{prefix}bank0.0.{k}"], plan[f"{prefix}bank1.0.{k}"]
        assert a.split("/")[0] == b.split("/")[0] and a.split("/")[2] == b.split("/")[2]
    assert len(set(plan.values())) == 46


def test_a_netlist_named_otherwise_is_refused_not_half_floorplanned():
    prefix = "p."
    missing = _bank_cells(prefix, 23)
    del missing["p.bank1.0.7"]
    with pytest.raises(ValueError, match=r"page bank 1 .* expected 0 to 22"):
        floorplan.page_bank_sites(missing, prefix, 23)
    with pytest.raises(ValueError, match="not named as a page bank's slice"):
        floorplan.page_bank_sites({**_bank_cells(prefix, 23), "p.bank0.1.0": "DP16KD"},
                                  prefix, 23)
    with pytest.raises(ValueError, match=r"page bank 0 .* slices \[\]"):
        floorplan.page_bank_sites({}, prefix, 23)
    with pytest.raises(ValueError, match="do not fit"):     # 48 sites a row, every other
        floorplan.page_bank_sites(_bank_cells(prefix, 25), prefix, 25)


def test_apply_pins_the_banks_and_keeps_an_unchanged_outputs_timestamp(tmp_path):
    cells = {name: {"type": kind, "attributes": {}, "connections": {}}
             for name, kind in {**_bank_cells("x.", 2), "x.lut": "LUT4"}.items()}
    netlist = tmp_path / "in.json"
    netlist.write_text(json.dumps({"modules": {"top": {"cells": cells}}}))
    out = tmp_path / "out.json"
    assert floorplan.apply(netlist, out, "top", "x.", 2) == 4
    written = json.loads(out.read_text())["modules"]["top"]["cells"]
    assert written["x.bank1.0.1"]["attributes"]["BEL"] == f"X8/Y{floorplan.BANK_ROWS[1]}/EBR2"
    assert "BEL" not in written["x.lut"]["attributes"]
    before = out.stat().st_mtime_ns
    os.utime(out, ns=(before - 10**9, before - 10**9))
    floorplan.apply(netlist, out, "top", "x.", 2)
    assert out.stat().st_mtime_ns == before - 10**9
    with pytest.raises(ValueError, match="no module 'card'"):
        floorplan.apply(netlist, out, "card", "x.", 2)


def test_the_flow_stops_in_one_line_on_a_netlist_it_cannot_floorplan(tmp_path, monkeypatch):
    from hdl.boards import build

    monkeypatch.setattr(build, "ROOT", tmp_path)
    monkeypatch.setattr(build, "elaborate", lambda board, out, mhz: None)
    # Everything up to date but the floorplanned netlist, which is missing.
    monkeypatch.setattr(build, "_fresh",
                        lambda output, *inputs: output.name != build.FLOORPLANNED)
    out = tmp_path / "build" / "ecpix5"
    out.mkdir(parents=True)
    (out / f"{build.NAME}.json").write_text(json.dumps({"modules": {build.NAME: {"cells": {
        "card.builder.levels.pages.bank0.0.0": {"type": "DP16KD", "attributes": {}}}}}}))
    with pytest.raises(SystemExit, match=r"^floorplan: page bank 0 .* expected 0 to 22"):
        build.main(["ecpix5", "--place-only"])
