"""``Ledger``: positions, closed shares, cash and P&L per stock, exact, speculative per segment.

The accounting is :mod:`hdl.response.layouts`' ("Accounting"), rearranged so that no
product waits on another result in its cycle (a multiplier takes most of a cycle at
156.25 MHz, from registers to registers). Each slot also keeps ``value`` = position x mark
and ``magnitude`` = |position| x mark (the slot's share of ``position_value``), written with
the position and mark. An execution of ``q`` at ``px`` of an order at ``op`` then needs

- ``fill = q * px`` (``cash -/+= fill``), ``release = q * op`` (``released += release``),
- ``P = position * px``: with the 32-bit wrap of ``position' = position +/- q`` as
  ``k * 2**32`` (k = -1, 0, 1), ``value' = position' * px = P +/- fill - k * px * 2**32``;
- ``pnl' = pnl + (cash' - cash) + value' - value = pnl + P - k * px * 2**32 - value``;
- ``magnitude' = |value'|`` (px > 0), ``position_value' = position_value + magnitude' -
  magnitude``,

all modulo 2**64, as the registers wrap. The three products are 32 x 32 bits, four 16 x 16
partial products each, registered and summed with what else goes into the result:

- S1 (the cycle after the message's last beat): ``fill``'s products (quantity and price
  are the scan's); the slot's position and ``position'`` with its wrap, from the table read
  a cycle early (:attr:`hdl.response.orders.OpenOrders.early`), and the quantity a release
  counts (a reject's is the order's remaining shares) are registered for S2;
- S2: ``P``'s and ``release``'s products; ``fill`` summed into ``value' - P`` (and its
  negation, for ``magnitude'`` when ``position'`` < 0); the slot's cash and closed shares
  updated, ``pnl - value - k * px * 2**32`` and ``position_value - magnitude`` prepared;
- S3: each new value is one sum of at most five terms, written with ``update_valid``: the
  new state is seen from the next cycle.

Updates come at least two cycles apart (an order-changing SoupBinTCP packet is over 16
bytes), so S2 always reads the state that the previous update wrote. A host ``load_slot``
writes position, cash and mark at once and ``value`` and ``magnitude`` two cycles later, the
products taking the same path (the host loads only while no segment is applied).

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
from hdl.response.ledger_math import Product
from hdl.speculative import SpeculativeArray

__all__ = ["Ledger", "S1_LAYOUT", "S2_LAYOUT", "view_layout"]

#: What the ledger takes from a message in S1 (registers of the scan and the early table).
S1_LAYOUT = data.StructLayout({
    "executed": 1,               # an execution (E)
    "rejected": 1,               # a reject (J): its order's remaining shares close
    "closes": 1,                 # E, C or J: shares close, notional is released
    "quantity": SHARES_BITS,     # the message's (E, C)
    "price": PRICE_BITS,         # the execution price (E)
    "slot": 8,                   # the order's, read a cycle early
    "sell": 1,                   # the order's, read a cycle early
    "remaining": SHARES_BITS,    # the order's, read a cycle early (J)
})
#: And in S2 (registers of the table).
S2_LAYOUT = data.StructLayout({"slot": 8, "sell": 1, "order_price": PRICE_BITS})
#: A slot's state: the accounting and the products kept with it.
_SLOT = data.StructLayout({**dict(SLOT_LEDGER_LAYOUT.members),
                           "value": signed(64), "magnitude": 64})


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
    s1 : In(S1_LAYOUT)
        A message in S1 (any cycle; only an update's S1 matters).
    s2 : In(S2_LAYOUT)
        The same message in S2.
    update_valid : In(1)
        In S3: the message is applied (E, C or J of a message that passed its checks).
    position_after, pnl_after : Out
        In S3: the slot's position and the card's P&L once it is written.
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
            "s1": In(S1_LAYOUT), "s2": In(S2_LAYOUT), "update_valid": In(1),
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
        slot_bits = max(1, (n - 1).bit_length())
        slots = SpeculativeArray(m, _SLOT, n, "ledger_slot")
        card = SpeculativeArray(m, CARD_LEDGER_LAYOUT, 1, "ledger_card")
        c = card.cur[0]
        s1, s2 = self.s1, self.s2

        # ------------------------------------------------------------- S1
        # The execution's new position and its wrap, from the early table read. An
        # execution is at least 39 bytes with its header, so the update before it was
        # written at least two cycles before this: the slot's state is current.
        r3 = {name: Signal(shape, name=f"s3_{name}") for name, shape in (
            ("executed", 1), ("sell", 1), ("slot", slot_bits), ("mark", PRICE_BITS),
            ("negative", 1), ("position", signed(32)), ("record_position", signed(32)),
            ("value_rest", 64), ("magnitude_rest", 64), ("pnl_base", 64),
            ("exposure_base", 64), ("cash", signed(64)), ("closed", 32), ("reval", 1))}
        position = slots.cur[s1.slot[:slot_bits]].position
        quantity = Cat(s1.quantity, 0).as_signed()
        moved = Mux(s1.executed, Mux(s1.sell, -quantity, quantity), 0)
        exact = Signal(signed(34))
        m.d.comb += exact.eq(position + moved)
        ops = {name: Signal(shape, name=f"s2_{name}") for name, shape in (
            ("position", signed(32)), ("price", PRICE_BITS), ("negated_price", 32),
            ("quantity", SHARES_BITS), ("executed", 1), ("after", signed(32)),
            ("wraps_up", 1), ("wraps_down", 1), ("reval", 1), ("reval_slot", slot_bits))}
        with m.If(self.load_slot):
            m.d.sync += [ops["position"].eq(self.load_position),
                         ops["price"].eq(self.load_mark), ops["after"].eq(self.load_position),
                         ops["quantity"].eq(0), ops["executed"].eq(0),
                         ops["wraps_up"].eq(0), ops["wraps_down"].eq(0),
                         ops["reval"].eq(1), ops["reval_slot"].eq(self.load_index[:slot_bits])]
        with m.Else():
            m.d.sync += [
                ops["position"].eq(position), ops["price"].eq(s1.price),
                ops["quantity"].eq(Mux(s1.rejected, s1.remaining,
                                       Mux(s1.closes, s1.quantity, 0))),
                ops["executed"].eq(s1.executed), ops["after"].eq(exact[:32]),
                # position' = exact - k * 2**32, k = 1 or -1 outside the 32-bit range
                ops["wraps_up"].eq(~exact[33] & (exact[32] | exact[31])),
                ops["wraps_down"].eq(exact[33] & ~(exact[32] & exact[31])),
                ops["reval"].eq(0),
            ]
        m.d.sync += ops["negated_price"].eq(-s1.price)
        fill = Product(m, "fill", s1.quantity, s1.price)

        # ------------------------------------------------------------- S2
        slot = s2.slot[:slot_bits]
        now = slots.cur[slot]
        executed = ops["executed"]
        product = Product(m, "product", ops["position"], ops["price"])
        release = Product(m, "release", ops["quantity"], s2.order_price)
        # -k * px * 2**32 (mod 2**64: px or -px in the upper half) and k * px * 2**32.
        minus_k = Mux(ops["wraps_up"], ops["negated_price"],
                      Mux(ops["wraps_down"], ops["price"], 0))
        plus_k = Mux(ops["wraps_up"], ops["price"],
                     Mux(ops["wraps_down"], ops["negated_price"], 0))
        # value' - P = +/-fill - k * px * 2**32; when position' < 0, magnitude' = -value'
        # = -P - (value' - P): the P terms are inverted in S3, +3 here (constants ride in
        # the low half of the k terms, which is 0).
        sell = s2.sell
        rest = fill.sum((minus_k << 32) | Mux(sell, 3, 0), flip=sell)
        rest_negated = fill.sum((plus_k << 32) | Mux(sell, 3, 6), flip=~sell)
        negative = ops["after"] < 0
        cash = fill.sum(now.cash, Mux(sell, 0, 3), flip=~sell)      # cash -/+ fill
        m.d.sync += [
            r3["executed"].eq(executed), r3["sell"].eq(sell), r3["slot"].eq(slot),
            r3["mark"].eq(ops["price"]), r3["negative"].eq(negative),
            r3["position"].eq(ops["after"]),
            r3["record_position"].eq(Mux(executed, ops["after"], now.position)),
            r3["value_rest"].eq(Mux(executed, rest, 0)),
            r3["magnitude_rest"].eq(Mux(executed, Mux(negative, rest_negated, rest),
                                        Mux(negative, 3, 0))),
            r3["pnl_base"].eq(c.pnl - now.value + (minus_k << 32)),
            r3["exposure_base"].eq(c.position_value - now.magnitude),
            r3["cash"].eq(cash),
            r3["closed"].eq(Mux(sell, now.closed_sell, now.closed_buy) + ops["quantity"]),
            r3["reval"].eq(ops["reval"]),
        ]
        with m.If(ops["reval"]):
            m.d.sync += r3["slot"].eq(ops["reval_slot"])

        # ------------------------------------------------------------- S3: sums, write
        value = Signal(signed(64))
        magnitude, pnl, exposure, released = Signal(64), Signal(signed(64)), Signal(64), \
            Signal(64)
        flip = r3["negative"]
        m.d.comb += [
            value.eq(product.sum(r3["value_rest"])),
            magnitude.eq(product.sum(r3["magnitude_rest"], flip=flip)),
            pnl.eq(product.sum(r3["pnl_base"])),
            exposure.eq(product.sum(r3["exposure_base"], r3["magnitude_rest"], flip=flip)),
            released.eq(release.sum(c.released)),
        ]
        index = r3["slot"]
        m.d.comb += [self.position_after.eq(r3["record_position"]),
                     self.pnl_after.eq(Mux(r3["executed"], pnl, c.pnl))]
        # The sums are written last (SpeculativeArray.late): one mux from them to the state.
        executes = self.update_valid & r3["executed"]
        for j in range(n):
            nxt = slots.next[j]
            with m.If(self.update_valid & (index == j)):
                with m.If(r3["sell"]):
                    m.d.comb += nxt.closed_sell.eq(r3["closed"])
                with m.Else():
                    m.d.comb += nxt.closed_buy.eq(r3["closed"])
                with m.If(r3["executed"]):
                    m.d.comb += [nxt.position.eq(r3["position"]), nxt.cash.eq(r3["cash"]),
                                 nxt.mark.eq(r3["mark"])]
            loaded = Signal(_SLOT, name=f"ledger_slot{j}_loaded")
            m.d.comb += [loaded.position.eq(self.load_position), loaded.cash.eq(self.load_cash),
                         loaded.mark.eq(self.load_mark)]
            slots.load(j, self.load_slot & (self.load_index == j), loaded)
            products = Signal(_SLOT, name=f"ledger_slot{j}_products")
            m.d.comb += [products.eq(nxt), products.value.eq(value),
                         products.magnitude.eq(magnitude)]
            slots.late(j, executes & (index == j), products)
            slots.late(j, r3["reval"] & (index == j), products, load=True)
        with m.If(self.update_valid):
            m.d.comb += card.next[0].released.eq(released)
        sums = Signal(CARD_LEDGER_LAYOUT)
        m.d.comb += [sums.eq(card.next[0]), sums.released.eq(released), sums.pnl.eq(pnl),
                     sums.position_value.eq(exposure)]
        card.late(0, executes, sums)
        card_loaded = Signal(CARD_LEDGER_LAYOUT)
        m.d.comb += [card_loaded.pnl.eq(self.load_pnl),
                     card_loaded.position_value.eq(self.load_position_value)]
        card.load(0, self.load_card, card_loaded)
        slots.finish(commit=self.commit, withdraw=self.withdraw)
        card.finish(commit=self.commit, withdraw=self.withdraw)

        # ------------------------------------------------------------- views
        seen = slots.cur[self.read_index[:slot_bits]]
        m.d.comb += [getattr(self.read, name).eq(getattr(seen, name))
                     for name in SLOT_LEDGER_LAYOUT.members]
        m.d.comb += self.card.eq(c)
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
