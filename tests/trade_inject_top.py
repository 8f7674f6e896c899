"""``TradeInjectTop``: strategy, risk gate and order entry behind their registers, fed records.

A test top for the randomised risk scenarios: without the feed handler and book builder in
front, any sequence of book-update records and verdicts (one ``inject`` beat a cycle, a
record and a verdict may share one) reaches the strategy exactly when the test says, so
the reference model (:mod:`sim.trade_model`) can be run on the same cycles. Only the best
level of each side matters to the strategy, so the records carry one level per side.
The same beat may carry a receive beat of the order-entry port (``oe``, with ``has_oe``)
for the response path, whose records and the risk gate's view of them are outputs.
"""

from __future__ import annotations

from types import SimpleNamespace

from amaranth import Module
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In

from hdl.book.layouts import BookParams, update_layout
from hdl.feed.layouts import FRAME_END_LAYOUT, rx_beat_layout
from hdl.host_if.axil import AXI4LiteSignature
from hdl.host_if.csr_bank import AXI4LiteCSR
from hdl.host_if.regs import RegisterMap
from hdl.host_if.system import SYSTEM_BLOCK, SystemLogic
from hdl.order.entry import OrderEntry
from hdl.order.regs import ORDER_BLOCK
from hdl.response.path import ResponsePath
from hdl.response.regs import response_block
from hdl.risk.gate import RiskGate
from hdl.risk.regs import risk_block
from hdl.strategy.layouts import SIM_TRADE, TradeParams
from hdl.strategy.regs import strategy_block
from hdl.strategy.strategy import Strategy
from hdl.top import connect_trading

__all__ = ["INJECT_BOOK", "inject_layout", "TradeInjectTop", "build"]

#: The record shape the inject top uses: 32 slots (half without trading state), one level
#: per side.
INJECT_BOOK = BookParams(slots=32, pages=2, page_levels=5, top=1, order_sets_log2=4, order_ways=2,
                         undo_depth=16)


def inject_layout(book: BookParams = INJECT_BOOK) -> data.StructLayout:
    return data.StructLayout({
        "update": update_layout(book),
        "has_update": 1,
        "has_end": 1,         # an update_end in this cycle (after the update, if both)
        "commit": 1,
        "oe": rx_beat_layout(64),
        "has_oe": 1,
    })


def _records(book: BookParams) -> SimpleNamespace:
    """Stand-ins for the book builder's ``updates`` and ``update_end`` streams."""
    return SimpleNamespace(
        updates=stream.Signature(update_layout(book), always_ready=True).create(),
        update_end=stream.Signature(FRAME_END_LAYOUT, always_ready=True).create())


class TradeInjectTop(wiring.Component):
    """Register bank (system, strategy, risk, order) + the trading path, fed by ``inject``."""

    def __init__(self, book: BookParams = INJECT_BOOK, trade: TradeParams = SIM_TRADE):
        self.book, self.trade = book, trade
        self.register_map = RegisterMap("tickforge", [
            SYSTEM_BLOCK, strategy_block(trade), risk_block(trade), ORDER_BLOCK,
            response_block(trade.order_table)])
        self.csr = AXI4LiteCSR(self.register_map)
        self.strategy = Strategy(book, trade)
        self.risk = RiskGate(trade)
        self.order_entry = OrderEntry(trade)
        self.response = ResponsePath(trade.trade_slots, trade.order_table)
        response = self.response.signature.members
        #: The order-entry port's beats, from ``inject`` (not a port: the harness drives one
        #: input stream).
        self.oe_rx = response["rx"].signature.flip().create()
        super().__init__({
            "s_axil": In(AXI4LiteSignature(self.csr.bank.addr_width)),
            "inject": In(stream.Signature(inject_layout(book), always_ready=True)),
            "rejects": self.risk.signature.members["rejects"],
            "sent": self.order_entry.signature.members["sent"],
            "tx": self.order_entry.signature.members["tx"],
            "responses": response["responses"],     # before segments: same-cycle order
            "segments": response["segments"],
            "host_rx": response["host_rx"],
        })

    def elaborate(self, platform):
        m = Module()
        m.submodules.csr = csr = self.csr
        m.submodules.system = system = SystemLogic()
        m.submodules.strategy = strategy = self.strategy
        m.submodules.risk = risk = self.risk
        m.submodules.order_entry = entry = self.order_entry
        m.submodules.response = response = self.response
        records = _records(self.book)
        wiring.connect(m, wiring.flipped(self.s_axil), csr.s_axil)
        wiring.connect(m, csr.system, system.regs)
        m.d.comb += system.status_event.eq(0)
        beat = self.inject.payload
        m.d.comb += [
            records.updates.valid.eq(self.inject.valid & beat.has_update),
            records.updates.payload.eq(beat.update),
            records.update_end.valid.eq(self.inject.valid & beat.has_end),
            records.update_end.payload.commit.eq(beat.commit),
            self.oe_rx.valid.eq(self.inject.valid & beat.has_oe),
            self.oe_rx.payload.eq(beat.oe),
        ]
        connect_trading(m, self, csr, records, strategy, risk, entry, response)
        return m


def build():
    """The Verilated ``TradeInjectTop`` (``build/verilator/trade_inject``, reused while
    ``hdl/``, ``proto/`` and this file are unchanged): ``(executable, top)``."""
    from pathlib import Path

    from sim.verilate import ROOT
    from sim.verilated_harness import build_harness, source_key

    key = source_key(ROOT / "hdl", ROOT / "proto", extra=Path(__file__).read_text())
    return build_harness(TradeInjectTop(), "trade_inject", key)
