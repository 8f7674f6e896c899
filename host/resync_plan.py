"""What a resync applies: the session's missed messages on the card's own state.

:func:`stream_messages` cuts the exchange's TCP bytes from the card's ``rcv_next`` into
SoupBinTCP packets (:mod:`proto.soupbintcp`) and decodes the OUCH message of each Sequenced
Data packet (:mod:`proto.ouch`); a packet cut by the end of the bytes raises
:class:`~host.session_stream.StreamIncomplete` (its rest has not arrived). Unlike the card,
the host takes packets split across segments and any number of messages per segment.

:func:`plan` applies Order Accepted, Executed, Canceled and Rejected to the orders and
ledgers the card holds (read through a :class:`CardState`, only what the messages touch)
with the accounting of :mod:`hdl.response.layouts` (:mod:`sim.response_ledger`, the same
integers at the same widths), and checks each message as the card would: the order must
be in the open-order table in the right state, quantities within what is left, prices in
the registers' range. A message the card could never have applied (an unknown UserRefNum,
an OUCH type it does not track) stops the resync with an error naming it: the card stays
out of sync, refusing every order, until someone decides.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Protocol

from hdl.response.layouts import Kind, OrderState
from host.errors import DataError
from host.session_stream import StreamIncomplete
from proto import ouch, soupbintcp
from sim.response_ledger import CardLedger, OrderEntry, SlotLedger, close, execute

__all__ = ["StreamMessage", "CardState", "Fill", "Plan", "stream_messages", "plan"]

_SEQ_MOD = 1 << 32
_KINDS = {"A": Kind.ACCEPTED, "E": Kind.EXECUTED, "C": Kind.CANCELED, "J": Kind.REJECTED}
_NEEDS = {Kind.ACCEPTED: OrderState.SENT, Kind.REJECTED: OrderState.SENT,
          Kind.EXECUTED: OrderState.LIVE, Kind.CANCELED: OrderState.LIVE}
#: SoupBinTCP packets that change nothing: heartbeat, debug, end of session.
_SKIPPED = {"H", "+", "Z"}


@dataclass(frozen=True)
class StreamMessage:
    seq: int                     # TCP sequence number of the packet's first byte
    message: ouch.OuchMessage


class CardState(Protocol):
    """The card's state while out of sync, read on demand."""

    table_size: int

    def order(self, index: int) -> OrderEntry: ...
    def slot(self, slot: int) -> SlotLedger: ...
    def card(self) -> CardLedger: ...


@dataclass(frozen=True)
class Fill:
    """An execution of one of the card's orders (host.fills.Fill adds what the card made
    of it)."""
    user_ref_num: int
    slot: int
    sell: bool
    shares: int
    price: int
    match_number: int


@dataclass
class Plan:
    """The state after the messages: entries, slots and card that changed."""

    orders: dict[int, OrderEntry] = field(default_factory=dict)     # table index -> entry
    slots: dict[int, SlotLedger] = field(default_factory=dict)      # closed_* cumulative
    card: CardLedger | None = None                                  # released cumulative
    fills: list[Fill] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)                # per Kind name


def stream_messages(raw: bytes, start: int) -> tuple[list[StreamMessage], int]:
    """The OUCH messages in the whole SoupBinTCP packets of ``raw`` (the stream from
    sequence number ``start``), and how many bytes those packets take (all of ``raw``)."""
    out, at = [], 0
    header = soupbintcp.HEADER.size
    while at < len(raw):
        if len(raw) - at < header or \
                at + 2 + int.from_bytes(raw[at:at + 2], "big") > len(raw):
            raise StreamIncomplete(
                f"the session's stream ends inside a SoupBinTCP packet at sequence "
                f"{(start + at) % _SEQ_MOD}: waiting for the rest of it")
        where = f"the session's stream at sequence {(start + at) % _SEQ_MOD}"
        try:
            packet, end = soupbintcp.decode(raw, at)
            if packet.type == "S":
                out.append(StreamMessage((start + at) % _SEQ_MOD,
                                         ouch.decode(packet.data, inbound=False)))
            elif packet.type not in _SKIPPED:
                raise DataError(f"a {soupbintcp.PACKETS[packet.type][0].name} packet has no "
                                "place in an established session")
        except DataError as error:
            raise DataError(f"{where}: {error}") from None
        at = end
    return out, len(raw)


def plan(messages: list[StreamMessage], state: CardState) -> Plan:
    """Apply ``messages`` in order on ``state``; raises :class:`DataError` at the first
    one the card could not have applied."""
    result = Plan()
    card = state.card()
    for item in messages:
        fields = item.message.fields
        code = fields["type"]
        if code == "S":                                   # system event
            continue
        if code not in _KINDS:
            raise DataError(f"sequence {item.seq}: {item.message.layout.name} for UserRefNum "
                            f"{fields.get('user_ref_num')}: the card does not track it")
        kind = _KINDS[code]
        ref = fields["user_ref_num"]
        index = ref % state.table_size
        order = result.orders.get(index) or state.order(index)
        _check(item.seq, kind, fields, order, ref)
        slot = result.slots.get(order.slot) or state.slot(order.slot)
        if kind == Kind.ACCEPTED:
            order = replace(order, state=OrderState.LIVE)
        elif kind == Kind.EXECUTED:
            order, slot, card = execute(order, slot, card, fields["quantity"], fields["price"])
            result.fills.append(Fill(ref, order.slot, order.sell, fields["quantity"],
                                     fields["price"], fields["match_number"]))
        else:
            shares = order.remaining if kind == Kind.REJECTED else fields["quantity"]
            order, slot, card = close(order, slot, card, shares)
        result.orders[index] = order
        result.slots[order.slot] = slot
        result.counts[kind.name.lower()] += 1
    result.card = card
    return result


def _check(seq: int, kind: Kind, fields: dict, order: OrderEntry, ref: int) -> None:
    what = f"sequence {seq}: {kind.name.lower()} for UserRefNum {ref}"
    if order.state == OrderState.FREE or order.user_ref_num != ref:
        raise DataError(f"{what}: not in the card's open-order table")
    if order.state != _NEEDS[kind]:
        raise DataError(f"{what}: the order is {order.state.name}, not "
                        f"{_NEEDS[kind].name}")
    if kind in (Kind.EXECUTED, Kind.CANCELED) and \
            not 1 <= fields["quantity"] <= order.remaining:
        raise DataError(f"{what}: {fields['quantity']} shares, the order has "
                        f"{order.remaining} left")
    if kind == Kind.EXECUTED and not 1 <= fields["price"] < 1 << 32:
        raise DataError(f"{what}: price {fields['price']} is outside the card's registers")
