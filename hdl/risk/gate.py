"""``RiskGate``: every pre-trade check on every group, in parallel, fail closed.

A group that arrives in cycle ``t`` is decided in ``t + 1`` (:attr:`RiskGate.LATENCY`):

- ``t``: the checks that need no state (:func:`hdl.risk.checks.check_leg`: halted, invalid
  book, bad order, max shares, max notional, collar) and each leg's notional, registered.
- ``t + 1``: the checks against state, which is read and written in this one cycle, so a
  group in every cycle needs no forwarding: kill switch, enable, session, position limit
  (position + open orders + the leg), gross exposure (+ the group's notional), the stock's
  and the card's token buckets, the duplicate guard, room in the transmit queue. A leg
  whose partner failed gets ``other_leg``. A group with no reason on any leg is
  ``accepted`` (combinationally, so order entry starts its frame at the next edge) and
  its legs' open shares, tokens, duplicate entries and the gross exposure are updated;
  any other group leaves on ``rejects`` with every leg's reasons
  (:mod:`hdl.risk.reasons`).

Opened shares, buckets, duplicate entries and the opened notional are speculative state
(:class:`hdl.speculative.SpeculativeArray`) that the verdicts commit or roll back; rolling
back also loses the bucket refills since the last commit, which errs on the safe side.
Positions, closed shares, the P&L and what the exchange released come from the response
path's ledger (``ledger``, :func:`hdl.response.ledger.view_layout`), already the stricter of
its working and committed copies: the position check is ``opened_buy + long_base + shares
> limit`` (``opened_sell + short_base + shares`` for a sell), the gross check ``opened
notional + exposure_base + the group's notional > gross_limit``, the loss limit
``pnl_low < -loss_limit``. Orders that order entry drops after acceptance (kill, session
taken back) stay counted as opened until the host reloads the slot.

Leg ``i`` of a group will take UserRefNum ``next_ref + queued + i`` (``queued`` = the queue
depth minus ``free``: refs are given in queue order when frames complete), so its
open-order table entry is known now: ``orders_full`` if it is ``busy``. While the exchange
responses are out of sync every leg is refused (``resync``); a loss of sync
(``lost_sync``) also suspends every stock with open orders (opened != committed closed, on
either side) until the host reloads it (``command.load_slot``).

The kill switch (``killed``) is the sticky ``status.killed`` or this cycle's
``command.kill`` or ``host_kill`` (the command stream's) or a breached loss limit, so it
reaches order entry in the cycle it is set.

A group that is not speculative (a manual order, proposed only between feed frames, so no
speculative state is pending) commits the state it changes in its own decision cycle.
"""

from __future__ import annotations

from amaranth import Array, Cat, Module, Mux, Signal, signed
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

from hdl.feed.layouts import FRAME_END_LAYOUT
from hdl.host_if.csr_bank import block_signature
from hdl.response.ledger import view_layout
from hdl.risk.checks import LEG_CHECKS_LAYOUT, check_leg
from hdl.risk.reasons import REASON_BITS, Reason, reject_layout
from hdl.risk.regs import RISK_COUNTERS, risk_block
from hdl.speculative import SpeculativeArray
from hdl.strategy.layouts import SIM_TRADE, TIME_BITS, TradeParams, group_layout

__all__ = ["RiskGate"]

TOKEN_BITS = 16
_DUP = data.StructLayout({"price": 32, "time": TIME_BITS, "valid": 1})
_SLOT_RISK = data.StructLayout({
    "open_buy": 32, "open_sell": 32, "tokens": TOKEN_BITS, "dup_buy": _DUP, "dup_sell": _DUP,
})
_GLOBAL_RISK = data.StructLayout({"tokens": TOKEN_BITS, "exposure": 64})


def _refill_tick(now, refill) -> object:
    """High in the cycles where ``now`` is a multiple of ``2 ** refill.log2`` (if enabled).

    Power-of-two periods keep the phase of every bucket a function of the cycle counter
    alone, so software (and the reference model) can tell when a token arrives."""
    mask = (1 << refill.log2) - 1
    return refill.enable & ((now & mask)[:TIME_BITS] == 0)


def _bucket(tokens, used, tick, burst):
    """Tokens after a cycle: ``min(burst, tokens - used + tick)``."""
    after = tokens - used + tick
    return Mux(after > burst, burst, after)[:TOKEN_BITS]


class RiskGate(wiring.Component):
    """The pre-trade risk gate.

    Interface attributes
    --------------------
    intents : In(stream.Signature(group_layout(), always_ready=True))
        Proposed groups (the strategy's, later the host's).
    verdict_in : In(stream.Signature(FRAME_END_LAYOUT, always_ready=True))
        Frame verdicts in step with ``intents``.
    now : In(TIME_BITS)
        The free-running cycle counter.
    free : In(range(queue_depth + 1))
        Order entry's free queue entries.
    session_active : In(1)
        The order-entry session belongs to the card.
    next_ref : In(32)
        Order entry's next UserRefNum.
    ledger : In(view_layout(trade_slots))
    busy : In(order_table)
        The open-order table's busy entries.
    out_of_sync, lost_sync : In(1)
        From the response path.
    accepted : Out(stream.Signature(group_layout(), always_ready=True))
        Groups that passed, in their decision cycle.
    verdict : Out(stream.Signature(FRAME_END_LAYOUT, always_ready=True))
        ``verdict_in``, in step with ``accepted``.
    rejects : Out(stream.Signature(reject_layout(), always_ready=True))
        Groups that failed, with every leg's reasons.
    host_kill : In(1)
        A kill from the host's command stream (as ``command.kill``).
    killed : Out(1)
        The kill switch, including a kill set in this cycle.
    regs : In(block_signature(risk_block(params)))
        The ``risk`` register block.
    """

    LATENCY = 1

    def __init__(self, params: TradeParams = SIM_TRADE):
        self.params = params
        self.block = risk_block(params)
        super().__init__({
            "intents": In(stream.Signature(group_layout(), always_ready=True)),
            "verdict_in": In(stream.Signature(FRAME_END_LAYOUT, always_ready=True)),
            "now": In(TIME_BITS),
            "free": In(range(params.queue_depth + 1)),
            "session_active": In(1),
            "next_ref": In(32),
            "ledger": In(view_layout(params.trade_slots)),
            "busy": In(params.order_table),
            "out_of_sync": In(1),
            "lost_sync": In(1),
            "host_kill": In(1),
            "accepted": Out(stream.Signature(group_layout(), always_ready=True)),
            "verdict": Out(stream.Signature(FRAME_END_LAYOUT, always_ready=True)),
            "rejects": Out(stream.Signature(reject_layout(), always_ready=True)),
            "killed": Out(1),
            "regs": In(block_signature(self.block)),
        })

    def elaborate(self, platform):
        m = Module()
        p, regs, now = self.params, self.regs, self.now
        n = p.trade_slots
        command = regs.command
        counters = {name: Signal(32, name=f"count_{name}") for name in RISK_COUNTERS}
        for name, counter in counters.items():
            m.d.comb += getattr(regs, name).eq(counter)

        # ------------------------------------------------------------- cycle t
        group = Signal(group_layout())
        valid = Signal()
        stateless = [Signal(LEG_CHECKS_LAYOUT, name=f"leg{i}_checks") for i in range(2)]
        for i in range(2):
            checks = Signal(LEG_CHECKS_LAYOUT, name=f"leg{i}_checks_now")
            check_leg(m, self.intents.payload.legs[i], regs, n, checks)
            m.d.sync += stateless[i].eq(checks)
        end_valid, end_commit = Signal(), Signal()
        m.d.sync += [
            valid.eq(self.intents.valid), group.eq(self.intents.payload),
            end_valid.eq(self.verdict_in.valid), end_commit.eq(self.verdict_in.payload.commit),
        ]

        # ------------------------------------------------------------- state
        slots = SpeculativeArray(m, _SLOT_RISK, n, "slot_risk")
        card = SpeculativeArray(m, _GLOBAL_RISK, 1, "card_risk")
        limits = Array(Signal(32, name=f"limit_{i}") for i in range(n))
        ledger = self.ledger
        long_base, short_base = Array(ledger.long_base), Array(ledger.short_base)
        suspended = Signal(n)
        loss_limit = Cat(regs.loss_limit_lo, regs.loss_limit_hi)
        breached = Signal()
        m.d.comb += breached.eq((ledger.pnl_low + loss_limit) < 0)
        killed, by_host, by_loss = Signal(), Signal(), Signal()
        with m.If(command.rearm & ~breached):
            m.d.sync += [killed.eq(0), by_host.eq(0), by_loss.eq(0)]
        host_kill = command.kill | self.host_kill
        with m.If(host_kill):
            m.d.sync += [killed.eq(1), by_host.eq(1)]
        with m.If(breached):
            m.d.sync += [killed.eq(1), by_loss.eq(1)]
        m.d.comb += self.killed.eq(killed | host_kill | breached)
        m.d.comb += [
            regs.status.killed.eq(killed), regs.status.loss_breached.eq(breached),
            regs.status.by_host.eq(by_host), regs.status.by_loss.eq(by_loss),
        ]

        # ------------------------------------------------------------- cycle t + 1
        legs = group.legs
        present = [valid, valid & group.two]
        legs_used = Mux(group.two, 2, 1)
        card_now = card.cur[0]
        exposure_after = card_now.exposure + stateless[0].notional + \
            Mux(group.two, stateless[1].notional, 0)
        exposure_checked = Signal(signed(68))
        m.d.comb += exposure_checked.eq(exposure_after + ledger.exposure_base)
        queued = p.queue_depth - self.free
        table_bits = (p.order_table - 1).bit_length()
        gross_limit = Cat(regs.gross_limit_lo, regs.gross_limit_hi)
        own = []
        for i, leg in enumerate(legs):
            index = leg.slot[:p.slot_bits]
            entry, tracked = slots.cur[index], leg.slot < n
            limit = limits[index]
            over = Mux(leg.sell,
                       entry.open_sell + leg.shares + short_base[index] > limit,
                       entry.open_buy + leg.shares + long_base[index] > limit)
            table_entry = (self.next_ref + queued + i)[:table_bits]
            orders_full = self.busy.bit_select(table_entry, 1)
            dup = Signal(_DUP, name=f"leg{i}_dup")
            m.d.comb += dup.eq(Mux(leg.sell, entry.dup_sell, entry.dup_buy))
            duplicate = dup.valid & (dup.price == leg.price) & \
                ((now - dup.time)[:TIME_BITS] < regs.dup_window)
            stateful = {
                Reason.KILLED: self.killed,
                Reason.DISABLED: ~regs.control.enable,
                Reason.NO_SESSION: ~self.session_active,
                Reason.POSITION: tracked & over,
                Reason.GROSS: exposure_checked > gross_limit,
                Reason.RATE_STOCK: tracked & (entry.tokens == 0),
                Reason.RATE_GLOBAL: card_now.tokens < legs_used,
                Reason.DUPLICATE: tracked & duplicate,
                Reason.QUEUE_FULL: self.free < legs_used,
                Reason.ORDERS_FULL: orders_full,
                Reason.RESYNC: self.out_of_sync | (tracked & suspended.bit_select(index, 1)),
            }
            reasons = Signal(REASON_BITS, name=f"leg{i}_own_reasons")
            m.d.comb += reasons.eq(stateless[i].reasons)
            for reason, failed in stateful.items():
                with m.If(failed):
                    m.d.comb += reasons[reason].eq(1)
            own.append(reasons)
        final = [Signal(REASON_BITS, name=f"leg{i}_reasons") for i in range(2)]
        m.d.comb += [
            final[0].eq(own[0] | Mux(group.two & own[1].any(), 1 << Reason.OTHER_LEG, 0)),
            final[1].eq(Mux(group.two, own[1] | Mux(own[0].any(), 1 << Reason.OTHER_LEG, 0),
                            0)),
        ]
        accept = Signal()
        m.d.comb += accept.eq(valid & ~final[0].any() & ~final[1].any())
        m.d.comb += [
            self.accepted.valid.eq(accept), self.accepted.payload.eq(group),
            self.rejects.valid.eq(valid & ~accept), self.rejects.payload.group.eq(group),
            self.rejects.payload.reasons[0].eq(final[0]),
            self.rejects.payload.reasons[1].eq(final[1]),
            self.rejects.payload.time.eq(now),
            self.verdict.valid.eq(end_valid), self.verdict.payload.commit.eq(end_commit),
        ]

        # ------------------------------------------------------------- updates
        stock_tick = Signal()
        card_tick = Signal()
        m.d.comb += [stock_tick.eq(_refill_tick(now, regs.stock_refill)),
                     card_tick.eq(_refill_tick(now, regs.global_refill))]
        for j in range(n):
            used = Signal(name=f"slot{j}_used")
            for i, leg in enumerate(legs):
                with m.If(accept & present[i] & (leg.slot == j)):
                    m.d.comb += used.eq(1)
                    with m.If(leg.sell):
                        m.d.comb += [
                            slots.next[j].open_sell.eq(slots.cur[j].open_sell + leg.shares),
                            slots.next[j].dup_sell.eq(Cat(leg.price, now, 1)),
                        ]
                    with m.Else():
                        m.d.comb += [
                            slots.next[j].open_buy.eq(slots.cur[j].open_buy + leg.shares),
                            slots.next[j].dup_buy.eq(Cat(leg.price, now, 1)),
                        ]
            m.d.comb += slots.next[j].tokens.eq(
                _bucket(slots.cur[j].tokens, used, stock_tick, regs.stock_burst))
            load = command.load_slot & (regs.slot_sel == j)
            loaded = Signal(_SLOT_RISK, name=f"slot{j}_loaded")
            m.d.comb += loaded.eq(slots.cur[j])
            with m.If(load):
                m.d.comb += [loaded.open_buy.eq(regs.slot_open_buy),
                             loaded.open_sell.eq(regs.slot_open_sell)]
            with m.If(command.refill):
                m.d.comb += loaded.tokens.eq(regs.stock_burst)
            slots.load(j, load | command.refill, loaded)
            with m.If(load):
                m.d.sync += limits[j].eq(regs.slot_limit)
            opened = slots.committed[j]
            has_open = (opened.open_buy != ledger.closed_buy[j]) | \
                (opened.open_sell != ledger.closed_sell[j])
            with m.If(load):
                m.d.sync += suspended[j].eq(0)
            with m.Elif(self.lost_sync & has_open):
                m.d.sync += suspended[j].eq(1)
        m.d.comb += [
            card.next[0].tokens.eq(_bucket(card_now.tokens, Mux(accept, legs_used, 0),
                                           card_tick, regs.global_burst)),
            card.next[0].exposure.eq(Mux(accept, exposure_after, card_now.exposure)),
        ]
        card_loaded = Signal(_GLOBAL_RISK)
        m.d.comb += card_loaded.eq(card_now)
        with m.If(command.load_exposure):
            m.d.comb += card_loaded.exposure.eq(Cat(regs.exposure_load_lo, regs.exposure_load_hi))
        with m.If(command.refill):
            m.d.comb += card_loaded.tokens.eq(regs.global_burst)
        card.load(0, command.load_exposure | command.refill, card_loaded)
        commit = (end_valid & end_commit) | (valid & ~group.speculative)
        slots.finish(commit=commit, withdraw=end_valid & ~end_commit)
        card.finish(commit=commit, withdraw=end_valid & ~end_commit)

        # ------------------------------------------------------------- read back, counters
        sel = regs.slot_sel[:p.slot_bits]
        m.d.comb += [
            regs.read_limit.eq(limits[sel]), regs.suspended.eq(suspended),
            regs.read_open_buy.eq(slots.cur[sel].open_buy),
            regs.read_open_sell.eq(slots.cur[sel].open_sell),
            regs.read_tokens.eq(slots.cur[sel].tokens),
            regs.global_tokens.eq(card_now.tokens),
            regs.exposure_lo.eq(card_now.exposure[:32]),
            regs.exposure_hi.eq(card_now.exposure[32:]),
        ]
        with m.If(valid):
            m.d.sync += counters["groups"].eq(counters["groups"] + 1)
        with m.If(accept):
            m.d.sync += counters["accepted_legs"].eq(counters["accepted_legs"] + legs_used)
        with m.If(valid & ~accept):
            m.d.sync += counters["rejected_legs"].eq(counters["rejected_legs"] + legs_used)
        # only decided groups count: the reasons are computed every cycle, group or not
        with m.If(valid):
            for reason in Reason:
                name = f"reason_{reason.name.lower()}"
                m.d.sync += counters[name].eq(counters[name] + final[0][reason] +
                                              final[1][reason])
        return m
