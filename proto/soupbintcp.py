"""SoupBinTCP 3.0: the TCP session layer that carries OUCH.

Every packet is a 2-byte big-endian length (counting the type byte and payload, not
itself), a 1-byte packet type, and a payload whose layout the type fixes. Debug,
Sequenced Data and Unsequenced Data carry free-form bytes; the rest are fixed.

Numeric fields (sequence numbers) are ASCII digits, right-justified and padded on the left
with spaces. :class:`proto.layout.Layout` has no such kind, so they are ``bytes`` fields and
:func:`ascii_numeric`/:func:`parse_numeric` convert them.

Reference: NASDAQ "SoupBinTCP", version 3.00 (2008, revised 2014).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from host.errors import DataError
from proto.layout import Layout

HEADER = Layout.sequential("SoupBinTCP header", [
    ("length", 2, "uint", "bytes that follow this field (type + payload)"),
    ("type", 1, "alpha", "packet type"),
])

LOGIN_ACCEPTED = Layout.sequential("Login Accepted", [
    ("session", 10, "alpha", "session now logged into"),
    ("sequence", 20, "bytes", "next sequenced message number, ASCII numeric"),
], code="A")
LOGIN_REJECTED = Layout.sequential("Login Rejected", [
    ("reason", 1, "alpha", "A not authorised, S session not available"),
], code="J")
LOGIN_REQUEST = Layout.sequential("Login Request", [
    ("username", 6, "alpha", "user name"),
    ("password", 10, "alpha", "password"),
    ("session", 10, "alpha", "requested session, blank for the current one"),
    ("sequence", 20, "bytes", "requested next sequence number, ASCII numeric (0 = latest)"),
], code="L")


def _empty(name: str, code: str) -> Layout:
    return Layout(name, (), code)


#: Packet type -> (payload layout, whether free-form data follows the layout).
PACKETS: dict[str, tuple[Layout, bool]] = {
    "+": (_empty("Debug", "+"), True),
    "A": (LOGIN_ACCEPTED, False),
    "J": (LOGIN_REJECTED, False),
    "S": (_empty("Sequenced Data", "S"), True),
    "H": (_empty("Server Heartbeat", "H"), False),
    "Z": (_empty("End of Session", "Z"), False),
    "L": (LOGIN_REQUEST, False),
    "O": (_empty("Logout Request", "O"), False),
    "R": (_empty("Client Heartbeat", "R"), False),
    "U": (_empty("Unsequenced Data", "U"), True),
}
#: Largest value the 2-byte length field allows.
MAX_LENGTH = 0xFFFF


def ascii_numeric(value: int, width: int = 20) -> bytes:
    """``value`` as right-justified ASCII digits, space padded on the left."""
    text = str(int(value))
    if value < 0 or len(text) > width:
        raise ValueError(f"{value} does not fit a {width}-byte numeric field")
    return text.rjust(width).encode("ascii")


def parse_numeric(raw: bytes) -> int:
    """Inverse of :func:`ascii_numeric`; blank means 0."""
    text = bytes(raw).decode("latin-1").strip()
    if text and not text.isdigit():
        raise DataError(f"numeric field holds {bytes(raw)!r}")
    return int(text or 0)


@dataclass
class SoupPacket:
    """A decoded packet: type, its fixed fields, and free-form ``data`` where allowed."""

    type: str
    fields: dict = field(default_factory=dict)
    data: bytes = b""


def encode(packet_type: str, data: bytes = b"", **fields) -> bytes:
    """Encode one packet. Numeric fields (``sequence``) may be given as ``int``."""
    if packet_type not in PACKETS:
        raise ValueError(f"unknown SoupBinTCP packet type {packet_type!r}")
    layout, free_form = PACKETS[packet_type]
    if data and not free_form:
        raise ValueError(f"packet type {packet_type!r} carries no free-form data")
    for name in fields:
        if name in layout and layout[name].kind == "bytes" and isinstance(fields[name], int):
            fields[name] = ascii_numeric(fields[name], layout[name].size)
    body = layout.pack(fields) + bytes(data)
    if 1 + len(body) > MAX_LENGTH:
        raise ValueError(f"SoupBinTCP packet of {1 + len(body)} bytes exceeds {MAX_LENGTH}")
    return HEADER.pack(length=1 + len(body), type=packet_type) + body


def decode(raw: bytes, offset: int = 0) -> tuple[SoupPacket, int]:
    """Decode the packet at ``offset``; returns it and the offset after it.

    Raises :class:`DataError` naming the byte offset for a truncated packet, an unknown
    type, or a length that disagrees with the type's fixed layout.
    """
    if len(raw) - offset < HEADER.size:
        raise DataError(f"byte {offset}: SoupBinTCP header truncated")
    head = HEADER.unpack(raw, offset)
    end = offset + 2 + head["length"]
    if head["length"] < 1 or end > len(raw):
        raise DataError(f"byte {offset}: SoupBinTCP length {head['length']} but "
                        f"{len(raw) - offset - 2} bytes remain")
    if head["type"] not in PACKETS:
        raise DataError(f"byte {offset + 2}: unknown SoupBinTCP packet type {head['type']!r}")
    layout, free_form = PACKETS[head["type"]]
    body_len = head["length"] - 1
    if body_len < layout.size or (body_len != layout.size and not free_form):
        raise DataError(f"byte {offset}: {layout.name} needs {layout.size} payload bytes, "
                        f"length says {body_len}")
    start = offset + HEADER.size
    fields = layout.unpack(raw, start) if layout.size else {}
    for name, value in fields.items():
        if layout[name].kind == "bytes":
            fields[name] = parse_numeric(value)
    return SoupPacket(head["type"], fields, bytes(raw[start + layout.size:end])), end


def split_stream(raw: bytes) -> tuple[list[SoupPacket], bytes]:
    """All complete packets in a TCP byte stream, and the incomplete tail left over."""
    packets, at = [], 0
    while len(raw) - at >= 2:
        if at + 2 + int.from_bytes(raw[at:at + 2], "big") > len(raw):
            break
        packet, at = decode(raw, at)
        packets.append(packet)
    return packets, bytes(raw[at:])
