"""Reference model of the strategy triggers (:mod:`hdl.strategy.strategy`), rule by rule.

Written from the rules in that module's docstring, not from its code: the take and pairs
triggers judged against the record's new top of book, priorities, flags, cool-downs, and
the speculative state (last tops, cool-downs) that frame verdicts commit or roll back.
Integers are exact; the gateware's widths are wide enough that they never wrap for prices
and sizes an ITCH feed can carry.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from hdl.strategy.layouts import TIME_BITS, Source, TradeParams

__all__ = ["Top", "TakeConfig", "PairConfig", "Leg", "Group", "StrategyModel"]

_TIME_MASK = (1 << TIME_BITS) - 1
_SHARES_MAX = (1 << 32) - 1


@dataclass(frozen=True)
class Top:
    """A stock's best level on each side (``has_*`` False for an empty side) and flags."""

    bid: int = 0
    bid_shares: int = 0
    ask: int = 0
    ask_shares: int = 0
    has_bid: bool = False
    has_ask: bool = False
    halted: bool = False
    invalid: bool = False


@dataclass(frozen=True)
class TakeConfig:
    enable: bool = False
    buy_limit: int = 0
    sell_limit: int = 0
    max_shares: int = 0
    cooldown: int = 0
    symbol: bytes = b"        "


@dataclass(frozen=True)
class PairConfig:
    a: int
    b: int
    enable: bool = True
    ratio: int = 1
    band_lo: int = 0
    band_hi: int = 0
    qty: int = 0


@dataclass(frozen=True)
class Leg:
    slot: int
    sell: bool
    price: int
    shares: int
    symbol: bytes
    source: Source
    top: Top


@dataclass(frozen=True)
class Group:
    legs: tuple[Leg, ...]
    pair: int = 0

    @property
    def two(self) -> bool:
        return len(self.legs) == 2


@dataclass(frozen=True)
class _SlotState:
    top: Top = field(default_factory=Top)
    last_fire: int = 0
    fired: bool = False


class StrategyModel:
    """The triggers of one strategy block.

    Parameters
    ----------
    params : TradeParams
    takes : dict of slot -> TakeConfig
    pairs : list of PairConfig (entry ``i`` is pairs entry ``i``; at most ``params.pairs``)
    enable : bool
        ``control.enable``.
    """

    def __init__(self, params: TradeParams, takes: dict[int, TakeConfig] | None = None,
                 pairs: list[PairConfig] | None = None, enable: bool = True):
        self.params = params
        self.takes = {i: (takes or {}).get(i, TakeConfig()) for i in range(params.trade_slots)}
        self.pairs = list(pairs or [])
        if len(self.pairs) > params.pairs:
            raise ValueError(f"{len(self.pairs)} pairs for {params.pairs} entries")
        self.enable = enable
        self.state = [_SlotState() for _ in range(params.trade_slots)]
        self.committed = list(self.state)        # entries are immutable: a copy is cheap

    def _cool(self, now: int, slot: int) -> bool:
        entry = self.state[slot]
        return not entry.fired or ((now - entry.last_fire) & _TIME_MASK) >= \
            self.takes[slot].cooldown

    def record(self, now: int, slot: int, top: Top) -> Group | None:
        """A book-update record of ``slot`` in cycle ``now``; the group it fires, if any."""
        n = self.params.trade_slots
        if slot >= n:
            return None
        group = self._decide(now, slot, top) if self.enable else None
        self.state[slot] = replace(self.state[slot], top=top)
        if group is not None:
            for leg in group.legs:
                self.state[leg.slot] = replace(self.state[leg.slot], last_fire=now, fired=True)
        return group

    def _decide(self, now: int, slot: int, top: Top) -> Group | None:
        take = self.takes[slot]
        buy = take.enable and top.has_ask and take.buy_limit != 0 and top.ask <= take.buy_limit
        sell = take.enable and top.has_bid and take.sell_limit != 0 and \
            top.bid >= take.sell_limit
        if take.max_shares and (buy or sell) and not (top.halted or top.invalid) and \
                self._cool(now, slot):
            touched = top.ask_shares if buy else top.bid_shares
            price = top.ask if buy else top.bid
            return Group((Leg(slot, not buy, price, min(touched, take.max_shares),
                              take.symbol, Source.TAKE, top),))
        for index, pair in enumerate(self.pairs):
            group = self._pair(now, index, pair, slot, top)
            if group is not None:
                return group
        return None

    def _pair(self, now: int, index: int, pair: PairConfig, slot: int, top: Top):
        n = self.params.trade_slots
        if not (pair.enable and pair.a < n and pair.b < n and pair.a != pair.b and pair.qty
                and pair.ratio and slot in (pair.a, pair.b)):
            return None
        top_a = top if slot == pair.a else self.state[pair.a].top
        top_b = top if slot == pair.b else self.state[pair.b].top
        if not (top_a.has_bid and top_a.has_ask and top_b.has_bid and top_b.has_ask):
            return None
        spread = (top_a.bid + top_a.ask) - pair.ratio * (top_b.bid + top_b.ask)
        rich, cheap = spread > pair.band_hi, spread < pair.band_lo
        if not (rich or cheap):
            return None
        if any(t.halted or t.invalid for t in (top_a, top_b)):
            return None
        if not (self._cool(now, pair.a) and self._cool(now, pair.b)):
            return None
        leg_a = Leg(pair.a, rich, top_a.bid if rich else top_a.ask, pair.qty,
                    self.takes[pair.a].symbol, Source.PAIR_A, top_a)
        leg_b = Leg(pair.b, not rich, top_b.ask if rich else top_b.bid,
                    min(pair.qty * pair.ratio, _SHARES_MAX), self.takes[pair.b].symbol,
                    Source.PAIR_B, top_b)
        return Group((leg_a, leg_b), index)

    def verdict(self, commit: bool) -> None:
        """The frame verdict that follows this cycle's record (if any)."""
        if commit:
            self.committed = list(self.state)
        else:
            self.state = list(self.committed)
