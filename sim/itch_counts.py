"""Counting a day: messages by type, and adds and trades by side and by stock.

The stock of an add or trade is the Stock Directory (R) ticker for its stock locate, which
is what NASDAQ guarantees; the ticker carried in the A/F/P message itself is the fallback
for a locate the day never announced.
"""

from __future__ import annotations

import numpy as np

from proto.itch import MESSAGES

__all__ = ["counts_report", "day_counts"]

_SIDES = {b"B": "buy", b"S": "sell"}


def day_counts(day) -> dict:
    """Counts for one :class:`sim.itch_file.ItchDay`, as plain JSON-ready data.

    Returns
    -------
    dict
        ``messages`` (total), ``by_type`` (type character -> count, specification order,
        types present only), ``unknown`` (skipped type bytes -> count), ``adds`` and
        ``trades`` (each ``{"total", "buy", "sell"}``; adds are A + F, trades are P),
        ``by_stock`` (ticker -> ``{"adds", "adds_buy", "adds_sell", "trades",
        "trades_buy", "trades_sell"}``, sorted by ticker).
    """
    per_type = np.bincount(day.types, minlength=256)
    by_type = {code: int(per_type[ord(code)]) for code in MESSAGES if per_type[ord(code)]}
    directory = day.symbols()
    adds = _by_stock_and_side(day, ("A", "F"), directory)
    trades = _by_stock_and_side(day, ("P",), directory)
    return counts_report(day.name, len(day), by_type, dict(day.unknown), adds, trades)


def counts_report(name: str, messages: int, by_type: dict, unknown: dict,
                  adds: dict, trades: dict) -> dict:
    """The report every engine prints, from ``(ticker, side) -> count`` tables of adds and
    trades (side ``"buy"``, ``"sell"`` or ``"other"``)."""
    by_stock = {}
    for stock in sorted({s for s, _ in adds} | {s for s, _ in trades}):
        row = {}
        for what, table in (("adds", adds), ("trades", trades)):
            buy, sell, other = (table.get((stock, s), 0) for s in ("buy", "sell", "other"))
            row[what] = buy + sell + other
            row[f"{what}_buy"] = buy
            row[f"{what}_sell"] = sell
        by_stock[stock] = row
    return {
        "file": name,
        "messages": messages,
        "by_type": by_type,
        "unknown": unknown,
        "adds": _totals(adds),
        "trades": _totals(trades),
        "by_stock": by_stock,
    }


def _by_stock_and_side(day, codes, directory) -> dict[tuple[str, str], int]:
    """``(ticker, "buy"|"sell"|"other") -> count`` over the messages of ``codes``."""
    keys = []
    for code in codes:
        _, records = day.records(code)
        key = np.empty(len(records), dtype=[("locate", ">u2"), ("stock", "S8"), ("side", "S1")])
        key["locate"] = records["stock_locate"]
        key["stock"] = records["stock"]
        key["side"] = records["side"]
        keys.append(key)
    unique, counts = np.unique(np.concatenate(keys), return_counts=True)
    table: dict[tuple[str, str], int] = {}
    for (locate, stock, side), n in zip(unique.tolist(), counts.tolist(), strict=True):
        ticker = directory.get(locate) or stock.rstrip(b" ").decode("latin-1")
        key = (ticker, _SIDES.get(side, "other"))
        table[key] = table.get(key, 0) + n
    return table


def _totals(table: dict[tuple[str, str], int]) -> dict[str, int]:
    buy = sum(n for (_, side), n in table.items() if side == "buy")
    sell = sum(n for (_, side), n in table.items() if side == "sell")
    return {"total": sum(table.values()), "buy": buy, "sell": sell}
