"""``ResponseInjectTop``: the exchange-response path alone, fed receive beats and ``sent``.

For the randomised response tests: each ``inject`` beat may carry one receive beat of the
order-entry port and one order-entry ``sent`` record (an order frame that completed), so a
test decides exactly which orders the table holds when each response arrives, and a
host ``resync`` (``command.resync`` with ``rcv_next_load``) at any cycle, which the
harness's register operations (all before the stream) cannot do. The session's addresses
and ports come from the ``order`` block, as in the card.
"""

from __future__ import annotations

from amaranth import Module, Signal
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In

from hdl.feed.layouts import rx_beat_layout
from hdl.host_if.axil import AXI4LiteSignature
from hdl.host_if.csr_bank import AXI4LiteCSR
from hdl.host_if.regs import RegisterMap
from hdl.host_if.system import SYSTEM_BLOCK, SystemLogic
from hdl.order.layouts import SENT_LAYOUT
from hdl.order.regs import ORDER_BLOCK
from hdl.response.path import ResponsePath
from hdl.response.regs import response_block
from hdl.strategy.layouts import SIM_TRADE, TIME_BITS, TradeParams

__all__ = ["RESPONSE_INJECT_LAYOUT", "ResponseInjectTop"]

RESPONSE_INJECT_LAYOUT = data.StructLayout({
    "oe": rx_beat_layout(64),
    "has_oe": 1,
    "sent": SENT_LAYOUT,
    "has_sent": 1,
    "resync": 1,
    "rcv_next": 32,
})


class ResponseInjectTop(wiring.Component):
    def __init__(self, trade: TradeParams = SIM_TRADE):
        self.trade = trade
        self.register_map = RegisterMap("tickforge", [
            SYSTEM_BLOCK, ORDER_BLOCK, response_block(trade.order_table)])
        self.csr = AXI4LiteCSR(self.register_map)
        self.response = ResponsePath(trade.trade_slots, trade.order_table)
        members = self.response.signature.members
        super().__init__({
            "s_axil": In(AXI4LiteSignature(self.csr.bank.addr_width)),
            "inject": In(stream.Signature(RESPONSE_INJECT_LAYOUT, always_ready=True)),
            "responses": members["responses"],      # before segments: same-cycle order
            "segments": members["segments"],
        })

    def elaborate(self, platform):
        m = Module()
        m.submodules.csr = csr = self.csr
        m.submodules.system = system = SystemLogic()
        m.submodules.response = response = self.response
        wiring.connect(m, wiring.flipped(self.s_axil), csr.s_axil)
        wiring.connect(m, csr.system, system.regs)
        bank = csr.response
        beat = self.inject.payload
        for name, member in response.regs.signature.members.items():
            if member.flow == wiring.In:       # driven by the register bank
                m.d.comb += getattr(response.regs, name).eq(getattr(bank, name))
            else:
                m.d.comb += getattr(bank, name).eq(getattr(response.regs, name))
        resync = self.inject.valid & beat.resync
        with m.If(resync):
            m.d.comb += [response.regs.command.resync.eq(1),
                         response.regs.rcv_next_load.eq(beat.rcv_next)]
        m.d.comb += system.status_event.eq(0)
        now = Signal(TIME_BITS)
        m.d.sync += now.eq(now + 1)
        order = csr.order
        m.d.comb += [
            response.now.eq(now),
            response.rx.valid.eq(self.inject.valid & beat.has_oe),
            response.rx.payload.eq(beat.oe),
            response.sent.valid.eq(self.inject.valid & beat.has_sent),
            response.sent.payload.eq(beat.sent),
            response.session.card_ip.eq(order.src_ip),
            response.session.exchange_ip.eq(order.dst_ip),
            response.session.card_port.eq(order.src_port),
            response.session.exchange_port.eq(order.dst_port),
        ]
        for name in ("segments", "responses"):
            source, sink = getattr(response, name), getattr(self, name)
            m.d.comb += [sink.valid.eq(source.valid), sink.payload.eq(source.payload)]
        return m
