"""The records and capacities of the trading path (strategy -> risk -> order entry), once.

Used by the gateware (:mod:`hdl.strategy`, :mod:`hdl.risk`, :mod:`hdl.order`), the
reference model (:mod:`sim.trade_model`) and the harness drivers that pack the same bits.

- :class:`TradeParams`: capacities (stocks with trading state, pairs, order queue).
- :data:`LEG_LAYOUT`: one order the strategy proposes: stock slot, side, limit price,
  shares, the OUCH symbol, and the stock's book as the strategy saw it (best bid and ask,
  flags), which the risk checks judge it by.
- :func:`group_layout`: one or two legs decided together (a take is one leg, a pairs
  trigger two). The risk gate accepts or rejects a group whole.

Speculation: a group is decided from book records that are not final until their frame's
``update_end``; every stage passes the verdicts on in order with the groups, so a verdict
that arrives in the same cycle as a group applies to it too (records come before the
``update_end`` of their cycle).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from amaranth.lib import data
from amaranth.utils import ceil_log2

from hdl.book.layouts import PRICE_BITS, SHARES_BITS

__all__ = ["TradeParams", "SIM_TRADE", "ECP5_TRADE", "BOARD_TRADE", "Source", "LEG_LAYOUT",
           "group_layout", "TIME_BITS", "SYMBOL_BITS", "HOST_ORDER_LAYOUT"]

#: The free-running cycle counter that cool-downs, rate buckets and the duplicate window use.
TIME_BITS = 32
SYMBOL_BITS = 64


class Source(enum.IntEnum):
    """Who proposed a leg."""

    TAKE = 0       # the take trigger of its stock
    PAIR_A = 1     # first leg of a pairs trigger
    PAIR_B = 2     # hedge leg of a pairs trigger
    HOST = 3       # a manual order from the host


@dataclass(frozen=True)
class TradeParams:
    """Capacities of the trading path.

    Attributes
    ----------
    trade_slots : int
        Book slots ``0 .. trade_slots - 1`` have strategy and risk state (a power of two);
        stocks subscribed in higher slots are watched but never traded.
    pairs : int
        Pairs-trigger entries, evaluated in parallel on every record of a member stock.
    queue_depth : int
        Accepted legs waiting for the transmitter; a group with more legs than free
        entries is rejected (``queue_full``).
    order_table : int
        Open-order table entries (:mod:`hdl.response.orders`, a power of two): orders sent
        and not yet dead; a leg whose entry would still be busy is rejected
        (``orders_full``).
    """

    trade_slots: int = 16
    pairs: int = 4
    queue_depth: int = 8
    order_table: int = 1024

    def __post_init__(self):
        if self.trade_slots < 2 or self.trade_slots & (self.trade_slots - 1):
            raise ValueError(f"trade_slots must be a power of two >= 2, not {self.trade_slots}")
        if not 1 <= self.pairs <= 16:
            raise ValueError(f"pairs must be 1..16, not {self.pairs}")
        if self.queue_depth < 2:
            raise ValueError(f"queue_depth must be >= 2, not {self.queue_depth}")
        if self.order_table <= self.queue_depth or self.order_table & (self.order_table - 1):
            raise ValueError(f"order_table must be a power of two above queue_depth, not "
                             f"{self.order_table}")

    @property
    def slot_bits(self) -> int:
        return ceil_log2(self.trade_slots)

    @property
    def pair_bits(self) -> int:
        return max(1, ceil_log2(self.pairs))


SIM_TRADE = TradeParams()
ECP5_TRADE = TradeParams(trade_slots=4, pairs=2, queue_depth=4, order_table=256)
#: The ECPIX-5 bitstream's trading path (``hdl/boards/ecpix5.py``): the two stocks and the
#: pair of the board's configuration (``data/strategy_ritch_board.toml``), with a 64-entry
#: open-order table so the whole card fits the LFE5UM5G-85F. Raise it with
#: :data:`~hdl.book.layouts.BOARD_PARAMS`.
BOARD_TRADE = TradeParams(trade_slots=2, pairs=1, queue_depth=4, order_table=64)

#: One proposed order. ``bid``/``ask`` are the stock's best prices when it was decided
#: (``has_bid``/``has_ask`` 0 for an empty side); ``halted``/``invalid`` its book flags.
#: The slot is a book slot number (8 bits: every ``BookParams.slots`` in use fits).
LEG_LAYOUT = data.StructLayout({
    "slot": 8,
    "sell": 1,                   # 0 buy ('B'), 1 sell ('S')
    "price": PRICE_BITS,         # limit price, 4 implied decimals
    "shares": SHARES_BITS,
    "symbol": SYMBOL_BITS,       # OUCH symbol, first character in the least significant byte
    "source": 2,                 # Source
    "bid": PRICE_BITS,
    "ask": PRICE_BITS,
    "has_bid": 1,
    "has_ask": 1,
    "halted": 1,
    "invalid": 1,
})


def group_layout() -> data.StructLayout:
    """One or two legs decided together; ``pair`` is the pairs entry for pairs groups."""
    return data.StructLayout({
        "legs": data.ArrayLayout(LEG_LAYOUT, 2),
        "two": 1,                # 1: both legs, 0: legs[0] only
        "pair": 4,
        "speculative": 1,        # decided from records whose frame verdict is still to come
        "sequence": 64,          # MoldUDP64 sequence number of the message that triggered it
    })


#: A manual order from the host's command stream (:mod:`hdl.host_if.commands`); ``tag``
#: becomes its group's ``sequence``.
HOST_ORDER_LAYOUT = data.StructLayout({
    "slot": 8, "sell": 1, "price": PRICE_BITS, "shares": SHARES_BITS, "tag": 64,
})
