"""A sorted array of price levels (a page of a book side), and how one pass changes it.

An array is entries of :data:`~hdl.book.layouts.LEVEL_LAYOUT`, best price first (highest
bid, lowest ask); the first ``count`` are occupied, the rest empty (all zero). A pass
changes a page by at most two deltas, with the meaning of applying them one after the
other (:meth:`sim.level_pages.PagedSide.apply`):

- ``da`` never adds a level (its ``orders`` is 0 or -1: an order reduced, grown or gone):
  the level at its price gets its shares and orders, and leaves the array if no order is
  left (``removed``); with no level at its price nothing changes (``missing``);
- then ``db`` adds one order (its ``orders`` is +1, whatever the field says): to the level
  at its price, or as a new level at its sorted place (``inserted``), the worse levels
  moving down one place into the spare last entry of the result.

The book builder's operations only ever make such deltas (:mod:`hdl.book.order_stage`:
``d1`` is ``da``, ``d2`` is ``db``). Both are applied in one combinational pass, not one
after the other: every entry is compared with both prices at once, each entry's changed
values (shares plus ``da``'s, plus ``db``'s, plus both) are added beside the comparators,
and each result entry is then one choice among its old neighbours, the changed values and
the new level. That keeps the chain from the page memory's output to its input (the level
store's S3, which must fit one clock cycle) to one comparison, two small OR trees and the
final choice.
"""

from __future__ import annotations

from amaranth import Cat, Const, Mux, Signal, signed
from amaranth.lib import data

from hdl.book.layouts import LEVEL_LAYOUT, ORDERS_BITS, PRICE_BITS, SHARES_BITS

__all__ = ["DELTA_LAYOUT", "array_layout", "change_page"]

#: A change to one level: signed share and order deltas (orders -1, 0 or +1).
DELTA_LAYOUT = data.StructLayout({
    "enable": 1,
    "price": PRICE_BITS,
    "shares": signed(33),
    "orders": signed(2),
})

_EMPTY = Const(0, LEVEL_LAYOUT.size)


def array_layout(levels: int) -> data.ArrayLayout:
    return data.ArrayLayout(LEVEL_LAYOUT, levels)


def _or_tree(values):
    """OR of many values as a balanced tree (a chain would be as deep as the page)."""
    values = list(values) or [Const(0, 1)]
    while len(values) > 1:
        values = [values[i] | values[i + 1] if i + 1 < len(values) else values[i]
                  for i in range(0, len(values), 2)]
    return values[0]


class PageChange:
    """``da`` then ``db`` on ``old`` (an :func:`array_layout` view of ``size`` entries whose
    first ``count`` are occupied), built into ``m``.

    ``same_price`` is ``da.price == db.price`` and ``both_shares`` is
    ``da.shares + db.shares``: both are known a cycle early, so the caller registers them.

    Attributes
    ----------
    new : View of array_layout(size + 1)
        The changed array, one entry longer (its last entry is occupied only when a level
        was added to a full array).
    removed, inserted, missing : Signal
        ``da`` removed a level, ``db`` added one, ``da`` found no level at its price.
    """

    def __init__(self, m, name: str, old, count, size: int, ask, da, db, same_price,
                 both_shares):
        occupied = Signal(size, name=f"{name}_occupied")
        m1, m2 = Signal(size, name=f"{name}_m1"), Signal(size, name=f"{name}_m2")
        b1, b2 = Signal(size, name=f"{name}_b1"), Signal(size, name=f"{name}_b2")
        last_order = Signal(size, name=f"{name}_last_order")
        for i in range(size):
            price = old[i].price
            m.d.comb += [
                occupied[i].eq(count > i),
                m1[i].eq(da.enable & occupied[i] & (price == da.price)),
                m2[i].eq(db.enable & occupied[i] & (price == db.price)),
                # Strictly better than the delta's price (empty entries never are).
                b1[i].eq(occupied[i] & Mux(ask, price < da.price, price > da.price)),
                b2[i].eq(occupied[i] & Mux(ask, price < db.price, price > db.price)),
                last_order[i].eq(old[i].orders == 1),
            ]
        self.removed = Signal(name=f"{name}_removed")
        self.inserted = Signal(name=f"{name}_inserted")
        self.missing = Signal(name=f"{name}_missing")
        removed, inserted = self.removed, self.inserted
        found2 = _or_tree(m2[i] for i in range(size))
        m.d.comb += [
            removed.eq((da.orders == -1) & _or_tree(m1[i] & last_order[i] for i in range(size))),
            # A db at the price of the level da removed puts it back as a new level.
            inserted.eq(db.enable & (~found2 | (same_price & removed))),
            self.missing.eq(da.enable & ~_or_tree(m1[i] for i in range(size))),
        ]

        # Each entry as the deltas leave it, before any entry moves.
        changed = []
        for i in range(size):
            level = old[i]
            entry = Signal(LEVEL_LAYOUT, name=f"{name}_changed{i}")
            plus1 = Signal(signed(34), name=f"{name}_plus1_{i}")
            plus2 = Signal(signed(34), name=f"{name}_plus2_{i}")
            plus12 = Signal(signed(34), name=f"{name}_plus12_{i}")
            m.d.comb += [plus1.eq(level.shares + da.shares), plus2.eq(level.shares + db.shares),
                         plus12.eq(level.shares + both_shares)]
            orders_after_a = Mux(da.orders == -1, level.orders - 1, level.orders)
            m.d.comb += [
                entry.price.eq(level.price),
                entry.shares.eq(Mux(m1[i], Mux(m2[i], plus12, plus1),
                                    Mux(m2[i], plus2, level.shares))),
                entry.orders.eq(Mux(m1[i], Mux(m2[i], orders_after_a + 1, orders_after_a),
                                    Mux(m2[i], level.orders + 1, level.orders))),
            ]
            changed.append(entry.as_value())
        changed += [_EMPTY, _EMPTY]                   # beyond the page: empty

        # da's removal moves every entry from its level on up one place; db's insert then
        # goes before the first entry (after that move) not strictly better than its price.
        moved_up = [removed & ~b1[i] if i < size else removed for i in range(size + 1)]
        better2 = [b2[i] if i < size else Const(0, 1) for i in range(size + 2)]
        after = [Mux(moved_up[j], better2[j + 1], better2[j]) for j in range(size + 1)]
        created = Cat(db.price, db.shares[:SHARES_BITS], Const(1, ORDERS_BITS))
        entries = []
        for j in range(size + 1):
            stays = Mux(moved_up[j], changed[j + 1], changed[j])
            from_above = (Mux(moved_up[j - 1], changed[j], changed[j - 1]) if j > 0
                          else _EMPTY)
            first_worse = ~after[j] & (after[j - 1] if j > 0 else 1)
            entry = Signal(LEVEL_LAYOUT.size, name=f"{name}_entry{j}")
            m.d.comb += entry.eq(Mux(inserted & first_worse, created,
                                     Mux(inserted & ~after[j], from_above, stays)))
            entries.append(entry)
        self.new = Signal(array_layout(size + 1), name=f"{name}_new")
        m.d.comb += self.new.eq(Cat(*entries))


def change_page(m, name: str, old, count, size: int, ask, da, db, same_price, both_shares):
    """Build a :class:`PageChange` (see there)."""
    return PageChange(m, name, old, count, size, ask, da, db, same_price, both_shares)
