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
from amaranth.lib import stream, wiring
from amaranth.lib.wiring import In, Out

from hdl.feed.layouts import rx_beat_layout

__all__ = ["IS_PLACEHOLDER", "MacPlaceholder"]

IS_PLACEHOLDER = True


class MacPlaceholder(wiring.Component):
    """Parameters
    ----------
    pins : amaranth-boards ``eth_rgmii`` resource, or None (simulation)

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
            # PHY in reset (rst is active low on the pin; amaranth-boards inverts it), no
            # transmit clock, transmit enable low, management bus idle.
            m.d.comb += [self.pins.rst.o.eq(1), self.pins.tx_ctrl.o.eq(0),
                         self.pins.tx_data.o.eq(0), self.pins.tx_clk.o.eq(0),
                         self.pins.mdc.o.eq(0), self.pins.mdio.oe.eq(0)]
        return m
