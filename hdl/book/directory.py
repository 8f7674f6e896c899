"""The directory of one book side: which physical pages hold its levels, in price order.

A side owns ``pages`` physical pages of its own (a fixed region of the page memory). Its
directory row is a permutation of them: entries ``0 .. used`` are the pages in use, in
price order (entry 0 holds the best levels), the rest are free. Each entry carries the
page's level count and first (best) price, which is what :func:`locate` compares.

Every change keeps the row a permutation, so no free list is needed: a split takes a free
entry (:func:`free_entry`: the first, ``used + 1``, or the first of a given bank) and
rotates it into place after the page it splits, the free entries keeping their order; a
page that empties rotates out to the head of the free entries. These are the rules of
:mod:`sim.level_pages`, which also says why the bank matters.

Physical numbers are stored XORed with their entry's index, so an all-zero row (the
memory's initial value, and what ``RESET`` writes) is the identity permutation with one
empty page in use: an empty side.
"""

from __future__ import annotations

from amaranth import Cat, Const, Mux, Signal
from amaranth.lib import data
from amaranth.utils import bits_for, ceil_log2

from hdl.book.layouts import PRICE_BITS, BookParams

__all__ = ["entry_layout", "directory_layout", "decode", "encode", "locate", "encode_onehot",
           "select", "free_entry", "edit"]


def entry_layout(params: BookParams) -> data.StructLayout:
    return data.StructLayout({
        "phys": ceil_log2(params.pages),
        "count": bits_for(params.page_levels),
        "first": PRICE_BITS,
    })


def directory_layout(params: BookParams) -> data.StructLayout:
    """``used`` is the number of pages in use minus one (page 0 is always in use)."""
    return data.StructLayout({
        "used": ceil_log2(params.pages),
        "entries": data.ArrayLayout(entry_layout(params), params.pages),
    })


def decode(m, name: str, row, params: BookParams):
    """A :func:`directory_layout` view with the stored physical numbers turned into real
    ones (a new signal of the same layout)."""
    out = Signal(directory_layout(params), name=name)
    m.d.comb += out.used.eq(row.used)
    for i in range(params.pages):
        m.d.comb += [out.entries[i].eq(row.entries[i]),
                     out.entries[i].phys.eq(row.entries[i].phys ^ i)]
    return out


def encode(m, name: str, row, params: BookParams):
    """The inverse of :func:`decode`, for writing a row back."""
    return decode(m, name, row, params)


def better_or_equal(ask, a, b):
    """Price ``a`` is at least as good as ``b`` on the side (asks: lower is better)."""
    return Mux(ask, a <= b, a >= b)


def locate(m, name: str, row, ask, price, params: BookParams):
    """The directory index of the page where a level at ``price`` lives or would go: the
    last page in use whose first price is at least as good (page 0 if none).

    First prices rise (asks) or fall (bids) along the pages in use, so the candidates
    form a run from entry 1 and the answer is where the run ends. Returns ``(index,
    onehot)``: the index, and the same as one bit per entry, which selects the entry's
    fields in one AND-OR level where the index would need a multiplexer tree (the page's
    read address is on the level store's S2 path to the page memory).
    """
    pages = params.pages
    candidates = [Const(1, 1)] + [(Const(i) <= row.used)
                                  & better_or_equal(ask, row.entries[i].first, price)
                                  for i in range(1, pages)] + [Const(0, 1)]
    onehot = Signal(pages, name=f"{name}_onehot")
    for i in range(pages):
        m.d.comb += onehot[i].eq(candidates[i] & ~candidates[i + 1])
    return encode_onehot(m, name, onehot, pages), onehot


def encode_onehot(m, name: str, onehot, width: int):
    """The index of the set bit of ``onehot`` (``width`` bits, at most one set)."""
    index = Signal(ceil_log2(width), name=name)
    for b in range(len(index)):
        m.d.comb += index[b].eq(Cat(*(onehot[i] for i in range(width) if i >> b & 1)).any())
    return index


def select(onehot, values):
    """The value whose bit of ``onehot`` is set (at most one is): an AND-OR selection."""
    out = 0
    for i, value in enumerate(values):
        out = out | Mux(onehot[i], value, 0)
    return out


def free_entry(m, name: str, row, params: BookParams, avoid, bank):
    """The free entry a split takes: the first (``used + 1``), or with ``avoid`` high the
    first whose physical page is not in ``bank`` (its parity).

    Returns ``(at, none)``: the entry's index, and whether there is no such entry.
    """
    pages = params.pages
    usable = Signal(pages, name=f"{name}_usable")
    for i in range(pages):
        m.d.comb += usable[i].eq((Const(i) > row.used)
                                 & ~(avoid & (row.entries[i].phys[0] == bank)))
    first = Signal(pages, name=f"{name}_first")
    m.d.comb += first.eq(usable & -usable)
    return encode_onehot(m, f"{name}_at", first, pages), ~usable.any()


def edit(m, name: str, row, params: BookParams, split, split_at, new_page, drop, drop_at,
         free_at):
    """``row`` after an optional split and an optional removal, as a new signal.

    Parameters
    ----------
    split, split_at : a new page goes in right after entry ``split_at``; it takes the
        physical page of free entry ``free_at`` (the caller checked it is free), and its
        ``count``/``first`` come from ``new_page`` (an :func:`entry_layout` value whose
        ``phys`` is ignored).
    drop, drop_at : entry ``drop_at`` (of the row before the split) leaves the pages in
        use; its physical page becomes the first free one.

    Returns ``(new_row, new_phys)``: the edited row and the physical page the split took.
    """
    pages = params.pages
    entries = row.entries
    used = row.used
    new_phys = Signal(ceil_log2(pages), name=f"{name}_new_phys")
    m.d.comb += new_phys.eq(entries[free_at].phys)
    fresh = Signal(entry_layout(params), name=f"{name}_fresh")
    m.d.comb += [fresh.eq(new_page), fresh.phys.eq(new_phys)]
    # Step 1: rotate the first free entry into place after split_at.
    mid = Signal(directory_layout(params), name=f"{name}_mid")
    for i in range(pages):
        shifted = entries[i - 1] if i > 0 else entries[0]
        after = Const(i) > split_at
        m.d.comb += mid.entries[i].eq(
            Mux(split & (Const(i) == split_at + 1), fresh,
                Mux(split & after & (Const(i) <= free_at), shifted, entries[i])))
    m.d.comb += mid.used.eq(Mux(split, used + 1, used))
    # Step 2: rotate the dropped entry out to the end of the pages in use. A free entry's
    # count and first price mean nothing, so only its physical page moves: the changed
    # counts and prices, late in the pass, do not go through a multiplexer by ``at``.
    out = Signal(directory_layout(params), name=f"{name}_out")
    at = Signal(ceil_log2(pages) + 1, name=f"{name}_drop_at")
    m.d.comb += at.eq(Mux(split & (drop_at > split_at), drop_at + 1, drop_at))
    freed = Signal(entry_layout(params), name=f"{name}_freed")
    m.d.comb += freed.phys.eq(mid.entries[at].phys)
    last = mid.used
    for i in range(pages):
        following = mid.entries[i + 1] if i + 1 < pages else mid.entries[i]
        m.d.comb += out.entries[i].eq(
            Mux(drop & (Const(i) >= at) & (Const(i) < last), following,
                Mux(drop & (Const(i) == last), freed, mid.entries[i])))
    m.d.comb += out.used.eq(Mux(drop, mid.used - 1, mid.used))
    return out, new_phys
