"""``Ledger``: positions, closed shares, cash and P&L per stock, exact, speculative per segment.

The accounting is :mod:`hdl.response.layouts`' ("Accounting"). An update offered in cycle
t (the response path's S2) reads the slot's position and mark and forms the four products
(``q*px``, ``q*op``, ``position'*px``, ``position*mark``), registered; in t + 1 (S3) the sums
are written, so the new state is seen from t + 2. Updates come at least two cycles apart
(an order-changing SoupBinTCP packet is over 16 bytes), so S2 always reads the state
that the previous update wrote.

Working and committed copies (:class:`hdl.speculative.SpeculativeArray`): a segment's
updates change the working copy at once; its verdict commits them or puts the committed
copy back. The risk gate must be right whichever way the verdict goes, so :attr:`view`
gives, for every check, the stricter of the two copies:

- ``long_base = max(position - closed_buy)`` and ``short_base = max(-position -
  closed_sell)`` over both copies: with the risk gate's opened shares, ``opened_buy +
  long_base`` is the position plus open buy orders (``opened_sell + short_base`` the short
  side);
- ``exposure_base = max(position_value - released)``;
- ``pnl_low = min(pnl)``.

An execution that makes a check stricter is therefore seen at once, one that relaxes it
only when its segment is committed.
"""

from __future__ import annotations

from amaranth import Cat, Module, Mux, Signal, signed
from amaranth.lib import data, wiring
from amaranth.lib.wiring import In, Out

from hdl.book.layouts import PRICE_BITS, SHARES_BITS
from hdl.response.layouts import CARD_LEDGER_LAYOUT, SLOT_LEDGER_LAYOUT
from hdl.speculative import SpeculativeArray

__all__ = ["Ledger", "UPDATE_LAYOUT", "view_layout"]

UPDATE_LAYOUT = data.StructLayout({
    "slot": 8,
    "sell": 1,
    "executed": 1,               # a fill (else a cancel or reject: shares close, no fill)
    "quantity": SHARES_BITS,
    "price": PRICE_BITS,         # execution price (fills)
    "order_price": PRICE_BITS,
})


def view_layout(slots: int) -> data.StructLayout:
    """What the risk gate reads (see the module docstring)."""
    return data.StructLayout({
        "long_base": data.ArrayLayout(signed(34), slots),
        "short_base": data.ArrayLayout(signed(34), slots),
        "closed_buy": data.ArrayLayout(32, slots),       # committed
        "closed_sell": data.ArrayLayout(32, slots),      # committed
        "exposure_base": signed(66),
        "pnl_low": signed(64),
    })


def _max(a, b):
    return Mux(a > b, a, b)


class Ledger(wiring.Component):
    """Interface attributes
    --------------------
    update : In(UPDATE_LAYOUT); update_valid : In(1)
        Offered in S2.
    position_after, pnl_after : Out
        In S3 (the cycle after the update): the slot's position and the card's P&L once it
        is written.
    commit, withdraw : In(1)
        The segment's verdict (after the same cycle's write).
    load_slot, load_index, load_position, load_cash, load_mark : In
    load_card, load_pnl, load_position_value : In
    read_index, read : In, Out(SLOT_LEDGER_LAYOUT)
        Working values of one slot, for the host.
    card : Out(CARD_LEDGER_LAYOUT)
        Working card-wide values.
    view : Out(view_layout(slots))
    """

    def __init__(self, slots: int):
        self.slots = slots
        super().__init__({
            "update": In(UPDATE_LAYOUT), "update_valid": In(1),
            "position_after": Out(signed(32)), "pnl_after": Out(signed(64)),
            "commit": In(1), "withdraw": In(1),
            "load_slot": In(1), "load_index": In(8), "load_position": In(signed(32)),
            "load_cash": In(signed(64)), "load_mark": In(PRICE_BITS),
            "load_card": In(1), "load_pnl": In(signed(64)), "load_position_value": In(64),
            "read_index": In(8), "read": Out(SLOT_LEDGER_LAYOUT),
            "card": Out(CARD_LEDGER_LAYOUT),
            "view": Out(view_layout(slots)),
        })

    def elaborate(self, platform):
        m = Module()
        n = self.slots
        slots = SpeculativeArray(m, SLOT_LEDGER_LAYOUT, n, "ledger_slot")
        card = SpeculativeArray(m, CARD_LEDGER_LAYOUT, 1, "ledger_card")
        u = self.update
        slot_bits = max(1, (n - 1).bit_length())

        # ------------------------------------------------------------- S2: products
        now = slots.cur[u.slot[:slot_bits]]
        q = Cat(u.quantity, 0).as_signed()          # 33-bit signed
        moved = Mux(u.executed, Mux(u.sell, -q, q), 0)
        position_after = Signal(signed(32))       # wraps like the register it goes to
        m.d.comb += position_after.eq(now.position + moved)
        s3 = Signal(UPDATE_LAYOUT)
        s3_valid = Signal()
        fill_value, release, new_value, old_value = (Signal(64), Signal(64), Signal(signed(66)),
                                                     Signal(signed(66)))
        new_position = Signal(signed(32))
        m.d.sync += [
            s3.eq(u), s3_valid.eq(self.update_valid),
            fill_value.eq(u.quantity * u.price),
            release.eq(u.quantity * u.order_price),
            new_value.eq(position_after * Cat(u.price, 0).as_signed()),
            old_value.eq(now.position * Cat(now.mark, 0).as_signed()),
            new_position.eq(position_after),
        ]

        # ------------------------------------------------------------- S3: sums, write
        index = s3.slot[:slot_bits]
        cur = slots.cur[index]
        c = card.cur[0]
        cash_after = Signal(signed(64))
        m.d.comb += cash_after.eq(Mux(s3.sell, cur.cash + fill_value, cur.cash - fill_value))
        pnl_after = Signal(signed(64))
        m.d.comb += pnl_after.eq(Mux(s3.executed,
                                     c.pnl + (cash_after + new_value) - (cur.cash + old_value),
                                     c.pnl))
        abs_new = Mux(new_value < 0, -new_value, new_value)
        abs_old = Mux(old_value < 0, -old_value, old_value)
        m.d.comb += [self.position_after.eq(Mux(s3.executed, new_position, cur.position)),
                     self.pnl_after.eq(pnl_after)]
        for j in range(n):
            with m.If(s3_valid & (index == j)):
                nxt = slots.next[j]
                with m.If(s3.sell):
                    m.d.comb += nxt.closed_sell.eq(slots.cur[j].closed_sell + s3.quantity)
                with m.Else():
                    m.d.comb += nxt.closed_buy.eq(slots.cur[j].closed_buy + s3.quantity)
                with m.If(s3.executed):
                    m.d.comb += [nxt.position.eq(new_position), nxt.cash.eq(cash_after),
                                 nxt.mark.eq(s3.price)]
            loaded = Signal(SLOT_LEDGER_LAYOUT, name=f"ledger_slot{j}_loaded")
            m.d.comb += [loaded.position.eq(self.load_position), loaded.cash.eq(self.load_cash),
                         loaded.mark.eq(self.load_mark)]
            slots.load(j, self.load_slot & (self.load_index == j), loaded)
        with m.If(s3_valid):
            m.d.comb += card.next[0].released.eq(c.released + release)
            with m.If(s3.executed):
                m.d.comb += [card.next[0].pnl.eq(pnl_after),
                             card.next[0].position_value.eq(
                                 c.position_value + abs_new - abs_old)]
        card_loaded = Signal(CARD_LEDGER_LAYOUT)
        m.d.comb += [card_loaded.pnl.eq(self.load_pnl),
                     card_loaded.position_value.eq(self.load_position_value)]
        card.load(0, self.load_card, card_loaded)
        slots.finish(commit=self.commit, withdraw=self.withdraw)
        card.finish(commit=self.commit, withdraw=self.withdraw)

        # ------------------------------------------------------------- views
        m.d.comb += [self.read.eq(slots.cur[self.read_index[:slot_bits]]),
                     self.card.eq(c)]
        v = self.view
        for j in range(n):
            w, k = slots.cur[j], slots.committed[j]
            m.d.comb += [
                v.long_base[j].eq(_max(w.position - w.closed_buy, k.position - k.closed_buy)),
                v.short_base[j].eq(_max(-w.position - w.closed_sell,
                                        -k.position - k.closed_sell)),
                v.closed_buy[j].eq(k.closed_buy), v.closed_sell[j].eq(k.closed_sell),
            ]
        kc = card.committed[0]
        m.d.comb += [
            v.exposure_base.eq(_max(c.position_value - c.released,
                                    kc.position_value - kc.released)),
            v.pnl_low.eq(Mux(c.pnl < kc.pnl, c.pnl, kc.pnl)),
        ]
        return m
