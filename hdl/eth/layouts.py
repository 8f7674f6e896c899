"""What crosses the boundaries inside the MAC, as Amaranth layouts, and its clock domains.

Three clock domains (names the board top maps its clocks onto with ``DomainRenamer``):

- :data:`RX_DOMAIN` (``eth_rx``): the receive clock the PHY sends with the data, 125 MHz at
  1000 Mb/s. Everything between the RX pins and the receive FIFO runs on it.
- :data:`TX_DOMAIN` (``eth_tx``): the local 125 MHz transmit clock. The PHY gets it
  forwarded on TX_CLK (see :mod:`hdl.eth.rgmii_pins` for the phase).
- ``sync``: the core's clock, any frequency that carries the line rate (64 bits a cycle at
  15.625 MHz is 1 Gb/s; in practice faster).

Layouts:

- :data:`DDR_PAIR`: what one DDR I/O buffer register carries per clock cycle for the four
  data pins and the control pin: index 0 is the half bit-time after the rising edge, index
  1 the half after the falling edge (``amaranth.lib.io.DDRBuffer``'s ``i``/``o`` order).
- :data:`GMII_BYTE`: one byte time at 1000 Mb/s: data, enable (RX_DV / TX_EN) and error
  (RX_ER / TX_ER), as RGMII multiplexes them on the control pin.
- :data:`FIFO_BEAT`: a 64-bit beat in a clock-crossing FIFO: the core's beat
  (:func:`hdl.feed.layouts.rx_beat_layout`) without ``first`` (the reader knows a frame's
  first beat: the one after a ``last``).
"""

from __future__ import annotations

from amaranth.lib import data

__all__ = ["RX_DOMAIN", "TX_DOMAIN", "LANES", "DDR_PAIR", "GMII_BYTE", "FIFO_BEAT"]

RX_DOMAIN = "eth_rx"
TX_DOMAIN = "eth_tx"
#: Bytes in a core beat.
LANES = 8

DDR_PAIR = data.StructLayout({
    "data": data.ArrayLayout(4, 2),
    "ctl": data.ArrayLayout(1, 2),
})

GMII_BYTE = data.StructLayout({
    "data": 8,
    "en": 1,
    "er": 1,
})

FIFO_BEAT = data.StructLayout({
    "data": 8 * LANES,
    "keep": LANES,
    "last": 1,
    "error": 1,
})
