"""The order flow behind a random response flow: orders and the exchange's messages, in order.

:func:`plan` draws ``orders`` orders with consecutive UserRefNums and one global sequence
of exchange messages about them, as the exchange would send them if nothing were lost.
Orders overlap (a concurrency level that changes now and then), so responses of different
orders interleave; each follows one life cycle:

- rejected: ``J``;
- cancelled: ``A``, then ``C`` of everything (sometimes in two parts);
- filled: ``A``, then one to three ``E`` that use up the order;
- IOC: ``A``, up to three partial ``E``, then ``C`` of the rest.

Prices sit a few ticks around one level per slot (a few slots at five cents, clamped at
1, or near the 32-bit limit), executions at the order's price or a tick or two better,
sides at random, so positions go long and short and P&L crosses zero both ways. A new
order is drawn only when its table entry (UserRefNum mod ``table_size``) is free by then,
i.e. every message about the entry's previous order comes earlier in the sequence;
:attr:`PlannedOrder.due` is the index of its first message, the latest point its order
frame may complete.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass

from hdl.response.layouts import Kind, OrderState
from proto.ouch import FIRM_TAG
from sim import response_frames as rf

__all__ = ["PlannedOrder", "PlannedMessage", "plan"]

_TICK = 100                     # one cent
_PRICE_MAX = (1 << 32) - 1


@dataclass(eq=False)
class PlannedOrder:
    """An order, and its state as of the messages handed out so far (the flow's cursor)."""

    user_ref_num: int
    slot: int
    sell: bool
    price: int
    shares: int
    due: int
    index: int
    state: OrderState = OrderState.SENT
    remaining: int = 0


@dataclass(frozen=True, eq=False)
class PlannedMessage:
    order: PlannedOrder
    kind: Kind
    quantity: int
    packet: bytes                                  # the SoupBinTCP S packet
    before: tuple[OrderState, int]                 # the order's (state, remaining)
    after: tuple[OrderState, int]


def _base_price(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.1:
        return 5 * _TICK                            # a five-cent stock: prices clamp at 1
    if r < 0.2:
        return _PRICE_MAX - 10 * _TICK              # near the 32-bit limit
    return rng.randrange(1, 5000) * _TICK * 10       # $0.10 .. $5,000


def _shares(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.6:
        return rng.randint(1, 10) * 100
    if r < 0.85:
        return rng.randint(1, 999)
    if r < 0.95:
        return rng.randint(1_000, 50_000)
    return rng.randint(100_000, 5_000_000)


def _part(rng: random.Random, remaining: int) -> int:
    """A quantity that leaves something (remaining >= 2)."""
    return rng.randint(1, remaining - 1)


def _life_cycle(rng: random.Random, shares: int) -> list[tuple[Kind, int]]:
    """``(kind, quantity)`` per message; J closes everything (its quantity is ``shares``)."""
    r, remaining = rng.random(), shares
    if r < 0.1:
        return [(Kind.REJECTED, shares)]
    steps = [(Kind.ACCEPTED, 0)]
    if r < 0.25:
        if remaining > 1 and rng.random() < 0.3:
            q = _part(rng, remaining)
            steps.append((Kind.CANCELED, q))
            remaining -= q
        return steps + [(Kind.CANCELED, remaining)]
    if r < 0.55:
        partials, last = rng.randint(0, 2), Kind.EXECUTED         # filled
    else:
        partials, last = rng.randint(0, 3), Kind.CANCELED         # IOC
    for _ in range(partials):
        if remaining < 2:
            break
        q = _part(rng, remaining)
        steps.append((Kind.EXECUTED, q))
        remaining -= q
    return steps + [(last, remaining)]


class _Writer:
    """Encodes planned messages with increasing timestamps and match numbers."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.timestamp = rng.randrange(34_200 * 10**9, 40_000 * 10**9)
        self.match = rng.randrange(1 << 40)
        self.order_ref = rng.randrange(1 << 40)

    def packet(self, order: PlannedOrder, kind: Kind, quantity: int) -> bytes:
        rng = self.rng
        self.timestamp += rng.randrange(1_000, 5_000_000)
        options = [(FIRM_TAG, b"TKFG")] if rng.random() < 0.2 else b""
        if kind == Kind.ACCEPTED:
            self.order_ref += 1
            return rf.accepted(order.user_ref_num, "S" if order.sell else "B", order.shares,
                               f"S{order.slot:03d}", order.price, order_ref_num=self.order_ref,
                               appendage=options, timestamp=self.timestamp)
        if kind == Kind.EXECUTED:
            self.match += rng.randint(1, 50)
            better = rng.choice((0, 0, 0, 1, 2, 5)) * _TICK
            price = max(1, order.price - better) if not order.sell else \
                min(_PRICE_MAX, order.price + better)
            return rf.executed(order.user_ref_num, quantity, price, self.match,
                               liquidity=rng.choice("ARX"), appendage=options,
                               timestamp=self.timestamp)
        if kind == Kind.CANCELED:
            return rf.canceled(order.user_ref_num, quantity, reason=rng.choice("UIT"),
                               timestamp=self.timestamp)
        return rf.rejected(order.user_ref_num, reason=rng.randint(1, 30),
                           timestamp=self.timestamp)


def plan(rng: random.Random, orders: int, slots: int, table_size: int,
         first_ref: int) -> tuple[list[PlannedOrder], list[PlannedMessage]]:
    """``orders`` orders from UserRefNum ``first_ref`` on, and every message about them."""
    bases = [_base_price(rng) for _ in range(slots)]
    writer = _Writer(rng)
    drawn: list[PlannedOrder] = []
    messages: list[PlannedMessage] = []
    active: list[PlannedOrder] = []
    left: dict[PlannedOrder, deque] = {}
    open_at: set[int] = set()
    concurrency = rng.randint(1, 6)
    while len(drawn) < orders or active:
        index = (first_ref + len(drawn)) % table_size
        can_draw = len(drawn) < orders and index not in open_at
        chance = 0.7 if len(active) < concurrency else 0.1
        if can_draw and (not active or rng.random() < chance):
            slot = rng.randrange(slots)
            price = min(_PRICE_MAX, max(1, bases[slot] + rng.randint(-4, 4) * _TICK))
            order = PlannedOrder(first_ref + len(drawn), slot, rng.random() < 0.5, price,
                                 _shares(rng), len(messages), index)
            order.remaining = order.shares
            drawn.append(order)
            active.append(order)
            left[order] = deque(_life_cycle(rng, order.shares))
            open_at.add(index)
            if rng.random() < 0.05:
                concurrency = rng.randint(1, 12)
            continue
        order = rng.choice(active)
        kind, quantity = left[order].popleft()
        before = (order.state, order.remaining)
        order.remaining -= 0 if kind == Kind.ACCEPTED else quantity
        order.state = OrderState.DEAD if order.remaining == 0 else OrderState.LIVE
        messages.append(PlannedMessage(order, kind, quantity,
                                       writer.packet(order, kind, quantity), before,
                                       (order.state, order.remaining)))
        if not left[order]:
            active.remove(order)
            open_at.discard(order.index)
            del left[order]
    for order in drawn:                 # the flow's cursor starts before every message
        order.state, order.remaining = OrderState.SENT, order.shares
    return drawn, messages
