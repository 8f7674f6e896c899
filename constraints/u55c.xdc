# AMD Alveo U55C: pins of the tickforge card build (hdl/boards/alveo.py, `make vivado BOARD=u55c`).
# part: xcu55c-fsvh2892-2L-e
#
# Only the pins the build uses. Every pin was read from public sources and checked against
# a second one where one exists (see HANDOFF/README "U55C pin sources"):
#   [X] AMD "U55N - Master XDC" Rev 1.00 (the U55N/U55C/Varium C1100 share one board;
#       corundum's fpga_au55.xdc names all three for one XDC)
#   [O] Xilinx/open-nic-shell constr/au55c/pins.xdc and src/cmac_subsystem/vivado_ip/
#       cmac_usplus_0_au55c.tcl (QSFP0 = GTY X0Y24..X0Y27, bank 130)
#   [C] corundum/corundum fpga/mqnic/Alveo/fpga_25g/fpga_au55.xdc (U55C/U55N/C1100)
#   [D] DouglasWWolf/u55c_smem xdc/u55c.xdc (a U55C project)
# Clock frequencies: [X] and [C] (SI5394 outputs), [O] timing.xdc (PCIe 100 MHz).
# The clocks themselves are declared in the generated timing.xdc, not here.
#
# QSFP28 module control (reset, low power, select) is not wired to the FPGA on this card:
# the satellite controller owns it, so there are no QSFP control pins here.

# --- Configuration (as [X] and [O] general.xdc; [C] agrees but for the SPI rate) ---------
set_property CONFIG_VOLTAGE 1.8                        [current_design]
set_property BITSTREAM.CONFIG.CONFIGFALLBACK ENABLE    [current_design]
set_property BITSTREAM.GENERAL.COMPRESS TRUE           [current_design]
set_property CONFIG_MODE SPIx4                         [current_design]
set_property BITSTREAM.CONFIG.SPI_BUSWIDTH 4           [current_design]
set_property BITSTREAM.CONFIG.CONFIGRATE 63.8          [current_design]
set_property BITSTREAM.CONFIG.EXTMASTERCCLK_EN DISABLE [current_design]
set_property BITSTREAM.CONFIG.SPI_FALL_EDGE YES        [current_design]
set_property BITSTREAM.CONFIG.UNUSEDPIN PULLUP         [current_design]
set_property BITSTREAM.CONFIG.SPI_32BIT_ADDR YES       [current_design]

# --- PCIe: x16 on GTY quads 224..227, reference clock PCIE_REFCLK1 (100 MHz, from the edge
# connector through the Si53102 buffer) on MGTREFCLK0 of quad 225: [X] [C] [O] [D].
# PERST# on bank 65: [X] [C] [O] [D].
set_property PACKAGE_PIN AR15 [get_ports pcie_refclk_p] ;# MGTREFCLK0P_225
set_property PACKAGE_PIN AR14 [get_ports pcie_refclk_n] ;# MGTREFCLK0N_225
set_property -dict {PACKAGE_PIN BF41 IOSTANDARD LVCMOS18 PULLUP TRUE} [get_ports pcie_perst_n] ;# IO_T3U_N12_PERSTN0_65

# Lanes: lane 0 is channel 3 of quad 227, lane 15 channel 0 of quad 224 ([X] PEX_RX0..15,
# [C] pcie_rx_p[0..15]). The XDMA IP places the same channels from its block location.
set_property PACKAGE_PIN AL2  [get_ports {pcie_rx_p[0]}]  ;# MGTYRXP3_227
set_property PACKAGE_PIN AL1  [get_ports {pcie_rx_n[0]}]  ;# MGTYRXN3_227
set_property PACKAGE_PIN AL11 [get_ports {pcie_tx_p[0]}]  ;# MGTYTXP3_227
set_property PACKAGE_PIN AL10 [get_ports {pcie_tx_n[0]}]  ;# MGTYTXN3_227
set_property PACKAGE_PIN AM4  [get_ports {pcie_rx_p[1]}]  ;# MGTYRXP2_227
set_property PACKAGE_PIN AM3  [get_ports {pcie_rx_n[1]}]  ;# MGTYRXN2_227
set_property PACKAGE_PIN AM9  [get_ports {pcie_tx_p[1]}]  ;# MGTYTXP2_227
set_property PACKAGE_PIN AM8  [get_ports {pcie_tx_n[1]}]  ;# MGTYTXN2_227
set_property PACKAGE_PIN AN6  [get_ports {pcie_rx_p[2]}]  ;# MGTYRXP1_227
set_property PACKAGE_PIN AN5  [get_ports {pcie_rx_n[2]}]  ;# MGTYRXN1_227
set_property PACKAGE_PIN AN11 [get_ports {pcie_tx_p[2]}]  ;# MGTYTXP1_227
set_property PACKAGE_PIN AN10 [get_ports {pcie_tx_n[2]}]  ;# MGTYTXN1_227
set_property PACKAGE_PIN AN2  [get_ports {pcie_rx_p[3]}]  ;# MGTYRXP0_227
set_property PACKAGE_PIN AN1  [get_ports {pcie_rx_n[3]}]  ;# MGTYRXN0_227
set_property PACKAGE_PIN AP9  [get_ports {pcie_tx_p[3]}]  ;# MGTYTXP0_227
set_property PACKAGE_PIN AP8  [get_ports {pcie_tx_n[3]}]  ;# MGTYTXN0_227
set_property PACKAGE_PIN AP4  [get_ports {pcie_rx_p[4]}]  ;# MGTYRXP3_226
set_property PACKAGE_PIN AP3  [get_ports {pcie_rx_n[4]}]  ;# MGTYRXN3_226
set_property PACKAGE_PIN AR11 [get_ports {pcie_tx_p[4]}]  ;# MGTYTXP3_226
set_property PACKAGE_PIN AR10 [get_ports {pcie_tx_n[4]}]  ;# MGTYTXN3_226
set_property PACKAGE_PIN AR2  [get_ports {pcie_rx_p[5]}]  ;# MGTYRXP2_226
set_property PACKAGE_PIN AR1  [get_ports {pcie_rx_n[5]}]  ;# MGTYRXN2_226
set_property PACKAGE_PIN AR7  [get_ports {pcie_tx_p[5]}]  ;# MGTYTXP2_226
set_property PACKAGE_PIN AR6  [get_ports {pcie_tx_n[5]}]  ;# MGTYTXN2_226
set_property PACKAGE_PIN AT4  [get_ports {pcie_rx_p[6]}]  ;# MGTYRXP1_226
set_property PACKAGE_PIN AT3  [get_ports {pcie_rx_n[6]}]  ;# MGTYRXN1_226
set_property PACKAGE_PIN AT9  [get_ports {pcie_tx_p[6]}]  ;# MGTYTXP1_226
set_property PACKAGE_PIN AT8  [get_ports {pcie_tx_n[6]}]  ;# MGTYTXN1_226
set_property PACKAGE_PIN AU2  [get_ports {pcie_rx_p[7]}]  ;# MGTYRXP0_226
set_property PACKAGE_PIN AU1  [get_ports {pcie_rx_n[7]}]  ;# MGTYRXN0_226
set_property PACKAGE_PIN AU11 [get_ports {pcie_tx_p[7]}]  ;# MGTYTXP0_226
set_property PACKAGE_PIN AU10 [get_ports {pcie_tx_n[7]}]  ;# MGTYTXN0_226
set_property PACKAGE_PIN AV4  [get_ports {pcie_rx_p[8]}]  ;# MGTYRXP3_225
set_property PACKAGE_PIN AV3  [get_ports {pcie_rx_n[8]}]  ;# MGTYRXN3_225
set_property PACKAGE_PIN AU7  [get_ports {pcie_tx_p[8]}]  ;# MGTYTXP3_225
set_property PACKAGE_PIN AU6  [get_ports {pcie_tx_n[8]}]  ;# MGTYTXN3_225
set_property PACKAGE_PIN AW6  [get_ports {pcie_rx_p[9]}]  ;# MGTYRXP2_225
set_property PACKAGE_PIN AW5  [get_ports {pcie_rx_n[9]}]  ;# MGTYRXN2_225
set_property PACKAGE_PIN AV9  [get_ports {pcie_tx_p[9]}]  ;# MGTYTXP2_225
set_property PACKAGE_PIN AV8  [get_ports {pcie_tx_n[9]}]  ;# MGTYTXN2_225
set_property PACKAGE_PIN AW2  [get_ports {pcie_rx_p[10]}] ;# MGTYRXP1_225
set_property PACKAGE_PIN AW1  [get_ports {pcie_rx_n[10]}] ;# MGTYRXN1_225
set_property PACKAGE_PIN AW11 [get_ports {pcie_tx_p[10]}] ;# MGTYTXP1_225
set_property PACKAGE_PIN AW10 [get_ports {pcie_tx_n[10]}] ;# MGTYTXN1_225
set_property PACKAGE_PIN AY4  [get_ports {pcie_rx_p[11]}] ;# MGTYRXP0_225
set_property PACKAGE_PIN AY3  [get_ports {pcie_rx_n[11]}] ;# MGTYRXN0_225
set_property PACKAGE_PIN AY9  [get_ports {pcie_tx_p[11]}] ;# MGTYTXP0_225
set_property PACKAGE_PIN AY8  [get_ports {pcie_tx_n[11]}] ;# MGTYTXN0_225
set_property PACKAGE_PIN BA6  [get_ports {pcie_rx_p[12]}] ;# MGTYRXP3_224
set_property PACKAGE_PIN BA5  [get_ports {pcie_rx_n[12]}] ;# MGTYRXN3_224
set_property PACKAGE_PIN BA11 [get_ports {pcie_tx_p[12]}] ;# MGTYTXP3_224
set_property PACKAGE_PIN BA10 [get_ports {pcie_tx_n[12]}] ;# MGTYTXN3_224
set_property PACKAGE_PIN BA2  [get_ports {pcie_rx_p[13]}] ;# MGTYRXP2_224
set_property PACKAGE_PIN BA1  [get_ports {pcie_rx_n[13]}] ;# MGTYRXN2_224
set_property PACKAGE_PIN BB9  [get_ports {pcie_tx_p[13]}] ;# MGTYTXP2_224
set_property PACKAGE_PIN BB8  [get_ports {pcie_tx_n[13]}] ;# MGTYTXN2_224
set_property PACKAGE_PIN BB4  [get_ports {pcie_rx_p[14]}] ;# MGTYRXP1_224
set_property PACKAGE_PIN BB3  [get_ports {pcie_rx_n[14]}] ;# MGTYRXN1_224
set_property PACKAGE_PIN BC11 [get_ports {pcie_tx_p[14]}] ;# MGTYTXP1_224
set_property PACKAGE_PIN BC10 [get_ports {pcie_tx_n[14]}] ;# MGTYTXN1_224
set_property PACKAGE_PIN BC2  [get_ports {pcie_rx_p[15]}] ;# MGTYRXP0_224
set_property PACKAGE_PIN BC1  [get_ports {pcie_rx_n[15]}] ;# MGTYRXN0_224
set_property PACKAGE_PIN BC7  [get_ports {pcie_tx_p[15]}] ;# MGTYTXP0_224
set_property PACKAGE_PIN BC6  [get_ports {pcie_tx_n[15]}] ;# MGTYTXN0_224

# --- QSFP28 cage 0 on GTY quad 130 (GTYE4_CHANNEL X0Y24..X0Y27 per [O]; [C]'s comments say
# X0Y28, which is quad 131's first channel in [O]'s CMAC setting: [O] is followed).
# Reference clock: SI5394 OUT0 (SYNCE_CLK0), 161.1328125 MHz: [X] [C] [O] [D].
# Lane 0 (MGTY*0_130) carries market data in, lane 1 (MGTY*1_130) order entry: [X] [C].
set_property PACKAGE_PIN AD42 [get_ports qsfp0_refclk_p] ;# MGTREFCLK0P_130
set_property PACKAGE_PIN AD43 [get_ports qsfp0_refclk_n] ;# MGTREFCLK0N_130
set_property PACKAGE_PIN AD51 [get_ports {qsfp0_rx_p[0]}] ;# MGTYRXP0_130
set_property PACKAGE_PIN AD52 [get_ports {qsfp0_rx_n[0]}] ;# MGTYRXN0_130
set_property PACKAGE_PIN AD46 [get_ports {qsfp0_tx_p[0]}] ;# MGTYTXP0_130
set_property PACKAGE_PIN AD47 [get_ports {qsfp0_tx_n[0]}] ;# MGTYTXN0_130
set_property PACKAGE_PIN AC53 [get_ports {qsfp0_rx_p[1]}] ;# MGTYRXP1_130
set_property PACKAGE_PIN AC54 [get_ports {qsfp0_rx_n[1]}] ;# MGTYRXN1_130
set_property PACKAGE_PIN AC44 [get_ports {qsfp0_tx_p[1]}] ;# MGTYTXP1_130
set_property PACKAGE_PIN AC45 [get_ports {qsfp0_tx_n[1]}] ;# MGTYTXN1_130

# --- Board clock: SYSCLK3, 100 MHz LVDS from the SI5394 OUT2 buffer, bank 65 ([X] SYSCLK3,
# [C] clk_100mhz_1, [D] hbm1_refclock). Free-running: the Ethernet subsystem's DRP clock.
set_property -dict {PACKAGE_PIN BK43 IOSTANDARD LVDS} [get_ports sysclk3_p] ;# IO_L11P_T1U_N8_GC_A10_D26_65
set_property -dict {PACKAGE_PIN BK44 IOSTANDARD LVDS} [get_ports sysclk3_n] ;# IO_L11N_T1U_N9_GC_A11_D27_65

# --- HBM_CATTRIP to the satellite controller: high shuts the card's power off. The HBM is
# unused, so the design drives it low (AR 72926): [X] [C] [O] [D].
set_property -dict {PACKAGE_PIN BE45 IOSTANDARD LVCMOS18 PULLDOWN TRUE} [get_ports hbm_cattrip] ;# IO_L22P_T3U_N6_DBC_AD0P_D04_65

# --- QSFP28 cage 0 LEDs, active high, bank 68: [X] [C] [D] ([O] has them commented out).
set_property -dict {PACKAGE_PIN BL13 IOSTANDARD LVCMOS18 SLEW SLOW DRIVE 8} [get_ports qsfp0_led_act]    ;# IO_L14P_T2L_N2_GC_68
set_property -dict {PACKAGE_PIN BK11 IOSTANDARD LVCMOS18 SLEW SLOW DRIVE 8} [get_ports qsfp0_led_stat_g] ;# IO_L13N_T2L_N1_GC_QBC_68
set_property -dict {PACKAGE_PIN BJ11 IOSTANDARD LVCMOS18 SLEW SLOW DRIVE 8} [get_ports qsfp0_led_stat_y] ;# IO_L13P_T2L_N0_GC_QBC_68
