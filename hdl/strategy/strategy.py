"""``Strategy``: take and pairs triggers on the book builder's update records.

Every update record of a slot with trading state (``slot < trade_slots``) is judged against
the stock's new top of book; at most one group leaves per record, two cycles later
(:attr:`Strategy.LATENCY`). S1, in the record's cycle, reads only the record and the
configuration: the take conditions, the doubled mid and each pairs entry's hedge product
``ratio * mid2``, registered (the multipliers sit alone in this stage). S2 reads and writes
the speculative state (last tops, cool-downs, each pair's last hedge product) and registers
the group, so records in back-to-back cycles need no forwarding.

- **Take** (per stock, ``take_mode.enable``): buy when the best offer is at or below
  ``take_buy_limit`` (sell when the best bid is at or above ``take_sell_limit``), for the
  touched level's size capped at ``take_max_shares``, at the touched price. A buy wins if
  both hold (a crossed book).
- **Pairs** (``pairs`` entries): on a record of stock A or B, the doubled spread
  ``(bid_a + ask_a) - ratio * (bid_b + ask_b)`` (A's or B's top from this record, the other
  stock's from its last record) above ``pair_band_hi`` sells ``pair_qty`` A at A's bid and
  buys ``ratio * pair_qty`` B at B's offer; below ``pair_band_lo`` the opposite, at the
  other touches. Both stocks need both sides. The lowest firing entry wins.
- A record's own take trigger goes before any pairs entry.
- A pairs entry keeps B's hedge product from B's last record: load the entry before the
  stocks' records flow (a later load takes effect from B's next record).
- No trigger fires for a halted stock or an invalid book (counted), or within ``cooldown``
  cycles of the last group that included the stock (counted).

Manual orders (``host_order``, from the host's command stream) are proposed as one-leg
groups of source ``HOST`` with the stock's last top, not speculative, and only in a cycle
between feed frames (no record in S2, none of a frame whose verdict is still to come, no
verdict in S2): so every speculative group before it has had its verdict, and a withdraw
cannot take the manual order with it. They ignore ``control.enable``, the triggers and the
cool-downs; the risk gate judges them as any group. While frames come back to back they
wait (``ready`` low).

The last top of every stock and the cool-downs are speculative state
(:class:`hdl.speculative.SpeculativeArray`): the ``update_end`` verdicts commit or roll
them back, and leave on ``verdict`` one cycle later, in step with the groups.
"""

from __future__ import annotations

from amaranth import Array, Module, Mux, Signal, signed
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

from hdl.book.layouts import PRICE_BITS, SHARES_BITS, SIM_PARAMS, BookParams, update_layout
from hdl.book.subscriptions import ticker_from_words
from hdl.counters import counter_bank
from hdl.feed.layouts import FRAME_END_LAYOUT
from hdl.host_if.csr_bank import block_signature
from hdl.speculative import SpeculativeArray
from hdl.strategy.layouts import (
    HOST_ORDER_LAYOUT,
    SIM_TRADE,
    SYMBOL_BITS,
    TIME_BITS,
    Source,
    TradeParams,
    group_layout,
)
from hdl.strategy.regs import STRATEGY_COUNTERS, strategy_block

__all__ = ["Strategy", "TOP_LAYOUT"]

#: What the strategy keeps of a stock's book: its best level on each side and its flags.
TOP_LAYOUT = data.StructLayout({
    "bid": PRICE_BITS, "bid_shares": SHARES_BITS, "ask": PRICE_BITS, "ask_shares": SHARES_BITS,
    "has_bid": 1, "has_ask": 1, "halted": 1, "invalid": 1,
})
_SLOT_STATE = data.StructLayout({"top": TOP_LAYOUT, "mid2": PRICE_BITS + 1,
                                 "last_fire": TIME_BITS, "fired": 1})
#: Per pairs entry: ratio x doubled mid of stock B from its last record.
_RATIO_MID2_BITS = 16 + PRICE_BITS + 1
_PAIR_STATE = data.StructLayout({"ratio_mid2_b": _RATIO_MID2_BITS})


def _s1_layout(params: TradeParams) -> data.StructLayout:
    """What S1 registers of a record: its top, the take decision's parts, the products."""
    return data.StructLayout({
        "valid": 1, "slot": 8, "now": TIME_BITS, "sequence": 64, "top": TOP_LAYOUT,
        "mid2": PRICE_BITS + 1, "take_met": 1, "buy": 1, "take_shares": SHARES_BITS,
        "ratio_mid2": data.ArrayLayout(_RATIO_MID2_BITS, params.pairs),
        "any": 1, "end_valid": 1, "end_commit": 1,
    })
_TAKE_CONFIG = data.StructLayout({
    "enable": 1, "buy_limit": PRICE_BITS, "sell_limit": PRICE_BITS,
    "max_shares": SHARES_BITS, "cooldown": TIME_BITS, "symbol": SYMBOL_BITS,
})
_PAIR_CONFIG = data.StructLayout({
    "a": 8, "b": 8, "enable": 1, "ratio": 16, "band_lo": signed(32), "band_hi": signed(32),
    "qty": SHARES_BITS,
})


def _saturate(value, width: int):
    return Mux(value >> width != 0, (1 << width) - 1, value[:width])


class Strategy(wiring.Component):
    """The strategy triggers.

    Parameters
    ----------
    book : BookParams
        The book builder's capacities (the update record's shape).
    params : TradeParams
        Trading capacities.

    Attributes
    ----------
    LATENCY : int
        Cycles from an update record to the group it triggers.

    Interface attributes
    --------------------
    updates, update_end : In(stream.Signature(...))
        The book builder's records and verdicts.
    now : In(TIME_BITS)
        The free-running cycle counter.
    intents : Out(stream.Signature(group_layout(), always_ready=True))
        Proposed groups, speculative until their verdict.
    verdict : Out(stream.Signature(FRAME_END_LAYOUT, always_ready=True))
        ``update_end``, one cycle later (in step with ``intents``).
    host_order : In(stream.Signature(HOST_ORDER_LAYOUT))
        Manual orders; taken (``ready``) in the cycle they are proposed.
    regs : In(block_signature(strategy_block(params)))
        The ``strategy`` register block.
    """

    LATENCY = 2

    def __init__(self, book: BookParams = SIM_PARAMS, params: TradeParams = SIM_TRADE):
        self.book = book
        self.params = params
        self.block = strategy_block(params)
        super().__init__({
            "updates": In(stream.Signature(update_layout(book), always_ready=True)),
            "update_end": In(stream.Signature(FRAME_END_LAYOUT, always_ready=True)),
            "now": In(TIME_BITS),
            "intents": Out(stream.Signature(group_layout(), always_ready=True)),
            "verdict": Out(stream.Signature(FRAME_END_LAYOUT, always_ready=True)),
            "host_order": In(stream.Signature(HOST_ORDER_LAYOUT)),
            "regs": In(block_signature(self.block)),
        })

    def elaborate(self, platform):
        m = Module()
        p, regs, now = self.params, self.regs, self.now
        n = p.trade_slots
        count = counter_bank(m, regs, STRATEGY_COUNTERS)

        # ------------------------------------------------------------- configuration
        takes = Array(Signal(_TAKE_CONFIG, name=f"take_{i}") for i in range(n))
        pairs = [Signal(_PAIR_CONFIG, name=f"pair_{i}") for i in range(p.pairs)]
        with m.If(regs.command.load_slot & (regs.slot_sel < n)):
            target = takes[regs.slot_sel[:p.slot_bits]]
            m.d.sync += [
                target.enable.eq(regs.take_mode.enable), target.buy_limit.eq(regs.take_buy_limit),
                target.sell_limit.eq(regs.take_sell_limit),
                target.max_shares.eq(regs.take_max_shares), target.cooldown.eq(regs.cooldown),
                target.symbol.eq(ticker_from_words([regs.symbol_0, regs.symbol_1])),
            ]
        for i, pair in enumerate(pairs):
            with m.If(regs.command.load_pair & (regs.pair_sel == i)):
                m.d.sync += [
                    pair.a.eq(regs.pair_slots.a), pair.b.eq(regs.pair_slots.b),
                    pair.enable.eq(regs.pair_slots.enable), pair.ratio.eq(regs.pair_ratio),
                    pair.band_lo.eq(regs.pair_band_lo), pair.band_hi.eq(regs.pair_band_hi),
                    pair.qty.eq(regs.pair_qty),
                ]

        # ------------------------------------------------------------- S1: the record
        # Only the record and the configuration are read here, never the speculative
        # state, so a record in every cycle needs no forwarding: S2 of the previous
        # record writes the state before this record's S2 reads it.
        record = self.updates.payload
        s1 = Signal(_s1_layout(p), name="s1")
        new_top = Signal(TOP_LAYOUT)
        best_bid, best_ask = record.bids[0], record.asks[0]
        m.d.comb += [
            new_top.bid.eq(best_bid.price), new_top.bid_shares.eq(best_bid.shares),
            new_top.ask.eq(best_ask.price), new_top.ask_shares.eq(best_ask.shares),
            new_top.has_bid.eq(best_bid.orders != 0), new_top.has_ask.eq(best_ask.orders != 0),
            new_top.halted.eq(record.halted), new_top.invalid.eq(record.invalid),
        ]
        tracked = self.updates.valid & (record.slot < n)
        take = takes[record.slot[:p.slot_bits]]
        buy = take.enable & new_top.has_ask & (take.buy_limit != 0) & \
            (new_top.ask <= take.buy_limit)
        sell = take.enable & new_top.has_bid & (take.sell_limit != 0) & \
            (new_top.bid >= take.sell_limit)
        touched = Mux(buy, new_top.ask_shares, new_top.bid_shares)
        mid2 = new_top.bid + new_top.ask
        m.d.sync += [
            s1.valid.eq(tracked), s1.slot.eq(record.slot), s1.now.eq(now),
            s1.sequence.eq(record.sequence), s1.top.eq(new_top), s1.mid2.eq(mid2),
            s1.take_met.eq(tracked & regs.control.enable & (take.max_shares != 0) &
                           (buy | sell)),
            s1.buy.eq(buy),
            s1.take_shares.eq(Mux(touched < take.max_shares, touched, take.max_shares)),
            s1.any.eq(self.updates.valid),
            s1.end_valid.eq(self.update_end.valid),
            s1.end_commit.eq(self.update_end.payload.commit),
        ]
        for index, pair in enumerate(pairs):
            m.d.sync += s1.ratio_mid2[index].eq(pair.ratio * mid2)

        # ------------------------------------------------------------- S2: the decision
        state = SpeculativeArray(m, _SLOT_STATE, n, "slot_state")
        pair_state = SpeculativeArray(m, _PAIR_STATE, p.pairs, "pair_state")
        slot = s1.slot[:p.slot_bits]
        enabled = s1.valid & regs.control.enable

        def cool(index):
            entry = state.cur[index]
            return ~entry.fired | ((s1.now - entry.last_fire)[:TIME_BITS] >=
                                   takes[index].cooldown)

        def of(member, field):
            own = s1.top if field == "top" else s1.mid2
            return Mux(s1.slot == member, own, getattr(state.cur[member[:p.slot_bits]], field))

        group = Signal(group_layout())
        fire = Signal()
        held_flags, held_cool = Signal(), Signal()

        def leg(target, member, sell, price, shares, source, top):
            m.d.comb += [
                target.slot.eq(member), target.sell.eq(sell), target.price.eq(price),
                target.shares.eq(shares), target.source.eq(source),
                target.symbol.eq(takes[member[:p.slot_bits]].symbol),
                target.bid.eq(top.bid), target.ask.eq(top.ask), target.has_bid.eq(top.has_bid),
                target.has_ask.eq(top.has_ask), target.halted.eq(top.halted),
                target.invalid.eq(top.invalid),
            ]

        # ------------------------------------------------------------- take
        take_met = s1.take_met
        take_flags = s1.top.halted | s1.top.invalid
        take_fire = Signal()
        m.d.comb += take_fire.eq(take_met & ~take_flags & cool(slot))

        # ------------------------------------------------------------- pairs
        pair_fires = []
        pair_groups = []
        for index, pair in enumerate(pairs):
            top_a, top_b = Signal(TOP_LAYOUT, name=f"pair{index}_top_a"), \
                Signal(TOP_LAYOUT, name=f"pair{index}_top_b")
            m.d.comb += [top_a.eq(of(pair.a, "top")), top_b.eq(of(pair.b, "top"))]
            members_ok = (pair.a < n) & (pair.b < n) & (pair.a != pair.b) & pair.enable & \
                (pair.qty != 0) & (pair.ratio != 0)
            involved = (s1.slot == pair.a) | (s1.slot == pair.b)
            two_sided = top_a.has_bid & top_a.has_ask & top_b.has_bid & top_b.has_ask
            hedge = Mux(s1.slot == pair.b, s1.ratio_mid2[index],
                        pair_state.cur[index].ratio_mid2_b)
            spread = Signal(signed(56), name=f"pair{index}_spread")
            m.d.comb += spread.eq(of(pair.a, "mid2") - hedge)
            rich, cheap = spread > pair.band_hi, spread < pair.band_lo
            met = enabled & members_ok & involved & two_sided & (rich | cheap)
            flags = top_a.halted | top_a.invalid | top_b.halted | top_b.invalid
            cooled = cool(pair.a[:p.slot_bits]) & cool(pair.b[:p.slot_bits])
            fires = Signal(name=f"pair{index}_fires")
            m.d.comb += fires.eq(met & ~flags & cooled)
            with m.If(met & flags):
                m.d.comb += held_flags.eq(1)
            with m.If(met & ~flags & ~cooled):
                m.d.comb += held_cool.eq(1)
            with m.If(s1.valid & (s1.slot == pair.b)):
                m.d.comb += pair_state.next[index].ratio_mid2_b.eq(s1.ratio_mid2[index])
            candidate = Signal(group_layout(), name=f"pair{index}_group")
            leg(candidate.legs[0], pair.a, rich, Mux(rich, top_a.bid, top_a.ask), pair.qty,
                Source.PAIR_A, top_a)
            leg(candidate.legs[1], pair.b, ~rich, Mux(rich, top_b.ask, top_b.bid),
                _saturate(pair.qty * pair.ratio, SHARES_BITS), Source.PAIR_B, top_b)
            m.d.comb += [candidate.two.eq(1), candidate.pair.eq(index)]
            pair_fires.append(fires)
            pair_groups.append(candidate)

        with m.If(take_met & take_flags):
            m.d.comb += held_flags.eq(1)
        with m.If(take_met & ~take_flags & ~cool(slot)):
            m.d.comb += held_cool.eq(1)
        pair_fire = Signal()
        with m.If(take_fire):
            m.d.comb += fire.eq(1)
            leg(group.legs[0], s1.slot, ~s1.buy, Mux(s1.buy, s1.top.ask, s1.top.bid),
                s1.take_shares, Source.TAKE, s1.top)
        for fires, candidate in zip(pair_fires, pair_groups, strict=True):
            with m.Elif(fires):
                m.d.comb += [fire.eq(1), pair_fire.eq(1), group.eq(candidate)]
        # ------------------------------------------------------------- manual orders
        frame_open = Signal()        # records seen whose frame's verdict has not come
        m.d.sync += frame_open.eq((frame_open | s1.any) & ~s1.end_valid)
        between = ~frame_open & ~s1.any & ~s1.end_valid
        host = self.host_order.payload
        host_fire = Signal()
        m.d.comb += [host_fire.eq(self.host_order.valid & between),
                     self.host_order.ready.eq(between)]
        with m.If(host_fire):
            leg(group.legs[0], host.slot, host.sell, host.price, host.shares, Source.HOST,
                state.cur[host.slot[:p.slot_bits]].top)
        m.d.comb += [group.speculative.eq(~host_fire),
                     group.sequence.eq(Mux(host_fire, host.tag, s1.sequence))]

        # ------------------------------------------------------------- state and output
        for i in range(n):
            with m.If(s1.valid & (slot == i)):
                m.d.comb += [state.next[i].top.eq(s1.top), state.next[i].mid2.eq(s1.mid2)]
            in_group = (group.legs[0].slot == i) | (group.two & (group.legs[1].slot == i))
            with m.If(fire & in_group):
                m.d.comb += [state.next[i].last_fire.eq(s1.now), state.next[i].fired.eq(1)]
        withdraw = s1.end_valid & ~s1.end_commit
        for speculative in (state, pair_state):
            speculative.finish(commit=s1.end_valid & s1.end_commit, withdraw=withdraw)
        m.d.sync += [
            self.intents.valid.eq(fire | host_fire), self.intents.payload.eq(group),
            self.verdict.valid.eq(s1.end_valid), self.verdict.payload.commit.eq(s1.end_commit),
        ]
        count("records", self.updates.valid)
        count("untracked", self.updates.valid & ~tracked)
        count("take_fired", take_fire)
        count("pairs_fired", pair_fire)
        count("suppressed_flags", held_flags)
        count("suppressed_cooldown", held_cool)
        count("withdrawn", withdraw)
        return m
