"""Book operations: what an ITCH event (or an undo-log entry) does to the books.

Every event of a subscribed stock becomes one :data:`OP_LAYOUT` record before it enters the
book pipeline; a rolled-back frame replays the inverse operations that the pipeline logged
while applying it (:func:`inverse_of` describes them), so forward and undo run through the
same hardware.

==========  ====================================================================
``NOP``     no book change (R, H, P, Q, B and every other type): a record only
``ADD``     A, F: rest ``shares`` at ``price`` on ``ask`` of ``slot`` as ``ref``
``REMOVE``  D: delete ``ref``
``REDUCE``  E, C, X: take ``shares`` off ``ref``; all of it (or more) removes the order
``GROW``    undo of a partial REDUCE: give ``shares`` back to ``ref``
``REPLACE`` U: delete ``ref`` and rest ``new_ref`` at ``price``/``shares``, same side
``RESET``   host command: empty side ``ask`` of ``slot``
``REFILL``  the level store's upkeep of side ``ask`` of ``slot`` (:mod:`hdl.book.level_store`)
==========  ====================================================================
"""

from __future__ import annotations

import enum

from amaranth import Mux
from amaranth.lib import data

from hdl.book.layouts import PRICE_BITS, BookParams

__all__ = ["OpKind", "op_layout", "decode_event"]


class OpKind(enum.IntEnum):
    NOP = 0
    ADD = 1
    REMOVE = 2
    REDUCE = 3
    GROW = 4
    REPLACE = 5
    RESET = 6
    REFILL = 7


def op_layout(params: BookParams) -> data.StructLayout:
    return data.StructLayout({
        "kind": 3,
        "slot": params.slot_bits,
        "ask": 1,
        "ref": 64,
        "new_ref": 64,
        "price": PRICE_BITS,
        "shares": 32,
    })


def decode_event(m, event, op, bad_side):
    """Drive ``op`` (an :func:`op_layout` view) from ``event`` (EVENT_LAYOUT), combinationally.

    ``bad_side`` is driven high for an A or F whose side is neither B nor S (it becomes a
    NOP: resting it on a guessed side would corrupt the book). ``op.slot`` is left to the
    caller (it comes from the locate lookup).
    """
    kind = event.type
    m.d.comb += [
        op.ref.eq(event.order_ref),
        op.new_ref.eq(event.new_order_ref),
        op.price.eq(event.price),
        op.shares.eq(event.shares),
        op.ask.eq(event.side == ord("S")),
        bad_side.eq(0),
    ]
    with m.Switch(kind):
        with m.Case(ord("A"), ord("F")):
            good = (event.side == ord("B")) | (event.side == ord("S"))
            m.d.comb += [op.kind.eq(Mux(good, OpKind.ADD, OpKind.NOP)), bad_side.eq(~good)]
        with m.Case(ord("D")):
            m.d.comb += op.kind.eq(OpKind.REMOVE)
        with m.Case(ord("E"), ord("C"), ord("X")):
            m.d.comb += op.kind.eq(OpKind.REDUCE)
        with m.Case(ord("U")):
            m.d.comb += op.kind.eq(OpKind.REPLACE)
        with m.Default():
            m.d.comb += op.kind.eq(OpKind.NOP)
