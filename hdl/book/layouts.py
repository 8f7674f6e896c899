"""The records and capacities of the book builder, defined once.

Used by the gateware (:mod:`hdl.book`), the Verilator harness drivers that pack and unpack
the same bits (:mod:`sim.verilated_book`) and the documentation.

- :class:`BookParams`: every capacity of the design (stocks, levels per side, order table,
  top levels exported, undo log). Simulation builds use :data:`SIM_PARAMS`; a small card
  uses smaller capacities (``bench/fmax.py``).
- :data:`LEVEL_LAYOUT`: one price level, ``price``, ``shares`` and ``orders`` (0 orders = an
  empty level).
- :func:`update_layout`: the book-update record streamed after every event of a subscribed
  stock, whatever its type: the stock's top ``N`` levels per side (best first), its flags
  and the event's position in the feed (channel, MoldUDP64 sequence).
- :func:`order_entry_layout`: one entry of the order table.

Speculation: events are applied as they arrive, before their frame's verdict. The book
builder passes every ``frame_end`` through to its ``update_end`` output, after the update
records of that frame's events; ``commit = 0`` means the records since the previous
``update_end`` are withdrawn, and the builder has rolled its own state (books, orders,
locate codes learned from R, halted flags) back to what it was before them.
"""

from __future__ import annotations

from dataclasses import dataclass

from amaranth.lib import data
from amaranth.utils import ceil_log2

__all__ = ["BookParams", "SIM_PARAMS", "ECP5_PARAMS", "BOARD_PARAMS", "LEVEL_LAYOUT",
           "PRICE_BITS", "SHARES_BITS", "ORDERS_BITS", "LOCATE_BITS", "update_layout",
           "order_entry_layout", "top_side_layout"]

PRICE_BITS = 32       # ITCH Price(4): an unsigned 32-bit count of 1/10,000 dollars
SHARES_BITS = 32      # a level's total shares; ITCH's per-order shares are 32-bit too
ORDERS_BITS = 16      # orders resting at one level
LOCATE_BITS = 16      # ITCH stock locate

LEVEL_LAYOUT = data.StructLayout({
    "price": PRICE_BITS,
    "shares": SHARES_BITS,
    "orders": ORDERS_BITS,
})


@dataclass(frozen=True)
class BookParams:
    """Capacities of one book builder.

    Attributes
    ----------
    slots : int
        Stocks that can be subscribed at once (a power of two).
    pages : int
        Pages per side per stock (a power of two). A side's levels sit in its pages,
        ``page_levels`` at most to a page, best first (:mod:`hdl.book.directory`,
        :mod:`hdl.book.level_store`); a level insert that needs a page beyond these is
        dropped and the stock flagged invalid (``level_overflow``).
    page_levels : int
        Price levels per page, at least ``2 * top + 3`` (page 0 must keep the top levels
        through a split and one removal; see :mod:`sim.level_pages`).
    top : int
        Levels per side exported in every update record.
    order_sets_log2 : int
        The order table has ``2 ** order_sets_log2`` sets of ``order_ways`` entries; an
        add whose set is full is dropped and its stock flagged (``order_overflow``).
    order_ways : int
        Entries per set, compared in parallel.
    undo_depth : int
        Book operations of one frame that can be rolled back on a withdraw; a longer
        frame that is withdrawn flags every stock it could not restore.
    input_depth : int
        Events (and frame verdicts) the input queue holds while the builder is busy: the
        builder keeps up at line rate, so the queue fills only while a withdrawn frame is
        rolled back (about 2 cycles per undone change). An event that finds it full is
        lost, counted (``input_overflow``), and every stock is flagged.
    """

    slots: int = 256
    pages: int = 64
    page_levels: int = 24
    top: int = 10
    order_sets_log2: int = 13
    order_ways: int = 8
    undo_depth: int = 256
    input_depth: int = 64

    def __post_init__(self):
        if self.slots < 2 or self.slots & (self.slots - 1):
            raise ValueError(f"slots must be a power of two >= 2, not {self.slots}")
        if self.pages < 2 or self.pages & (self.pages - 1):
            raise ValueError(f"pages must be a power of two >= 2, not {self.pages}")
        if self.top < 1 or self.page_levels < 2 * self.top + 3:
            raise ValueError(f"page_levels ({self.page_levels}) must be at least 2 * top + 3 "
                             f"({2 * self.top + 3}) and top at least 1")
        if self.order_ways < 1 or self.order_sets_log2 < 1:
            raise ValueError("the order table needs at least one way and two sets")
        if self.undo_depth < 2 or self.undo_depth & (self.undo_depth - 1):
            raise ValueError(f"undo_depth must be a power of two >= 2, not {self.undo_depth}")
        if self.input_depth < 2:
            raise ValueError(f"input_depth must be at least 2, not {self.input_depth}")

    @property
    def levels(self) -> int:
        """The most levels a side can hold (every page full); fragmentation lowers it."""
        return self.pages * self.page_levels

    @property
    def slot_bits(self) -> int:
        return ceil_log2(self.slots)

    @property
    def order_capacity(self) -> int:
        return self.order_ways << self.order_sets_log2


#: What simulation builds use: 64 pages of 24 levels a side, up to 1,536 levels; the deepest
#: side of the test days (509 levels, AAPL's asks on 21 June 2012) takes 42 of them.
SIM_PARAMS = BookParams()

#: What fits an ECP5-85 (LFE5UM5G-85F: 84k LUT4, 208 DP16KD) beside the rest of the core.
#: Block RAM is paid for in width, not depth: a page is read and written whole, and each
#: of the two page banks (hdl.book.page_banks) is ``page_levels * 80`` bits of 18-bit
#: DP16KD ports, however few rows it has. So the page is as short as the exported top
#: allows (``page_levels = 2 * top + 3``; the card's consumers, the strategy and the event
#: stream, read only the best level), and the rows come almost free: 16 stocks x 8 pages x
#: 2 sides fill 128 of a bank's 1,024. Pages per side cost logic (the directory row, its
#: comparators and edits), not RAM. The order table (2 ways of 134 bits) and the undo log
#: likewise take the depth their RAM has anyway.
ECP5_PARAMS = BookParams(slots=16, pages=8, page_levels=11, top=4, order_sets_log2=10,
                         order_ways=2, undo_depth=256)

#: The ECPIX-5 bitstream's book (``hdl/boards/ecpix5.py``), small enough that the whole card
#: fits its LFE5UM5G-85F beside the MAC and the UART bridge: 4 stocks (the trading slots
#: of :data:`hdl.strategy.layouts.BOARD_TRADE`), 4 pages of 5 levels a side (up to 20
#: levels), only the best level in each record (all the strategy and the event stream
#: read), 32 orders. Pages are as short as a top of 1 allows (2 * 1 + 3): out of context,
#: Yosys ``synth_ecp5`` maps the level store at 4 x 8 to 19,965 LUT4 and 1,267 CCU2C, at
#: 4 x 5 to 13,582 and 832, at 8 x 5 to 18,460 and 964 (pages cost directory logic), and
#: 2 pages leave the banks too shallow for block RAM. Raise these here as the fit allows
#: (``make synth BOARD=ecpix5``); ``bench/book_pages.py --geometry`` says what a day needs.
#: The input queue is one row of distributed RAM (16 items of 489 bits, 123 DPR16X4) rather
#: than four: at 64 it took 492 DPR16X4 and 1,540 LUT4 of read multiplexers, about 5 % of
#: the part, which the router needed more.
BOARD_PARAMS = BookParams(slots=4, pages=4, page_levels=5, top=1, order_sets_log2=4,
                          order_ways=2, undo_depth=32, input_depth=16)


def order_entry_layout(params: BookParams) -> data.StructLayout:
    """One order: the full 64-bit reference is the tag, so entries never alias."""
    return data.StructLayout({
        "valid": 1,
        "ref": 64,
        "slot": params.slot_bits,
        "ask": 1,                 # 0 buy (bid side), 1 sell (ask side)
        "price": PRICE_BITS,
        "shares": 32,
    })


def top_side_layout(params: BookParams) -> data.ArrayLayout:
    """The best ``top`` levels of one side, best first; empty levels are all zero."""
    return data.ArrayLayout(LEVEL_LAYOUT, params.top)


def update_layout(params: BookParams) -> data.StructLayout:
    """The book-update record: one after every event of a subscribed stock."""
    return data.StructLayout({
        "slot": params.slot_bits,
        "locate": LOCATE_BITS,
        "type": 8,                # ITCH message type of the event (ASCII)
        "channel": 3,
        "sequence": 64,           # MoldUDP64 sequence number of the event
        "invalid": 1,             # the stock's book is not exact: do not trade it
        "halted": 1,              # the last H for the stock said anything but 'T'
        "bids": top_side_layout(params),
        "asks": top_side_layout(params),
    })
