"""hdl.boards.congestion: the RUDY estimate and router2's heatmap by module, on designs small
enough to work out by hand."""

from __future__ import annotations

import json

import pytest

from hdl.boards import build, congestion


def _cell(bel, **ports):
    """A placed cell: ``ports`` maps a port name to ``(direction, [net bits])``."""
    return {"type": "TRELLIS_COMB", "attributes": {"NEXTPNR_BEL": bel},
            "port_directions": {p: d for p, (d, _) in ports.items()},
            "connections": {p: bits for p, (_, bits) in ports.items()}}


DESIGN = {"modules": {"top": {"cells": {
    # net 10: card.a drives from tile (0, 0) to (1, 0): a 2 x 1 box, 3 tiles of wire
    "card.a.x_LUT4_Z": _cell("X0/Y0/SLICEA.K0", Z=("output", [10]), A=("input", [11])),
    "card.b.y_LUT4_Z": _cell("X1/Y0/SLICEA.K0", A=("input", [10]), Z=("output", [12])),
    # net 11: card.c drives from (2, 2) to (0, 0): a 3 x 3 box, 6 tiles of wire
    "card.c.$abc$1_TRELLIS_FF": _cell("X2/Y2/SLICEA.FF0", Q=("output", [11])),
    # net 12: both ends in tile (1, 0): local routing, no demand
    "card.b.z_LUT4_Z": _cell("X1/Y0/SLICEB.K0", A=("input", [12])),
    "unplaced": {"type": "TRELLIS_COMB", "attributes": {}, "port_directions": {},
                 "connections": {}},
}}}}


def test_module_is_the_hierarchy_up_to_the_first_made_up_part():
    name = "card.builder.levels.pages.wr__data_LUT4_Z_158_C_LUT4_Z"
    assert congestion.module_of(name) == "card.builder.levels"
    assert congestion.module_of(name, depth=4) == "card.builder.levels.pages"
    assert congestion.module_of("card.risk.$158_CCU2C_S1_10") == "card.risk"
    assert congestion.module_of("card.response.orders.sent_mem.1.2_DOB0") == \
        "card.response.orders"
    assert congestion.module_of("$gbuf$eth_tx_clk") == "(top)"


def test_rudy_spreads_each_nets_half_perimeter_over_its_box():
    estimate = congestion.rudy(DESIGN)
    d = estimate.demand
    assert d.shape == (3, 3)
    # net 10: (2 + 1) / (2 * 1) = 1.5 on (0, 0) and (1, 0); net 11: (3 + 3) / 9 everywhere
    assert d[0, 0] == pytest.approx(1.5 + 6 / 9)
    assert d[1, 0] == pytest.approx(1.5 + 6 / 9)
    assert d[2, 2] == pytest.approx(6 / 9)
    assert d.sum() == pytest.approx(3 + 6)            # each net's w + h, net 12 none
    assert set(estimate.by_module) == {"card.a", "card.c"}
    assert estimate.by_module["card.a"].sum() == pytest.approx(3)
    hot = estimate.hot(percent=25)
    assert hot[0, 0] and hot[1, 0] and not hot[2, 2]
    shares = {name: (in_hot, overall) for name, in_hot, overall in estimate.shares(25)}
    assert shares["card.a"][1] == pytest.approx(3 / 9)
    assert shares["card.a"][0] == pytest.approx(3 / (3 + 2 * 6 / 9))


def test_heatmap_sums_overused_wires_by_module(tmp_path):
    heat = tmp_path / "heat_congestion_by_net_3.csv"
    heat.write_text("card.builder.levels.pages.wr__data[2],5\n"
                    "card.builder.levels.data_a[7],2\n"
                    "card.risk.$57_LUT4_Z[0],1\n")
    assert congestion.overuse_by_module(heat) == [("card.builder.levels", 7),
                                                  ("card.risk", 1)]


def test_cli_reports_a_placement_and_refuses_bad_input(tmp_path, capsys):
    placed = tmp_path / "placed.json"
    placed.write_text(json.dumps(DESIGN))
    assert congestion.main([str(placed), "--depth", "2"]) == 0
    out = capsys.readouterr().out
    assert "card.a" in out and "max 2.2" in out
    assert congestion.main([str(tmp_path / "missing.json")]) == 2
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("not,a,number\n")
    assert congestion.main(["--heatmap", str(bad)]) == 2
    assert "not a congestion-by-net heatmap row" in capsys.readouterr().err
    empty = tmp_path / "synth.json"
    empty.write_text(json.dumps({"modules": {"top": {"cells": {}}}}))
    assert congestion.main([str(empty)]) == 2
    assert "no placed cells" in capsys.readouterr().err


def test_build_refuses_a_bitstream_from_a_placement_only_run():
    with pytest.raises(SystemExit):
        build.main(["ecpix5", "--place-only", "--bitstream"])
    with pytest.raises(SystemExit):
        build.main(["ecpix5", "--heatmap", "--router", "router1"])


def test_placement_only_runs_keep_the_routed_runs_report(tmp_path, monkeypatch):
    """A placement's report and log must not overwrite the routing's, which the flow
    reports from whenever the routed config is up to date."""
    runs = []
    monkeypatch.setattr(build, "_run", lambda cmd, out, log: runs.append((cmd, log)) or 0.0)
    monkeypatch.setattr(build, "_tool", lambda name: name)   # `make test` installs no nextpnr
    build.place_and_route("ecpix5", tmp_path, seed=3, place_only=True)
    build.place_and_route("ecpix5", tmp_path, seed=3, heatmap=True)
    (placed, placed_log), (routed, routed_log) = runs
    assert placed_log == "placed.log" and routed_log == "nextpnr.log"
    assert placed[placed.index("--report") + 1] == "placed_report.json"
    assert "--no-route" in placed and "--textcfg" not in placed and "--write" in placed
    assert routed[routed.index("--report") + 1] == "nextpnr.json"
    assert "--no-route" not in routed and routed[routed.index("--router") + 1] == "router2"
    assert routed[routed.index("--router2-heatmap") + 1] == "heatmap/heat_"
    assert (tmp_path / "heatmap").is_dir()
    # Both place with the flow's placer: the one the routing figures were measured with.
    for cmd, _ in runs:
        assert cmd[cmd.index("--placer") + 1] == build.PLACER == "static"


def test_a_routed_config_is_stale_after_its_seed_placer_or_router_changes(tmp_path, monkeypatch):
    """The flow skips nextpnr when the routed config is up to date; a config routed with
    other options must not pass for this run's, nor one whose run failed."""
    monkeypatch.setattr(build, "_tool", lambda name: name)

    def nextpnr(cmd, out, log):
        (out / f"{build.NAME}.config").write_text("routed")
        return 0.0

    for name in (build.FLOORPLANNED, f"{build.NAME}.lpf"):
        (tmp_path / name).write_text("inputs")
    assert not build.routed_config_fresh(tmp_path, 1, "router2", "static")   # never routed
    monkeypatch.setattr(build, "_run", nextpnr)
    build.place_and_route("ecpix5", tmp_path, seed=1, router="router2", placer="static")
    assert build.routed_config_fresh(tmp_path, 1, "router2", "static")
    assert not build.routed_config_fresh(tmp_path, 2, "router2", "static")
    assert not build.routed_config_fresh(tmp_path, 1, "router1", "static")
    assert not build.routed_config_fresh(tmp_path, 1, "router2", "heap")
    # A placement-only run leaves the routed record alone.
    build.place_and_route("ecpix5", tmp_path, seed=5, place_only=True, placer="heap")
    assert build.routed_config_fresh(tmp_path, 1, "router2", "static")
    # A failed run records nothing: the config it may have left is not up to date.
    (tmp_path / build.ROUTED_WITH).unlink()

    def failing(cmd, out, log):
        raise SystemExit("nextpnr failed")

    monkeypatch.setattr(build, "_run", failing)
    with pytest.raises(SystemExit):
        build.place_and_route("ecpix5", tmp_path, seed=1)
    assert not build.routed_config_fresh(tmp_path, 1, "router2", "static")
    # An unreadable record is not a match either.
    (tmp_path / build.ROUTED_WITH).write_text("{not json")
    assert not build.routed_config_fresh(tmp_path, 1, "router2", "static")
