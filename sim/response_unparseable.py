"""Payload tails that make an in-order response segment ``UNPARSEABLE``, for random flows.

:func:`bad_tail` returns SoupBinTCP bytes whose first fault is one
:class:`~hdl.response.layouts.Detail` (any but ``TOO_MANY``), drawn at random, judged
against the order table as the segment's earlier messages leave it: ``recent`` orders
carry that state (:class:`sim.response_plan.PlannedOrder` as of the flow's cursor). Sometimes
a second fault follows, which must not change the segment's detail. A detail that no
order can show now (``BAD_FIELD`` needs a ``LIVE`` order, ``BAD_STATE`` one in the table)
falls back to ``BAD_STATE``, then ``UNKNOWN_REF``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from hdl.response.layouts import Detail, OrderState
from proto.ouch import FIRM_TAG
from sim import response_frames as rf
from sim import response_impairments as ri
from sim.response_model import ResponseModel
from sim.response_plan import PlannedOrder

__all__ = ["DETAILS", "bad_tail"]

#: The details a random flow produces.
DETAILS = (Detail.BAD_PACKET, Detail.UNKNOWN_MESSAGE, Detail.BAD_LENGTH, Detail.UNKNOWN_REF,
           Detail.BAD_STATE, Detail.BAD_FIELD)
_PRICE = 1_000_000


def _bad_packet(rng: random.Random) -> bytes:
    if rng.random() < 0.7:
        return rng.choice(list(ri.BAD_PACKETS.values()))
    packet = rng.choice([rf.canceled(1, 1), rf.debug("overrun"), rf.system_event("S")])
    return ri.overrunning(packet, rng.randint(1, 50))


def _unknown_message(rng: random.Random) -> bytes:
    if rng.random() < 0.6:
        return ri.unknown_message(rng.randrange(1 << 20))
    return rf.sequenced(rng.choice(b"BDFKMPTUX").to_bytes(1, "big")
                        + bytes(rng.randrange(0, 40)))


def _bad_length(rng: random.Random) -> bytes:
    if rng.random() < 0.25:     # a known type cut to a few bytes: several end in one beat
        return rf.sequenced(rng.choice(b"AECJS").to_bytes(1, "big") + bytes(rng.randrange(8)))
    options = [(FIRM_TAG, b"TKFG")] if rng.random() < 0.5 else b""
    packet = rng.choice([
        rf.system_event("S"), rf.canceled(1, 1), rf.rejected(1),
        rf.executed(1, 1, _PRICE, 9, appendage=options),
        rf.accepted(1, "B", 100, "X", _PRICE, appendage=options)])
    return ri.wrong_length(packet, rng.choice([-3, -1, 1, 2]))


def _any_message(rng: random.Random, ref: int, quantity: int = 1) -> bytes:
    return rng.choice([
        lambda: rf.accepted(ref, "B", 100, "X", _PRICE),
        lambda: rf.executed(ref, quantity, _PRICE, 7),
        lambda: rf.canceled(ref, quantity),
        lambda: rf.rejected(ref)])()


def _unknown_ref(rng: random.Random, table: Sequence, recent: Sequence[PlannedOrder],
                 next_ref: int) -> bytes:
    stale = [o.user_ref_num for o in recent if table[o.index].user_ref_num != o.user_ref_num]
    ref = rng.choice(stale) if stale and rng.random() < 0.5 else \
        next_ref + rng.randrange(5000)
    return _any_message(rng, ref)


def _bad_state(rng: random.Random, order: PlannedOrder) -> bytes:
    ref, quantity = order.user_ref_num, max(1, order.remaining)
    if order.state == OrderState.SENT:          # E/C before A
        return rng.choice([rf.executed(ref, quantity, order.price, 3),
                           rf.canceled(ref, quantity)])
    if order.state == OrderState.LIVE:          # A/J again
        return rng.choice([rf.accepted(ref, "B", order.shares, "X", order.price),
                           rf.rejected(ref)])
    return _any_message(rng, ref)               # anything about a DEAD order


def _bad_field(rng: random.Random, order: PlannedOrder) -> bytes:
    ref, remaining = order.user_ref_num, order.remaining
    quantity = rng.choice([0, remaining + 1])
    if rng.random() < 0.4:
        return rf.canceled(ref, quantity)
    if rng.random() < 0.5:
        return rf.executed(ref, quantity, order.price, 5)
    price = rng.choice([0, (1 << 32) | order.price, -1, -(1 << 63)])
    return rf.executed(ref, rng.randint(1, remaining), price, 5)


def _fault(rng: random.Random, detail: Detail, model: ResponseModel,
           recent: Sequence[PlannedOrder], next_ref: int) -> tuple[bytes, Detail]:
    if detail == Detail.BAD_PACKET:
        return _bad_packet(rng), detail
    if detail == Detail.UNKNOWN_MESSAGE:
        return _unknown_message(rng), detail
    if detail == Detail.BAD_LENGTH:
        return _bad_length(rng), detail
    table = model.orders
    held = [o for o in recent if table[o.index].user_ref_num == o.user_ref_num]
    live = [o for o in held if o.state == OrderState.LIVE]
    if detail == Detail.BAD_FIELD and live:
        return _bad_field(rng, rng.choice(live)), detail
    if detail in (Detail.BAD_FIELD, Detail.BAD_STATE) and held:
        return _bad_state(rng, rng.choice(held)), Detail.BAD_STATE
    return _unknown_ref(rng, table, recent, next_ref), Detail.UNKNOWN_REF


def bad_tail(rng: random.Random, model: ResponseModel, recent: Sequence[PlannedOrder],
             next_ref: int) -> tuple[bytes, Detail]:
    """A failing tail and the detail it must give; ``recent``: orders already sent (their
    table entries are looked up in ``model``), ``next_ref``: the first UserRefNum not sent
    yet."""
    tail, detail = _fault(rng, rng.choice(DETAILS), model, recent, next_ref)
    if detail != Detail.BAD_PACKET and rng.random() < 0.3:
        tail += _fault(rng, rng.choice(DETAILS), model, recent, next_ref)[0]
    return tail, detail
