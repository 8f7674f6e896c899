"""The byte map of each order-entry frame, derived from the protocol tables at elaboration time.

One frame is one Ethernet II / IPv4 / TCP segment carrying one SoupBinTCP Unsequenced Data
packet whose payload is one OUCH 5.0 message: :data:`ENTER` (Enter Order with a single
appendage element, Firm) or :data:`CANCEL` (Cancel Order). No VLAN tag and no FCS (the MAC
appends it).

A :class:`FrameMap` is a template of constant bytes (built with the :mod:`proto` encoders, so
lengths, ethertype, protocol, flags and message type come from the same code the reference
model uses) with every variable field zeroed, plus a :class:`Slot` (frame offset, size) per
variable field, found in the same tables. No offset is typed here. Slots fall in three
groups, which decide where a field's bytes come from and how its checksum words are summed:

- ``register_slots``: from host registers, constant while the session is enabled;
- ``order_slots``: taken per frame when it starts;
- ``checksum_slots``: the IPv4 header and TCP checksums.

The module-level names without a map (:data:`TEMPLATE`, :func:`beat_count`, ...) are the
Enter Order frame's.
"""

from __future__ import annotations

from dataclasses import dataclass

from amaranth import C, Cat, Value

from proto import ouch, soupbintcp
from proto.layout import Layout
from proto.net import (
    ETHERNET,
    ETHERTYPE_IPV4,
    IPPROTO_TCP,
    IPV4,
    PSEUDO_HEADER,
    TCP,
    TCP_FLAGS,
    build_ethernet,
    build_ipv4,
    build_tcp,
)

__all__ = ["Slot", "FrameMap", "ENTER", "CANCEL", "TEMPLATE", "FRAME_BYTES", "SEGMENT_BYTES",
           "REGISTER_SLOTS", "ORDER_SLOTS", "CHECKSUM_SLOTS", "SLOTS", "IP_HEADER",
           "TCP_SEGMENT", "PSEUDO_ADDRESSES", "PSEUDO_CONSTANT", "SEGMENT_FLAGS",
           "FIRM_BYTES", "CL_ORD_PREFIX_BYTES", "CL_ORD_DIGITS", "beat_count", "last_keep",
           "frame_bytes", "beat_values", "slot_beat"]

SEGMENT_FLAGS = TCP_FLAGS["PSH"] | TCP_FLAGS["ACK"]
#: The Firm element's value: four ASCII bytes, one register word.
FIRM_BYTES = 4
#: ClOrdID = this many ASCII bytes from registers, then the UserRefNum in hex digits.
CL_ORD_PREFIX_BYTES = 6
CL_ORD_DIGITS = 2 * ouch.ENTER_ORDER["user_ref_num"].size
if CL_ORD_PREFIX_BYTES + CL_ORD_DIGITS != ouch.ENTER_ORDER["cl_ord_id"].size:
    raise ValueError("the ClOrdID prefix and the UserRefNum digits must fill the ClOrdID")

ETH_AT = 0
IP_AT = ETH_AT + ETHERNET.size
TCP_AT = IP_AT + IPV4.size
SOUP_AT = TCP_AT + TCP.size
OUCH_AT = SOUP_AT + soupbintcp.HEADER.size

@dataclass(frozen=True)
class Slot:
    """Where a variable field sits in the frame.

    Attributes
    ----------
    offset : int
        Frame offset of the field's first byte on the wire.
    size : int
        Bytes.
    little : bool
        The value's least significant byte goes first on the wire (the OUCH symbol as held
        in :data:`hdl.strategy.layouts.LEG_LAYOUT`); otherwise big-endian, as every integer
        and every big-endian ASCII register word.
    """

    offset: int
    size: int
    little: bool = False

    @property
    def end(self) -> int:
        return self.offset + self.size


def _at(layout: Layout, base: int, name: str, skip: int = 0, size: int | None = None,
        little: bool = False) -> Slot:
    field = layout[name]
    return Slot(base + field.offset + skip, field.size - skip if size is None else size,
                little)



#: Header fields every frame takes from the registers, and per frame.
_HEADER_REGISTERS = {
    "dst_mac": _at(ETHERNET, ETH_AT, "dst"),
    "src_mac": _at(ETHERNET, ETH_AT, "src"),
    "ttl": _at(IPV4, IP_AT, "ttl"),
    "src_ip": _at(IPV4, IP_AT, "src"),
    "dst_ip": _at(IPV4, IP_AT, "dst"),
    "src_port": _at(TCP, TCP_AT, "src_port"),
    "dst_port": _at(TCP, TCP_AT, "dst_port"),
    "window": _at(TCP, TCP_AT, "window"),
}
_HEADER_PER_FRAME = {
    "ip_id": _at(IPV4, IP_AT, "identification"),
    "seq": _at(TCP, TCP_AT, "seq"),
    "ack": _at(TCP, TCP_AT, "ack"),
}
_CHECKSUMS = {
    "ip_checksum": _at(IPV4, IP_AT, "checksum"),
    "tcp_checksum": _at(TCP, TCP_AT, "checksum"),
}


class FrameMap:
    """One frame kind: its template and the slots of its variable fields.

    Parameters
    ----------
    name : str
    message : bytes
        The OUCH message with its variable fields zero (any appendage included).
    register_slots, order_slots : dict
        The message's own slots (frame offsets); the Ethernet, IPv4 and TCP header slots
        are added here.
    """

    def __init__(self, name: str, message: bytes, register_slots: dict[str, Slot],
                 order_slots: dict[str, Slot]):
        self.name = name
        self.register_slots = {**_HEADER_REGISTERS, **register_slots}
        self.order_slots = {**_HEADER_PER_FRAME, **order_slots}
        self.checksum_slots = dict(_CHECKSUMS)
        self.slots = {**self.register_slots, **self.order_slots, **self.checksum_slots}
        payload = soupbintcp.encode("U", message)
        segment = build_tcp(bytes(4), bytes(4), 0, 0, payload, flags=SEGMENT_FLAGS, window=0)
        packet = build_ipv4(bytes(4), bytes(4), IPPROTO_TCP, segment, ttl=0,
                            dont_fragment=True)
        frame = bytearray(build_ethernet(bytes(6), bytes(6), ETHERTYPE_IPV4, packet,
                                         pad=False))
        taken = set()
        for slot_name, slot in self.slots.items():
            covered = set(range(slot.offset, slot.end))
            if covered & taken or slot.end > len(frame):
                raise ValueError(f"{name}: slot {slot_name} overlaps another or leaves the "
                                 "frame")
            taken |= covered
            frame[slot.offset:slot.end] = bytes(slot.size)
        self.template = bytes(frame)
        self.frame_bytes_count = len(frame)
        #: TCP payload bytes: what the sequence number advances by.
        self.segment_bytes = len(frame) - SOUP_AT
        #: Frame byte ranges the two checksums cover (both start at even offsets).
        self.ip_header = range(IP_AT, TCP_AT)
        self.tcp_segment = range(TCP_AT, len(frame))
        #: The IPv4 addresses, which the TCP pseudo-header repeats.
        self.pseudo_addresses = range(self.register_slots["src_ip"].offset,
                                      self.register_slots["dst_ip"].end)
        #: The pseudo-header's remaining words (zero, protocol, TCP length), as bytes.
        self.pseudo_constant = PSEUDO_HEADER.pack(src=bytes(4), dst=bytes(4),
                                                  protocol=IPPROTO_TCP,
                                                  length=len(frame) - TCP_AT)

    def beat_count(self, lanes: int) -> int:
        return -(-self.frame_bytes_count // lanes)

    def last_keep(self, lanes: int) -> int:
        """``keep`` of the frame's final beat."""
        return (1 << (self.frame_bytes_count - (self.beat_count(lanes) - 1) * lanes)) - 1

    def slot_beat(self, name: str, lanes: int) -> int:
        """The beat that carries the first byte of slot ``name``."""
        return self.slots[name].offset // lanes

    def frame_bytes(self, values: dict) -> dict[int, Value]:
        """Frame offset -> byte (an 8-bit Value) of every slot named in ``values``."""
        out = {}
        for name, value in values.items():
            slot = self.slots[name]
            out.update(zip(range(slot.offset, slot.end), _wire_bytes(slot, value),
                           strict=True))
        return out

    def beat_values(self, values: dict, lanes: int) -> list[Value]:
        """Every beat's data (frame byte 0 in bits 7..0 of beat 0): slot bytes from
        ``values`` (which must name every slot), template bytes elsewhere, zeros past the
        frame's end."""
        missing = set(self.slots) - set(values)
        if missing:
            raise ValueError(f"{self.name}: no value for slots {sorted(missing)}")
        variable = self.frame_bytes(values)
        padded = self.template.ljust(self.beat_count(lanes) * lanes, b"\0")
        return [Cat(*(variable.get(at, C(padded[at], 8))
                      for at in range(beat * lanes, (beat + 1) * lanes)))
                for beat in range(self.beat_count(lanes))]


def _wire_bytes(slot: Slot, value) -> list[Value]:
    value = Value.cast(value)
    if len(value) > 8 * slot.size:
        raise ValueError(f"a {len(value)}-bit value does not fit a {slot.size}-byte slot")
    value = Cat(value, C(0, 8 * slot.size - len(value)))
    chunks = [value[8 * i:8 * i + 8] for i in range(slot.size)]
    return chunks if slot.little else chunks[::-1]


_ENTER = ouch.ENTER_ORDER
#: The Firm element's length and tag bytes come before its value.
_FIRM_VALUE_AT = OUCH_AT + _ENTER.size + len(ouch.encode_options([(ouch.FIRM_TAG, b"")]))

ENTER = FrameMap(
    "enter_order", ouch.encode(_ENTER, options=[(ouch.FIRM_TAG, bytes(FIRM_BYTES))]),
    register_slots={
        "time_in_force": _at(_ENTER, OUCH_AT, "time_in_force"),
        "display": _at(_ENTER, OUCH_AT, "display"),
        "capacity": _at(_ENTER, OUCH_AT, "capacity"),
        "intermarket_sweep": _at(_ENTER, OUCH_AT, "intermarket_sweep"),
        "cross_type": _at(_ENTER, OUCH_AT, "cross_type"),
        "cl_ord_prefix": _at(_ENTER, OUCH_AT, "cl_ord_id", size=CL_ORD_PREFIX_BYTES),
        "firm": Slot(_FIRM_VALUE_AT, FIRM_BYTES),
    },
    order_slots={
        "user_ref_num": _at(_ENTER, OUCH_AT, "user_ref_num"),
        "side": _at(_ENTER, OUCH_AT, "side"),
        "quantity": _at(_ENTER, OUCH_AT, "quantity"),
        "symbol": _at(_ENTER, OUCH_AT, "symbol", little=True),
        "price": _at(_ENTER, OUCH_AT, "price"),
        "cl_ord_digits": _at(_ENTER, OUCH_AT, "cl_ord_id", skip=CL_ORD_PREFIX_BYTES),
    })

_CANCEL = ouch.CANCEL_ORDER
#: Cancel Order: the UserRefNum of the order and the shares to leave on it (0: all).
CANCEL = FrameMap(
    "cancel_order", ouch.encode(_CANCEL), register_slots={},
    order_slots={
        "user_ref_num": _at(_CANCEL, OUCH_AT, "user_ref_num"),
        "quantity": _at(_CANCEL, OUCH_AT, "quantity"),
    })

# The Enter Order frame under its historical names.
TEMPLATE = ENTER.template
FRAME_BYTES = ENTER.frame_bytes_count
SEGMENT_BYTES = ENTER.segment_bytes
REGISTER_SLOTS = ENTER.register_slots
ORDER_SLOTS = ENTER.order_slots
CHECKSUM_SLOTS = ENTER.checksum_slots
SLOTS = ENTER.slots
IP_HEADER = ENTER.ip_header
TCP_SEGMENT = ENTER.tcp_segment
PSEUDO_ADDRESSES = ENTER.pseudo_addresses
PSEUDO_CONSTANT = ENTER.pseudo_constant
beat_count = ENTER.beat_count
last_keep = ENTER.last_keep
slot_beat = ENTER.slot_beat
frame_bytes = ENTER.frame_bytes
beat_values = ENTER.beat_values
