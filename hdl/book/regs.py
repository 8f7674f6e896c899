"""The ``book`` register block: subscriptions, per-stock status, capacities and counters.

Subscriptions are written through a window: put the slot number in ``sub_slot`` and the
ticker in ``sub_ticker_0``/``_1`` (8 ASCII bytes, space padded, byte 0 in bits 31..24 of
``sub_ticker_0``: the words read as big-endian text, like the wire), then write a
``command`` bit:

- ``subscribe``: slot ``sub_slot`` follows that ticker. Its locate code is learned from the
  day's R (stock directory) message; until then the stock's events are discarded.
- ``unsubscribe``: forget the ticker and the slot's locate mapping.
- ``set_locate``: map locate ``sub_locate`` to slot ``sub_slot`` directly (for a day
  joined after its R messages).
- ``reset_book``: empty the slot's book (both sides) and clear its ``invalid`` flag. Orders
  already in the order table stay; an event on one of them that finds no level flags the
  stock again, so reset a stock when its orders are gone or about to be re-sent.

``slot_status`` describes slot ``sub_slot``. Counters are 32-bit and wrap.
"""

from __future__ import annotations

from hdl.book.layouts import BookParams
from hdl.host_if.regs import Access, BitField, Block, Register, counters

__all__ = ["BOOK_TYPE_ID", "COUNTER_NAMES", "COMMANDS", "TICKER_WORDS", "book_block"]

#: ASCII "BOOK": the block's TYPE.
BOOK_TYPE_ID = int.from_bytes(b"BOOK", "big")
TICKER_WORDS = 2
COMMANDS = ("subscribe", "unsubscribe", "set_locate", "reset_book")

_COUNTERS = {
    "events": "Events received from the feed handler (including later withdrawn ones).",
    "discarded": "Events of stocks that are not subscribed, dropped in their first cycle.",
    "updates": "Update records emitted (one per event of a subscribed stock).",
    "applied": "Book-changing events (A F E C X D U) applied exactly.",
    "unknown_refs": "E C X D U naming an order that is not in the table; nothing changed.",
    "overexecutions": "E C X for more shares than the order had; the order was removed.",
    "duplicate_adds": "A F U adding a reference that is live; the stock is flagged.",
    "crossed": "Book changes after which the stock's best bid >= best ask.",
    "order_overflow": "Adds dropped because their order-table set was full; stock flagged.",
    "level_overflow": "Level inserts that found every page of their side in use; stock flagged.",
    "missing_level": "Order changes whose price level was not in the book; stock flagged.",
    "bad_side": "A F with a side other than B or S; dropped.",
    "invalidations": "Times a stock was flagged invalid.",
    "withdrawn": "update_end records with commit = 0 (frames rolled back).",
    "rolled_back": "Book operations undone by withdrawn frames.",
    "undo_overflow": "Withdrawn frames longer than the undo log; all stocks flagged.",
    "input_overflow": "Events lost because the input queue was full; all stocks flagged.",
    "page_faults": "Operations after which a side's first page lacked its top levels while "
                   "deeper pages held more (an invariant of the level store: stays 0); "
                   "stock flagged.",
    "live_orders": "Orders in the table now (not a counter: a gauge).",
}
COUNTER_NAMES = tuple(_COUNTERS)


def book_block(params: BookParams) -> Block:
    """The block for a book builder with ``params``' capacities."""
    registers = [
        Register("sub_slot", Access.RW, "Slot that commands and slot_status refer to.",
                 reset=0),
        *[Register(f"sub_ticker_{w}", Access.RW,
                   f"Ticker bytes {4 * w}..{4 * w + 3} (byte {4 * w} in bits 31..24), "
                   "space padded.", reset=0) for w in range(TICKER_WORDS)],
        Register("sub_locate", Access.RW, "Locate code for set_locate.", reset=0),
        Register("command", Access.W1S, "Commands on slot sub_slot; write 1 to a bit.",
                 fields=tuple(BitField(name, bit, 1, 0, doc) for bit, (name, doc) in enumerate((
                     ("subscribe", "Follow the ticker in sub_ticker; locate from R."),
                     ("unsubscribe", "Forget the slot's ticker and locate."),
                     ("set_locate", "Map locate sub_locate to the slot."),
                     ("reset_book", "Empty the slot's book and clear its invalid flag."),
                 )))),
        Register("slot_status", Access.RO, "State of slot sub_slot.", fields=(
            BitField("subscribed", 0, 1, 0, "A ticker is set."),
            BitField("mapped", 1, 1, 0, "A locate code maps to the slot."),
            BitField("invalid", 2, 1, 0, "The book is not exact: do not trade the stock."),
            BitField("halted", 3, 1, 0, "The last H message said anything but 'T'."),
            BitField("busy", 4, 1, 0, "A command is still being carried out."),
            BitField("locate", 16, 16, 0, "The mapped locate code."),
        )),
        Register("cap_slots", Access.RO, "Capacity: stocks.", reset=params.slots,
                 constant=True),
        Register("cap_levels", Access.RO, "Capacity: price levels per side per stock when "
                 "every page is full (pages x page_levels); sides split pages half full.",
                 reset=params.levels, constant=True),
        Register("cap_pages", Access.RO, "Capacity: pages per side per stock.",
                 reset=params.pages, constant=True),
        Register("page_levels", Access.RO, "Capacity: price levels per page.",
                 reset=params.page_levels, constant=True),
        Register("cap_orders", Access.RO, "Capacity: live orders (sets x ways).",
                 reset=params.order_capacity, constant=True),
        Register("top_levels", Access.RO, "Levels per side in each update record.",
                 reset=params.top, constant=True),
        *counters(_COUNTERS),
    ]
    return Block(name="book", type_id=BOOK_TYPE_ID, version=2,
                 doc="Order-book builder: subscriptions by ticker, per-stock status, "
                     "capacities and counters.",
                 registers=tuple(registers))
