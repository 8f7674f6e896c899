"""The generated Vivado project of the U55C build is complete and consistent.

Vivado is not here, so the files are checked against each other and against independent
facts: the core's Amaranth signature (not a list kept by the generator), the Verilog Yosys
wrote for the core, the vendor port names of transceiver pins and PG210's MAC clocks. Each
check is also shown a broken copy and must complain (``test_*_detects_*``).
"""

from __future__ import annotations

import re

import pytest
from amaranth.hdl import Const, ValueCastable
from amaranth.lib.wiring import In
from vivado_files import (
    MAC_CLOCK_MHZ,
    check_clocks,
    check_files,
    check_ips,
    check_pins,
    driving_port,
    gt_ports,
    read_clocks,
    read_module_ports,
    read_tcl,
    read_top,
    read_xdc,
)

from hdl.boards.alveo import ETHERNET, ROOT, U55C, generate
from hdl.boards.alveo_wrapper import CORE_MODULE
from hdl.boards.verilog_netlist import field, pack
from hdl.feed.layouts import rx_beat_layout
from hdl.top import TickToTrade
from sim.verilated_harness import _never_elaborated

CARD = U55C


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    out = tmp_path_factory.mktemp("vivado")
    generate(CARD, out)
    return {"dir": out, **{p.name: p.read_text() for p in out.iterdir()}}


@pytest.fixture(scope="module")
def core():
    core = TickToTrade(CARD.book, CARD.trade)
    _never_elaborated(core)     # kept for its signature only
    return core


@pytest.fixture(scope="module")
def top(project):
    return read_top(project[f"{CARD.top}.v"])


@pytest.fixture(scope="module")
def tcl(project):
    return read_tcl(project["create_project.tcl"])


def signature_ports(core) -> dict[str, tuple[str, int]]:
    """The core's ports straight from its signature, plus the sync domain's clk and rst."""
    ports = {"clk": ("input", 1), "rst": ("input", 1)}
    for path, member, value in core.signature.flatten(core):
        value = value.as_value() if isinstance(value, ValueCastable) else value
        if not isinstance(value, Const):      # always-ready streams' constant ready
            ports["_".join(map(str, path))] = ("input" if member.flow == In else "output",
                                               len(value))
    return ports


def test_generated_files(project):
    assert {"create_project.tcl", "timing.xdc", "u55c.xdc", f"{CARD.top}.v",
            f"{CORE_MODULE}.v"} <= set(project)


def test_every_port_is_pinned(project, top):
    assert check_pins(top, read_xdc(project["u55c.xdc"])) == []
    # the transceiver pins are recognised as such, and nothing else is
    assert gt_ports(top) == {"pcie_rx_p", "pcie_rx_n", "pcie_tx_p", "pcie_tx_n",
                             "pcie_refclk_p", "pcie_refclk_n", "qsfp0_rx_p", "qsfp0_rx_n",
                             "qsfp0_tx_p", "qsfp0_tx_n", "qsfp0_refclk_p", "qsfp0_refclk_n"}


def test_pin_check_detects_missing_pin_and_iostandard(project, top):
    xdc = project["u55c.xdc"]
    no_pin = "\n".join(l for l in xdc.splitlines() if "{qsfp0_rx_n[1]}" not in l)
    assert check_pins(top, read_xdc(no_pin)) == ["qsfp0_rx_n[1]: no PACKAGE_PIN"]
    no_std = xdc.replace("IOSTANDARD LVCMOS18 PULLUP TRUE} [get_ports pcie_perst_n]",
                         "PULLUP TRUE} [get_ports pcie_perst_n]")
    assert check_pins(top, read_xdc(no_std)) == [
        "pcie_perst_n: not a transceiver pin and no IOSTANDARD"]
    twice = xdc.replace("PACKAGE_PIN BJ11", "PACKAGE_PIN BK11")
    assert len(check_pins(top, read_xdc(twice))) == 1
    stale = xdc + "set_property PACKAGE_PIN A1 [get_ports gone]\n"
    assert check_pins(top, read_xdc(stale)) == ["gone: constrained but not a port"]


def test_clocks_are_declared_on_existing_ports(project, top):
    assert check_clocks(project["timing.xdc"], top) == []
    clocks = read_clocks(project["timing.xdc"])
    # every board clock the top level takes in is declared
    assert {target for _, _, target in clocks.values()} == {
        "pcie_refclk_p", "qsfp0_refclk_p", "sysclk3_p"}


def test_clock_check_detects_unknown_port_and_group(project, top):
    broken = project["timing.xdc"].replace("[get_ports sysclk3_p]", "[get_ports sysclk_p]")
    assert check_clocks(broken, top) != []
    broken = project["timing.xdc"].replace("clocks sysclk3]", "clocks sysclk4]")
    assert check_clocks(broken, top) != []


def test_clock_periods_match_the_ip_configuration(project, top, tcl):
    clocks = {target: period for period, _, target in read_clocks(project["timing.xdc"]).values()}
    mac, pcie = tcl["ips"]["eth_10g_25g"]["config"], tcl["ips"]["xdma_pcie"]["config"]
    wiring = {i.module: i for i in top.instances}
    refclk = driving_port(top, wiring["eth_10g_25g"].conns["gt_refclk_p"])
    assert clocks[refclk] == pytest.approx(1000 / float(mac["GT_REF_CLK_FREQ"]), abs=5e-4)
    dclk = driving_port(top, wiring["eth_10g_25g"].conns["dclk"])
    assert clocks[dclk] == pytest.approx(1000 / float(mac["GT_DRP_CLK"]), abs=5e-4)
    pcie_ref = driving_port(top, wiring["xdma_pcie"].conns["sys_clk_gt"])
    assert clocks[pcie_ref] == pytest.approx(1000 / float(pcie["ref_clk_freq"].split("_")[0]))
    # the build's clock check expects what PG210 gives for the configured line rate
    assert tcl["core_period"] == [pytest.approx(1000 / MAC_CLOCK_MHZ[int(mac["LINE_RATE"])],
                                                abs=1e-3)]
    assert int(mac["LINE_RATE"]) == ETHERNET.gbps and MAC_CLOCK_MHZ[ETHERNET.gbps] == \
        ETHERNET.mac_clock_mhz


def test_core_runs_on_the_order_entry_lane(project, top):
    mac = next(i for i in top.instances if i.module == "eth_10g_25g")
    assert top.instance("core").conns["clk"] == "core_clk"
    clock = re.search(r"^assign core_clk = (\w+);", project[f"{CARD.top}.v"], re.M).group(1)
    assert mac.conns["tx_clk_out_1"] == clock               # lane 1's transmit clock ...
    assert mac.conns["gt_txp_out_1"] == "qsfp0_tx_p[1]"      # ... is the order-entry lane's
    assert all(mac.conns[f"rx_core_clk_{lane}"] == "core_clk"
               for lane in range(len(CARD.qsfp_lanes)))


def test_every_ip_is_created_and_used(top, tcl):
    assert check_ips(top, tcl, CORE_MODULE) == []
    assert set(tcl["ips"]) == {"xdma_pcie", "eth_10g_25g", "axil_cdc", "axis_cdc_512"}


def test_ip_check_detects_missing_and_unused_ips(project, top):
    text = project["create_project.tcl"]
    start = text.index("create_ip -vendor xilinx.com -library ip -name axis_clock_converter")
    dropped = text[:start] + text[text.index("check_ip_ports $ip_dir axis_cdc_512"):]
    assert "axis_cdc_512: instantiated, never created by create_ip" in check_ips(
        top, read_tcl(dropped), CORE_MODULE)
    extra = text + text[start:text.index("\n\n", start)].replace("axis_cdc_512", "spare")
    assert "spare: created, never instantiated" in check_ips(top, read_tcl(extra), CORE_MODULE)
    unchecked = text.replace(" usr_irq_ack ", " ")
    assert check_ips(top, read_tcl(unchecked), CORE_MODULE) != []


def test_every_core_port_is_connected(project, top, core):
    expected = signature_ports(core)
    inst = top.instance("core")
    assert inst.module == CORE_MODULE
    assert set(inst.conns) == set(expected)
    assert all(inst.conns[name].strip() for name in expected), "a core port is left open"
    # and the module Yosys wrote has exactly these ports, directions and widths
    assert read_module_ports(project[f"{CORE_MODULE}.v"], CORE_MODULE) == expected
    for name, (_, width) in expected.items():
        net = inst.conns[name]
        if net in top.nets:
            assert top.nets[net] == width, name


def test_core_check_detects_an_open_port(project, core):
    text = project[f"{CARD.top}.v"]
    broken = re.sub(r"\n\s*\.tx_ready\s*\(core_tx_ready_in\),?", "", text)
    expected = signature_ports(core)
    assert set(read_top(broken).instance("core").conns) != set(expected)


def test_every_added_file_exists(project, tcl):
    assert check_files(tcl, project["dir"]) == []
    assert sorted(tcl["files"]) == sorted(["tickforge_core.v", f"{CARD.top}.v", "u55c.xdc",
                                           "timing.xdc"])
    broken = read_tcl(project["create_project.tcl"].replace("timing.xdc", "timings.xdc"))
    assert check_files(broken, project["dir"]) == ["timings.xdc: added by the Tcl, not in "
                                                   f"{project['dir']}"]


def test_part_matches_the_card(project, tcl):
    declared = re.search(r"^# part: (\S+)", (ROOT / CARD.xdc).read_text(), re.M).group(1)
    assert tcl["part"] == declared == "xcu55c-fsvh2892-2L-e"
    assert tcl["project_part"]


def test_pack_and_field_follow_the_layout():
    layout = rx_beat_layout(64)      # data 64, keep 8, first, last, error (hdl/feed/layouts.py)
    assert pack(layout, {"data": "d", "keep": "k", "first": "f", "last": "l", "error": "e"}) \
        == "{e, l, f, k, d}"
    assert field("x", layout, "keep") == "x[71:64]"
    assert field("x", layout, "error") == "x[74]"
    with pytest.raises(ValueError):
        pack(layout, {"data": "d"})
