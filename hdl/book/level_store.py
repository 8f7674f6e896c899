"""``LevelStore``: the price levels of every side of every stock, in pages of block RAM.

A side is a list of pages (:mod:`hdl.book.pages`) in price order, listed by its directory
row (:mod:`hdl.book.directory`). A pass of the store handles one operation of the book
builder in three stages, a request in every other cycle at most:

- **S1** (``c``): the request (:data:`REQUEST` kind, slot, side, up to two deltas) comes in;
  the side's directory row is read (transparently: a pass in S3 in the same cycle writes
  the row this one reads).
- **S2** (``c + 1``): each delta's page is located (:func:`hdl.book.directory.locate`) and
  at most two pages are read, with the stock's exported top levels.
- **S3** (``c + 2``): the deltas change the pages (:func:`hdl.book.levels.change_page`,
  both deltas in one step); a page that overflows splits into a free page; a page
  other than page 0 that empties leaves the directory; pages, directory and top levels are
  written, and :attr:`result` holds the stock's new top levels of both sides.

``d1`` changes or removes a level (its ``orders`` is 0 or -1), ``d2`` adds an order, to
its level or as a new one (:mod:`hdl.book.levels`). Page 0 always holds the side's
best ``top`` levels (the rules and their proof are in :mod:`sim.level_pages`): a pass that
leaves it with ``top + 1`` or fewer while deeper pages exist asks for a ``REFILL`` pass
(:attr:`refill`), which the builder must start in its next slot, before anything but a
pass already started. Nothing is cleared on reset: all-zero rows are empty sides.
"""

from __future__ import annotations

import enum

from amaranth import Cat, Module, Mux, Signal, signed
from amaranth.lib import data, wiring
from amaranth.lib.memory import Memory
from amaranth.lib.wiring import In, Out

from hdl.book import directory as dirs
from hdl.book.layouts import LEVEL_LAYOUT, BookParams, top_side_layout
from hdl.book.levels import DELTA_LAYOUT, change_page
from hdl.book.page_banks import PageBanks
from hdl.book.pages import page_layout, refill, split

__all__ = ["StoreKind", "LevelStore", "request_layout", "result_layout", "side_layout"]


class StoreKind(enum.IntEnum):
    NONE = 0          # no change: the stock's top levels for a record
    DELTAS = 1        # apply d1 then d2 (either may be disabled)
    REFILL = 2        # top page 0 up from page 1
    RESET = 3         # empty the side


def request_layout(params: BookParams) -> data.StructLayout:
    return data.StructLayout({"valid": 1, "kind": 2, "slot": params.slot_bits, "ask": 1,
                              "d1": DELTA_LAYOUT, "d2": DELTA_LAYOUT})


def result_layout(params: BookParams) -> data.StructLayout:
    """``overflow``: a level could not get a page (the pass changed nothing); ``missing``:
    a change for a level that is not there; ``fault``: page 0 short of the top while deeper
    pages exist (a broken invariant: never expected)."""
    return data.StructLayout({"valid": 1, "bids": top_side_layout(params),
                              "asks": top_side_layout(params), "overflow": 1, "missing": 1,
                              "fault": 1})


def side_layout(params: BookParams) -> data.StructLayout:
    return data.StructLayout({"valid": 1, "slot": params.slot_bits, "ask": 1})


class LevelStore(wiring.Component):
    """Interface attributes
    --------------------
    request : In(request_layout(params))
        In S1.
    result : Out(result_layout(params))
        Combinational, in the request's S3.
    refill : Out(side_layout(params))
        Combinational, in S3: the side that needs a ``REFILL`` pass next.
    """

    def __init__(self, params: BookParams):
        self.params = params
        super().__init__({"request": In(request_layout(params)),
                          "result": Out(result_layout(params)),
                          "refill": Out(side_layout(params))})

    def elaborate(self, platform):
        m = Module()
        p = self.params
        dir_shape = dirs.directory_layout(p)
        m.submodules.directory = directory = Memory(shape=dir_shape, depth=2 * p.slots, init=[])
        dir_w = directory.write_port()
        dir_r = directory.read_port(transparent_for=(dir_w,))
        m.submodules.pages = pages = PageBanks(p)
        tops_shape = data.StructLayout({"bids": top_side_layout(p), "asks": top_side_layout(p)})
        m.submodules.tops = tops = Memory(shape=tops_shape, depth=p.slots, init=[])
        tops_w, tops_r = tops.write_port(), tops.read_port()

        # ---------------------------------------------------------------- S1
        req = self.request
        m.d.comb += dir_r.addr.eq(Cat(req.ask, req.slot))
        s2 = Signal(request_layout(p))
        m.d.sync += s2.eq(req)

        # ---------------------------------------------------------------- S2
        row = dirs.decode(m, "s2_dir", dir_r.data, p)
        j1, one1 = dirs.locate(m, "s2_j1", row, s2.ask, s2.d1.price, p)
        j2, one2 = dirs.locate(m, "s2_j2", row, s2.ask, s2.d2.price, p)
        refilling = s2.kind == StoreKind.REFILL
        both = s2.d1.enable & s2.d2.enable
        # Page A: d1's (or d2's alone), page B: d2's when it is another page; a refill's
        # are pages 0 and 1. As indices for S3, as one-hot selections for the read.
        ja = Signal.like(j1, name="s2_ja")
        jb = Signal.like(j1, name="s2_jb")
        one_a = Signal(p.pages, name="s2_one_a")
        one_b = Signal(p.pages, name="s2_one_b")
        two = Signal(name="s2_two")
        m.d.comb += [
            ja.eq(Mux(refilling, 0, Mux(s2.d1.enable, j1, j2))),
            jb.eq(Mux(refilling, 1, j2)),
            one_a.eq(Mux(refilling, 0b01, Mux(s2.d1.enable, one1, one2))),
            one_b.eq(Mux(refilling, 0b10, one2)),
            two.eq(refilling | (both & (one1 != one2))),
        ]
        entry_a = Signal(dirs.entry_layout(p), name="s2_entry_a")
        entry_b = Signal(dirs.entry_layout(p), name="s2_entry_b")
        m.d.comb += [entry_a.eq(dirs.select(one_a, [e.as_value() for e in row.entries])),
                     entry_b.eq(dirs.select(one_b, [e.as_value() for e in row.entries]))]
        m.d.comb += [pages.read_a.phys.eq(entry_a.phys),
                     pages.read_a.side.eq(Cat(s2.ask, s2.slot)),
                     pages.read_b.phys.eq(entry_b.phys),
                     pages.read_b.side.eq(Cat(s2.ask, s2.slot)),
                     tops_r.addr.eq(s2.slot)]
        # A split's new page: the first free one, but when A and B take both ports of
        # their bank, the first free one of the other bank (see hdl.book.page_banks).
        one_bank = two & (entry_a.phys[0] == entry_b.phys[0])
        free_at, no_page = dirs.free_entry(m, "s2_free", row, p, avoid=one_bank,
                                           bank=entry_a.phys[0])
        entry_shape = dirs.entry_layout(p)
        s3 = Signal(data.StructLayout({"req": request_layout(p), "row": dir_shape,
                                       "ja": len(ja), "jb": len(jb), "two": 1,
                                       "entry_a": entry_shape, "entry_b": entry_shape,
                                       "free_at": len(free_at), "no_page": 1,
                                       "same_price": 1, "both_shares": signed(34)}))
        m.d.sync += [s3.req.eq(s2), s3.row.eq(row), s3.ja.eq(ja), s3.jb.eq(jb), s3.two.eq(two),
                     s3.entry_a.eq(entry_a), s3.entry_b.eq(entry_b),
                     s3.free_at.eq(free_at), s3.no_page.eq(no_page),
                     # Known now and wanted first in S3: registered rather than made there.
                     s3.same_price.eq(s2.d1.price == s2.d2.price),
                     s3.both_shares.eq(s2.d1.shares + s2.d2.shares)]

        # ---------------------------------------------------------------- S3
        req3, row3 = s3.req, s3.row
        ask = req3.ask
        size, top = p.page_levels, p.top
        entry_a, entry_b = s3.entry_a, s3.entry_b
        count_bits = len(entry_a.count)

        # Page A takes d1 and, on the same page, d2; page B takes d2 on another page.
        kind = req3.kind
        deltas = kind == StoreKind.DELTAS
        db_a = Signal(DELTA_LAYOUT, name="s3_db_a")
        db_b = Signal(DELTA_LAYOUT, name="s3_db_b")
        m.d.comb += [db_a.eq(req3.d2), db_a.enable.eq(req3.d2.enable & ~s3.two),
                     db_b.eq(req3.d2), db_b.enable.eq(req3.d2.enable & s3.two & deltas)]
        change_a = change_page(m, "s3_a", pages.data_a, entry_a.count, size, ask, req3.d1, db_a,
                               s3.same_price, s3.both_shares)
        change_b = change_page(m, "s3_b", pages.data_b, entry_b.count, size, ask,
                               Signal(DELTA_LAYOUT, name="s3_no_da"), db_b, 0, 0)
        new_a, new_b = change_a.new, change_b.new
        # Level counts follow from the counts before and what the deltas did: a page over
        # full (one level added to a full page) splits.
        count_a = Signal(count_bits + 1, name="s3_count_a")
        count_b = Signal(count_bits + 1, name="s3_count_b")
        m.d.comb += [count_a.eq(entry_a.count + change_a.inserted - change_a.removed),
                     count_b.eq(entry_b.count + change_b.inserted)]
        split_a = (entry_a.count == size) & change_a.inserted & ~change_a.removed
        split_b = (entry_b.count == size) & change_b.inserted
        kept_a, moved_a, keep = split(m, "s3_split_a", new_a, p)
        kept_b, moved_b, _ = split(m, "s3_split_b", new_b, p)

        # The directory after the pass: counts and first prices, then the split and drop.
        row_n = Signal(dir_shape, name="s3_row_n")
        m.d.comb += row_n.eq(row3)
        splitting = deltas & (split_a | split_b)
        overflow = splitting & s3.no_page
        drop_a = (deltas & (entry_a.count == 1) & change_a.removed & ~change_a.inserted
                  & (s3.ja != 0))
        with m.If(deltas):
            m.d.comb += [row_n.entries[s3.ja].count.eq(Mux(split_a, keep, count_a)),
                         row_n.entries[s3.ja].first.eq(new_a[0].price)]
            with m.If(s3.two):
                m.d.comb += [row_n.entries[s3.jb].count.eq(Mux(split_b, keep, count_b)),
                             row_n.entries[s3.jb].first.eq(new_b[0].price)]
        new_entry = Signal(dirs.entry_layout(p), name="s3_new_entry")
        m.d.comb += [new_entry.count.eq(size + 1 - keep),
                     new_entry.first.eq(Mux(split_a, new_a[keep].price, new_b[keep].price))]

        # A refill: page 0 (A) topped up from page 1 (B).
        n0, n1 = row3.entries[0].count, row3.entries[1].count
        filled, rest, merged, rest_count = refill(m, "s3_refill", pages.data_a, n0,
                                                   pages.data_b, n1, p)
        do_refill = ((kind == StoreKind.REFILL) & (row3.used != 0) & (n0 <= top + 1)
                     & (n0 >= top))
        with m.If(do_refill):
            m.d.comb += row_n.entries[0].count.eq(Mux(merged, n0 + n1, size))
            with m.If(~merged):
                m.d.comb += [row_n.entries[1].count.eq(rest_count),
                             row_n.entries[1].first.eq(rest[0].price)]

        split_at = Mux(s3.two, s3.jb, s3.ja)       # only page B can split when there are two
        edited, new_phys = dirs.edit(m, "s3_edit", row_n, p, split=splitting, split_at=split_at,
                                     new_page=new_entry, drop=drop_a | (do_refill & merged),
                                     drop_at=Mux(do_refill, 1, s3.ja), free_at=s3.free_at)
        # An all-zero stored row is an empty side (see hdl.book.directory).
        stored = Signal(dir_shape, name="s3_row_stored")
        m.d.comb += stored.eq(Mux(kind == StoreKind.RESET, 0,
                                  dirs.encode(m, "s3_row_edited", edited, p).as_value()))

        # Writes (none for a pass that overflowed: the stock is flagged and left as it was).
        writes = req3.valid & ~overflow
        base = Cat(ask, req3.slot)
        page_a = Signal(page_layout(p), name="s3_page_a")
        page_b = Signal(page_layout(p), name="s3_page_b")
        m.d.comb += [
            page_a.eq(Mux(do_refill, filled.as_value(),
                          Mux(split_a, kept_a.as_value(), new_a.as_value()[:page_a.shape().size]))),
            page_b.eq(Mux(do_refill, rest.as_value(),
                          Mux(split_b, kept_b.as_value(), new_b.as_value()[:page_b.shape().size]))),
        ]
        resetting = kind == StoreKind.RESET
        wa, wb, wn = pages.write_a, pages.write_b, pages.write_n
        m.d.comb += [
            pages.write.eq(req3.valid),
            # Page 0 is always physical page 0 (entry 0 never moves): a reset empties it.
            wa.addr.phys.eq(Mux(resetting, 0, entry_a.phys)), wa.addr.side.eq(base),
            wa.data.eq(Mux(resetting, 0, page_a.as_value())),
            wa.en.eq(writes & (deltas | do_refill | resetting)),
            wb.addr.phys.eq(entry_b.phys), wb.addr.side.eq(base), wb.data.eq(page_b),
            wb.en.eq(writes & ((deltas & s3.two) | (do_refill & ~merged))),
            wn.addr.phys.eq(new_phys), wn.addr.side.eq(base),
            wn.data.eq(Mux(split_a, moved_a.as_value(), moved_b.as_value())),
            wn.en.eq(writes & splitting),
            dir_w.addr.eq(base), dir_w.data.eq(stored),
            dir_w.en.eq(writes & (kind != StoreKind.NONE)),
        ]

        # The side's top levels: page 0 if the pass changed it, else what the tops held.
        held = tops_r.data
        old_top = Mux(ask, held.asks.as_value(), held.bids.as_value())
        top_bits = top * LEVEL_LAYOUT.size
        page0_changed = deltas & ~overflow & ((s3.ja == 0) | (s3.two & (s3.jb == 0)))
        side_top = Signal(top_side_layout(p), name="s3_side_top")
        m.d.comb += side_top.eq(
            Mux(kind == StoreKind.RESET, 0,
                Mux(page0_changed, Mux(s3.ja == 0, new_a.as_value()[:top_bits],
                                       new_b.as_value()[:top_bits]), old_top)))
        new_tops = Signal(tops_shape, name="s3_tops")
        m.d.comb += [
            new_tops.bids.eq(Mux(ask, held.bids.as_value(), side_top.as_value())),
            new_tops.asks.eq(Mux(ask, side_top.as_value(), held.asks.as_value())),
            tops_w.addr.eq(req3.slot), tops_w.data.eq(new_tops),
            tops_w.en.eq(req3.valid & (page0_changed | (kind == StoreKind.RESET))),
        ]

        # Page 0 after the pass (entry 0 never moves in an edit): does it still give the
        # top, and does it want a refill?
        count0 = Signal.like(n0, name="s3_count0")
        m.d.comb += count0.eq(Mux(resetting, 0, row_n.entries[0].count))
        deeper = ~resetting & (edited.used != 0)
        res = self.result
        m.d.comb += [
            res.valid.eq(req3.valid),
            res.bids.eq(new_tops.bids), res.asks.eq(new_tops.asks),
            res.overflow.eq(req3.valid & overflow),
            res.missing.eq(req3.valid & deltas & change_a.missing),
            res.fault.eq(req3.valid & ~overflow & ~resetting & deeper & (count0 < top)),
            self.refill.valid.eq(req3.valid & ~resetting & ~overflow & deeper
                                 & (count0 <= top + 1)),
            self.refill.slot.eq(req3.slot), self.refill.ask.eq(ask),
        ]
        return m
