"""``TickToTrade``: the whole card, MAC receive beats in, OUCH order frames out.

Feed handler -> book builder -> strategy -> risk gate -> order entry, behind one AXI4-Lite
register bank (:func:`card_register_map`). One free-running cycle counter (``now``) is the
time base of the strategy's cool-downs, the risk gate's rate buckets and duplicate window,
and the timestamps of the records the host receives.

Tick-to-trade (:attr:`TickToTrade.TICK_TO_TRADE`): from the rx beat carrying the last byte
of the triggering ITCH message to the first beat of the order frame on ``tx``, on an idle
card: feed handler 4 + book builder 4 + strategy 2 + risk gate 1 + order entry 1 = 12
cycles.

Host commands (``h2c``, :mod:`hdl.host_if.commands`): manual orders enter the strategy as
groups of source ``HOST`` and pass every risk check; cancels and mass cancels go to order
entry as OUCH Cancel Order frames; a kill trips the risk gate's kill switch.

Outputs besides ``tx``: the book's update records and verdicts (what
``tickforge book --engine verilator`` reads), the feed's gaps, the risk gate's rejections
and order entry's report of every frame begun, the response path's records and the
order-entry frames it received (``host_rx``); ``c2h`` carries all of them to the host.
"""

from __future__ import annotations

from collections.abc import Sequence

from amaranth import Module, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In

from hdl.book.builder import BookBuilder
from hdl.book.layouts import SIM_PARAMS, BookParams
from hdl.book.regs import book_block
from hdl.feed.frame_regs import FRAME_BLOCK
from hdl.feed.handler import FeedHandler
from hdl.feed.mold_regs import mold_block
from hdl.host_if.axil import AXI4LiteSignature
from hdl.host_if.commands import COMMANDS_BLOCK, CommandStream
from hdl.host_if.csr_bank import AXI4LiteCSR
from hdl.host_if.events import (
    CARD_DEPTHS,
    EVENTS_BLOCK,
    HOST_RX_BEATS,
    EventKind,
    EventStream,
    body_layouts,
    reject_body,
    update_body,
)
from hdl.host_if.host_rx import HostRxPacker
from hdl.host_if.regs import Block, RegisterMap
from hdl.host_if.system import SYSTEM_BLOCK, SystemLogic
from hdl.order.entry import OrderEntry
from hdl.order.regs import ORDER_BLOCK
from hdl.response.path import ResponsePath
from hdl.response.regs import response_block
from hdl.risk.gate import RiskGate
from hdl.risk.regs import risk_block
from hdl.strategy.layouts import SIM_TRADE, TIME_BITS, TradeParams
from hdl.strategy.regs import strategy_block
from hdl.strategy.strategy import Strategy

__all__ = ["TickToTrade", "card_register_map"]


def card_register_map(book: BookParams = SIM_PARAMS, trade: TradeParams = SIM_TRADE,
                      channels: int = 4, extra: Sequence[Block] = ()) -> RegisterMap:
    """System block first (discovery starts there), then the pipeline's blocks in order,
    then ``extra`` (a board's own blocks: its host link, its MAC)."""
    return RegisterMap("tickforge", [SYSTEM_BLOCK, FRAME_BLOCK, mold_block(channels),
                                     book_block(book), strategy_block(trade),
                                     risk_block(trade), ORDER_BLOCK,
                                     response_block(trade.order_table), EVENTS_BLOCK,
                                     COMMANDS_BLOCK, *extra])


class TickToTrade(wiring.Component):
    """The tick-to-trade core.

    Interface attributes
    --------------------
    s_axil : In(AXI4LiteSignature)
        Host registers.
    rx : In(stream.Signature(rx_beat_layout(64), always_ready=True))
        The market-data MAC's receive stream.
    updates, update_end
        As in :class:`hdl.book.builder.BookBuilder`.
    gaps
        As in :class:`hdl.feed.handler.FeedHandler`.
    rejects
        As in :class:`hdl.risk.gate.RiskGate`.
    sent, tx
        As in :class:`hdl.order.entry.OrderEntry`: the order-entry MAC's transmit stream
        (with ready) and the report of every frame begun.
    oe_rx, segments, responses, host_rx
        As ``rx``, ``segments``, ``responses`` and ``host_rx`` of
        :class:`hdl.response.path.ResponsePath`: the order-entry MAC's receive stream and
        what the card made of it.
    c2h
        The card-to-host event stream (:mod:`hdl.host_if.events`): every record above, and
        ``host_rx``'s beats packed into records (:mod:`hdl.host_if.host_rx`), for the XDMA
        bridge.
    h2c
        The host-to-card command stream (:mod:`hdl.host_if.commands`), from the XDMA
        bridge.
    <block name>
        One port per block of ``extra_blocks`` (as :class:`~hdl.host_if.csr_bank.CSRBank`
        gives it), for the board logic that drives those registers.
    """

    TICK_TO_TRADE = (FeedHandler.LATENCY + BookBuilder.LATENCY + Strategy.LATENCY +
                     RiskGate.LATENCY + OrderEntry.LATENCY)

    def __init__(self, book: BookParams = SIM_PARAMS, trade: TradeParams = SIM_TRADE,
                 width: int = 64, channels: int = 4, extra_blocks: Sequence[Block] = ()):
        self.params = book
        self.trade = trade
        self.extra_blocks = tuple(extra_blocks)
        self.register_map = card_register_map(book, trade, channels, self.extra_blocks)
        self.csr = AXI4LiteCSR(self.register_map)
        self.handler = FeedHandler(width, channels)
        self.builder = BookBuilder(book)
        self.strategy = Strategy(book, trade)
        self.risk = RiskGate(trade)
        self.order_entry = OrderEntry(trade)
        self.response = ResponsePath(trade.trade_slots, trade.order_table)
        self.events = EventStream(body_layouts(), CARD_DEPTHS)
        self.commands = CommandStream(trade.trade_slots, trade.order_table)
        members = {"s_axil": In(AXI4LiteSignature(self.csr.bank.addr_width)),
                   "rx": self.handler.signature.members["rx"],
                   "oe_rx": self.response.signature.members["rx"],
                   "h2c": self.commands.signature.members["h2c"]}
        for part, names in ((self.builder, ("updates", "update_end")),
                            (self.handler, ("gaps",)), (self.risk, ("rejects",)),
                            (self.order_entry, ("sent", "tx")),
                            # responses before segments: a frame's responses come
                            # before its segment record in the same cycle
                            (self.response, ("responses", "segments", "host_rx")),
                            (self.events, ("c2h",))):
            for name in names:
                members[name] = part.signature.members[name]
        for block in self.extra_blocks:
            members[block.name] = self.csr.signature.members[block.name]
        super().__init__(members)

    def elaborate(self, platform):
        m = Module()
        m.submodules.csr = csr = self.csr
        m.submodules.system = system = SystemLogic()
        m.submodules.handler = handler = self.handler
        m.submodules.builder = builder = self.builder
        m.submodules.strategy = strategy = self.strategy
        m.submodules.risk = risk = self.risk
        m.submodules.order_entry = entry = self.order_entry
        m.submodules.response = response = self.response
        wiring.connect(m, wiring.flipped(self.s_axil), csr.s_axil)
        wiring.connect(m, csr.system, system.regs)
        wiring.connect(m, getattr(csr, FRAME_BLOCK.name), handler.frame_regs)
        wiring.connect(m, getattr(csr, handler.mold_block.name), handler.mold_regs)
        wiring.connect(m, getattr(csr, builder.block.name), builder.regs)
        for block in self.extra_blocks:
            wiring.connect(m, getattr(csr, block.name), wiring.flipped(getattr(self, block.name)))
        m.d.comb += system.status_event.eq(0)
        wiring.connect(m, wiring.flipped(self.rx), handler.rx)
        m.d.comb += [
            builder.events.valid.eq(handler.events.valid),
            builder.events.payload.eq(handler.events.payload),
            builder.frame_end.valid.eq(handler.frame_end.valid),
            builder.frame_end.payload.eq(handler.frame_end.payload),
            self.gaps.valid.eq(handler.gaps.valid), self.gaps.payload.eq(handler.gaps.payload),
        ]
        for name in ("updates", "update_end"):
            source, sink = getattr(builder, name), getattr(self, name)
            m.d.comb += [sink.valid.eq(source.valid), sink.payload.eq(source.payload)]
        connect_trading(m, self, csr, builder, strategy, risk, entry, response)
        m.submodules.commands = commands = self.commands
        connect_commands(m, self, csr, commands, strategy, risk, entry, response)
        m.submodules.events = events = self.events
        connect_events(m, self, csr, events)
        return m


def connect_events(m: Module, top, csr, events: EventStream) -> None:
    """Every record stream of ``top`` into the event stream, onto ``top.c2h``."""
    now = Signal(64)
    m.d.sync += now.eq(now + 1)
    m.d.comb += events.now.eq(now)
    direct = {EventKind.SENT: top.sent, EventKind.RESPONSE: top.responses,
              EventKind.SEGMENT: top.segments, EventKind.GAP: top.gaps,
              EventKind.UPDATE_END: top.update_end}
    for kind, source in direct.items():
        sink = getattr(events, kind.name.lower())
        m.d.comb += [sink.valid.eq(source.valid), sink.payload.eq(source.payload)]
    m.d.comb += [events.reject.valid.eq(top.rejects.valid),
                 events.update.valid.eq(top.updates.valid)]
    reject_body(m, top.rejects.payload, events.reject.payload)
    update_body(m, top.updates.payload, events.update.payload)
    # the host rebuilds the session's stream from these after a loss of sync
    m.submodules.host_rx_packer = packer = HostRxPacker(HOST_RX_BEATS)
    m.d.comb += [packer.rx.valid.eq(top.host_rx.valid),
                 packer.rx.payload.eq(top.host_rx.payload)]
    wiring.connect(m, packer.records, events.host_rx)
    wiring.connect(m, events.c2h, wiring.flipped(top.c2h))
    regs = getattr(csr, EVENTS_BLOCK.name)
    for index, kind in enumerate(events.kinds):
        m.d.comb += getattr(regs, f"dropped_{kind.name.lower()}").eq(events.dropped[index])


def connect_commands(m: Module, top, csr, commands: CommandStream, strategy: Strategy,
                     risk: RiskGate, entry: OrderEntry, response: ResponsePath) -> None:
    """``top.h2c`` into the command stream, and its outputs to strategy, risk gate and
    order entry."""
    wiring.connect(m, wiring.flipped(top.h2c), commands.h2c)
    wiring.connect(m, getattr(csr, COMMANDS_BLOCK.name), commands.regs)
    wiring.connect(m, commands.host_order, strategy.host_order)
    wiring.connect(m, commands.cancel, entry.cancel)
    m.d.comb += [risk.host_kill.eq(commands.kill), commands.busy.eq(response.busy),
                 commands.next_ref.eq(entry.next_ref),
                 commands.session_active.eq(entry.session_active)]


def connect_trading(m: Module, top, csr, book, strategy: Strategy, risk: RiskGate,
                    entry: OrderEntry, response: ResponsePath) -> None:
    """Wire the trading path into ``top``: its register blocks from ``csr``, one cycle
    counter, records and verdicts from ``book.updates``/``update_end`` through strategy,
    risk gate and order entry, the response path on ``top.oe_rx`` feeding the risk gate,
    and ``top``'s ``rejects``, ``sent``, ``tx``, ``segments``, ``responses`` and
    ``host_rx``."""
    for part, block in ((strategy, strategy.block), (risk, risk.block),
                        (entry, ORDER_BLOCK), (response, response.block)):
        wiring.connect(m, getattr(csr, block.name), part.regs)
    now = Signal(TIME_BITS)
    m.d.sync += now.eq(now + 1)
    m.d.comb += [strategy.now.eq(now), risk.now.eq(now), entry.now.eq(now),
                 response.now.eq(now)]
    wiring.connect(m, risk.rejects, wiring.flipped(top.rejects))
    m.d.comb += [response.rx.valid.eq(top.oe_rx.valid),
                 response.rx.payload.eq(top.oe_rx.payload)]
    for name in ("segments", "responses", "host_rx"):
        wiring.connect(m, getattr(response, name), wiring.flipped(getattr(top, name)))
    order = getattr(csr, ORDER_BLOCK.name)
    m.d.comb += [
        response.sent.valid.eq(entry.sent.valid), response.sent.payload.eq(entry.sent.payload),
        response.session.card_ip.eq(order.src_ip), response.session.exchange_ip.eq(order.dst_ip),
        response.session.card_port.eq(order.src_port),
        response.session.exchange_port.eq(order.dst_port),
        risk.ledger.eq(response.view), risk.busy.eq(response.busy),
        risk.out_of_sync.eq(response.out_of_sync), risk.lost_sync.eq(response.lost_sync),
        risk.next_ref.eq(entry.next_ref),
    ]
    m.d.comb += [top.sent.valid.eq(entry.sent.valid), top.sent.payload.eq(entry.sent.payload)]
    wiring.connect(m, entry.tx, wiring.flipped(top.tx))
    m.d.comb += [
        strategy.updates.valid.eq(book.updates.valid),
        strategy.updates.payload.eq(book.updates.payload),
        strategy.update_end.valid.eq(book.update_end.valid),
        strategy.update_end.payload.eq(book.update_end.payload),
        risk.intents.valid.eq(strategy.intents.valid),
        risk.intents.payload.eq(strategy.intents.payload),
        risk.verdict_in.valid.eq(strategy.verdict.valid),
        risk.verdict_in.payload.eq(strategy.verdict.payload),
        risk.free.eq(entry.free),
        risk.session_active.eq(entry.session_active),
        entry.orders.valid.eq(risk.accepted.valid),
        entry.orders.payload.eq(risk.accepted.payload),
        entry.verdict.valid.eq(risk.verdict.valid),
        entry.verdict.payload.eq(risk.verdict.payload),
        entry.kill.eq(risk.killed),
    ]
