"""Ethernet II, 802.1Q, IPv4, UDP and TCP headers as field tables, with checksums.

Each header is one :class:`proto.layout.Layout`. Bytes that hold bit fields (IPv4
version/IHL and flags/fragment offset, the 802.1Q TCI, TCP data offset) stay byte-level
fields in the table, as they are on the wire and as the gateware slices them; the small
``*_bits`` helpers split and join them.

:func:`build_udp_frame` makes a complete frame (without FCS: MACs strip it) and
:func:`proto.net_parse.parse_frame` takes one apart.

References: IEEE 802.3 (Ethernet II), IEEE 802.1Q, RFC 791 (IPv4), RFC 768 (UDP),
RFC 793 (TCP), RFC 1071 (Internet checksum), RFC 1112 (multicast MAC mapping).
"""

from __future__ import annotations

import ipaddress

from proto.layout import Layout

ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_VLAN = 0x8100
IPPROTO_TCP = 6
IPPROTO_UDP = 17
#: Smallest Ethernet frame without its 4-byte FCS; shorter frames are padded with zeros.
MIN_FRAME = 60
#: Largest untagged Ethernet frame without its FCS (1,518 on the wire with it).
MAX_FRAME = 1514
#: What IEEE 802.3 puts around every frame on the wire: the preamble (7 bytes of 0x55),
#: the start-of-frame delimiter, the frame check sequence (CRC-32, least significant byte
#: first) after the frame, and the minimum idle time between frames, in byte times.
PREAMBLE_BYTE = 0x55
PREAMBLE_BYTES = 7
SFD = 0xD5
FCS_BYTES = 4
MIN_IFG = 12

ETHERNET = Layout.sequential("Ethernet II", [
    ("dst", 6, "bytes", "destination MAC"),
    ("src", 6, "bytes", "source MAC"),
    ("ethertype", 2, "uint", "0x0800 IPv4, 0x8100 an 802.1Q tag follows"),
], doc="Ethernet II header; the 4-byte FCS at the end of the frame is not part of it.")

DOT1Q = Layout.sequential("802.1Q tag", [
    ("tci", 2, "uint", "PCP (3 bits), DEI (1 bit), VID (12 bits)"),
    ("ethertype", 2, "uint", "ethertype of the tagged payload"),
], doc="Follows an Ethernet header whose ethertype is the TPID 0x8100.")

#: Largest 802.1Q-tagged frame without its FCS.
MAX_TAGGED_FRAME = MAX_FRAME + DOT1Q.size

IPV4 = Layout.sequential("IPv4", [
    ("version_ihl", 1, "uint", "version (high 4 bits, 4) and header length in words (low 4)"),
    ("tos", 1, "uint", "DSCP and ECN"),
    ("total_length", 2, "uint", "header + payload bytes"),
    ("identification", 2, "uint", "fragment group identifier"),
    ("flags_fragment", 2, "uint", "reserved, DF, MF (high 3 bits), offset in 8-byte units"),
    ("ttl", 1, "uint", "time to live"),
    ("protocol", 1, "uint", "6 TCP, 17 UDP"),
    ("checksum", 2, "uint", "one's complement sum of the header"),
    ("src", 4, "bytes", "source address"),
    ("dst", 4, "bytes", "destination address"),
], doc="IPv4 header without options; options (IHL > 5) follow it.")

UDP = Layout.sequential("UDP", [
    ("src_port", 2, "uint", "source port"),
    ("dst_port", 2, "uint", "destination port"),
    ("length", 2, "uint", "header + payload bytes"),
    ("checksum", 2, "uint", "over the IPv4 pseudo-header; 0 means not computed"),
])

TCP = Layout.sequential("TCP", [
    ("src_port", 2, "uint", "source port"),
    ("dst_port", 2, "uint", "destination port"),
    ("seq", 4, "uint", "sequence number"),
    ("ack", 4, "uint", "acknowledgement number"),
    ("data_offset", 1, "uint", "header length in words (high 4 bits)"),
    ("flags", 1, "uint", "CWR ECE URG ACK PSH RST SYN FIN"),
    ("window", 2, "uint", "receive window"),
    ("checksum", 2, "uint", "over the IPv4 pseudo-header"),
    ("urgent", 2, "uint", "urgent pointer"),
], doc="TCP header without options; options (data offset > 5) follow it.")

PSEUDO_HEADER = Layout.sequential("IPv4 pseudo-header", [
    ("src", 4, "bytes", "source address"),
    ("dst", 4, "bytes", "destination address"),
    ("zero", 1, "uint", "always 0"),
    ("protocol", 1, "uint", "6 TCP, 17 UDP"),
    ("length", 2, "uint", "TCP/UDP header + payload bytes"),
], doc="Prefixed (never sent) when computing TCP and UDP checksums.")

TCP_FLAGS = {"FIN": 0x01, "SYN": 0x02, "RST": 0x04, "PSH": 0x08, "ACK": 0x10, "URG": 0x20}


# --- bit-field helpers ----------------------------------------------------------------------

def tci_bits(pcp: int = 0, dei: int = 0, vid: int = 0) -> int:
    """Join 802.1Q priority, drop-eligible and VLAN id into a TCI."""
    if not (0 <= pcp < 8 and dei in (0, 1) and 0 <= vid < 4096):
        raise ValueError(f"802.1Q pcp={pcp} dei={dei} vid={vid} out of range")
    return pcp << 13 | dei << 12 | vid


def split_tci(tci: int) -> tuple[int, int, int]:
    """``(pcp, dei, vid)`` of a TCI."""
    return tci >> 13, (tci >> 12) & 1, tci & 0xFFF


def fragment_bits(dont_fragment: bool = False, more_fragments: bool = False,
                  offset_units: int = 0) -> int:
    """IPv4 flags/fragment-offset word; the offset counts 8-byte units."""
    if not 0 <= offset_units < 8192:
        raise ValueError(f"fragment offset {offset_units} out of range")
    return (int(dont_fragment) << 14) | (int(more_fragments) << 13) | offset_units


def split_fragment(word: int) -> tuple[bool, bool, int]:
    """``(dont_fragment, more_fragments, offset_units)`` of the IPv4 flags word."""
    return bool(word & 0x4000), bool(word & 0x2000), word & 0x1FFF


def multicast_mac(group: str) -> bytes:
    """The MAC an IPv4 multicast group maps to: 01:00:5e + low 23 bits (RFC 1112)."""
    address = ipaddress.IPv4Address(group)
    if not address.is_multicast:
        raise ValueError(f"{group} is not an IPv4 multicast group")
    low23 = int(address) & 0x7FFFFF
    return bytes((0x01, 0x00, 0x5E)) + low23.to_bytes(3, "big")


def mac_bytes(mac: str | bytes) -> bytes:
    """``"02:00:00:00:00:0a"`` (or 6 bytes) to 6 bytes."""
    if isinstance(mac, bytes | bytearray):
        raw = bytes(mac)
    else:
        raw = bytes(int(part, 16) for part in mac.replace("-", ":").split(":"))
    if len(raw) != 6:
        raise ValueError(f"MAC address {mac!r} is not 6 bytes")
    return raw


def mac_str(raw: bytes) -> str:
    return ":".join(f"{b:02x}" for b in raw)


def ip_bytes(address: str | bytes) -> bytes:
    return bytes(address) if isinstance(address, bytes | bytearray) else \
        ipaddress.IPv4Address(address).packed


def ip_str(raw: bytes) -> str:
    return str(ipaddress.IPv4Address(bytes(raw)))


# --- checksums ------------------------------------------------------------------------------

def internet_checksum(data: bytes) -> int:
    """RFC 1071 one's-complement checksum; over a block holding its own checksum it is 0."""
    if len(data) % 2:
        data = bytes(data) + b"\0"
    total = sum(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def l4_checksum(src: bytes, dst: bytes, protocol: int, segment: bytes) -> int:
    """TCP/UDP checksum of ``segment`` (its checksum field zeroed or included)."""
    pseudo = PSEUDO_HEADER.pack(src=src, dst=dst, protocol=protocol, length=len(segment))
    value = internet_checksum(pseudo + segment)
    # UDP sends a computed 0 as 0xFFFF, since 0 means "no checksum" (RFC 768).
    return 0xFFFF if value == 0 and protocol == IPPROTO_UDP else value


# --- builders -------------------------------------------------------------------------------

def build_ipv4(src: str | bytes, dst: str | bytes, protocol: int, payload: bytes, *,
               ttl: int = 64, identification: int = 0, tos: int = 0, options: bytes = b"",
               dont_fragment: bool = False, more_fragments: bool = False,
               fragment_offset: int = 0) -> bytes:
    """An IPv4 packet with a correct header checksum; ``options`` padded to 4 bytes."""
    options = bytes(options) + bytes(-len(options) % 4)
    ihl = (IPV4.size + len(options)) // 4
    if ihl > 15:
        raise ValueError(f"IPv4 options of {len(options)} bytes do not fit")
    fields = dict(version_ihl=0x40 | ihl, tos=tos, total_length=ihl * 4 + len(payload),
                  identification=identification, ttl=ttl, protocol=protocol,
                  flags_fragment=fragment_bits(dont_fragment, more_fragments, fragment_offset),
                  src=ip_bytes(src), dst=ip_bytes(dst))
    header = IPV4.pack(fields) + options
    fields["checksum"] = internet_checksum(header)
    return IPV4.pack(fields) + options + bytes(payload)


def build_udp(src: str | bytes, dst: str | bytes, src_port: int, dst_port: int,
              payload: bytes, *, checksum: bool = True) -> bytes:
    """A UDP datagram; ``checksum=False`` sends 0 (allowed over IPv4)."""
    fields = dict(src_port=src_port, dst_port=dst_port, length=UDP.size + len(payload))
    datagram = UDP.pack(fields) + bytes(payload)
    if checksum:
        fields["checksum"] = l4_checksum(ip_bytes(src), ip_bytes(dst), IPPROTO_UDP, datagram)
    return UDP.pack(fields) + bytes(payload)


def build_tcp(src: str | bytes, dst: str | bytes, src_port: int, dst_port: int,
              payload: bytes = b"", *, seq: int = 0, ack: int = 0, flags: int = 0x18,
              window: int = 65535, options: bytes = b"") -> bytes:
    """A TCP segment with correct checksum; ``options`` padded with zeros (End of List)."""
    options = bytes(options) + bytes(-len(options) % 4)
    words = (TCP.size + len(options)) // 4
    if words > 15:
        raise ValueError(f"TCP options of {len(options)} bytes do not fit")
    fields = dict(src_port=src_port, dst_port=dst_port, seq=seq, ack=ack,
                  data_offset=words << 4, flags=flags, window=window)
    segment = TCP.pack(fields) + options + bytes(payload)
    fields["checksum"] = l4_checksum(ip_bytes(src), ip_bytes(dst), IPPROTO_TCP, segment)
    return TCP.pack(fields) + options + bytes(payload)


def build_ethernet(dst: str | bytes, src: str | bytes, ethertype: int, payload: bytes, *,
                   vlan: int | None = None, pcp: int = 0, pad: bool = True) -> bytes:
    """An Ethernet II frame (no FCS), 802.1Q-tagged when ``vlan`` is given."""
    if vlan is None:
        frame = ETHERNET.pack(dst=mac_bytes(dst), src=mac_bytes(src), ethertype=ethertype)
    else:
        frame = ETHERNET.pack(dst=mac_bytes(dst), src=mac_bytes(src), ethertype=ETHERTYPE_VLAN)
        frame += DOT1Q.pack(tci=tci_bits(pcp, 0, vlan), ethertype=ethertype)
    frame += bytes(payload)
    return frame.ljust(MIN_FRAME, b"\0") if pad else frame


def build_udp_frame(dst_mac: str | bytes, src_mac: str | bytes, src_ip: str, dst_ip: str,
                    src_port: int, dst_port: int, payload: bytes, *, vlan: int | None = None,
                    ttl: int = 64, identification: int = 0, udp_checksum: bool = True) -> bytes:
    """Ethernet(/802.1Q)/IPv4/UDP frame around ``payload``, padded to 60 bytes, no FCS."""
    datagram = build_udp(src_ip, dst_ip, src_port, dst_port, payload, checksum=udp_checksum)
    packet = build_ipv4(src_ip, dst_ip, IPPROTO_UDP, datagram, ttl=ttl,
                        identification=identification, dont_fragment=True)
    return build_ethernet(dst_mac, src_mac, ETHERTYPE_IPV4, packet, vlan=vlan)
