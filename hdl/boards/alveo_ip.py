"""The vendor IPs of the Alveo build, each once: catalog name, module name and ``CONFIG.*``.

The wrapper instantiates each IP by :attr:`VivadoIp.module` and connects exactly the ports
listed in :attr:`VivadoIp.ports`; ``create_project.tcl`` creates each with ``create_ip``
(no ``-version``: the installed catalog's version) and, after generating its instantiation
template, stops with an error naming any listed port the IP does not have. Parameter names
are those of the product guides: PG195 (XDMA), PG210 (10G/25G Ethernet subsystem), PG085
(AXI4-Stream infrastructure: ``axis_clock_converter``), PG059 (``axi_clock_converter``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["VivadoIp", "card_ips", "mhz", "XDMA", "MAC", "AXIL_CDC", "AXIS_CDC", "AXIS_BYTES",
           "MAC_LANE_PORTS", "MAC_COMMON_PORTS"]

XDMA = "xdma_pcie"
MAC = "eth_10g_25g"
AXIL_CDC = "axil_cdc"
AXIS_CDC = "axis_cdc_512"
#: The host streams' beat: 512 bits, what the XDMA bridge takes at Gen3 x16 and 250 MHz.
AXIS_BYTES = 64


@dataclass(frozen=True)
class VivadoIp:
    """One customised IP.

    Attributes
    ----------
    module : str
        ``-module_name``: the Verilog module the wrapper instantiates.
    name : str
        The IP catalog name (``xilinx.com:ip:<name>``).
    config : dict
        ``CONFIG.<key>`` values, written as given.
    ports : tuple of str
        Every port of the module the wrapper connects (checked against the IP in Vivado).
    why : str
        One line for the Tcl comment.
    """

    module: str
    name: str
    config: dict
    ports: tuple[str, ...]
    why: str

    def tcl(self) -> str:
        settings = " \\\n".join(f"    CONFIG.{key} {{{value}}}"
                                 for key, value in self.config.items())
        return (f"# {self.why}\n"
                f"create_ip -vendor xilinx.com -library ip -name {self.name} "
                f"-module_name {self.module} -dir $ip_dir\n"
                f"set_property -dict [list \\\n{settings} \\\n] [get_ips {self.module}]\n")


_AXIL = ("awaddr", "awprot", "awvalid", "awready", "wdata", "wstrb", "wvalid", "wready",
         "bresp", "bvalid", "bready", "araddr", "arprot", "arvalid", "arready", "rdata",
         "rresp", "rvalid", "rready")
_AXIS = ("tdata", "tkeep", "tlast", "tvalid", "tready")

#: Ports of the Ethernet subsystem per lane (suffix ``_<lane>``), as PG210 names them for
#: "Ethernet MAC+PCS/PMA 64-bit" with the GT and shared logic in the core, no AXI4-Lite.
MAC_LANE_PORTS = (
    "gt_rxp_in", "gt_rxn_in", "gt_txp_out", "gt_txn_out", "tx_clk_out", "rx_clk_out",
    "rx_core_clk", "rxrecclkout", "gt_loopback_in", "rx_reset", "tx_reset", "user_rx_reset",
    "user_tx_reset", "gtwiz_reset_tx_datapath", "gtwiz_reset_rx_datapath", "gtpowergood_out",
    "rx_axis_tvalid", "rx_axis_tdata", "rx_axis_tlast", "rx_axis_tkeep", "rx_axis_tuser",
    "tx_axis_tready", "tx_axis_tvalid", "tx_axis_tdata", "tx_axis_tlast", "tx_axis_tkeep",
    "tx_axis_tuser", "tx_unfout", "stat_rx_status", "stat_rx_block_lock",
    "ctl_rx_enable", "ctl_rx_check_preamble", "ctl_rx_check_sfd", "ctl_rx_force_resync",
    "ctl_rx_delete_fcs", "ctl_rx_ignore_fcs", "ctl_rx_max_packet_len", "ctl_rx_min_packet_len",
    "ctl_rx_process_lfi", "ctl_rx_test_pattern", "ctl_rx_test_pattern_enable",
    "ctl_rx_data_pattern_select", "ctl_rx_custom_preamble_enable",
    "ctl_tx_enable", "ctl_tx_fcs_ins_enable", "ctl_tx_ignore_fcs", "ctl_tx_send_lfi",
    "ctl_tx_send_rfi", "ctl_tx_send_idle", "ctl_tx_test_pattern", "ctl_tx_test_pattern_enable",
    "ctl_tx_test_pattern_select", "ctl_tx_data_pattern_select", "ctl_tx_test_pattern_seed_a",
    "ctl_tx_test_pattern_seed_b", "ctl_tx_ipg_value", "ctl_tx_custom_preamble_enable",
)
MAC_COMMON_PORTS = ("gt_refclk_p", "gt_refclk_n", "gt_refclk_out", "sys_reset", "dclk",
                    "qpllreset_in_0")


def mhz(value: float) -> str:
    """A frequency as the IP catalog spells it: every digit, no trailing zeros."""
    return f"{value:.7f}".rstrip("0").rstrip(".")


def card_ips(card, rate, core_addr_width: int) -> list[VivadoIp]:
    """The four IPs of ``card``'s top level, for a core with ``core_addr_width`` BAR bits."""
    if (1 << core_addr_width) > 1 << 20:
        raise ValueError(f"the core's {core_addr_width}-bit register space is larger than "
                         "the 1 MB AXI4-Lite BAR")
    lanes = len(card.qsfp_lanes)
    lane_locs = {f"LANE{i + 1}_GT_LOC": (card.qsfp_lanes[i] if i < lanes else "NA")
                 for i in range(4)}
    return [
        VivadoIp(
            XDMA, "xdma",
            {"mode_selection": "Advanced", "functional_mode": "DMA",
             "pcie_blk_locn": card.pcie_block, "en_gt_selection": "true",
             "select_quad": card.pcie_quad,
             "pl_link_cap_max_link_width": f"X{card.pcie_lanes}",
             "pl_link_cap_max_link_speed": "8.0_GT/s",
             "ref_clk_freq": f"{mhz(card.pcie_refclk_mhz)}_MHz",
             "axi_data_width": f"{AXIS_BYTES * 8}_bit", "axisten_freq": "250",
             "xdma_axi_intf_mm": "AXI_Stream", "xdma_rnum_chnl": "1", "xdma_wnum_chnl": "1",
             "axilite_master_en": "true", "axilite_master_scale": "Megabytes",
             "axilite_master_size": "1", "xdma_num_usr_irq": "1", "cfg_mgmt_if": "false"},
            ("sys_clk", "sys_clk_gt", "sys_rst_n", "pci_exp_txp", "pci_exp_txn", "pci_exp_rxp",
             "pci_exp_rxn", "user_lnk_up", "axi_aclk", "axi_aresetn", "usr_irq_req",
             "usr_irq_ack", "msi_enable", "msi_vector_width")
            + tuple(f"m_axil_{p}" for p in _AXIL)
            + tuple(f"s_axis_c2h_{p}_0" for p in _AXIS)
            + tuple(f"m_axis_h2c_{p}_0" for p in _AXIS),
            "PCIe Gen3 x16 DMA bridge: register BAR on M_AXI_LITE, one H2C and one C2H stream"),
        VivadoIp(
            MAC, "xxv_ethernet",
            {"CORE": "Ethernet MAC+PCS/PMA 64-bit", "DATA_PATH_INTERFACE": "AXI Stream",
             "LINE_RATE": str(rate.gbps), "BASE_R_KR": "BASE-R", "NUM_OF_CORES": str(lanes),
             "GT_TYPE": "GTY", "GT_REF_CLK_FREQ": mhz(card.qsfp_refclk_mhz),
             "GT_DRP_CLK": f"{card.board_clock_mhz:.2f}", "GT_LOCATION": "1",
             "GT_GROUP_SELECT": card.qsfp_quad, **lane_locs,
             "INCLUDE_SHARED_LOGIC": "1", "INCLUDE_USER_FIFO": "1",
             "INCLUDE_AXI4_INTERFACE": "0", "INCLUDE_STATISTICS_COUNTERS": "0",
             "ENABLE_PIPELINE_REG": "0"},
            MAC_COMMON_PORTS + tuple(f"{p}_{lane}" for lane in range(lanes)
                                     for p in MAC_LANE_PORTS),
            f"{rate.gbps}GBASE-R MAC+PCS on QSFP0 lanes {', '.join(card.qsfp_lanes)}: "
            "market data in, order entry"),
        VivadoIp(
            AXIL_CDC, "axi_clock_converter",
            {"PROTOCOL": "AXI4LITE", "ADDR_WIDTH": "32", "DATA_WIDTH": "32", "ID_WIDTH": "0",
             "ACLK_ASYNC": "1", "SYNCHRONIZATION_STAGES": "3"},
            ("s_axi_aclk", "s_axi_aresetn", "m_axi_aclk", "m_axi_aresetn")
            + tuple(f"s_axi_{p}" for p in _AXIL) + tuple(f"m_axi_{p}" for p in _AXIL),
            "register BAR from the PCIe clock to the core (MAC) clock"),
        VivadoIp(
            AXIS_CDC, "axis_clock_converter",
            {"TDATA_NUM_BYTES": str(AXIS_BYTES), "HAS_TKEEP": "1", "HAS_TLAST": "1",
             "IS_ACLK_ASYNC": "1", "SYNCHRONIZATION_STAGES": "3"},
            ("s_axis_aclk", "s_axis_aresetn", "m_axis_aclk", "m_axis_aresetn")
            + tuple(f"s_axis_{p}" for p in _AXIS) + tuple(f"m_axis_{p}" for p in _AXIS),
            "host streams across the PCIe / core clock boundary (used twice: c2h and h2c)"),
    ]
