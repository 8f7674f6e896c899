"""A response segment's payload: SoupBinTCP packets, then the OUCH messages the card applies.

The rules are those of :mod:`hdl.response.layouts` ("Payload") that need no order state:
:func:`sequenced_messages` walks the SoupBinTCP packets and yields the OUCH message of each
``S`` packet, skipping heartbeats and debug packets; :func:`order_message` checks one OUCH
message's type and length and reads the fields the card uses. Both raise
:class:`Unparseable` with the :class:`~hdl.response.layouts.Detail` of the first fault.
Field offsets come from the OUCH tables in :mod:`proto.ouch`; sizes from
:data:`~hdl.response.layouts.MESSAGE_SIZES`.

:func:`sequenced_messages` is a generator so that a caller who checks each message as it
is yielded sees the faults in payload order: a bad message before a bad packet names the
message's detail. Readings of the contract taken here:

- A packet is judged whole from its header: one that runs past the segment's end is
  ``BAD_PACKET`` whatever its first bytes hold (the length is known before them).
- One or two bytes left after the last whole packet (a header cut short) run past the
  end: ``BAD_PACKET``.
- An ``S`` packet of length 1 (no OUCH type byte at all) is ``BAD_PACKET``: sequenced data
  must carry a message.
- Within one message the checks go in the order of ``Detail``'s values: type, length,
  then (the model's part) UserRefNum, state, fields, undo-log room.
- OUCH's price is 8 bytes, signed; "1 .. 2**32 - 1" is read on the 8 bytes as unsigned,
  so a negative price (upper bits set) is ``BAD_FIELD``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from hdl.response.layouts import MESSAGE_SIZES, Detail, Kind
from proto import ouch, soupbintcp

__all__ = ["Unparseable", "OrderMessage", "sequenced_messages", "order_message"]

_HEADER = soupbintcp.HEADER.size
_KINDS = {"A": Kind.ACCEPTED, "E": Kind.EXECUTED, "C": Kind.CANCELED, "J": Kind.REJECTED}
_LAYOUTS = {"A": ouch.ORDER_ACCEPTED, "E": ouch.ORDER_EXECUTED, "C": ouch.ORDER_CANCELED,
            "J": ouch.ORDER_REJECTED}


class Unparseable(Exception):
    """The segment is ``UNPARSEABLE``; ``detail`` says why (the first fault)."""

    def __init__(self, detail: Detail):
        super().__init__(detail.name)
        self.detail = detail


@dataclass(frozen=True)
class OrderMessage:
    """An A/E/C/J message as the card reads it. ``quantity``/``price``/``match_number``
    are 0 where the type has no such field; ``price`` is the raw 8 bytes, unsigned."""

    kind: Kind
    user_ref_num: int
    quantity: int = 0
    price: int = 0
    match_number: int = 0


def sequenced_messages(payload: bytes) -> Iterator[bytes]:
    """The OUCH message of every ``S`` packet, in order; ``H`` (length 1) and ``+`` are
    skipped; anything else raises ``Unparseable(BAD_PACKET)`` where it is met."""
    at = 0
    while at < len(payload):
        if len(payload) - at < _HEADER:
            raise Unparseable(Detail.BAD_PACKET)
        length = int.from_bytes(payload[at:at + 2], "big")
        end = at + 2 + length
        if length == 0 or end > len(payload):
            raise Unparseable(Detail.BAD_PACKET)
        packet_type = chr(payload[at + 2])
        if packet_type == "S" and length > 1:
            yield payload[at + _HEADER:end]
        elif not (packet_type == "+" or (packet_type == "H" and length == 1)):
            raise Unparseable(Detail.BAD_PACKET)
        at = end


def _field(message: bytes, layout, name: str) -> int:
    f = layout[name]
    return int.from_bytes(message[f.offset:f.end], "big")


def order_message(message: bytes) -> OrderMessage | None:
    """The order-changing message in ``message``, or None for a System Event."""
    code = chr(message[0])
    if code not in MESSAGE_SIZES:
        raise Unparseable(Detail.UNKNOWN_MESSAGE)
    size, appendage_at = MESSAGE_SIZES[code]
    expected = size
    if appendage_at is not None and len(message) >= size:
        expected += int.from_bytes(message[appendage_at:appendage_at + 2], "big")
    if len(message) != expected:
        raise Unparseable(Detail.BAD_LENGTH)
    if code == "S":
        return None
    layout = _LAYOUTS[code]
    values = {"kind": _KINDS[code],
              "user_ref_num": _field(message, layout, "user_ref_num")}
    if code in "EC":
        values["quantity"] = _field(message, layout, "quantity")
    if code == "E":
        values["price"] = _field(message, layout, "price")
        values["match_number"] = _field(message, layout, "match_number")
    return OrderMessage(**values)
