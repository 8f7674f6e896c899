"""An example trading configuration for any ITCH day: take triggers at the day's price tails.

For each stock, the limits come from the day's own add orders: buy when the best offer
falls to the 5th percentile of their prices, sell when the best bid rises to the 95th, so a
replay of the day fires now and then on every stock. The risk limits are set so that some
checks bind (notional, collar, rate, duplicates) and the report has rejections to show.
Used by ``bench/latency.py`` and the card's day test; not a strategy anyone should trade.
"""

from __future__ import annotations

import numpy as np

from sim.risk_model import RiskLimits, SlotRisk
from sim.strategy_model import TakeConfig
from sim.verilated_card import TradeConfig

__all__ = ["take_config_for_day"]

_ADDS = (ord("A"), ord("F"))


def take_config_for_day(day, tickers: dict[int, str], max_shares: int = 200,
                        cooldown: int = 400) -> TradeConfig:
    """Take triggers on ``tickers`` ({slot: ticker}) with limits from ``day``'s prices."""
    events = day.events()
    locates = {name: locate for locate, name in day.symbols().items()}
    takes = {}
    for slot, ticker in tickers.items():
        if ticker not in locates:
            raise KeyError(f"{ticker} is not in the day's stock directory")
        chosen = (events["locate"] == locates[ticker]) & np.isin(events["type"], _ADDS)
        prices = events["price"][chosen]
        if not len(prices):
            raise ValueError(f"{ticker} has no add orders in the day")
        low, high = (int(v) for v in np.percentile(prices, [5, 95]))
        takes[slot] = TakeConfig(True, buy_limit=low, sell_limit=high, max_shares=max_shares,
                                 cooldown=cooldown, symbol=ticker.encode().ljust(8))
    limits = RiskLimits(max_shares=150, max_notional=3 * 10**7, collar=300,
                        gross_limit=10**13, stock_burst=4, stock_refill_log2=12,
                        global_burst=6, global_refill_log2=10, dup_window=5_000,
                        loss_limit=10**15)
    slots = {slot: SlotRisk(position=0, limit=5_000) for slot in tickers}
    return TradeConfig(takes=takes, limits=limits, slots=slots)
