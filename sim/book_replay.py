"""The hot loop of the reference book: applies a chunk of ITCH events to the books.

Kept apart from :mod:`sim.book` because it is written for speed rather than for reading:
one pass over the event columns turned into Python lists, with every dictionary and list
operation of the common messages (A, F, D, E, C, X) written inline. A function call per
message would cost about as much as the book update itself. Only the rare paths (U, and the
removal of an order re-added under a live reference) go through helpers.

The book and order representations are described in :mod:`sim.book`.
"""

from __future__ import annotations

from bisect import bisect_left, insort

import numpy as np

#: LOBSTER's placeholders for a level that does not exist (its size is written as 0).
EMPTY_ASK_PRICE = 9_999_999_999
EMPTY_BID_PRICE = -9_999_999_999

_A, _F, _E, _C, _X, _D, _U = (ord(c) for c in "AFECXDU")
_BUY, _SELL = ord("B"), ord("S")


def _remove(order: tuple, shares: int) -> None:
    """Take ``shares`` of a removed order out of its level, dropping the level if empty."""
    book, slot, key, _ = order
    levels = book[slot]
    level = levels[key]
    if level[1] == 1:
        del levels[key]
        keys = book[slot + 1]
        del keys[bisect_left(keys, key)]
    else:
        level[0] -= shares
        level[1] -= 1


def _rest(book: list, slot: int, key: int, shares: int) -> None:
    """Add one order's shares to its level, creating the level if new."""
    levels = book[slot]
    level = levels.get(key)
    if level is None:
        levels[key] = [shares, 1]
        insort(book[slot + 1], key)
    else:
        level[0] += shares
        level[1] += 1


def _append_row(flat: list, book: list, levels: int) -> None:
    """LOBSTER's row for ``book``: ask price, ask size, bid price, bid size, per level."""
    bid_levels, bid_keys, ask_levels, ask_keys = book[0], book[1], book[2], book[3]
    n_bids, n_asks = len(bid_keys), len(ask_keys)
    if n_bids >= levels and n_asks >= levels:
        # The usual case on a live book; a row per message makes this worth a fast path.
        for ask, bid in zip(ask_keys[:levels], bid_keys[:levels], strict=True):
            flat += (ask, ask_levels[ask][0], -bid, bid_levels[bid][0])
        return
    for n in range(levels):
        if n < n_asks:
            key = ask_keys[n]
            flat += (key, ask_levels[key][0])
        else:
            flat += (EMPTY_ASK_PRICE, 0)
        if n < n_bids:
            key = bid_keys[n]
            flat += (-key, bid_levels[key][0])
        else:
            flat += (EMPTY_BID_PRICE, 0)


def replay(books: dict, orders: dict, stats, events: np.ndarray,
           watch: int, levels: int) -> tuple[list[int], list[int]]:
    """Apply ``events`` to ``books``/``orders`` in place, updating ``stats``.

    Parameters
    ----------
    books, orders : dict
        The state of a :class:`sim.book.Books` (see :mod:`sim.book` for the shapes).
    stats : sim.book.BookStats
        Counters, updated once at the end; ``stats.messages`` gives the index of the first
        event of this chunk.
    events : numpy.ndarray
        Records of :data:`proto.itch_event.EVENT_DTYPE`.
    watch : int
        Locate whose rows are recorded, -1 for none; its book must exist in ``books``.
    levels : int
        Levels per side in each recorded row.

    Returns
    -------
    (list of int, list of int)
        Message indices of the recorded rows and their values, flattened row after row.
    """
    unknown = over = duplicate = crossed = bad_side = 0
    row_index: list[int] = []
    flat: list[int] = []
    get_order = orders.get
    pop_order = orders.pop
    get_book = books.get
    index = stats.messages - 1
    columns = (events[name].tolist() for name in
               ("type", "locate", "order_ref", "new_order_ref", "side", "shares", "price"))
    for kind, locate, ref, new_ref, side, qty, price in zip(*columns, strict=True):
        index += 1
        if kind == _A or kind == _F:
            if side == _BUY:
                slot = 0
                key = -price
            elif side == _SELL:
                slot = 2
                key = price
            else:
                # Resting it on a guessed side would corrupt the book silently.
                bad_side += 1
                if locate == watch:
                    row_index.append(index)
                    _append_row(flat, books[locate], levels)
                continue
            book = get_book(locate)
            if book is None:
                book = books[locate] = [{}, [], {}, [], locate]
            if ref in orders:
                duplicate += 1
                old = pop_order(ref)
                _remove(old, old[3])
            level_map = book[slot]
            level = level_map.get(key)
            if level is None:
                level_map[key] = [qty, 1]
                insort(book[slot + 1], key)
            else:
                level[0] += qty
                level[1] += 1
            orders[ref] = (book, slot, key, qty)
            bid_keys = book[1]
            if bid_keys:
                ask_keys = book[3]
                if ask_keys and ask_keys[0] <= -bid_keys[0]:
                    crossed += 1
        elif kind == _D:
            order = pop_order(ref, None)
            if order is None:
                unknown += 1
            else:
                book, slot, key, held = order
                level_map = book[slot]
                level = level_map[key]
                if level[1] == 1:
                    del level_map[key]
                    keys = book[slot + 1]
                    del keys[bisect_left(keys, key)]
                else:
                    level[0] -= held
                    level[1] -= 1
                bid_keys = book[1]
                if bid_keys:
                    ask_keys = book[3]
                    if ask_keys and ask_keys[0] <= -bid_keys[0]:
                        crossed += 1
        elif kind == _E or kind == _X or kind == _C:
            order = get_order(ref)
            if order is None:
                unknown += 1
            else:
                book, slot, key, held = order
                level_map = book[slot]
                level = level_map[key]
                if qty < held:
                    level[0] -= qty
                    orders[ref] = (book, slot, key, held - qty)
                else:
                    if qty > held:
                        over += 1
                    del orders[ref]
                    if level[1] == 1:
                        del level_map[key]
                        keys = book[slot + 1]
                        del keys[bisect_left(keys, key)]
                    else:
                        level[0] -= held
                        level[1] -= 1
                bid_keys = book[1]
                if bid_keys:
                    ask_keys = book[3]
                    if ask_keys and ask_keys[0] <= -bid_keys[0]:
                        crossed += 1
        elif kind == _U:
            order = pop_order(ref, None)
            if order is None:
                # Without the original neither the side nor the stock of the new order is known.
                unknown += 1
            else:
                book, slot, _, held = order
                _remove(order, held)
                if new_ref in orders:
                    duplicate += 1
                    old = pop_order(new_ref)
                    _remove(old, old[3])
                key = -price if slot == 0 else price
                _rest(book, slot, key, qty)
                orders[new_ref] = (book, slot, key, qty)
                bid_keys = book[1]
                if bid_keys:
                    ask_keys = book[3]
                    if ask_keys and ask_keys[0] <= -bid_keys[0]:
                        crossed += 1
        # A row after every message of the watched stock, whatever its type: LOBSTER's
        # checkpoints (rows after adds, cancels, executions, trades, halts) are a subset.
        if locate == watch:
            row_index.append(index)
            _append_row(flat, books[locate], levels)
    stats.messages = index + 1
    stats.unknown_refs += unknown
    stats.overexecutions += over
    stats.duplicate_adds += duplicate
    stats.crossed += crossed
    stats.bad_sides += bad_side
    return row_index, flat
