"""``EthMac``: the gigabit MAC between an RGMII PHY's DDR buffers and the core's streams.

Receive, in ``eth_rx`` then ``sync``::

    DDR pairs -> RgmiiRx -> MacRx (preamble, FCS check and strip, verdict)
              -> RxCrossing (64-bit beats, AsyncFIFO, overflow policy) -> rx

Transmit, in ``sync`` then ``eth_tx``::

    tx -> TxCrossing (AsyncFIFO, cut-through or store-and-forward)
       -> MacTx (preamble, padding, FCS, abort, gap) -> RgmiiTx -> DDR pairs

The core-side contract (what the board top and ``hdl.top.TickToTrade`` rely on):

- ``rx`` has no ``ready`` and follows :func:`hdl.feed.layouts.rx_beat_layout`: frame byte 0
  in bits 7..0 of the first beat, ``keep`` all ones but on the last beat (never 0 there),
  ``first`` and ``last``, ``error`` with ``last`` for a bad FCS, RX_ER, a runt, an oversize
  frame or an overflow. The FCS is stripped. Beats of one frame may have idle cycles
  between them (cut-through, see :mod:`hdl.eth.rx_crossing`); frames are never merged
  and always end with a ``last`` beat.
- ``tx`` has ``ready``: frames without FCS, ``error`` on the last beat aborts the frame
  (sent with TX_ER and a bad FCS). A writer that never pauses inside a frame and a core
  clock above 16 MHz allow cut-through (the default); otherwise pass
  ``store_and_forward=True``.
- ``regs`` is the :func:`hdl.eth.regs.eth_block` register block, counted in ``sync``.

Clocks and resets: ``eth_rx`` is the PHY's RX clock, ``eth_tx`` the local 125 MHz; both
FIFOs and the counter crossings assume the three domains come out of reset together (the
FIFOs empty from their write side, the counters compare counts that start at 0).
"""

from __future__ import annotations

from amaranth import Module
from amaranth.lib import stream, wiring
from amaranth.lib.wiring import In, Out

from hdl.counters import counter_bank
from hdl.eth.event_crossing import EventCrossing
from hdl.eth.layouts import DDR_PAIR, LANES, RX_DOMAIN, TX_DOMAIN
from hdl.eth.mac_rx import MacRx
from hdl.eth.mac_tx import MacTx
from hdl.eth.regs import COUNTER_NAMES, RX_COUNTERS, TX_COUNTERS, eth_block
from hdl.eth.rgmii import RgmiiRx, RgmiiTx
from hdl.eth.rx_crossing import RxCrossing
from hdl.eth.tx_crossing import TxCrossing
from hdl.feed.layouts import rx_beat_layout
from hdl.host_if.csr_bank import block_signature
from proto.net import MAX_TAGGED_FRAME

__all__ = ["EthMac", "cut_through_safe"]

#: Byte times a second at 1000 Mb/s.
LINE_BYTES_PER_S = 125e6
#: Two oscillators, each within 100 ppm, and some room.
_CLOCK_MARGIN = 1.001


def cut_through_safe(core_hz: float) -> bool:
    """Whether a core clock of ``core_hz`` fills the transmit FIFO faster than the wire
    drains it, a beat of :data:`LANES` bytes a cycle."""
    return core_hz * LANES >= LINE_BYTES_PER_S * _CLOCK_MARGIN


class EthMac(wiring.Component):
    """Gigabit Ethernet MAC with RGMII DDR pin pairs on one side and 64-bit beats on the other.

    Parameters
    ----------
    block_name : str
        Name of the register block (``eth``).
    rx_depth, tx_depth : int
        Beats in the receive and transmit FIFOs (see :class:`RxCrossing` and
        :class:`TxCrossing`: store-and-forward wants ``tx_depth=257``).
    store_and_forward : bool
        Start a transmit frame only when it is whole in the FIFO (see
        :func:`cut_through_safe`).
    max_frame : int
        Longest received frame passed on whole, FCS excluded.

    Interface attributes
    --------------------
    rgmii_rx : In(DDR_PAIR)
        RXD and RX_CTL from their DDR input buffers, in ``eth_rx``.
    rgmii_tx : Out(DDR_PAIR)
        TXD and TX_CTL to their DDR output buffers, in ``eth_tx``.
    rx : Out(stream.Signature(rx_beat_layout(64), always_ready=True))
        Received frames, in ``sync``.
    tx : In(stream.Signature(rx_beat_layout(64)))
        Frames to send, in ``sync``.
    regs : In(block_signature(eth_block(block_name)))
        The counters.
    """

    def __init__(self, block_name: str = "eth", rx_depth: int = 16, tx_depth: int = 33,
                 store_and_forward: bool = False, max_frame: int = MAX_TAGGED_FRAME):
        self.block = eth_block(block_name)
        self.rx_crossing = RxCrossing(rx_depth)
        self.tx_crossing = TxCrossing(tx_depth, store_and_forward)
        self.max_frame = max_frame
        super().__init__({
            "rgmii_rx": In(DDR_PAIR),
            "rgmii_tx": Out(DDR_PAIR),
            "rx": Out(stream.Signature(rx_beat_layout(8 * LANES), always_ready=True)),
            "tx": In(stream.Signature(rx_beat_layout(8 * LANES))),
            "regs": In(block_signature(self.block)),
        })

    def elaborate(self, platform):
        m = Module()
        m.submodules.rgmii_rx = pins_rx = RgmiiRx()
        m.submodules.mac_rx = mac_rx = MacRx(self.max_frame)
        m.submodules.rx_crossing = rx_crossing = self.rx_crossing
        m.d.comb += pins_rx.ddr.eq(self.rgmii_rx)
        m.d.comb += mac_rx.gmii.eq(pins_rx.gmii)
        wiring.connect(m, mac_rx.bytes, rx_crossing.bytes)
        wiring.connect(m, mac_rx.end, rx_crossing.end)
        wiring.connect(m, rx_crossing.rx, wiring.flipped(self.rx))

        m.submodules.tx_crossing = tx_crossing = self.tx_crossing
        m.submodules.mac_tx = mac_tx = MacTx()
        m.submodules.rgmii_tx = pins_tx = RgmiiTx()
        wiring.connect(m, wiring.flipped(self.tx), tx_crossing.tx)
        wiring.connect(m, tx_crossing.beats, mac_tx.beats)
        m.d.comb += [pins_tx.gmii.eq(mac_tx.gmii), self.rgmii_tx.eq(pins_tx.ddr)]

        m.submodules.rx_events = rx_events = EventCrossing(RX_COUNTERS, RX_DOMAIN)
        m.submodules.tx_events = tx_events = EventCrossing(TX_COUNTERS, TX_DOMAIN)
        end = mac_rx.end
        m.d.comb += [
            rx_events.rx_frames.eq(end.valid),
            rx_events.rx_fcs_errors.eq(end.valid & end.payload.fcs),
            rx_events.rx_phy_errors.eq(end.valid & end.payload.phy),
            rx_events.rx_runts.eq(end.valid & end.payload.runt),
            rx_events.rx_oversize.eq(end.valid & end.payload.oversize),
            rx_events.rx_overflows.eq(rx_crossing.overflow),
            tx_events.tx_frames.eq(mac_tx.sent),
            tx_events.tx_aborted.eq(mac_tx.aborted),
            tx_events.tx_underruns.eq(mac_tx.underrun),
        ]
        count = counter_bank(m, self.regs, COUNTER_NAMES)
        for events in (rx_events, tx_events):
            for name in events.names:
                count(name, getattr(events, f"{name}_count"))
        return m
