"""The reference order book: exact full-depth books for every stock of an ITCH day.

This is the golden model the gateware book is checked against, so it favours being
obviously right and fast enough to replay a whole day in a test. It consumes the normalised
events of :mod:`proto.itch_event` (one record per message) and keeps, per stock locate, the
price levels of each side (total shares and order count) plus one order table for the whole
day, ``order_ref -> (locate, side, price, shares)``.

Feeds are not always clean: references to orders never added (117 in the RITCH day),
executions larger than what rests, adds of a reference that is still live, adds with a side
other than B or S, and crossed books are *counted* in :class:`BookStats`, never raised. The
policy for each is the one that keeps the book closest to the exchange's: an unknown
reference changes nothing; an oversized execution removes the order (it cannot rest with
negative shares); a duplicate add replaces the live order, because the exchange's latest
word on a reference wins; an add with no valid side is dropped rather than guessed.

Speed matters (the goal is over a million messages per second in pure Python), so the hot
loop lives in :mod:`sim.book_replay` as one function over ``.tolist()`` columns with
dictionaries inlined; this module holds the state and the read-side API.

Internal representation, shared with :mod:`sim.book_replay`:

- a *book* is the list ``[bid_levels, bid_keys, ask_levels, ask_keys, locate]``;
- ``*_levels`` maps a *key* to ``[shares, orders]``, where the key is the price for asks and
  minus the price for bids, so that ``*_keys``, the sorted list of keys, puts the best
  price first on both sides;
- an order is the tuple ``(book, side_slot, key, shares)`` with ``side_slot`` 0 for bids and
  2 for asks (the index of that side's levels in the book).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import NamedTuple

import numpy as np

from sim.book_replay import EMPTY_ASK_PRICE, EMPTY_BID_PRICE, replay

__all__ = [
    "EMPTY_ASK_PRICE", "EMPTY_BID_PRICE",
    "BookStats", "Books", "Level", "TopRows", "build_books", "lobster_columns",
]

_BID, _ASK = 0, 2
_SIDE_CODE = {_BID: ord("B"), _ASK: ord("S")}


class Level(NamedTuple):
    """One occupied price level."""

    price: int
    shares: int
    orders: int


@dataclass
class BookStats:
    """What the replay met, including every anomaly it survived.

    Attributes
    ----------
    messages : int
        Events replayed, of every type.
    unknown_refs : int
        E, C, X, D or U naming an order that is not live (never added, or already gone).
    overexecutions : int
        E, C or X for more shares than the order has left; the order is removed.
    duplicate_adds : int
        A, F or U adding a reference that is still live; the new order replaces the old.
    crossed : int
        Book-changing messages after which that stock's best bid >= its best ask.
    bad_sides : int
        A or F whose side is neither ``B`` nor ``S``; dropped.
    """

    messages: int = 0
    unknown_refs: int = 0
    overexecutions: int = 0
    duplicate_adds: int = 0
    crossed: int = 0
    bad_sides: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class TopRows:
    """Top-of-book rows recorded for one watched stock, LOBSTER's column order.

    Attributes
    ----------
    itch_index : numpy.ndarray
        ``int64``, the 0-based position in the file of the message each row follows.
    values : numpy.ndarray
        ``int64`` of shape ``(rows, 4 * levels)``: ``ask_price1, ask_size1, bid_price1,
        bid_size1, ask_price2, ...``, empty levels as :data:`EMPTY_ASK_PRICE` /
        :data:`EMPTY_BID_PRICE` with size 0.
    """

    itch_index: np.ndarray
    values: np.ndarray

    def __len__(self) -> int:
        return len(self.itch_index)


def lobster_columns(levels: int) -> list[str]:
    """The header of a LOBSTER order-book row with ``levels`` levels (no index column)."""
    names = []
    for n in range(1, levels + 1):
        names += [f"ask_price{n}", f"ask_size{n}", f"bid_price{n}", f"bid_size{n}"]
    return names


def _new_book(locate: int) -> list:
    return [{}, [], {}, [], locate]


class Books:
    """Full-depth books for every stock of a day, fed incrementally with :meth:`apply`.

    Examples
    --------
    >>> books = Books()
    >>> rows = books.apply(events, watch=2, levels=5)   # doctest: +SKIP
    >>> books.top(2, 5)["bids"][0]                      # doctest: +SKIP
    Level(price=2231800, shares=100, orders=1)
    """

    def __init__(self):
        self.stats = BookStats()
        self._books: dict[int, list] = {}
        self._orders: dict[int, tuple] = {}

    def apply(self, events: np.ndarray, watch: int | None = None, levels: int = 0) -> TopRows:
        """Replay a chunk of events (in file order, continuing from earlier chunks).

        Parameters
        ----------
        events : numpy.ndarray
            Records of :data:`proto.itch_event.EVENT_DTYPE`.
        watch : int or None
            Stock locate to record rows for: one after every message carrying that
            stock's locate, whatever its type.
        levels : int
            Price levels per side in each recorded row.

        Returns
        -------
        TopRows
            The recorded rows (empty when ``watch`` is None); ``itch_index`` counts from the
            first event ever applied to this object.
        """
        if watch is not None:
            self._books.setdefault(watch, _new_book(watch))
        index, flat = replay(self._books, self._orders, self.stats, events,
                             -1 if watch is None else watch, levels)
        values = np.array(flat, dtype=np.int64).reshape(len(index), 4 * levels)
        return TopRows(np.array(index, dtype=np.int64), values)

    def __len__(self) -> int:
        """Live orders over all stocks."""
        return len(self._orders)

    def locates(self) -> list[int]:
        """Stock locates that have had a book (an order, or a watch)."""
        return sorted(self._books)

    def order(self, ref: int) -> tuple[int, str, int, int] | None:
        """``(locate, side, price, shares)`` of a live order, side ``"B"`` or ``"S"``."""
        found = self._orders.get(ref)
        if found is None:
            return None
        book, slot, key, shares = found
        return book[4], chr(_SIDE_CODE[slot]), abs(key), shares

    def top(self, locate: int, n: int) -> dict[str, list[Level]]:
        """The best ``n`` levels of each side, best first: ``{"bids": [...], "asks": [...]}``."""
        book = self._books.get(locate) or _new_book(locate)
        return {
            "bids": [Level(-key, *book[0][key]) for key in book[1][:n]],
            "asks": [Level(key, *book[2][key]) for key in book[3][:n]],
        }

    def depth(self, locate: int) -> dict[str, list[Level]]:
        """Every level of each side, best first."""
        book = self._books.get(locate) or _new_book(locate)
        return self.top(locate, max(len(book[1]), len(book[3])))

    def snapshot(self) -> dict[int, dict[str, list[Level]]]:
        """Full depth of every stock with at least one resting order, by locate."""
        return {loc: self.depth(loc) for loc, book in sorted(self._books.items())
                if book[1] or book[3]}

    def best(self, locate: int) -> tuple[int | None, int | None]:
        """``(best_bid, best_ask)`` prices; None for an empty side."""
        book = self._books.get(locate) or _new_book(locate)
        return (-book[1][0] if book[1] else None, book[3][0] if book[3] else None)


def build_books(events: np.ndarray, locates=None) -> Books:
    """Replay a whole day (or the stocks in ``locates`` only) and return the books."""
    if locates is not None:
        events = events[np.isin(events["locate"], np.asarray(list(locates)))]
    books = Books()
    books.apply(events)
    return books
