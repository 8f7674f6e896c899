"""Damaged, foreign and out-of-place frames for the response path, and payloads it rejects.

Every frame function returns ``(frame bytes, mac_error)``, the two things the receive
stream carries. Damage (:func:`corrupt_payload`, :func:`corrupt_ip_checksum`,
:func:`truncate`, :func:`with_mac_error`, :func:`fragmented`, :func:`malformed`) takes a
frame built by :mod:`sim.response_frames` and changes exactly what its name says, so that
one rule of the contract (:mod:`hdl.response.layouts`) catches it and the checks before it
still pass (checksums that are not the point are recomputed). Foreign frames
(:func:`foreign`) are traffic the card must pass to the host as ``OTHER``.

The payload functions return SoupBinTCP bytes that make an in-order segment
``UNPARSEABLE``: :data:`BAD_PACKETS` (``BAD_PACKET``), :func:`unknown_message` and
:func:`wrong_length`. ``UNKNOWN_REF``, ``BAD_STATE`` and ``BAD_FIELD`` are ordinary
messages (:mod:`sim.response_frames`) with values that the order table refuses.
"""

from __future__ import annotations

from dataclasses import replace

from proto import ouch, soupbintcp
from proto.net import (
    DOT1Q,
    ETHERNET,
    ETHERTYPE_VLAN,
    IPPROTO_TCP,
    IPV4,
    PSEUDO_HEADER,
    TCP,
    build_ethernet,
    build_ipv4,
    build_udp_frame,
    fragment_bits,
    internet_checksum,
    tci_bits,
)
from sim.order_session import Session
from sim.response_frames import exchange_frame, heartbeat, sequenced

__all__ = ["payload_span", "message_end_bytes", "corrupt_payload", "corrupt_ip_checksum",
           "truncate", "with_mac_error", "fragmented", "MALFORMED", "malformed", "FOREIGN",
           "foreign", "BAD_PACKETS", "overrunning", "unknown_message", "wrong_length"]

_ETHERTYPE_ARP = 0x0806
_IPPROTO_ICMP = 1
_ETHERTYPE = ETHERNET["ethertype"]
_TOTAL, _FRAGMENT, _IP_SUM = IPV4["total_length"], IPV4["flags_fragment"], IPV4["checksum"]
_SRC, _DST = IPV4["src"], IPV4["dst"]
_DATA_OFFSET, _TCP_SUM = TCP["data_offset"], TCP["checksum"]


def _put(frame: bytearray, at: int, field, value: int) -> None:
    frame[at + field.offset:at + field.end] = value.to_bytes(field.size, "big")


def _get(frame: bytes, at: int, field) -> int:
    return int.from_bytes(frame[at + field.offset:at + field.end], "big")


def _ip_at(frame: bytes) -> int:
    tagged = _get(frame, 0, _ETHERTYPE) == ETHERTYPE_VLAN
    return ETHERNET.size + (DOT1Q.size if tagged else 0)


def _ihl_bytes(frame: bytes) -> int:
    return (frame[_ip_at(frame)] & 0xF) * 4


def payload_span(frame: bytes) -> tuple[int, int]:
    """``(start, end)`` of the TCP payload in an intact frame (before Ethernet padding)."""
    ip, ihl = _ip_at(frame), _ihl_bytes(frame)
    words = frame[ip + ihl + _DATA_OFFSET.offset] >> 4
    return ip + ihl + words * 4, ip + _get(frame, ip, _TOTAL)


#: OUCH types of the messages that change an order.
_CHANGES = frozenset(b"AECJ")


def message_end_bytes(frame: bytes) -> list[int]:
    """Frame offset of the last byte of every order-changing OUCH message in an intact
    segment whose payload is whole SoupBinTCP packets."""
    at, end = payload_span(frame)
    ends = []
    while at < end:
        length = int.from_bytes(frame[at:at + 2], "big")
        if frame[at + 2] == ord("S") and frame[at + 3] in _CHANGES:
            ends.append(at + 1 + length)
        at += 2 + length
    return ends


def _with_ip_checksum(frame: bytearray) -> bytes:
    ip = _ip_at(frame)
    ihl = max(5, frame[ip] & 0xF) * 4
    _put(frame, ip, _IP_SUM, 0)
    _put(frame, ip, _IP_SUM, internet_checksum(frame[ip:ip + ihl]))
    return bytes(frame)


def _with_tcp_checksum(frame: bytearray) -> bytes:
    ip = _ip_at(frame)
    tcp, end = ip + _ihl_bytes(frame), ip + _get(frame, ip, _TOTAL)
    _put(frame, tcp, _TCP_SUM, 0)
    pseudo = PSEUDO_HEADER.pack(src=frame[ip + _SRC.offset:ip + _SRC.end],
                                dst=frame[ip + _DST.offset:ip + _DST.end],
                                protocol=IPPROTO_TCP, length=end - tcp)
    _put(frame, tcp, _TCP_SUM, internet_checksum(pseudo + frame[tcp:end]))
    return bytes(frame)


# --- damage to a frame of the session -------------------------------------------------------

def corrupt_payload(frame: bytes, at: int = 0, mask: int = 0x01) -> tuple[bytes, bool]:
    """TCP payload byte ``at`` XOR ``mask`` (non-zero): the TCP checksum is now wrong."""
    start, end = payload_span(frame)
    if not 0 <= at < end - start or not 0 < mask < 256:
        raise ValueError(f"payload byte {at} of {end - start}, mask {mask}")
    data = bytearray(frame)
    data[start + at] ^= mask
    return bytes(data), False


def corrupt_ip_checksum(frame: bytes, mask: int = 0x0100) -> tuple[bytes, bool]:
    """The IPv4 header checksum XOR ``mask`` (non-zero, 16 bits)."""
    data = bytearray(frame)
    ip = _ip_at(frame)
    _put(data, ip, _IP_SUM, _get(data, ip, _IP_SUM) ^ mask)
    return bytes(data), False


def truncate(frame: bytes, length: int) -> tuple[bytes, bool]:
    """The first ``length`` bytes (a cut in the padding alone leaves the frame whole)."""
    return bytes(frame[:length]), False


def with_mac_error(frame: bytes) -> tuple[bytes, bool]:
    """The frame unchanged, ended with the MAC's error flag (bad FCS)."""
    return bytes(frame), True


def fragmented(frame: bytes, more: bool = True, offset: int = 0) -> tuple[bytes, bool]:
    """The IPv4 MF flag and/or a fragment offset (8-byte units) set; DF kept."""
    data = bytearray(frame)
    _put(data, _ip_at(frame), _FRAGMENT, fragment_bits(True, more, offset))
    return _with_ip_checksum(data), False


def _set_ip(frame: bytes, at: int, value: int, size: int = 1) -> bytes:
    data = bytearray(frame)
    ip = _ip_at(frame)
    data[ip + at:ip + at + size] = value.to_bytes(size, "big")
    return _with_ip_checksum(data)


def _set_total(frame: bytes, total: int) -> bytes:
    return _set_ip(frame, _TOTAL.offset, total, _TOTAL.size)


def _set_data_offset(frame: bytes, words: int) -> bytes:
    data = bytearray(frame)
    at = _ip_at(frame) + _ihl_bytes(frame) + _DATA_OFFSET.offset
    data[at] = words << 4 | (data[at] & 0xF)
    return _with_tcp_checksum(data)


def _data_offset_beyond(frame: bytes) -> bytes:
    """A data offset of 15 words, beyond a TCP length cut to 56 bytes if it was longer."""
    ip, ihl = _ip_at(frame), _ihl_bytes(frame)
    if _get(frame, ip, _TOTAL) - ihl >= 60:
        frame = _set_total(frame, ihl + 56)
    return _set_data_offset(frame, 15)


#: Header faults, each with every other check of its rule still passing.
MALFORMED = {
    # rule 1: the IPv4 header is unusable
    "version": lambda f: _set_ip(f, 0, 0x60 | (f[_ip_at(f)] & 0xF)),
    "ihl_under_5": lambda f: _set_ip(f, 0, 0x44),
    "total_below_ihl": lambda f: _set_total(f, _ihl_bytes(f) - 1),
    "total_beyond_bytes": lambda f: _set_total(f, len(f) - _ip_at(f) + 1),
    # rule 3: the TCP header is unusable
    "tcp_under_20": lambda f: _set_total(f, _ihl_bytes(f) + 19),
    "data_offset_under_5": lambda f: _set_data_offset(f, 4),
    "data_offset_beyond": _data_offset_beyond,
}


def malformed(frame: bytes, fault: str) -> tuple[bytes, bool]:
    """``frame`` with header fault ``fault`` (a key of :data:`MALFORMED`): ``CORRUPT``."""
    return MALFORMED[fault](bytes(frame)), False


# --- traffic that is not the session's ------------------------------------------------------

def _arp(s: Session) -> bytes:
    body = bytes.fromhex("0001080006040001") + bytes(6) + bytes(4) + bytes(6) + bytes(4)
    return build_ethernet("ff:ff:ff:ff:ff:ff", s.dst_mac, _ETHERTYPE_ARP, body)


def _tcp(s: Session, **changes) -> bytes:
    return exchange_frame(replace(s, **changes), heartbeat(), seq=1)


def _double_tagged(s: Session) -> bytes:
    inner = exchange_frame(s, heartbeat(), seq=1, vlan=5)[ETHERNET.size - 2:]
    return build_ethernet(s.src_mac, s.dst_mac, ETHERTYPE_VLAN,
                          tci_bits(vid=7).to_bytes(2, "big") + inner)


#: Frames that are ``OTHER``: foreign protocols, addresses and ports.
FOREIGN = {
    "arp": _arp,
    "udp": lambda s: build_udp_frame(s.src_mac, s.dst_mac, s.dst_ip, s.src_ip, s.dst_port,
                                     s.src_port, b"not tcp"),
    "icmp": lambda s: build_ethernet(s.src_mac, s.dst_mac, 0x0800, build_ipv4(
        s.dst_ip, s.src_ip, _IPPROTO_ICMP, bytes(8), dont_fragment=True)),
    "source_address": lambda s: _tcp(s, dst_ip="10.9.9.9"),
    "destination_address": lambda s: _tcp(s, src_ip="10.9.9.8"),
    "source_port": lambda s: _tcp(s, dst_port=s.dst_port ^ 1),
    "destination_port": lambda s: _tcp(s, src_port=s.src_port ^ 1),
    "double_tagged": _double_tagged,
}


def foreign(session: Session, kind: str) -> tuple[bytes, bool]:
    """One frame of other traffic (a key of :data:`FOREIGN`)."""
    return FOREIGN[kind](session), False


# --- payloads the card cannot apply ---------------------------------------------------------

#: SoupBinTCP faults (``BAD_PACKET``), each a payload tail that ends the segment.
BAD_PACKETS = {
    "length_zero": b"\x00\x00S",
    "header_cut": b"\x00",
    "unknown_type": soupbintcp.encode("Z"),            # End of Session
    "unsequenced": soupbintcp.encode("U", b"x"),
    "long_heartbeat": b"\x00\x02H\x00",
    "empty_sequenced": b"\x00\x01S",
}


def overrunning(packet: bytes, extra: int = 1) -> bytes:
    """``packet`` with a length ``extra`` bytes beyond its bytes: put it last, it runs past
    the segment's end (``BAD_PACKET``)."""
    length = int.from_bytes(packet[:2], "big") + extra
    return length.to_bytes(2, "big") + packet[2:]


def unknown_message(user_ref_num: int = 1) -> bytes:
    """An ``S`` packet with Order Replaced (``U``), which the card does not apply."""
    return sequenced(ouch.encode(ouch.ORDER_REPLACED, orig_user_ref_num=user_ref_num,
                                 user_ref_num=user_ref_num + 1, side="B", quantity=1,
                                 symbol="X", price=1, order_state="L"))


def wrong_length(packet: bytes, change: int) -> bytes:
    """An ``S`` packet whose OUCH message has ``change`` bytes more (or fewer, if
    negative) than its type says (``BAD_LENGTH``)."""
    message = packet[3:]
    message = message + bytes(change) if change > 0 else message[:len(message) + change]
    return sequenced(message)
