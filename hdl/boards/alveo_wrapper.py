"""The Alveo top level (generated Verilog): the core between the XDMA bridge and the MAC.

Clock domains and why:

- **core clock** = ``tx_clk_out`` of the order-entry lane (156.25 MHz at 10G). The order
  frames leave on that lane's transmit interface with no crossing of ours; both receive
  interfaces are read in the same clock through the subsystem's RX FIFOs (``rx_core_clk``
  may be any clock of the MAC's frequency when the FIFO is included, PG210), so the
  tick-to-trade path has no clock crossing but the MAC's own.
- **PCIe clock** = XDMA ``axi_aclk`` (250 MHz). The register BAR and both host streams cross
  to the core clock in vendor clock converters, each an asynchronous FIFO.
- **dclk** = SYSCLK3 (100 MHz), free running: the subsystem's DRP/reset clock and the
  power-on reset that holds the MAC until the clocks run.

The core is reset while either MAC lane reports its user reset or PCIe is in reset
(asserted asynchronously, released in the core clock). Outputs of the core that only
simulation reads (book updates, rejects, ..., the order-entry frames on ``host_rx``) end on
unloaded wires: the card reports every one of them to the host through ``c2h`` (the
frames as ``HOST_RX`` records, :mod:`hdl.host_if.host_rx`).
"""

from __future__ import annotations

from amaranth.hdl import Const, ValueCastable
from amaranth.lib.wiring import In

from hdl.boards.alveo_ip import AXIL_CDC, AXIS_BYTES, AXIS_CDC, MAC, MAC_LANE_PORTS, XDMA, mhz
from hdl.boards.verilog_netlist import Netlist, field, pack

__all__ = ["CORE_MODULE", "OBSERVED", "core_ports", "wrapper_verilog"]

CORE_MODULE = "tickforge_core"
#: Core outputs the card build leaves unloaded (simulation observes them; c2h carries them).
OBSERVED = ("updates", "update_end", "gaps", "rejects", "sent", "responses", "segments",
            "host_rx")
#: MAC control inputs, per lane (PG210 "Ethernet MAC+PCS/PMA" ctl_* ports).
_MAC_CONTROL = {
    "ctl_rx_enable": "1'b1", "ctl_rx_check_preamble": "1'b1", "ctl_rx_check_sfd": "1'b1",
    "ctl_rx_force_resync": "1'b0", "ctl_rx_delete_fcs": "1'b1",   # the core takes no FCS
    "ctl_rx_ignore_fcs": "1'b0", "ctl_rx_max_packet_len": "15'd9600",
    "ctl_rx_min_packet_len": "8'd64", "ctl_rx_process_lfi": "1'b0",
    "ctl_rx_test_pattern": "1'b0", "ctl_rx_test_pattern_enable": "1'b0",
    "ctl_rx_data_pattern_select": "1'b0", "ctl_rx_custom_preamble_enable": "1'b0",
    "ctl_tx_enable": "1'b1", "ctl_tx_fcs_ins_enable": "1'b1",      # the core sends no FCS
    "ctl_tx_ignore_fcs": "1'b0", "ctl_tx_send_lfi": "1'b0", "ctl_tx_send_rfi": "1'b0",
    "ctl_tx_send_idle": "1'b0", "ctl_tx_test_pattern": "1'b0",
    "ctl_tx_test_pattern_enable": "1'b0", "ctl_tx_test_pattern_select": "1'b0",
    "ctl_tx_data_pattern_select": "1'b0", "ctl_tx_test_pattern_seed_a": "58'd0",
    "ctl_tx_test_pattern_seed_b": "58'd0", "ctl_tx_ipg_value": "4'd12",
    "ctl_tx_custom_preamble_enable": "1'b0",
}
_AXIL_CHANNELS = (("awaddr", 32), ("awprot", 3), ("awvalid", 1), ("awready", 1),
                  ("wdata", 32), ("wstrb", 4), ("wvalid", 1), ("wready", 1), ("bresp", 2),
                  ("bvalid", 1), ("bready", 1), ("araddr", 32), ("arprot", 3),
                  ("arvalid", 1), ("arready", 1), ("rdata", 32), ("rresp", 2),
                  ("rvalid", 1), ("rready", 1))
_AXIS_CHANNELS = (("tdata", AXIS_BYTES * 8), ("tkeep", AXIS_BYTES), ("tlast", 1),
                  ("tvalid", 1), ("tready", 1))


def core_ports(core) -> dict[str, tuple[str, int]]:
    """Verilog ports of ``core`` as :func:`sim.verilate.to_verilog` names them."""
    ports = {"clk": ("input", 1), "rst": ("input", 1)}
    for path, member, value in core.signature.flatten(core):
        if isinstance(value, ValueCastable):
            value = value.as_value()
        if isinstance(value, Const):
            continue
        ports["_".join(map(str, path))] = ("input" if member.flow == In else "output", len(value))
    return ports


def _top_ports(n: Netlist, card) -> None:
    n.port("input", "pcie_refclk_p", doc=f"{mhz(card.pcie_refclk_mhz)} MHz")
    n.port("input", "pcie_refclk_n")
    n.port("input", "pcie_perst_n", doc="PERST#, active low")
    for d, name in (("input", "pcie_rx_p"), ("input", "pcie_rx_n"), ("output", "pcie_tx_p"),
                    ("output", "pcie_tx_n")):
        n.port(d, name, card.pcie_lanes)
    n.port("input", "qsfp0_refclk_p", doc=f"{mhz(card.qsfp_refclk_mhz)} MHz")
    n.port("input", "qsfp0_refclk_n")
    lanes = len(card.qsfp_lanes)
    for d, name in (("input", "qsfp0_rx_p"), ("input", "qsfp0_rx_n"), ("output", "qsfp0_tx_p"),
                    ("output", "qsfp0_tx_n")):
        n.port(d, name, lanes, doc="lane 0 market data, lane 1 order entry")
    n.port("input", "sysclk3_p", doc=f"{mhz(card.board_clock_mhz)} MHz, free running")
    n.port("input", "sysclk3_n")
    n.port("output", "hbm_cattrip", doc="driven low: the HBM is unused")
    for name, doc in (("qsfp0_led_act", "market data received"),
                      ("qsfp0_led_stat_g", "both lanes' PCS up"),
                      ("qsfp0_led_stat_y", "PCIe link up")):
        n.port("output", name, doc=doc)


def _clocks_and_resets(n: Netlist) -> None:
    for net in ("pcie_sys_clk", "pcie_sys_clk_gt", "dclk_ibuf", "dclk", "core_clk",
                "pcie_clk", "pcie_aresetn", "pcie_link_up", "core_rst", "core_rst_req"):
        n.wire(net)
    n.instance("IBUFDS_GTE4", "pcie_refclk_buf",
               [("I", "pcie_refclk_p"), ("IB", "pcie_refclk_n"), ("CEB", "1'b0"),
                ("O", "pcie_sys_clk_gt"), ("ODIV2", "pcie_sys_clk")],
               doc="PCIe reference clock: O to the GTs, ODIV2 to the bridge (PG195)",
               params={"REFCLK_HROW_CK_SEL": "2'b00"})
    n.instance("IBUFDS", "sysclk3_buf", [("I", "sysclk3_p"), ("IB", "sysclk3_n"),
                                          ("O", "dclk_ibuf")])
    n.instance("BUFG", "dclk_bufg", [("I", "dclk_ibuf"), ("O", "dclk")])
    n.wire("mac_por", 8, "reg")
    n.wire("mac_sys_reset")
    n.block("""
// The MAC's sys_reset stays high for 128 dclk cycles after configuration.
initial mac_por = 8'd0;
always @(posedge dclk) if (!mac_por[7]) mac_por <= mac_por + 8'd1;
assign mac_sys_reset = !mac_por[7];""")
    n.wire("core_rst_sync", 4, "(* ASYNC_REG = \"TRUE\" *) reg")
    n.assign("core_rst_req", "mac_user_rx_reset_0 | mac_user_rx_reset_1 | "
             "mac_user_tx_reset_1 | !pcie_aresetn")
    n.block("""
// Any reset source resets the core at once; it leaves reset in step with core_clk.
initial core_rst_sync = 4'hf;
always @(posedge core_clk or posedge core_rst_req)
    if (core_rst_req) core_rst_sync <= 4'hf;
    else core_rst_sync <= {core_rst_sync[2:0], 1'b0};
assign core_rst = core_rst_sync[3];""")


def _bus(n: Netlist, prefix: str, channels) -> None:
    for name, width in channels:
        n.wire(f"{prefix}_{name}", width)


def _xdma(n: Netlist, card) -> None:
    _bus(n, "axil_pcie", _AXIL_CHANNELS)
    _bus(n, "c2h_pcie", _AXIS_CHANNELS)
    _bus(n, "h2c_pcie", _AXIS_CHANNELS)
    conns = [("sys_clk", "pcie_sys_clk"), ("sys_clk_gt", "pcie_sys_clk_gt"),
             ("sys_rst_n", "pcie_perst_n"), ("pci_exp_txp", "pcie_tx_p"),
             ("pci_exp_txn", "pcie_tx_n"), ("pci_exp_rxp", "pcie_rx_p"),
             ("pci_exp_rxn", "pcie_rx_n"), ("user_lnk_up", "pcie_link_up"),
             ("axi_aclk", "pcie_clk"), ("axi_aresetn", "pcie_aresetn"),
             ("usr_irq_req", "1'b0"), ("usr_irq_ack", ""), ("msi_enable", ""),
             ("msi_vector_width", "")]
    conns += [(f"m_axil_{c}", f"axil_pcie_{c}") for c, _ in _AXIL_CHANNELS]
    conns += [(f"s_axis_c2h_{c}_0", f"c2h_pcie_{c}") for c, _ in _AXIS_CHANNELS]
    conns += [(f"m_axis_h2c_{c}_0", f"h2c_pcie_{c}") for c, _ in _AXIS_CHANNELS]
    n.instance(XDMA, "pcie", conns, doc="XDMA: BAR0 = the core's registers, H2C/C2H 0 = h2c/c2h")


def _mac(n: Netlist, card) -> None:
    conns = [("gt_refclk_p", "qsfp0_refclk_p"), ("gt_refclk_n", "qsfp0_refclk_n"),
             ("gt_refclk_out", ""), ("sys_reset", "mac_sys_reset"), ("dclk", "dclk"),
             ("qpllreset_in_0", "1'b0")]
    for lane in range(len(card.qsfp_lanes)):
        rx, tx = f"mac_rx_{lane}", f"mac_tx_{lane}"
        _bus(n, rx, (("tdata", 64), ("tkeep", 8), ("tlast", 1), ("tvalid", 1), ("tuser", 1)))
        _bus(n, tx, (("tdata", 64), ("tkeep", 8), ("tlast", 1), ("tvalid", 1), ("tuser", 1),
                     ("tready", 1)))
        for net in ("tx_clk", "user_rx_reset", "user_tx_reset", "rx_status"):
            n.wire(f"mac_{net}_{lane}")
        lane_conns = {
            "gt_rxp_in": f"qsfp0_rx_p[{lane}]", "gt_rxn_in": f"qsfp0_rx_n[{lane}]",
            "gt_txp_out": f"qsfp0_tx_p[{lane}]", "gt_txn_out": f"qsfp0_tx_n[{lane}]",
            "tx_clk_out": f"mac_tx_clk_{lane}", "rx_clk_out": "", "rx_core_clk": "core_clk",
            "rxrecclkout": "", "gt_loopback_in": "3'b000", "rx_reset": "mac_sys_reset",
            "tx_reset": "mac_sys_reset", "user_rx_reset": f"mac_user_rx_reset_{lane}",
            "user_tx_reset": f"mac_user_tx_reset_{lane}", "gtwiz_reset_tx_datapath": "1'b0",
            "gtwiz_reset_rx_datapath": "1'b0", "gtpowergood_out": "", "tx_unfout": "",
            "stat_rx_status": f"mac_rx_status_{lane}", "stat_rx_block_lock": "",
            **{f"rx_axis_{c}": f"{rx}_{c}" for c in ("tvalid", "tdata", "tlast", "tkeep",
                                                      "tuser")},
            **{f"tx_axis_{c}": f"{tx}_{c}" for c in ("tready", "tvalid", "tdata", "tlast",
                                                      "tkeep", "tuser")},
            **_MAC_CONTROL,
        }
        if set(lane_conns) != set(MAC_LANE_PORTS):
            raise ValueError(f"MAC lane ports differ: {set(lane_conns) ^ set(MAC_LANE_PORTS)}")
        conns += [(f"{port}_{lane}", lane_conns[port]) for port in MAC_LANE_PORTS]
    n.assign("core_clk", f"mac_tx_clk_{len(card.qsfp_lanes) - 1}")
    # Lane 0 only receives: its transmitter idles, in its own tx clock (constants only).
    for c, value in (("tvalid", "1'b0"), ("tdata", "64'd0"), ("tlast", "1'b0"),
                     ("tkeep", "8'd0"), ("tuser", "1'b0")):
        n.assign(f"mac_tx_0_{c}", value)
    n.instance(MAC, "mac", conns, doc="10/25G Ethernet subsystem, QSFP0 lanes 0 and 1")


def _cdc(n: Netlist) -> None:
    _bus(n, "axil_core", _AXIL_CHANNELS)
    _bus(n, "c2h_core", _AXIS_CHANNELS)
    _bus(n, "h2c_core", _AXIS_CHANNELS)
    n.instance(AXIL_CDC, "axil_cdc",
               [("s_axi_aclk", "pcie_clk"), ("s_axi_aresetn", "pcie_aresetn"),
                ("m_axi_aclk", "core_clk"), ("m_axi_aresetn", "!core_rst")]
               + [(f"s_axi_{c}", f"axil_pcie_{c}") for c, _ in _AXIL_CHANNELS]
               + [(f"m_axi_{c}", f"axil_core_{c}") for c, _ in _AXIL_CHANNELS])
    for name, (src, src_rst), (dst, dst_rst), (s, m) in (
            ("c2h_cdc", ("core_clk", "!core_rst"), ("pcie_clk", "pcie_aresetn"),
             ("c2h_core", "c2h_pcie")),
            ("h2c_cdc", ("pcie_clk", "pcie_aresetn"), ("core_clk", "!core_rst"),
             ("h2c_pcie", "h2c_core"))):
        n.instance(AXIS_CDC, name,
                   [("s_axis_aclk", src), ("s_axis_aresetn", src_rst),
                    ("m_axis_aclk", dst), ("m_axis_aresetn", dst_rst)]
                   + [(f"s_axis_{c}", f"{s}_{c}") for c, _ in _AXIS_CHANNELS]
                   + [(f"m_axis_{c}", f"{m}_{c}") for c, _ in _AXIS_CHANNELS])


def _receive(n: Netlist, core, name: str, mac: str) -> dict[str, str]:
    """A MAC receive stream as the core's beats: ``first`` is the beat after a ``last``."""
    n.wire(f"{name}_in_frame", kind="reg")
    n.block(f"""
always @(posedge core_clk)
    if (core_rst) {name}_in_frame <= 1'b0;
    else if ({mac}_tvalid) {name}_in_frame <= !{mac}_tlast;""")
    layout = getattr(core, name).payload.shape()
    return {f"{name}_valid": f"{mac}_tvalid",
            f"{name}_payload": pack(layout, {
                "data": f"{mac}_tdata", "keep": f"{mac}_tkeep", "first": f"!{name}_in_frame",
                "last": f"{mac}_tlast", "error": f"{mac}_tuser"})}


def _core(n: Netlist, core) -> None:
    ports = core_ports(core)
    conns = {"clk": "core_clk", "rst": "core_rst"}
    addr_width = ports["s_axil_awaddr"][1]
    for c, _ in _AXIL_CHANNELS:
        conns[f"s_axil_{c}"] = (f"axil_core_{c}[{addr_width - 1}:0]" if c in ("awaddr", "araddr")
                                else f"axil_core_{c}")
    conns.update(_receive(n, core, "rx", "mac_rx_0"))
    conns.update(_receive(n, core, "oe_rx", "mac_rx_1"))
    h2c = core.h2c.payload.shape()
    conns.update({"h2c_valid": "h2c_core_tvalid", "h2c_ready": "h2c_core_tready",
                  "h2c_payload": pack(h2c, {"data": "h2c_core_tdata", "keep": "h2c_core_tkeep",
                                            "last": "h2c_core_tlast"})})
    n.wire("core_c2h_ready_in")
    n.assign("core_c2h_ready_in", "c2h_core_tready")
    n.wire("core_tx_ready_in")
    n.assign("core_tx_ready_in", "mac_tx_1_tready")
    conns.update({"c2h_ready": "core_c2h_ready_in", "tx_ready": "core_tx_ready_in"})
    for name, (kind, width) in ports.items():
        if name in conns:
            continue
        if name.startswith(("c2h_", "tx_")) or name.startswith(tuple(f"{o}_" for o in OBSERVED)):
            if kind != "output":
                raise ValueError(f"core port {name} is an input the card does not drive")
            conns[name] = n.wire(f"core_{name}", width)
    c2h, tx = core.c2h.payload.shape(), core.tx.payload.shape()
    for c in ("tdata", "tkeep", "tlast"):
        n.assign(f"c2h_core_{c}", field("core_c2h_payload", c2h, c[1:]))
    n.assign("c2h_core_tvalid", "core_c2h_valid")
    # Order frames: tuser (bad packet) is the core's abort, so the MAC corrupts the FCS.
    for c, f in (("tdata", "data"), ("tkeep", "keep"), ("tlast", "last"), ("tuser", "error")):
        n.assign(f"mac_tx_1_{c}", field("core_tx_payload", tx, f))
    n.assign("mac_tx_1_tvalid", "core_tx_valid")
    missing = set(ports) - set(conns)
    if missing:
        raise ValueError(f"core ports the card build does not connect: {sorted(missing)}")
    n.instance(CORE_MODULE, "core", [(p, conns[p]) for p in ports],
               doc="The tick-to-trade core (hdl/top.py TickToTrade)")


def _leds(n: Netlist) -> None:
    n.wire("act_stretch", 24, "reg")
    n.block("""
// Activity: lit for about 0.1 s after any market-data beat.
always @(posedge core_clk)
    if (mac_rx_0_tvalid) act_stretch <= 24'hffffff;
    else if (act_stretch != 24'd0) act_stretch <= act_stretch - 24'd1;""")
    n.assign("qsfp0_led_act", "act_stretch != 24'd0")
    n.assign("qsfp0_led_stat_g", "mac_rx_status_0 & mac_rx_status_1")
    n.assign("qsfp0_led_stat_y", "pcie_link_up")
    n.assign("hbm_cattrip", "1'b0")


def wrapper_verilog(card, core, ips) -> str:
    """The top module of ``card`` around ``core`` (a :class:`hdl.top.TickToTrade`)."""
    n = Netlist(card.top, doc=f"tickforge on the {card.name.upper()} ({card.part}).")
    _top_ports(n, card)
    _clocks_and_resets(n)
    _xdma(n, card)
    _mac(n, card)
    _cdc(n)
    _core(n, core)
    _leds(n)
    used = {inst.module for inst in n.instances}
    unknown = used - {ip.module for ip in ips} - {CORE_MODULE, "IBUFDS_GTE4", "IBUFDS", "BUFG"}
    if unknown:
        raise ValueError(f"instances of modules no IP defines: {sorted(unknown)}")
    return n.render()
