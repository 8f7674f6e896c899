"""Why the risk gate refused a leg: one bit per check, every failing check's bit set.

All checks run in parallel on every group, so a rejection carries the full set of reasons
(``reasons`` is a bit mask), not just the first one found. Defined once here for the gateware,
the reference model (:mod:`sim.trade_model`), the register docs and the host.
"""

from __future__ import annotations

import enum

__all__ = ["Reason", "REASON_BITS", "REASON_DOCS", "reason_names", "reject_layout"]


class Reason(enum.IntEnum):
    """Bit number of each pre-trade check (SEC Rule 15c3-5 set plus the card's own)."""

    KILLED = 0          # kill switch set (host command or loss limit)
    DISABLED = 1        # trading not enabled (risk control.enable)
    NO_SESSION = 2      # the order-entry session is not the card's
    HALTED = 3          # the stock's last H message was not 'T'
    INVALID_BOOK = 4    # the stock's book is flagged not exact
    BAD_ORDER = 5       # zero shares or price, or a slot without trading state
    MAX_SHARES = 6      # shares above the per-order maximum
    MAX_NOTIONAL = 7    # price x shares above the per-order maximum
    COLLAR = 8          # price too far through the book's midpoint, or no two-sided book
    POSITION = 9        # position + open orders + this order beyond the stock's limit
    GROSS = 10          # gross exposure + this order's notional above the limit
    RATE_STOCK = 11     # the stock's order-rate bucket is empty
    RATE_GLOBAL = 12    # the card's order-rate bucket has too few tokens for the group
    DUPLICATE = 13      # same stock, side and price as an order inside the window
    QUEUE_FULL = 14     # the transmit queue has no room for the group
    OTHER_LEG = 15      # the other leg of the group failed a check
    ORDERS_FULL = 16    # the open-order table entry the leg would take is still busy
    RESYNC = 17         # the exchange responses are out of sync, or the stock awaits resync


REASON_BITS = 32

REASON_DOCS = {
    Reason.KILLED: "kill switch set (host command, or the daily loss limit tripped it)",
    Reason.DISABLED: "trading is not enabled (risk.control.enable = 0)",
    Reason.NO_SESSION: "the order-entry TCP session is not handed to the card",
    Reason.HALTED: "the stock is halted (its last H message was not 'T')",
    Reason.INVALID_BOOK: "the stock's book is flagged invalid (not exact)",
    Reason.BAD_ORDER: "zero shares, zero price, or a slot without trading state",
    Reason.MAX_SHARES: "shares above max_shares",
    Reason.MAX_NOTIONAL: "price x shares above max_notional",
    Reason.COLLAR: "price beyond the collar around the book's midpoint, or a one-sided book",
    Reason.POSITION: "position plus open orders plus this order beyond the position limit",
    Reason.GROSS: "gross exposure plus this order's notional above gross_limit",
    Reason.RATE_STOCK: "the stock's token bucket is empty",
    Reason.RATE_GLOBAL: "the card's token bucket has fewer tokens than the group's legs",
    Reason.DUPLICATE: "same stock, side and price as an accepted order within dup_window",
    Reason.QUEUE_FULL: "the transmit queue cannot take the group's legs",
    Reason.OTHER_LEG: "the group's other leg was rejected",
    Reason.ORDERS_FULL: "the open-order table entry the order would take still holds a "
                        "live order",
    Reason.RESYNC: "exchange responses are out of sync, or the stock had open orders when "
                   "they went out of sync and the host has not reloaded it",
}


def reason_names(mask: int) -> list[str]:
    """Lower-case names of the bits set in ``mask``, lowest bit first."""
    return [r.name.lower() for r in Reason if mask >> r & 1]


def reject_layout():
    """A rejected group: its legs, each leg's reasons (0 for an absent second leg), and
    the cycle counter of the decision."""
    from amaranth.lib import data

    from hdl.strategy.layouts import TIME_BITS, group_layout

    return data.StructLayout({
        "group": group_layout(),
        "reasons": data.ArrayLayout(REASON_BITS, 2),
        "time": TIME_BITS,
    })
