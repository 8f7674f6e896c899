"""Taking an Ethernet frame apart: 802.1Q, IPv4 (options, fragments), UDP and TCP.

Malformed input (runts, lengths that disagree with the bytes) raises
:class:`host.errors.DataError` naming the byte offset; a bad checksum is not an error but is
reported in :class:`ParsedFrame`, so tests and tools can count it. The header tables are
those of :mod:`proto.net`.
"""

from __future__ import annotations

from dataclasses import dataclass

from host.errors import DataError
from proto.net import (
    DOT1Q,
    ETHERNET,
    ETHERTYPE_IPV4,
    ETHERTYPE_VLAN,
    IPPROTO_TCP,
    IPPROTO_UDP,
    IPV4,
    PSEUDO_HEADER,
    TCP,
    UDP,
    internet_checksum,
    split_fragment,
    split_tci,
)


@dataclass
class ParsedFrame:
    """One frame taken apart. Header dicts hold the raw table fields.

    ``ipv4_checksum_ok``/``l4_checksum_ok`` are ``None`` where there was nothing to check
    (no IPv4, UDP checksum 0, or a fragment that does not hold the whole datagram).
    """

    ethernet: dict
    vlan: dict | None = None
    ipv4: dict | None = None
    ip_options: bytes = b""
    ipv4_checksum_ok: bool | None = None
    udp: dict | None = None
    tcp: dict | None = None
    tcp_options: bytes = b""
    l4_checksum_ok: bool | None = None
    payload: bytes = b""

    @property
    def ethertype(self) -> int:
        return (self.vlan or self.ethernet)["ethertype"]

    @property
    def vid(self) -> int | None:
        return None if self.vlan is None else split_tci(self.vlan["tci"])[2]

    @property
    def is_fragment(self) -> bool:
        if self.ipv4 is None:
            return False
        _, more, offset = split_fragment(self.ipv4["flags_fragment"])
        return more or offset != 0

    @property
    def checksums_ok(self) -> bool:
        return self.ipv4_checksum_ok is not False and self.l4_checksum_ok is not False


def parse_frame(frame: bytes, *, base_offset: int = 0) -> ParsedFrame:
    """Take an Ethernet frame (no FCS) apart down to the UDP/TCP payload.

    Raises :class:`host.errors.DataError` (offsets counted from ``base_offset``) for a
    runt, a truncated header or lengths that disagree with the bytes. Trailing bytes after
    the IPv4 total length are Ethernet padding and are ignored.
    """
    frame = bytes(frame)

    def fail(message: str, at: int):
        raise DataError(f"byte {base_offset + at}: {message}")

    if len(frame) < ETHERNET.size:
        fail(f"runt frame of {len(frame)} bytes, an Ethernet header needs {ETHERNET.size}", 0)
    parsed = ParsedFrame(ethernet=ETHERNET.unpack(frame))
    at = ETHERNET.size
    if parsed.ethernet["ethertype"] == ETHERTYPE_VLAN:
        if len(frame) < at + DOT1Q.size:
            fail("802.1Q tag truncated", at)
        parsed.vlan = DOT1Q.unpack(frame, at)
        at += DOT1Q.size
    if parsed.ethertype != ETHERTYPE_IPV4:
        parsed.payload = frame[at:]
        return parsed
    _parse_ipv4(frame, at, parsed, fail)
    return parsed


def _parse_ipv4(frame: bytes, at: int, parsed: ParsedFrame, fail) -> None:
    if len(frame) < at + IPV4.size:
        fail(f"IPv4 header truncated: {len(frame) - at} of {IPV4.size} bytes", at)
    ip = parsed.ipv4 = IPV4.unpack(frame, at)
    version, ihl = ip["version_ihl"] >> 4, ip["version_ihl"] & 0xF
    if version != 4 or ihl < 5:
        fail(f"not an IPv4 header (version {version}, IHL {ihl})", at)
    header_end = at + ihl * 4
    if ip["total_length"] < ihl * 4:
        fail(f"IPv4 total length {ip['total_length']} shorter than its header", at + 2)
    end = at + ip["total_length"]
    if end > len(frame):
        fail(f"IPv4 total length {ip['total_length']} but only {len(frame) - at} bytes", at + 2)
    parsed.ip_options = frame[at + IPV4.size:header_end]
    parsed.ipv4_checksum_ok = internet_checksum(frame[at:header_end]) == 0
    body = frame[header_end:end]
    _, more, offset = split_fragment(ip["flags_fragment"])
    if offset != 0:
        # Only the first fragment carries the UDP/TCP header.
        parsed.payload = body
        return
    if ip["protocol"] == IPPROTO_UDP:
        _parse_udp(body, header_end, parsed, more, fail)
    elif ip["protocol"] == IPPROTO_TCP:
        _parse_tcp(body, header_end, parsed, more, fail)
    else:
        parsed.payload = body


def _parse_udp(body: bytes, at: int, parsed: ParsedFrame, fragmented: bool, fail) -> None:
    if len(body) < UDP.size:
        fail(f"UDP header truncated: {len(body)} of {UDP.size} bytes", at)
    udp = parsed.udp = UDP.unpack(body)
    if udp["length"] < UDP.size:
        fail(f"UDP length {udp['length']} shorter than its header", at + 4)
    if fragmented:
        parsed.payload = body[UDP.size:]
        return
    if udp["length"] != len(body):
        fail(f"UDP length {udp['length']} but the IPv4 packet carries {len(body)}", at + 4)
    parsed.payload = body[UDP.size:]
    if udp["checksum"]:
        ip = parsed.ipv4
        parsed.l4_checksum_ok = internet_checksum(
            PSEUDO_HEADER.pack(src=ip["src"], dst=ip["dst"], protocol=IPPROTO_UDP,
                               length=len(body)) + body) == 0


def _parse_tcp(body: bytes, at: int, parsed: ParsedFrame, fragmented: bool, fail) -> None:
    if len(body) < TCP.size:
        fail(f"TCP header truncated: {len(body)} of {TCP.size} bytes", at)
    tcp = parsed.tcp = TCP.unpack(body)
    header_len = (tcp["data_offset"] >> 4) * 4
    if header_len < TCP.size or header_len > len(body):
        fail(f"TCP data offset {header_len} bytes does not fit {len(body)} bytes", at + 12)
    parsed.tcp_options = body[TCP.size:header_len]
    parsed.payload = body[header_len:]
    if not fragmented:
        ip = parsed.ipv4
        parsed.l4_checksum_ok = internet_checksum(
            PSEUDO_HEADER.pack(src=ip["src"], dst=ip["dst"], protocol=IPPROTO_TCP,
                               length=len(body)) + body) == 0
