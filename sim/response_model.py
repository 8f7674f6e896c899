"""Reference model of the exchange-response path: one verdict and its effects per frame.

Written from the contract in :mod:`hdl.response.layouts`, which the gateware matches bit
for bit. :meth:`ResponseModel.frame` judges a received frame by the numbered rules, first
match wins: rules 1-6 in :func:`sim.response_headers.judge_headers`, then 7 (already out of
sync), 8 (sequence number != ``rcv_next``), 9 and 10 here. An in-order segment's messages
act one after another on a speculative copy of the state (each sees what the ones before
it in the segment did); if any fails, the whole segment is ``UNPARSEABLE`` with the first
failure's :class:`~hdl.response.layouts.Detail` and nothing of it applies. The accounting
is :mod:`sim.response_ledger`; the payload's framing is :mod:`sim.response_payload`.

Readings of the contract taken here (besides those in the two modules above):

- "UserRefNum not in the open-order table": the entry at ``user_ref_num % table_size`` is
  ``FREE`` or holds another UserRefNum. An entry that holds it as ``DEAD`` is in the table,
  so a message for it is ``BAD_STATE``.
- ``TOO_MANY``: the ``UNDO_DEPTH + 1``-th order-changing message of a segment, checked
  after that message's own checks (a faulty message names its own fault).
- A new model is in sync at the ``rcv_next`` it is given (construction is a resync). The
  contract does not say how the path starts; the gateware starts out of sync, so a flow
  for both begins with a ``resync``, as :func:`sim.response_flow.random_flow`'s do.
- ``responses`` are those of ``APPLIED`` segments only; the gateware emits them as the
  messages act and its ``segments`` record then says whether they stand.
- ``sent`` overwrites a ``FREE`` or ``DEAD`` entry; a busy one (``SENT``/``LIVE``) is kept
  and the order is counted in ``overflow``.
- ``counters``, 32 bits each, wrapping, named as the ``response`` register block names
  them: ``frames_<outcome>`` (frames per :class:`Outcome`), ``detail_<detail>``
  (``UNPARSEABLE`` frames per :class:`Detail` but ``NONE``), ``messages_<kind>``
  (messages of ``APPLIED`` segments per :class:`Kind`), ``overflow`` (orders not entered)
  and ``payload_bytes`` (TCP payload bytes of ``APPLIED`` segments).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from hdl.response.layouts import (
    LOSES_SYNC,
    UNDO_DEPTH,
    Detail,
    Kind,
    OrderState,
    Outcome,
)
from sim.order_session import Session
from sim.response_headers import judge_headers
from sim.response_ledger import CardLedger, OrderEntry, SlotLedger, close, execute
from sim.response_payload import OrderMessage, Unparseable, order_message, sequenced_messages

__all__ = ["SegmentResult", "ResponseModel", "COUNTER_NAMES"]

COUNTER_NAMES = (*(f"frames_{o.name.lower()}" for o in Outcome),
                 *(f"detail_{d.name.lower()}" for d in Detail if d != Detail.NONE),
                 *(f"messages_{k.name.lower()}" for k in Kind), "overflow", "payload_bytes")
_COUNTER_MASK = (1 << 32) - 1
_SEQ_MOD = 1 << 32
_PRICE_LIMIT = 1 << 32
_NEEDS = {Kind.ACCEPTED: OrderState.SENT, Kind.REJECTED: OrderState.SENT,
          Kind.EXECUTED: OrderState.LIVE, Kind.CANCELED: OrderState.LIVE}


@dataclass(frozen=True)
class SegmentResult:
    """One frame's :data:`~hdl.response.layouts.SEGMENT_LAYOUT` record (without ``time``)
    and, for an ``APPLIED`` segment, its responses (``RESPONSE_LAYOUT`` names, no
    ``time``) in message order."""

    outcome: Outcome
    detail: Detail = Detail.NONE
    seq: int = 0
    length: int = 0
    messages: int = 0
    responses: list[dict] = field(default_factory=list)


@dataclass
class _Speculation:
    """A segment's changes, on top of the committed state until the segment is whole."""

    orders: dict[int, OrderEntry] = field(default_factory=dict)
    slots: dict[int, SlotLedger] = field(default_factory=dict)
    card: CardLedger = CardLedger()
    responses: list[dict] = field(default_factory=list)


class ResponseModel:
    """The path's state: the open-order table, the slot and card ledgers, ``rcv_next``."""

    def __init__(self, session: Session, *, table_size: int = 1024, slots: int = 16,
                 rcv_next: int = 0):
        if table_size < 1 or table_size & (table_size - 1):
            raise ValueError(f"table size {table_size} is not a power of two")
        self.session = session
        self.table_size = table_size
        self._orders = [OrderEntry()] * table_size
        self._slots = [SlotLedger()] * slots
        self._card = CardLedger()
        self._rcv_next = rcv_next % _SEQ_MOD
        self._out_of_sync = False
        self._counters = dict.fromkeys(COUNTER_NAMES, 0)

    # --- read-only views ------------------------------------------------------------------
    @property
    def orders(self) -> tuple[OrderEntry, ...]:
        return tuple(self._orders)

    @property
    def slots(self) -> tuple[SlotLedger, ...]:
        return tuple(self._slots)

    @property
    def card(self) -> CardLedger:
        return self._card

    @property
    def out_of_sync(self) -> bool:
        return self._out_of_sync

    @property
    def rcv_next(self) -> int:
        return self._rcv_next

    @property
    def counters(self) -> dict[str, int]:
        return dict(self._counters)

    def busy(self, index: int) -> bool:
        """Table entry ``index`` holds an order the exchange may still answer about."""
        return self._orders[index].busy

    # --- inputs ---------------------------------------------------------------------------
    def sent(self, user_ref_num: int, slot: int, sell: bool, price: int, shares: int) -> bool:
        """An order frame completed on the wire; False (``overflow``) if its entry is busy."""
        if not (0 <= user_ref_num < 1 << 32 and 0 <= slot < len(self._slots)
                and 0 < price < _PRICE_LIMIT and 0 < shares < 1 << 32):
            raise ValueError(f"order {user_ref_num}: slot {slot}, price {price} or shares "
                             f"{shares} out of range")
        index = user_ref_num % self.table_size
        if self._orders[index].busy:
            self._count("overflow")
            return False
        self._orders[index] = OrderEntry(user_ref_num, slot, bool(sell), price, shares,
                                         shares, OrderState.SENT)
        return True

    def resync(self, rcv_next: int) -> None:
        """The host's ``resync``: load ``rcv_next`` and apply segments again."""
        self._rcv_next = rcv_next % _SEQ_MOD
        self._out_of_sync = False

    def frame(self, data: bytes, mac_error: bool = False) -> SegmentResult:
        """Judge one received frame (no FCS) and apply it if it is ``APPLIED``."""
        verdict = judge_headers(data, mac_error, self.session)
        outcome, detail, changes = verdict.outcome, Detail.NONE, None
        if outcome is None:
            if self._out_of_sync:
                outcome = Outcome.OUT_OF_SYNC
            elif verdict.seq != self._rcv_next:
                outcome = Outcome.OUT_OF_ORDER
            else:
                try:
                    changes = self._speculate(verdict.payload)
                    outcome = Outcome.APPLIED
                except Unparseable as fault:
                    outcome, detail = Outcome.UNPARSEABLE, fault.detail
        if outcome in LOSES_SYNC:
            self._out_of_sync = True
        self._count(f"frames_{outcome.name.lower()}")
        if detail != Detail.NONE:
            self._count(f"detail_{detail.name.lower()}")
        if changes is None:
            return SegmentResult(outcome, detail, verdict.seq, verdict.length)
        self._commit(changes)
        self._count("payload_bytes", verdict.length)
        self._rcv_next = (self._rcv_next + verdict.length) % _SEQ_MOD
        return SegmentResult(outcome, detail, verdict.seq, verdict.length,
                             min(len(changes.responses), 255), changes.responses)

    # --- one segment ----------------------------------------------------------------------
    def _speculate(self, payload: bytes) -> _Speculation:
        spec = _Speculation(card=self._card)
        for raw in sequenced_messages(payload):
            message = order_message(raw)
            if message is None:
                continue
            index = message.user_ref_num % self.table_size
            order = spec.orders.get(index, self._orders[index])
            self._check(message, order)
            if len(spec.responses) >= UNDO_DEPTH:
                raise Unparseable(Detail.TOO_MANY)
            slot = spec.slots.get(order.slot, self._slots[order.slot])
            quantity, price = message.quantity, order.price
            if message.kind == Kind.ACCEPTED:
                order, quantity = replace(order, state=OrderState.LIVE), 0
            elif message.kind == Kind.EXECUTED:
                price = message.price
                order, slot, spec.card = execute(order, slot, spec.card, quantity, price)
            else:
                if message.kind == Kind.REJECTED:
                    quantity = order.remaining
                order, slot, spec.card = close(order, slot, spec.card, quantity)
            spec.orders[index], spec.slots[order.slot] = order, slot
            spec.responses.append({
                "kind": message.kind, "user_ref_num": message.user_ref_num,
                "quantity": quantity, "price": price, "match_number": message.match_number,
                "slot": order.slot, "sell": int(order.sell), "remaining": order.remaining,
                "state": order.state, "position": slot.position, "pnl": spec.card.pnl})
        return spec

    @staticmethod
    def _check(message: OrderMessage, order: OrderEntry) -> None:
        if order.state == OrderState.FREE or order.user_ref_num != message.user_ref_num:
            raise Unparseable(Detail.UNKNOWN_REF)
        if order.state != _NEEDS[message.kind]:
            raise Unparseable(Detail.BAD_STATE)
        if message.kind in (Kind.EXECUTED, Kind.CANCELED) and not (
                1 <= message.quantity <= order.remaining):
            raise Unparseable(Detail.BAD_FIELD)
        if message.kind == Kind.EXECUTED and not 1 <= message.price < _PRICE_LIMIT:
            raise Unparseable(Detail.BAD_FIELD)

    def _commit(self, spec: _Speculation) -> None:
        for index, order in spec.orders.items():
            self._orders[index] = order
        for slot, ledger in spec.slots.items():
            self._slots[slot] = ledger
        self._card = spec.card
        for response in spec.responses:
            self._count(f"messages_{response['kind'].name.lower()}")

    def _count(self, name: str, amount: int = 1) -> None:
        self._counters[name] = (self._counters[name] + amount) & _COUNTER_MASK
