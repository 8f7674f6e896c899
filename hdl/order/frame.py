"""The byte map of one order frame, derived from the protocol tables at elaboration time.

One order is one Ethernet II / IPv4 / TCP segment carrying one SoupBinTCP Unsequenced Data
packet whose payload is one OUCH 5.0 Enter Order with a single appendage element, Firm. No
VLAN tag and no FCS (the MAC appends it).

The frame is a :data:`TEMPLATE` of constant bytes (built with the :mod:`proto` encoders, so
lengths, ethertype, protocol, flags and message type come from the same code the reference
model uses) with every variable field zeroed, plus a :class:`Slot` (frame offset, size) per
variable field, found in the same tables. No offset is typed here. Slots fall in three
groups, which decide where a field's bytes come from and how its checksum words are summed:

- :data:`REGISTER_SLOTS`: from host registers, constant while the session is enabled;
- :data:`ORDER_SLOTS`: taken per order when its frame starts;
- :data:`CHECKSUM_SLOTS`: the IPv4 header and TCP checksums.
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

__all__ = ["Slot", "TEMPLATE", "FRAME_BYTES", "SEGMENT_BYTES", "REGISTER_SLOTS",
           "ORDER_SLOTS", "CHECKSUM_SLOTS", "SLOTS", "IP_HEADER", "TCP_SEGMENT",
           "PSEUDO_ADDRESSES", "PSEUDO_CONSTANT", "SEGMENT_FLAGS", "FIRM_BYTES",
           "CL_ORD_PREFIX_BYTES", "CL_ORD_DIGITS", "beat_count", "last_keep", "frame_bytes",
           "beat_values", "slot_beat"]

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
APPENDAGE_AT = OUCH_AT + ouch.ENTER_ORDER.size


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


_ENTER = ouch.ENTER_ORDER
#: The Firm element's length and tag bytes come before its value.
_FIRM_VALUE_AT = APPENDAGE_AT + len(ouch.encode_options([(ouch.FIRM_TAG, b"")]))

REGISTER_SLOTS = {
    "dst_mac": _at(ETHERNET, ETH_AT, "dst"),
    "src_mac": _at(ETHERNET, ETH_AT, "src"),
    "ttl": _at(IPV4, IP_AT, "ttl"),
    "src_ip": _at(IPV4, IP_AT, "src"),
    "dst_ip": _at(IPV4, IP_AT, "dst"),
    "src_port": _at(TCP, TCP_AT, "src_port"),
    "dst_port": _at(TCP, TCP_AT, "dst_port"),
    "window": _at(TCP, TCP_AT, "window"),
    "time_in_force": _at(_ENTER, OUCH_AT, "time_in_force"),
    "display": _at(_ENTER, OUCH_AT, "display"),
    "capacity": _at(_ENTER, OUCH_AT, "capacity"),
    "intermarket_sweep": _at(_ENTER, OUCH_AT, "intermarket_sweep"),
    "cross_type": _at(_ENTER, OUCH_AT, "cross_type"),
    "cl_ord_prefix": _at(_ENTER, OUCH_AT, "cl_ord_id", size=CL_ORD_PREFIX_BYTES),
    "firm": Slot(_FIRM_VALUE_AT, FIRM_BYTES),
}
ORDER_SLOTS = {
    "ip_id": _at(IPV4, IP_AT, "identification"),
    "seq": _at(TCP, TCP_AT, "seq"),
    "ack": _at(TCP, TCP_AT, "ack"),
    "user_ref_num": _at(_ENTER, OUCH_AT, "user_ref_num"),
    "side": _at(_ENTER, OUCH_AT, "side"),
    "quantity": _at(_ENTER, OUCH_AT, "quantity"),
    "symbol": _at(_ENTER, OUCH_AT, "symbol", little=True),
    "price": _at(_ENTER, OUCH_AT, "price"),
    "cl_ord_digits": _at(_ENTER, OUCH_AT, "cl_ord_id", skip=CL_ORD_PREFIX_BYTES),
}
CHECKSUM_SLOTS = {
    "ip_checksum": _at(IPV4, IP_AT, "checksum"),
    "tcp_checksum": _at(TCP, TCP_AT, "checksum"),
}
SLOTS = {**REGISTER_SLOTS, **ORDER_SLOTS, **CHECKSUM_SLOTS}


def _placeholder_frame() -> bytes:
    """The frame with zero addresses, ports and counters, spaces in the text fields."""
    message = ouch.encode(_ENTER, options=[(ouch.FIRM_TAG, bytes(FIRM_BYTES))])
    payload = soupbintcp.encode("U", message)
    segment = build_tcp(bytes(4), bytes(4), 0, 0, payload, flags=SEGMENT_FLAGS, window=0)
    packet = build_ipv4(bytes(4), bytes(4), IPPROTO_TCP, segment, ttl=0, dont_fragment=True)
    return build_ethernet(bytes(6), bytes(6), ETHERTYPE_IPV4, packet, pad=False)


def _template() -> bytes:
    frame = bytearray(_placeholder_frame())
    taken = set()
    for name, slot in SLOTS.items():
        covered = set(range(slot.offset, slot.end))
        if covered & taken or slot.end > len(frame):
            raise ValueError(f"slot {name} overlaps another or leaves the frame")
        taken |= covered
        frame[slot.offset:slot.end] = bytes(slot.size)
    return bytes(frame)


TEMPLATE = _template()
FRAME_BYTES = len(TEMPLATE)
#: TCP payload bytes of one order: what the sequence number advances by.
SEGMENT_BYTES = FRAME_BYTES - SOUP_AT
#: Frame byte ranges the two checksums cover (both start at even offsets).
IP_HEADER = range(IP_AT, TCP_AT)
TCP_SEGMENT = range(TCP_AT, FRAME_BYTES)
#: The IPv4 addresses, which the TCP pseudo-header repeats.
PSEUDO_ADDRESSES = range(REGISTER_SLOTS["src_ip"].offset, REGISTER_SLOTS["dst_ip"].end)
#: The pseudo-header's remaining words (zero, protocol, TCP length), as bytes.
PSEUDO_CONSTANT = PSEUDO_HEADER.pack(src=bytes(4), dst=bytes(4), protocol=IPPROTO_TCP,
                                     length=FRAME_BYTES - TCP_AT)


def beat_count(lanes: int) -> int:
    return -(-FRAME_BYTES // lanes)


def last_keep(lanes: int) -> int:
    """``keep`` of the frame's final beat."""
    return (1 << (FRAME_BYTES - (beat_count(lanes) - 1) * lanes)) - 1


def slot_beat(name: str, lanes: int) -> int:
    """The beat that carries the first byte of slot ``name``."""
    return SLOTS[name].offset // lanes


def _wire_bytes(slot: Slot, value) -> list[Value]:
    value = Value.cast(value)
    if len(value) > 8 * slot.size:
        raise ValueError(f"a {len(value)}-bit value does not fit a {slot.size}-byte slot")
    value = Cat(value, C(0, 8 * slot.size - len(value)))
    chunks = [value[8 * i:8 * i + 8] for i in range(slot.size)]
    return chunks if slot.little else chunks[::-1]


def frame_bytes(values: dict) -> dict[int, Value]:
    """Frame offset -> byte (an 8-bit Value) of every slot named in ``values``."""
    out = {}
    for name, value in values.items():
        slot = SLOTS[name]
        out.update(zip(range(slot.offset, slot.end), _wire_bytes(slot, value), strict=True))
    return out


def beat_values(values: dict, lanes: int) -> list[Value]:
    """Every beat's data (frame byte 0 in bits 7..0 of beat 0): slot bytes from ``values``
    (which must name every slot), template bytes elsewhere, zeros past the frame's end."""
    missing = set(SLOTS) - set(values)
    if missing:
        raise ValueError(f"no value for slots {sorted(missing)}")
    variable = frame_bytes(values)
    padded = TEMPLATE.ljust(beat_count(lanes) * lanes, b"\0")
    return [Cat(*(variable.get(at, C(padded[at], 8))
                  for at in range(beat * lanes, (beat + 1) * lanes)))
            for beat in range(beat_count(lanes))]
