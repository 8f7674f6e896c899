"""``OpenOrders``: the open-order table, UserRefNum mod size -> the order and its state.

Two memories, each with one writer, so neither needs a second write port:

- *sent* (written from order entry's ``sent`` record of a completed Enter Order frame;
  a Cancel Order's record changes nothing here): valid, UserRefNum, slot, side, price,
  shares;
- *progress* (written by the response path, by the rollback of a segment and by the host's
  ``load_order``): UserRefNum, accepted, remaining. An entry whose UserRefNum is not the
  sent memory's belongs to an earlier order at the same index: the order is fresh (``SENT``,
  every share remaining), so an insert needs no write here.

Lookups. A block RAM's data comes late in its cycle, so both memories are read with the
UserRefNum the scan has captured so far (``lookup_ref``, cycle t: the message's last beat)
and their words go straight into registers. ``lookup`` (t + 2) is the entry as it stands
after every write up to t + 1: the writes of t and t + 1 that the read missed (an insert,
or the previous message's change) are kept beside it and chosen by registered matches.
``early`` (t + 1) is the entry read the cycle before, with no such care: an order-changing
message's UserRefNum is complete at least two beats before its end unless it is a Cancel
(see :mod:`.soup`), and a write in between can only be to an order the message then fails
on, so the ledger may start on an execution's slot and a reject's remaining shares there.

``busy`` (one bit per entry, flip-flops) marks orders not yet dead: set by an insert,
cleared when a death is committed. An insert into a busy entry is refused and counted
(``overflow``); the risk gate checks ``busy`` for the entries its accepted legs will take
(``orders_full``), so that does not happen. Deaths of the segment being applied wait in
``dying`` until its verdict.

Every progress write of a segment first saves the entry's old value in the undo log
(:data:`UNDO_DEPTH`); a rolled-back segment is put back from it, newest first, one entry a
cycle (``restoring``). A rollback always takes the path out of sync, so no segment is
applied meanwhile; the host loads orders only then too.
"""

from __future__ import annotations

from amaranth import Cat, Module, Mux, Signal
from amaranth.lib import data, stream, wiring
from amaranth.lib.memory import Memory
from amaranth.lib.wiring import In, Out
from amaranth.utils import ceil_log2

from hdl.book.layouts import PRICE_BITS, SHARES_BITS
from hdl.order.layouts import SENT_LAYOUT
from hdl.response.layouts import UNDO_DEPTH, OrderState

__all__ = ["OpenOrders", "SENT_ENTRY", "PROGRESS", "EARLY_LAYOUT", "entry_layout",
           "order_view"]

SENT_ENTRY = data.StructLayout({
    "valid": 1, "user_ref_num": 32, "slot": 8, "sell": 1, "price": PRICE_BITS,
    "shares": SHARES_BITS,
})
PROGRESS = data.StructLayout({"user_ref_num": 32, "accepted": 1, "remaining": SHARES_BITS})
#: What the ledger may use a cycle ahead of the checks (see the module docstring).
EARLY_LAYOUT = data.StructLayout({"slot": 8, "sell": 1, "remaining": SHARES_BITS})


def entry_layout() -> data.StructLayout:
    """An order as the table describes it."""
    return data.StructLayout({
        "known": 1,                  # the entry holds the UserRefNum asked for
        "slot": 8, "sell": 1, "price": PRICE_BITS, "shares": SHARES_BITS,
        "remaining": SHARES_BITS, "accepted": 1, "state": 2,
        "fresh": 1,                  # remaining is shares: no progress word of its own
    })


def order_view(m: Module, sent, progress, user_ref_num, out) -> None:
    """Drive ``out`` (:func:`entry_layout`) from the two memories' words."""
    fresh = progress.user_ref_num != sent.user_ref_num
    remaining = Mux(fresh, sent.shares, progress.remaining)
    accepted = ~fresh & progress.accepted
    m.d.comb += [
        out.known.eq(sent.valid & (sent.user_ref_num == user_ref_num)),
        out.slot.eq(sent.slot), out.sell.eq(sent.sell), out.price.eq(sent.price),
        out.shares.eq(sent.shares), out.remaining.eq(remaining), out.accepted.eq(accepted),
        out.state.eq(Mux(remaining == 0, OrderState.DEAD,
                         Mux(accepted, OrderState.LIVE, OrderState.SENT))),
        out.fresh.eq(fresh),
    ]


class _Missed:
    """The latest of the writes ``(en, addr, word)`` in the two cycles a lookup's read
    missed (t, t + 1), if it is to the entry looked up (``index1``, in t + 1): ``hit`` and
    ``word`` are registers from t + 2. ``chosen`` (default ``en``) picks the word: it may
    be a cheaper superset of ``en`` if no two writes come in consecutive cycles."""

    def __init__(self, m, name, en, addr, word, index1, layout, chosen=None):
        en_t, addr_t, word_t = (Signal(name=f"{name}_w_en"), Signal.like(addr),
                                Signal(layout, name=f"{name}_w_data"))
        m.d.sync += [en_t.eq(en), addr_t.eq(addr), word_t.eq(word)]
        self.hit = Signal(name=f"{name}_hit")
        self.word = Signal(layout, name=f"{name}_word")
        match = addr == index1
        m.d.sync += [self.hit.eq((en & match) | (en_t & (addr_t == index1))),
                     self.word.eq(Mux((en if chosen is None else chosen) & match, word,
                                      word_t))]


class OpenOrders(wiring.Component):
    """Interface attributes
    --------------------
    sent : In(stream.Signature(SENT_LAYOUT, always_ready=True))
        Order entry's reports; completed frames (not ``aborted``) are inserted.
    lookup_ref : In(32)
        The UserRefNum of the message ending in cycle t.
    early : Out(EARLY_LAYOUT)
        In t + 1 (see the module docstring).
    lookup, lookup_progress, lookup_raw : Out(entry_layout()), Out(PROGRESS), Out(SENT_ENTRY)
        In t + 2: the entry and its progress word as of every write up to t + 1, and the
        sent word as read (registers, for a multiplier: the same for any order a message
        may change).
    write, write_index, write_ref, write_old, write_accepted, write_remaining : In
        The response path's change of an entry it looked up; ``write_old`` (the progress
        word the lookup returned) goes to the undo log.
    death : In(1)
        With ``write``: the order is dead (its busy bit clears at the commit).
    commit, withdraw : In(1)
        The verdict of the segment being applied.
    load, load_index, load_state, load_remaining : In
        The host's ``load_order``.
    read_index, read, read_ref : In, Out
        The host's view of an entry (the cycle after).
    busy : Out(size)
    restoring, overflow : Out(1)
        ``overflow`` pulses for a refused insert.
    undo_full : Out(1)
        The undo log has no room for another change in this segment.
    """

    def __init__(self, size: int):
        if size < 2 or size & (size - 1):
            raise ValueError(f"order table size must be a power of two, not {size}")
        self.size = size
        self.bits = ceil_log2(size)
        super().__init__({
            "sent": In(stream.Signature(SENT_LAYOUT, always_ready=True)),
            "lookup_ref": In(32), "early": Out(EARLY_LAYOUT),
            "lookup": Out(entry_layout()), "lookup_progress": Out(PROGRESS),
            "lookup_raw": Out(SENT_ENTRY),
            "write": In(1), "write_index": In(self.bits), "write_ref": In(32),
            "write_old": In(PROGRESS), "write_accepted": In(1),
            "write_remaining": In(SHARES_BITS), "death": In(1),
            "commit": In(1), "withdraw": In(1),
            "load": In(1), "load_index": In(self.bits), "load_state": In(2),
            "load_remaining": In(SHARES_BITS),
            "read_index": In(self.bits), "read": Out(entry_layout()), "read_ref": Out(32),
            "busy": Out(size), "restoring": Out(1), "overflow": Out(1), "undo_full": Out(1),
        })

    def elaborate(self, platform):
        m = Module()
        size, bits = self.size, self.bits
        m.submodules.sent_mem = sent_mem = Memory(shape=SENT_ENTRY, depth=size, init=[])
        m.submodules.progress_mem = progress_mem = Memory(shape=PROGRESS, depth=size, init=[])
        undo_entry = data.StructLayout({"index": bits, "old": PROGRESS})
        m.submodules.undo_mem = undo_mem = Memory(shape=undo_entry, depth=UNDO_DEPTH, init=[])
        sent_w = sent_mem.write_port()
        progress_w = progress_mem.write_port()
        undo_w, undo_r = undo_mem.write_port(), undo_mem.read_port(domain="comb")
        sent_r, progress_r = sent_mem.read_port(), progress_mem.read_port()
        host_sent_r, host_progress_r = sent_mem.read_port(), progress_mem.read_port()

        busy, dying = Signal(size), Signal(size)
        m.d.comb += self.busy.eq(busy)

        # ------------------------------------------------------------- inserts
        record = self.sent.payload
        index = record.user_ref_num[:bits]
        insert = self.sent.valid & ~record.aborted & ~record.cancel    # a cancel: no entry
        refused = insert & busy.bit_select(index, 1)
        m.d.comb += [
            self.overflow.eq(refused),
            sent_w.addr.eq(index), sent_w.en.eq(insert & ~refused),
            sent_w.data.valid.eq(1), sent_w.data.user_ref_num.eq(record.user_ref_num),
            sent_w.data.slot.eq(record.slot), sent_w.data.sell.eq(record.sell),
            sent_w.data.price.eq(record.price), sent_w.data.shares.eq(record.shares),
        ]

        # ------------------------------------------------------------- lookups
        ref1, ref2 = Signal(32), Signal(32)
        m.d.sync += [ref1.eq(self.lookup_ref), ref2.eq(ref1)]
        m.d.comb += [sent_r.addr.eq(self.lookup_ref[:bits]),
                     progress_r.addr.eq(self.lookup_ref[:bits])]
        raw_sent, raw_progress = Signal(SENT_ENTRY), Signal(PROGRESS)
        m.d.sync += [raw_sent.eq(sent_r.data), raw_progress.eq(progress_r.data)]
        early = Signal(entry_layout())
        order_view(m, raw_sent, raw_progress, 0, early)
        m.d.comb += [self.early.slot.eq(early.slot), self.early.sell.eq(early.sell),
                     self.early.remaining.eq(early.remaining), self.lookup_raw.eq(raw_sent)]
        # An insert's match uses the busy bit of the entry looked up (a register), not the
        # refusal of the insert's own entry: they are the same bit when the entries are.
        # The word is chosen without it: inserts (order frames) are cycles apart. Of the
        # progress writes only the response path's can meet a lookup that counts:
        # rollbacks and host loads happen out of sync.
        missed_sent = _Missed(m, "sent", insert & ~busy.bit_select(ref1[:bits], 1),
                              sent_w.addr, sent_w.data, ref1[:bits], SENT_ENTRY, insert)
        change = Signal(PROGRESS)
        m.d.comb += [change.user_ref_num.eq(self.write_ref),
                     change.accepted.eq(self.write_accepted),
                     change.remaining.eq(self.write_remaining)]
        missed_progress = _Missed(m, "progress", self.write, self.write_index, change,
                                  ref1[:bits], PROGRESS)
        sent_word, progress_word = Signal(SENT_ENTRY), Signal(PROGRESS)
        m.d.comb += [sent_word.eq(Mux(missed_sent.hit, missed_sent.word, raw_sent)),
                     progress_word.eq(Mux(missed_progress.hit, missed_progress.word,
                                          raw_progress))]
        order_view(m, sent_word, progress_word, ref2, self.lookup)
        m.d.comb += self.lookup_progress.eq(progress_word)

        m.d.comb += [host_sent_r.addr.eq(self.read_index),
                     host_progress_r.addr.eq(self.read_index),
                     self.read_ref.eq(host_sent_r.data.user_ref_num)]
        order_view(m, host_sent_r.data, host_progress_r.data, host_sent_r.data.user_ref_num,
                   self.read)

        # ------------------------------------------------------------- host loads
        # Taken two cycles late: the host read port shows the entry (order_sel is
        # read_index) the cycle after the command, registered, so the progress word gets the
        # entry's own UserRefNum without a block RAM's output on the write's path.
        load, loaded_ref = Signal(2), Signal(32)
        load_index = Signal(bits)
        load_state = Signal(2)
        load_remaining = Signal(SHARES_BITS)
        m.d.sync += [load.eq(Cat(self.load, load[0])), loaded_ref.eq(self.read_ref)]
        with m.If(self.load):
            m.d.sync += [load_index.eq(self.load_index), load_state.eq(self.load_state),
                         load_remaining.eq(self.load_remaining)]
        load_now = load[1]

        # ------------------------------------------------------------- progress writes
        logged = Signal(range(UNDO_DEPTH + 1))
        newest = Signal(range(UNDO_DEPTH), init=UNDO_DEPTH - 1)   # logged - 1, the rollback's
        restoring = Signal()
        m.d.comb += [self.restoring.eq(restoring), self.undo_full.eq(logged == UNDO_DEPTH)]
        m.d.comb += [
            undo_w.addr.eq(logged), undo_w.data.index.eq(self.write_index),
            undo_w.data.old.eq(self.write_old), undo_w.en.eq(self.write),
            undo_r.addr.eq(newest),
        ]
        death_bit = Mux(self.write & self.death, 1 << self.write_index, 0)
        with m.If(self.write):
            m.d.comb += [progress_w.en.eq(1), progress_w.addr.eq(self.write_index),
                         progress_w.data.user_ref_num.eq(self.write_ref),
                         progress_w.data.accepted.eq(self.write_accepted),
                         progress_w.data.remaining.eq(self.write_remaining)]
        with m.Elif(restoring):
            m.d.comb += [progress_w.en.eq(1), progress_w.addr.eq(undo_r.data.index),
                         progress_w.data.eq(undo_r.data.old)]
        with m.Elif(load_now):
            m.d.comb += [progress_w.en.eq(1), progress_w.addr.eq(load_index),
                         progress_w.data.user_ref_num.eq(loaded_ref),
                         progress_w.data.accepted.eq(load_state == OrderState.LIVE),
                         progress_w.data.remaining.eq(
                             Mux(load_state == OrderState.DEAD, 0, load_remaining))]

        pushed = logged + self.write
        with m.If(restoring):
            m.d.sync += [logged.eq(logged - 1), newest.eq(newest - 1)]
            with m.If(logged == 1):
                m.d.sync += restoring.eq(0)
        with m.Elif(self.withdraw):
            m.d.sync += [logged.eq(pushed), newest.eq(Mux(self.write, logged, newest)),
                         restoring.eq(pushed != 0)]
        with m.Elif(self.commit):
            m.d.sync += [logged.eq(0), newest.eq(UNDO_DEPTH - 1)]
        with m.Else():
            m.d.sync += [logged.eq(pushed), newest.eq(Mux(self.write, logged, newest))]

        # ------------------------------------------------------------- busy bits
        # refused for an entry is its own busy bit: no wide multiplexer on this path
        insert_bit = Mux(insert, 1 << index, 0) & ~busy
        loaded = load_now & ~restoring & ~self.write
        load_live = loaded & (load_state != OrderState.DEAD) & (load_remaining != 0)
        load_bit = Mux(loaded, 1 << load_index, 0)
        dying_now = dying | death_bit
        with m.If(self.commit):
            m.d.sync += [busy.eq((busy & ~dying_now) | insert_bit), dying.eq(0)]
        with m.Elif(self.withdraw):
            m.d.sync += [busy.eq(busy | insert_bit), dying.eq(0)]
        with m.Else():
            m.d.sync += [busy.eq(Mux(load_live, busy | load_bit, busy & ~load_bit) | insert_bit),
                         dying.eq(dying_now)]
        return m
