"""Rules 1-6 of the response path's frame judgement: what the headers alone decide.

:func:`judge_headers` applies the rules of :mod:`hdl.response.layouts` ("Frames in") that
need no session state, in their order, and returns a :class:`HeaderVerdict`: an
:class:`~hdl.response.layouts.Outcome` (``CORRUPT``, ``OTHER``, ``CONTROL``, ``NO_DATA``),
or ``None`` for a segment of the session with payload, which rules 7-10 judge against the
state. Header offsets come from the tables in :mod:`proto.net`.

Readings of the contract taken here:

- Only the EtherType (after at most one 802.1Q tag) and the IPv4 and TCP headers are
  looked at; the destination MAC is not checked. A frame tagged 0x8100 whose inner
  EtherType is cut off (14-17 bytes) is not IPv4, so ``OTHER``; a second tag is
  ``OTHER`` too (its inner EtherType is 0x8100).
- An EtherType-IPv4 frame holding fewer than 20 bytes of IPv4 header is "unusable".
- "The bytes the total length says": bytes after ``total_length`` (Ethernet padding) are
  ignored; fewer than ``total_length`` is ``CORRUPT``. The TCP segment is the IPv4
  payload as ``total_length`` bounds it.
- ``seq`` and ``length`` are reported (non-zero) only for a TCP segment of the session:
  one that passed rules 1-4 (so for ``CONTROL``, ``NO_DATA`` and what rules 7-10 decide);
  ``CORRUPT`` and ``OTHER`` report 0 for both.
"""

from __future__ import annotations

from dataclasses import dataclass

from hdl.response.layouts import Outcome
from proto.net import (
    DOT1Q,
    ETHERNET,
    ETHERTYPE_IPV4,
    ETHERTYPE_VLAN,
    IPPROTO_TCP,
    IPV4,
    PSEUDO_HEADER,
    TCP,
    TCP_FLAGS,
    internet_checksum,
    ip_bytes,
    split_fragment,
)
from sim.order_session import Session

__all__ = ["HeaderVerdict", "judge_headers", "CONTROL_FLAGS"]

#: TCP flags that make a segment ``CONTROL``.
CONTROL_FLAGS = TCP_FLAGS["SYN"] | TCP_FLAGS["FIN"] | TCP_FLAGS["RST"]

_ETHERTYPE = ETHERNET["ethertype"].offset
_INNER_ETHERTYPE = ETHERNET.size + DOT1Q["ethertype"].offset
_F = {name: IPV4[name] for name in ("version_ihl", "total_length", "flags_fragment",
                                    "protocol", "src", "dst")}
_T = {name: TCP[name] for name in ("src_port", "dst_port", "seq", "data_offset", "flags")}


@dataclass(frozen=True)
class HeaderVerdict:
    """``outcome`` is None when rules 7-10 decide (a session segment with payload)."""

    outcome: Outcome | None
    seq: int = 0
    length: int = 0
    payload: bytes = b""


def _bytes(raw: bytes, field) -> bytes:
    return raw[field.offset:field.end]


def _uint(raw: bytes, field) -> int:
    return int.from_bytes(_bytes(raw, field), "big")


def _ipv4_packet(frame: bytes) -> bytes | None:
    """The IPv4 packet (header + payload as ``total_length`` says), or None if the
    EtherType is not IPv4; raises ``ValueError`` if the header is unusable (rule 1)."""
    ethertype, at = int.from_bytes(frame[_ETHERTYPE:_ETHERTYPE + 2], "big"), ETHERNET.size
    if ethertype == ETHERTYPE_VLAN and len(frame) >= ETHERNET.size + DOT1Q.size:
        ethertype = int.from_bytes(frame[_INNER_ETHERTYPE:_INNER_ETHERTYPE + 2], "big")
        at += DOT1Q.size
    if ethertype != ETHERTYPE_IPV4:
        return None
    ip = frame[at:]
    if len(ip) < IPV4.size:
        raise ValueError("IPv4 header truncated")
    version, ihl = ip[0] >> 4, ip[0] & 0xF
    total = _uint(ip, _F["total_length"])
    if version != 4 or ihl < 5 or total < ihl * 4 or len(ip) < total:
        raise ValueError("IPv4 header unusable")
    if internet_checksum(ip[:ihl * 4]) != 0:
        raise ValueError("IPv4 header checksum")
    return ip[:total]


def _tcp_segment_ok(ip: bytes) -> bool:
    """Rule 3: not a fragment, a whole TCP header, and a right checksum."""
    ihl = ip[0] & 0xF
    _, more, offset = split_fragment(_uint(ip, _F["flags_fragment"]))
    segment = ip[ihl * 4:]
    if more or offset or len(segment) < TCP.size:
        return False
    words = segment[_T["data_offset"].offset] >> 4
    if words < 5 or words * 4 > len(segment):
        return False
    pseudo = PSEUDO_HEADER.pack(src=_bytes(ip, _F["src"]), dst=_bytes(ip, _F["dst"]),
                                protocol=IPPROTO_TCP, length=len(segment))
    return internet_checksum(pseudo + segment) == 0


def judge_headers(frame: bytes, mac_error: bool, session: Session) -> HeaderVerdict:
    """Rules 1-6 for one received frame (no FCS) and its MAC error flag."""
    frame = bytes(frame)
    if mac_error or len(frame) < ETHERNET.size:
        return HeaderVerdict(Outcome.CORRUPT)
    try:
        ip = _ipv4_packet(frame)
    except ValueError:
        return HeaderVerdict(Outcome.CORRUPT)
    if (ip is None or ip[_F["protocol"].offset] != IPPROTO_TCP
            or _bytes(ip, _F["src"]) != ip_bytes(session.dst_ip)
            or _bytes(ip, _F["dst"]) != ip_bytes(session.src_ip)):
        return HeaderVerdict(Outcome.OTHER)
    if not _tcp_segment_ok(ip):
        return HeaderVerdict(Outcome.CORRUPT)
    segment = ip[(ip[0] & 0xF) * 4:]
    if (_uint(segment, _T["src_port"]) != session.dst_port
            or _uint(segment, _T["dst_port"]) != session.src_port):
        return HeaderVerdict(Outcome.OTHER)
    seq = _uint(segment, _T["seq"])
    payload = segment[(segment[_T["data_offset"].offset] >> 4) * 4:]
    if segment[_T["flags"].offset] & CONTROL_FLAGS:
        return HeaderVerdict(Outcome.CONTROL, seq, len(payload))
    if not payload:
        return HeaderVerdict(Outcome.NO_DATA, seq, 0)
    return HeaderVerdict(None, seq, len(payload), payload)
