"""Counting a day from the feed handler's committed events, in the shape of ``day_counts``.

``tickforge stats --engine verilator`` prints what the Verilated handler delivered in the
same report as the reference decoder (:func:`sim.itch_counts.day_counts`): messages by
type, adds (A+F) and trades (P) by side and by stock. Stocks are named by the Stock
Directory (R) events' locate -> stock, the ticker in the add or trade itself being the
fallback, exactly as the reference does.

The handler counts unknown message types but does not keep their type bytes, so
``unknown`` reports them under ``"?"``.
"""

from __future__ import annotations

import numpy as np

from proto.itch import MESSAGES
from sim.feed_events import strip_stock
from sim.itch_counts import counts_report

__all__ = ["event_counts"]

_SIDES = {ord("B"): "buy", ord("S"): "sell"}


def event_counts(events: np.ndarray, name: str, unknown_type: int = 0) -> dict:
    """Counts of committed ``FEED_EVENT_DTYPE`` events (see the module docstring)."""
    per_type = np.bincount(events["type"], minlength=256)
    by_type = {code: int(per_type[ord(code)]) for code in MESSAGES if per_type[ord(code)]}
    stocks = strip_stock(events)
    directory_rows = events["type"] == ord("R")
    directory = {int(loc): s.decode("latin-1") for loc, s in
                 zip(events["locate"][directory_rows], stocks[directory_rows], strict=True)}
    adds = _by_stock_and_side(events, stocks, b"AF", directory)
    trades = _by_stock_and_side(events, stocks, b"P", directory)
    unknown = {"?": unknown_type} if unknown_type else {}
    return counts_report(name, len(events) + unknown_type, by_type, unknown, adds, trades)


def _by_stock_and_side(events, stocks, codes: bytes, directory) -> dict[tuple[str, str], int]:
    rows = np.isin(events["type"], list(codes))
    table: dict[tuple[str, str], int] = {}
    keys = zip(events["locate"][rows].tolist(), stocks[rows].tolist(),
               events["side"][rows].tolist(), strict=True)
    for locate, stock, side in keys:
        ticker = directory.get(locate) or stock.decode("latin-1")
        key = (ticker, _SIDES.get(side, "other"))
        table[key] = table.get(key, 0) + 1
    return table
