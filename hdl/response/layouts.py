"""The exchange-response path's contract: outcomes, records and state, defined once.

Used by the gateware (:mod:`hdl.response`), the reference model
(:mod:`sim.response_model`) and the harness drivers.

Frames in
---------
The order-entry port's receive beats (:func:`hdl.feed.layouts.rx_beat_layout`, 64 bits, no
``ready``). Every frame is judged once, at its end, into one :class:`Outcome`; the first
rule that matches wins:

The path starts out of sync (after reset nothing is applied until the host's first
``resync``, which tells it the stream's next sequence number).

1. ``CORRUPT``: MAC error flag; under 14 bytes; EtherType IPv4 (after at most one 802.1Q
   tag; a tagged frame under 18 bytes has none) but the IPv4 header is unusable (fewer
   than 20 bytes of it, version not 4, IHL < 5, total length < IHL*4,
   fewer bytes than the total length says) or its checksum is wrong.
2. ``OTHER``: not IPv4, not TCP, or IPv4 addresses that are not the session's
   (source = the exchange, ``order.dst_ip``; destination = the card, ``order.src_ip``).
   Forwarded to the host (ARP, other traffic), nothing else.
3. ``CORRUPT`` again for the session's addresses: a fragment (MF or offset), TCP length
   (total length - IHL*4) under 20, data offset under 5 or beyond the TCP length, or a
   wrong TCP checksum (pseudo-header + segment).
4. ``OTHER``: TCP ports that are not the session's (source ``order.dst_port``,
   destination ``order.src_port``).
5. ``CONTROL``: SYN, FIN or RST set.
6. ``NO_DATA``: no payload (pure acknowledgements, keep-alives): nothing to apply, in or
   out of order.
7. ``OUT_OF_SYNC``: the path was already out of sync when the frame began.
8. ``OUT_OF_ORDER``: sequence number != ``rcv_next`` (gaps, retransmissions, duplicates).
9. ``UNPARSEABLE``: the payload is not whole SoupBinTCP packets that the card can apply
   (see :class:`Detail`).
10. ``APPLIED``: every message applied; ``rcv_next`` advances by the payload length.

``CORRUPT`` (whatever the frame was), ``CONTROL``, ``OUT_OF_ORDER`` and ``UNPARSEABLE``
take the path **out of sync**: from then on no segment is applied until the host's
``resync`` (it reassembles the stream from the frames it received, which the event stream
carries as ``HOST_RX`` records, applies what the card did not, loads the state and
``rcv_next``: :mod:`host.resync`). Going out of sync also suspends every stock
with open orders (:mod:`hdl.risk`). Every frame, whatever its outcome, is forwarded to the
host unchanged with one :data:`SEGMENT_LAYOUT` record.

Payload
-------
SoupBinTCP packets back to back from payload byte 0 to the last: ``length`` (2 bytes,
counting the type byte and what follows) and ``type``. ``H`` (heartbeat, length 1) and
``+`` (debug) are skipped; ``S`` (sequenced data) carries one OUCH 5.0 outbound message;
anything else, ``length`` 0, a packet running past the segment's end, or a heartbeat whose
length is not 1 is ``BAD_PACKET``. OUCH messages (offsets from the message type byte):

- ``S`` System Event, 10 bytes: skipped.
- ``A`` Order Accepted, 64 bytes + appendage (length at 62): the order must be ``SENT``;
  it becomes ``LIVE``.
- ``E`` Order Executed, 36 bytes + appendage (length at 34): quantity at 13, price at 17
  (8 bytes, must be 1 .. 2**32 - 1); the order must be ``LIVE`` and 1 <= quantity <=
  remaining.
- ``C`` Order Canceled, 18 bytes: quantity (decrement) at 13; ``LIVE``, 1 <= quantity <=
  remaining.
- ``J`` Order Rejected, 29 bytes: the order must be ``SENT``; its remaining shares close.

UserRefNum at 9 for all four. An order whose remaining shares reach 0 is ``DEAD``.
A segment is applied whole or not at all: its messages act at once (speculatively), and a
segment that ends ``CORRUPT`` or ``UNPARSEABLE`` is rolled back at its end.

Accounting (exact integers, prices in 1/10,000 dollar)
-----------------------------------------------------
Per stock slot: ``position`` (signed shares), ``closed_buy``/``closed_sell`` (shares of the
slot's orders executed, cancelled or rejected: open shares are the risk gate's opened
shares minus these), ``cash`` (signed: + sells, - buys, price x shares) and ``mark`` (the
last execution price). Card-wide: ``pnl``, ``released`` and ``position_value``.

- Executed ``q`` at ``px`` of an order at ``op``: ``position +/- q``, ``cash -/+ q*px``,
  ``mark = px``; ``pnl += (cash' + position'*px) - (cash + position*mark)``;
  ``position_value += |position'|*px - |position|*mark``; ``released += q*op``.
- Canceled ``q``, Rejected (``q`` = remaining): ``released += q*op``.
- All three: ``closed_<side> += q``, remaining ``-= q``.

So ``pnl`` is the day's P&L of the fills: net cash plus every open position at its last
fill price (exactly the realised P&L of every flat stock), and the gross exposure the risk
gate checks is opened notional - ``released`` + ``position_value``: open orders at their
prices plus positions at their last fill price.
"""

from __future__ import annotations

import enum

from amaranth import signed
from amaranth.lib import data

from hdl.strategy.layouts import TIME_BITS

__all__ = ["Outcome", "Detail", "Kind", "OrderState", "SEGMENT_LAYOUT", "RESPONSE_LAYOUT",
           "SLOT_LEDGER_LAYOUT", "CARD_LEDGER_LAYOUT", "LOSES_SYNC", "MESSAGE_SIZES",
           "UNDO_DEPTH"]


class Outcome(enum.IntEnum):
    """What the path did with a frame (rules in the module docstring)."""

    APPLIED = 0
    NO_DATA = 1
    OTHER = 2
    CORRUPT = 3
    CONTROL = 4
    OUT_OF_SYNC = 5
    OUT_OF_ORDER = 6
    UNPARSEABLE = 7


#: Outcomes that take the path out of sync.
LOSES_SYNC = frozenset({Outcome.CORRUPT, Outcome.CONTROL, Outcome.OUT_OF_ORDER,
                        Outcome.UNPARSEABLE})


class Detail(enum.IntEnum):
    """Why an in-order segment was ``UNPARSEABLE`` (0 for every other outcome)."""

    NONE = 0
    BAD_PACKET = 1       # SoupBinTCP framing: length, type, or a packet past the end
    UNKNOWN_MESSAGE = 2  # an OUCH type the card does not apply
    BAD_LENGTH = 3       # an OUCH message whose length disagrees with its type
    UNKNOWN_REF = 4      # UserRefNum not in the open-order table
    BAD_STATE = 5        # A/J for an order not SENT, E/C for an order not LIVE
    BAD_FIELD = 6        # quantity 0 or above remaining, price out of range
    TOO_MANY = 7         # more order-changing messages than the undo log holds


class Kind(enum.IntEnum):
    """The OUCH messages that change an order, as the response record names them."""

    ACCEPTED = 0     # 'A'
    EXECUTED = 1     # 'E'
    CANCELED = 2     # 'C'
    REJECTED = 3     # 'J'


class OrderState(enum.IntEnum):
    FREE = 0         # no order in this table entry
    SENT = 1         # on the wire, not yet accepted
    LIVE = 2         # accepted
    DEAD = 3         # no shares left


#: OUCH message type byte -> fixed size (bytes), and the offset of the appendage length.
MESSAGE_SIZES = {"S": (10, None), "A": (64, 62), "E": (36, 34), "C": (18, None),
                 "J": (29, None)}

# Open-order table entries: ``TradeParams.order_table`` (UserRefNum mod size is the index).
#: Order-changing messages one segment may carry (the rollback log).
UNDO_DEPTH = 128

SEGMENT_LAYOUT = data.StructLayout({
    "outcome": 3,                # Outcome
    "detail": 3,                 # Detail
    "seq": 32,                   # TCP sequence number (0 for CORRUPT and OTHER frames)
    "length": 16,                # TCP payload bytes (0 for CORRUPT and OTHER frames)
    "messages": 8,               # order-changing messages of an APPLIED segment (else 0;
                                 # at most UNDO_DEPTH)
    "time": TIME_BITS,           # cycle counter at the frame's last beat
})

RESPONSE_LAYOUT = data.StructLayout({
    "kind": 2,                   # Kind
    "user_ref_num": 32,
    "quantity": 32,              # E/C: the message's; J: the shares it closed; A: 0
    "price": 32,                 # E: execution price; else the order's price
    "match_number": 64,          # E only
    "slot": 8,
    "sell": 1,
    "remaining": 32,             # the order after the message
    "state": 2,                  # OrderState after the message
    "position": signed(32),      # the slot after the message
    "pnl": signed(64),           # the card after the message
    "time": TIME_BITS,           # cycle counter when the state changed
})

#: One slot's accounting (see the module docstring).
SLOT_LEDGER_LAYOUT = data.StructLayout({
    "position": signed(32), "closed_buy": 32, "closed_sell": 32, "cash": signed(64),
    "mark": 32,
})
CARD_LEDGER_LAYOUT = data.StructLayout({
    "pnl": signed(64), "released": 64, "position_value": 64,
})
