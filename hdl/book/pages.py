"""One page of a book side and the combinational changes made to it in a pass.

A page is ``page_levels`` entries of :data:`~hdl.book.layouts.LEVEL_LAYOUT`, best price
first, occupied entries first (as many as the directory's ``count``; the rest are all
zero). A pass's changes (:mod:`hdl.book.levels`) give the page *extended* by one entry, so
an insert into a full page has somewhere to go; such a page is then split (:func:`split`).

The rules these implement, and why page 0 must keep ``top + 2`` levels through a split,
are in :mod:`sim.level_pages`.
"""

from __future__ import annotations

from amaranth import Cat, Const, Mux, Signal
from amaranth.lib import data
from amaranth.utils import bits_for

from hdl.book.layouts import LEVEL_LAYOUT, BookParams

__all__ = ["page_layout", "extended_layout", "split", "refill"]

_EMPTY = Const(0, LEVEL_LAYOUT.size)


def page_layout(params: BookParams) -> data.ArrayLayout:
    return data.ArrayLayout(LEVEL_LAYOUT, params.page_levels)


def extended_layout(params: BookParams) -> data.ArrayLayout:
    return data.ArrayLayout(LEVEL_LAYOUT, params.page_levels + 1)


def _page_of(m, name: str, entries, params: BookParams):
    out = Signal(page_layout(params), name=name)
    m.d.comb += out.eq(Cat(*entries))
    return out


def split(m, name: str, extended, params: BookParams):
    """An over-full extended page (``page_levels + 1`` levels) as two pages: the first
    ``keep`` levels stay, the rest move to the front of a new page.

    Returns ``(kept, moved, keep)`` where ``keep`` is a Python int.
    """
    size = params.page_levels
    keep = (size + 2) // 2
    kept = _page_of(m, f"{name}_kept",
                    [extended[i].as_value() if i < keep else _EMPTY for i in range(size)], params)
    moved = _page_of(m, f"{name}_moved",
                     [extended[keep + i].as_value() if keep + i <= size else _EMPTY
                      for i in range(size)], params)
    return kept, moved, keep


def refill(m, name: str, first, first_count, second, second_count, params: BookParams):
    """Page 0 (``first``, holding ``top`` or ``top + 1`` levels) topped up from page 1.

    If both fit in one page they merge (``merged`` is high and page 1 is to be dropped);
    otherwise page 0 is filled to ``page_levels`` from page 1's front and page 1 keeps the
    rest. Because page 0 holds ``top`` or ``top + 1`` levels, every shift is one of two
    fixed amounts.

    Returns ``(new_first, new_second, merged, new_second_count)``.
    """
    size, top = params.page_levels, params.top
    short = first_count == top                 # else top + 1
    joined = []
    for i in range(size):
        def at(n, i=i):
            return first[i].as_value() if i < n else second[i - n].as_value()
        joined.append(Mux(short, at(top), at(top + 1)))
    new_first = _page_of(m, f"{name}_first", joined, params)
    rest = []
    for i in range(size):
        def after(k, i=i):
            return second[i + k].as_value() if i + k < size else _EMPTY
        rest.append(Mux(short, after(size - top), after(size - top - 1)))
    new_second = _page_of(m, f"{name}_second", rest, params)
    merged = Signal(name=f"{name}_merged")
    new_second_count = Signal(bits_for(size), name=f"{name}_second_count")
    m.d.comb += [
        merged.eq(first_count + second_count <= size),
        new_second_count.eq(second_count - (size - first_count)),
    ]
    return new_first, new_second, merged, new_second_count
