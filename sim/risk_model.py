"""Reference model of the pre-trade risk gate (:mod:`hdl.risk.gate`), check by check.

Written from the rules in :mod:`hdl.risk.gate`, :mod:`hdl.risk.checks` and
:mod:`hdl.risk.regs`: every check of every leg in parallel, ``other_leg`` for a failed
partner, speculative open shares / buckets / duplicate entries / exposure that verdicts
commit or roll back, and rate buckets that gain a token in every cycle whose counter is a
multiple of ``2 ** log2``. Exact integers throughout.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from hdl.risk.checks import BPS
from hdl.risk.reasons import Reason
from hdl.strategy.layouts import TIME_BITS, TradeParams
from sim.strategy_model import Group, Leg

__all__ = ["RiskLimits", "SlotRisk", "RiskModel"]

_TIME_MASK = (1 << TIME_BITS) - 1
_U32 = (1 << 32) - 1
_U64 = (1 << 64) - 1


@dataclass
class RiskLimits:
    """The ``risk`` block's limit registers (refill periods as ``log2``, None: never)."""

    enable: bool = True
    collar_bps: bool = False
    max_shares: int = 0
    max_notional: int = 0
    collar: int = 0
    gross_limit: int = 0
    stock_burst: int = 0
    stock_refill_log2: int | None = None
    global_burst: int = 0
    global_refill_log2: int | None = None
    dup_window: int = 0
    loss_limit: int = 0


@dataclass
class SlotRisk:
    """One stock: host-loaded position and limit, speculative open shares and guard."""

    position: int = 0
    limit: int = 0
    open_buy: int = 0
    open_sell: int = 0
    dup: dict = field(default_factory=dict)      # sell (bool) -> (price, time)


@dataclass
class _Speculative:
    slots: list[SlotRisk]
    stock_tokens: list[int]
    card_tokens: int
    exposure: int

    def copy(self) -> _Speculative:
        return _Speculative([SlotRisk(s.position, s.limit, s.open_buy, s.open_sell, dict(s.dup))
                             for s in self.slots], list(self.stock_tokens), self.card_tokens,
                            self.exposure)


class RiskModel:
    """The risk gate with ``limits``; per-slot host state in ``slots`` (index = slot).

    Call :meth:`refill` for ``command.refill`` (buckets to their bursts), then for every
    cycle with a group or a verdict, in cycle order: :meth:`decide`, then :meth:`verdict`.
    """

    def __init__(self, params: TradeParams, limits: RiskLimits,
                 slots: dict[int, SlotRisk] | None = None, pnl: int = 0,
                 exposure: int = 0, killed: bool = False):
        self.params = params
        self.limits = limits
        self.pnl = pnl
        self.host_killed = killed
        n = params.trade_slots
        self.state = _Speculative([copy.copy((slots or {}).get(i, SlotRisk()))
                                   for i in range(n)], [0] * n, 0, exposure)
        self.committed = self.state.copy()
        self._as_of = 0          # the working buckets are as at the start of this cycle

    @property
    def killed(self) -> bool:
        return self.host_killed or self.pnl + self.limits.loss_limit < 0

    def refill(self, now: int) -> None:
        """``command.refill`` in cycle ``now``: every bucket full from ``now + 1``."""
        for copy_ in (self.state, self.committed):
            copy_.stock_tokens = [self.limits.stock_burst] * self.params.trade_slots
            copy_.card_tokens = self.limits.global_burst
        self._as_of = now + 1

    @staticmethod
    def _ticks(log2: int | None, first: int, last: int) -> int:
        """Refill ticks in cycles ``first .. last``."""
        if log2 is None or last < first:
            return 0
        period = 1 << log2
        return last // period - (first - 1) // period

    @staticmethod
    def _is_tick(log2: int | None, now: int) -> int:
        return int(log2 is not None and now % (1 << log2) == 0)

    def _advance(self, now: int) -> None:
        """Bring the working buckets to the start of cycle ``now``."""
        lim, s = self.limits, self.state
        stock = self._ticks(lim.stock_refill_log2, self._as_of, now - 1)
        card = self._ticks(lim.global_refill_log2, self._as_of, now - 1)
        s.stock_tokens = [min(lim.stock_burst, t + stock) for t in s.stock_tokens]
        s.card_tokens = min(lim.global_burst, s.card_tokens + card)
        self._as_of = now

    def _own_reasons(self, now: int, leg: Leg, legs: int, exposure_after: int,
                     free: int, session: bool, orders_full: bool) -> int:
        lim, n = self.limits, self.params.trade_slots
        failed = set()
        top = leg.top
        if top.halted:
            failed.add(Reason.HALTED)
        if top.invalid:
            failed.add(Reason.INVALID_BOOK)
        if leg.shares == 0 or leg.price == 0 or leg.slot >= n:
            failed.add(Reason.BAD_ORDER)
        if leg.shares > lim.max_shares:
            failed.add(Reason.MAX_SHARES)
        if leg.price * leg.shares > lim.max_notional:
            failed.add(Reason.MAX_NOTIONAL)
        mid2 = top.bid + top.ask
        through = mid2 - 2 * leg.price if leg.sell else 2 * leg.price - mid2
        beyond = through * BPS > lim.collar * mid2 if lim.collar_bps else through > 2 * lim.collar
        if not (top.has_bid and top.has_ask) or beyond:
            failed.add(Reason.COLLAR)
        if self.killed:
            failed.add(Reason.KILLED)
        if not lim.enable:
            failed.add(Reason.DISABLED)
        if not session:
            failed.add(Reason.NO_SESSION)
        if exposure_after > lim.gross_limit:
            failed.add(Reason.GROSS)
        if self.state.card_tokens < legs:
            failed.add(Reason.RATE_GLOBAL)
        if free < legs:
            failed.add(Reason.QUEUE_FULL)
        if orders_full:
            failed.add(Reason.ORDERS_FULL)
        if leg.slot < n:
            slot = self.state.slots[leg.slot]
            if leg.sell:
                over = slot.open_sell + leg.shares - slot.position > slot.limit
            else:
                over = slot.position + slot.open_buy + leg.shares > slot.limit
            if over:
                failed.add(Reason.POSITION)
            if self.state.stock_tokens[leg.slot] == 0:
                failed.add(Reason.RATE_STOCK)
            last = slot.dup.get(leg.sell)
            if last is not None and last[0] == leg.price and \
                    ((now - last[1]) & _TIME_MASK) < lim.dup_window:
                failed.add(Reason.DUPLICATE)
        return sum(1 << r for r in failed)

    def decide(self, now: int, group: Group, free: int, session: bool = True,
               orders_full=(False, False)) -> tuple[bool, list[int]]:
        """Judge ``group`` in cycle ``now`` with ``free`` queue entries (``orders_full``:
        per leg, its open-order table entry is busy): (accepted, reasons of each leg).
        Positions and the P&L are the response ledger's, in sync and never suspended
        here (the exchange-response tests cover the rest)."""
        self._advance(now)
        legs = len(group.legs)
        notional = [leg.price * leg.shares for leg in group.legs]
        exposure_after = self.state.exposure + sum(notional)
        own = [self._own_reasons(now, leg, legs, exposure_after, free, session, full)
               for leg, full in zip(group.legs, orders_full[:legs], strict=True)]
        final = list(own)
        if legs == 2:
            final[0] |= (1 << Reason.OTHER_LEG) if own[1] else 0
            final[1] |= (1 << Reason.OTHER_LEG) if own[0] else 0
        accepted = not any(final)
        self._finish_cycle(now, group.legs if accepted else (), exposure_after)
        return accepted, final

    def _finish_cycle(self, now: int, accepted_legs, exposure_after: int) -> None:
        """Working state at the start of ``now + 1`` after this cycle's acceptances."""
        lim, s = self.limits, self.state
        used = {leg.slot for leg in accepted_legs}
        stock_tick = self._is_tick(lim.stock_refill_log2, now)
        s.stock_tokens = [min(lim.stock_burst, t - (i in used) + stock_tick)
                          for i, t in enumerate(s.stock_tokens)]
        card_tick = self._is_tick(lim.global_refill_log2, now)
        s.card_tokens = min(lim.global_burst, s.card_tokens - len(accepted_legs) + card_tick)
        for leg in accepted_legs:
            slot = s.slots[leg.slot]
            if leg.sell:
                slot.open_sell = (slot.open_sell + leg.shares) & _U32
            else:
                slot.open_buy = (slot.open_buy + leg.shares) & _U32
            slot.dup[leg.sell] = (leg.price, now)
        if accepted_legs:
            s.exposure = exposure_after & _U64
        self._as_of = now + 1

    def verdict(self, now: int, commit: bool) -> None:
        """The frame verdict at the risk gate in cycle ``now`` (after its decision)."""
        if self._as_of <= now:
            self._advance(now)
            self._finish_cycle(now, (), self.state.exposure)
        if commit:
            self.committed = self.state.copy()
        else:
            self.state = self.committed.copy()
