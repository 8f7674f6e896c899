"""PLACEHOLDER for the gigabit RGMII MAC (``hdl/eth``, being written on branch ``eth``).

It has the interface the board top wires the real MAC by, and no function: it receives
nothing (``rx.valid`` stays low), accepts every transmit beat and drops it, and drives the
RGMII transmit pins idle with the PHY held in reset. A bitstream built with it programs and
answers on the UART, but trades nothing. :data:`IS_PLACEHOLDER` lets the build report say so.

Interface the real MAC is expected to have (core side, in the core's ``sync`` domain):

- ``rx``: ``Out(stream.Signature(rx_beat_layout(64), always_ready=True))``, every frame
  received, FCS checked and stripped, ``error`` with ``last`` for a bad one;
- ``tx``: ``In(stream.Signature(rx_beat_layout(64)))`` with ``ready``, frames to send (the
  MAC adds preamble, FCS and the inter-frame gap);
- ``link``: ``Out(1)``, for an LED.
"""

from __future__ import annotations

from amaranth import Module
from amaranth.lib import io, stream, wiring
from amaranth.lib.wiring import In, Out

from hdl.feed.layouts import rx_beat_layout

__all__ = ["IS_PLACEHOLDER", "MacPlaceholder"]

IS_PLACEHOLDER = True


class MacPlaceholder(wiring.Component):
    """Parameters
    ----------
    pins : amaranth-boards ``eth_rgmii`` resource requested with ``dir="-"``, or None

    Interface attributes
    --------------------
    rx, tx, link
        See the module docs.
    """

    def __init__(self, pins=None):
        self.pins = pins
        super().__init__({
            "rx": Out(stream.Signature(rx_beat_layout(64), always_ready=True)),
            "tx": In(stream.Signature(rx_beat_layout(64))),
            "link": Out(1),
        })

    def elaborate(self, platform):
        m = Module()
        m.d.comb += self.tx.ready.eq(1)
        if self.pins is not None:
            # PHY in reset (the pin is active low; amaranth-boards' port inverts it), no
            # transmit clock, transmit enable low, management bus released.
            for name, value in (("rst", 1), ("tx_ctrl", 0), ("tx_data", 0), ("tx_clk", 0),
                                ("mdc", 0)):
                m.submodules[f"pin_{name}"] = pin = io.Buffer("o", getattr(self.pins, name))
                m.d.comb += pin.o.eq(value)
            m.submodules.pin_mdio = mdio = io.Buffer("io", self.pins.mdio)
            m.d.comb += mdio.oe.eq(0)
        return m
