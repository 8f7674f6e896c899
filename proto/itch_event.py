"""The normalised ITCH event: one flat record per message, whatever its type.

The reference book, the CLI and (later) the gateware feed handler all speak this record,
so the book never needs to know 22 layouts. Fields that a message type does not carry are
zero (or empty for ``stock``).

Meaning per type (ITCH 5.0 field names in brackets):

- ``A``/``F``: ``order_ref``, ``side``, ``shares``, ``price``, ``stock`` (F's attribution is
  not carried; it does not change the book).
- ``E``: ``order_ref``, ``shares`` = executed shares, ``match_number``.
- ``C``: as ``E``, plus ``price`` = execution price (printable flag is not carried).
- ``X``: ``order_ref``, ``shares`` = cancelled shares.
- ``D``: ``order_ref``.
- ``U``: ``order_ref`` = original reference, ``new_order_ref``, ``shares``, ``price``.
- ``P``: ``order_ref``, ``side``, ``shares``, ``price``, ``stock``, ``match_number``.
- ``Q``: ``shares``, ``price`` (cross price), ``stock``, ``match_number``.
- ``B``: ``match_number``.
- ``R``: ``stock``.  ``H``: ``stock``, ``side`` = trading state (H/P/Q/T).
- every type: ``type``, ``locate``, ``tracking``, ``timestamp``.
"""

from __future__ import annotations

import numpy as np

#: One normalised event. ``type`` and ``side`` are ASCII codes (``ord('A')``, ``ord('B')``).
EVENT_DTYPE = np.dtype([
    ("type", "u1"),
    ("locate", "u2"),
    ("tracking", "u2"),
    ("timestamp", "u8"),      # nanoseconds since midnight (48 bits on the wire)
    ("order_ref", "u8"),
    ("new_order_ref", "u8"),
    ("match_number", "u8"),
    ("side", "u1"),
    ("shares", "u4"),
    ("price", "u4"),          # 4 implied decimals
    ("stock", "S8"),          # space-stripped ticker
])

#: Where each event column comes from, per message type: column -> ITCH field name in
#: :data:`proto.itch.MESSAGES`. The software decoder and the gateware both read this table.
EVENT_SOURCES = {
    "A": {"order_ref": "order_ref", "side": "side", "shares": "shares", "price": "price",
          "stock": "stock"},
    "E": {"order_ref": "order_ref", "shares": "executed_shares", "match_number": "match_number"},
    "C": {"order_ref": "order_ref", "shares": "executed_shares", "match_number": "match_number",
          "price": "execution_price"},
    "X": {"order_ref": "order_ref", "shares": "cancelled_shares"},
    "D": {"order_ref": "order_ref"},
    "U": {"order_ref": "original_order_ref", "new_order_ref": "new_order_ref",
          "shares": "shares", "price": "price"},
    "P": {"order_ref": "order_ref", "side": "side", "shares": "shares", "price": "price",
          "stock": "stock", "match_number": "match_number"},
    "Q": {"shares": "shares", "price": "cross_price", "stock": "stock",
          "match_number": "match_number"},
    "B": {"match_number": "match_number"},
    "R": {"stock": "stock"},
    "H": {"stock": "stock", "side": "trading_state"},
}
EVENT_SOURCES["F"] = EVENT_SOURCES["A"]

#: Types that change resting orders.
BOOK_TYPES = frozenset(b"AFECXDU")
