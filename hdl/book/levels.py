"""A sorted array of price levels (a page of a book side), and how a delta changes it.

An array is ``levels`` entries of :data:`~hdl.book.layouts.LEVEL_LAYOUT`, best price first
(highest bid, lowest ask), occupied entries first; an entry with ``orders == 0`` is empty.
Every entry is compared with the delta's price at once, and the new array is chosen entry by
entry from the old entry, its neighbours or the changed level, so one delta costs one
combinational pass whatever the depth:

- a level at the delta's price exists: add the delta's shares and orders; a level left with
  no orders is removed and the worse levels move up one place;
- none exists and the delta adds an order: a new level goes in at its sorted place and the
  worse levels move down one place; if the last entry was occupied it falls off
  (``overflow``; the level store gives every page a spare last entry, so it never does);
- none exists otherwise (an order change on a level that is not there): nothing changes
  (``missing``).
"""

from __future__ import annotations

from amaranth import Cat, Const, Mux, Signal, signed
from amaranth.lib import data

from hdl.book.layouts import LEVEL_LAYOUT, PRICE_BITS

__all__ = ["DELTA_LAYOUT", "array_layout", "apply_delta"]

#: A change to one level: signed share and order deltas (orders -1, 0 or +1).
DELTA_LAYOUT = data.StructLayout({
    "enable": 1,
    "price": PRICE_BITS,
    "shares": signed(33),
    "orders": signed(2),
})


def _or_tree(values):
    """OR of many values as a balanced tree (a chain would be as deep as the side)."""
    while len(values) > 1:
        values = [values[i] | values[i + 1] if i + 1 < len(values) else values[i]
                  for i in range(0, len(values), 2)]
    return values[0]


def array_layout(levels: int) -> data.ArrayLayout:
    return data.ArrayLayout(LEVEL_LAYOUT, levels)


def apply_delta(m, name: str, old, ask, delta, levels: int):
    """Add the combinational logic of one delta; returns ``(new, overflow, missing)``.

    ``old`` is an :func:`array_layout` view, ``ask`` a 1-bit value (1: lower prices are
    better), ``delta`` a :data:`DELTA_LAYOUT` view. With ``delta.enable`` low, ``new`` is
    ``old`` and both flags are low.
    """
    new = Signal(array_layout(levels), name=f"{name}_new")
    overflow = Signal(name=f"{name}_overflow")
    missing = Signal(name=f"{name}_missing")
    occupied = Signal(levels, name=f"{name}_occupied")
    match = Signal(levels, name=f"{name}_match")
    better = Signal(levels, name=f"{name}_better")     # strictly better than delta.price
    for i in range(levels):
        level = old[i]
        m.d.comb += [
            occupied[i].eq(level.orders != 0),
            match[i].eq(occupied[i] & (level.price == delta.price)),
            better[i].eq(occupied[i] & Mux(ask, level.price < delta.price,
                                           level.price > delta.price)),
        ]
    found = match.any()
    # The matched level (at most one: prices are unique on a side), changed by the delta.
    hit = Signal(LEVEL_LAYOUT, name=f"{name}_hit")
    m.d.comb += hit.eq(_or_tree([Mux(match[i], old[i].as_value(), 0) for i in range(levels)]))
    changed = Signal(LEVEL_LAYOUT, name=f"{name}_changed")
    m.d.comb += [
        changed.price.eq(delta.price),
        changed.shares.eq(hit.shares + delta.shares),
        changed.orders.eq(hit.orders + delta.orders),
    ]
    created = Signal(LEVEL_LAYOUT, name=f"{name}_created")
    m.d.comb += [created.price.eq(delta.price), created.shares.eq(delta.shares),
                 created.orders.eq(1)]
    modify = delta.enable & found & (changed.orders != 0)
    remove = delta.enable & found & (changed.orders == 0)
    insert = delta.enable & ~found & (delta.orders == 1)
    m.d.comb += [
        overflow.eq(insert & occupied[levels - 1]),
        missing.eq(delta.enable & ~found & (delta.orders != 1)),
    ]
    # One signal per entry, each a plain mux: assigning slices of one wide signal under
    # conditions makes the netlist tools slow (they split it bit by bit).
    empty = Const(0, LEVEL_LAYOUT.size)
    entries = []
    for i in range(levels):
        below = old[i + 1].as_value() if i + 1 < levels else empty
        above = old[i - 1].as_value() if i > 0 else empty
        first_worse = ~better[i] & (better[i - 1] if i > 0 else 1)
        entry = Signal(LEVEL_LAYOUT.size, name=f"{name}_entry{i}")
        m.d.comb += entry.eq(
            Mux(modify & match[i], changed.as_value(),
                Mux(remove & ~better[i], below,
                    Mux(insert & first_worse, created.as_value(),
                        Mux(insert & ~better[i], above, old[i].as_value())))))
        entries.append(entry)
    m.d.comb += new.eq(Cat(*entries))
    return new, overflow, missing
