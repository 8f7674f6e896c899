"""Frame-level checks of the feed handler's reference model: one verdict per received frame.

The checks are those of the frame parser (contract rules 1-8), evaluated in order; the
first that fails names the frame's drop reason. They are split in two because the gateware
learns them at different times:

- *header* checks (3-7 and the header half of 8) are decided while the frame streams in;
  a frame that passes them is a *candidate*: its UDP payload goes to the MoldUDP64 stage
  before the frame's end is known;
- *end* checks (1 ``mac_error``, 2 ``runt`` and the truncation half of 8) are only known at
  the frame's last beat. A candidate that fails one has its speculative effects withdrawn.

Truncated headers: a frame of at least 60 bytes always holds the Ethernet, 802.1Q and fixed
IPv4 headers, but with IPv4 options it may end before the options or the UDP header do. A
check whose bytes never arrived cannot fail; such a frame is then dropped as ``length``
(it holds fewer bytes than its IPv4 total length, which is at least IHL*4 + 28).

Header offsets and sizes come from the tables in :mod:`proto.net`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from proto.net import (
    DOT1Q,
    ETHERNET,
    ETHERTYPE_IPV4,
    ETHERTYPE_VLAN,
    IPPROTO_UDP,
    IPV4,
    MIN_FRAME,
    UDP,
    internet_checksum,
    ip_bytes,
    multicast_mac,
    split_fragment,
)

__all__ = ["DROP_REASONS", "Subscription", "FrameCheck", "check_frame"]

#: Frame drop reasons in the order they are tested (contract rules 1-8).
DROP_REASONS = ("mac_error", "runt", "not_ipv4", "ip_header", "fragment", "not_udp",
                "unsubscribed", "length")
#: The MoldUDP64 header every accepted payload must hold (contract rule 8).
_MOLD_HEADER = 20


@dataclass(frozen=True)
class Subscription:
    """One feed table entry: a multicast group and UDP port carrying one MoldUDP64 channel.

    Attributes
    ----------
    group : str
        IPv4 multicast group (destination address); the destination MAC must be its
        01:00:5e mapping.
    port : int
        Destination UDP port.
    channel : int
        The MoldUDP64 channel whose sequence state this feed shares.
    enabled : bool
        A disabled entry matches nothing.
    """

    group: str
    port: int
    channel: int = 0
    enabled: bool = True

    @property
    def group_bytes(self) -> bytes:
        return ip_bytes(self.group)

    @property
    def mac(self) -> bytes:
        return multicast_mac(self.group)


@dataclass(frozen=True)
class FrameCheck:
    """What the frame parser decides about one frame.

    Attributes
    ----------
    verdict : str
        ``"accepted"`` or the first failing reason of :data:`DROP_REASONS`.
    candidate : bool
        The header checks passed: the payload reached the MoldUDP64 stage (speculatively
        when ``verdict`` is an end check).
    feed : int
        Matching feed table entry (first enabled match), -1 if none.
    payload : bytes
        UDP payload bytes the frame actually holds (at most ``payload_length``).
    payload_length : int
        UDP payload length from the headers (UDP length - 8).
    """

    verdict: str
    candidate: bool = False
    feed: int = -1
    payload: bytes = b""
    payload_length: int = 0


def check_frame(data: bytes, mac_error: bool, feeds: Sequence[Subscription]) -> FrameCheck:
    """Rules 1-8 of the contract for one frame (bytes without FCS, MAC error flag)."""
    header = _header_checks(data, feeds)
    end_verdict = ("mac_error" if mac_error else
                   "runt" if len(data) < MIN_FRAME else None)
    if end_verdict is not None:
        return FrameCheck(end_verdict, header.candidate, header.feed, header.payload,
                          header.payload_length)
    return header


def _header_checks(data: bytes, feeds: Sequence[Subscription]) -> FrameCheck:
    """Rules 3-8 as the bytes stream in; truncation is an end check but decided here too."""
    if len(data) < ETHERNET.size + DOT1Q.size + IPV4.size:
        return FrameCheck("runt")  # only reachable below 60 bytes; rule 2 reports it
    at = ETHERNET.size
    ethernet = ETHERNET.unpack(data)
    ethertype = ethernet["ethertype"]
    if ethertype == ETHERTYPE_VLAN:
        ethertype = DOT1Q.unpack(data, at)["ethertype"]
        at += DOT1Q.size
    if ethertype != ETHERTYPE_IPV4:
        return FrameCheck("not_ipv4")
    ip = IPV4.unpack(data, at)
    version, ihl = ip["version_ihl"] >> 4, ip["version_ihl"] & 0xF
    if version != 4 or ihl < 5:
        return FrameCheck("ip_header")
    udp_at = at + ihl * 4
    if udp_at <= len(data) and internet_checksum(data[at:udp_at]) != 0:
        return FrameCheck("ip_header")
    _, more, offset = split_fragment(ip["flags_fragment"])
    if more or offset:
        return FrameCheck("fragment")
    if ip["protocol"] != IPPROTO_UDP:
        return FrameCheck("not_udp")
    if udp_at + UDP.size > len(data):
        return FrameCheck("length")  # options or UDP header cut off: see module docstring
    udp = UDP.unpack(data, udp_at)
    feed = _match(feeds, ethernet["dst"], ip["dst"], udp["dst_port"])
    if feed < 0:
        return FrameCheck("unsubscribed")
    total = ip["total_length"]
    if total < ihl * 4 + UDP.size + _MOLD_HEADER or udp["length"] != total - ihl * 4:
        return FrameCheck("length", feed=feed)
    payload_at, end = udp_at + UDP.size, at + total
    payload = data[payload_at:min(end, len(data))]
    length = udp["length"] - UDP.size
    verdict = "length" if end > len(data) else "accepted"
    return FrameCheck(verdict, True, feed, payload, length)


def _match(feeds: Sequence[Subscription], mac: bytes, group: bytes, port: int) -> int:
    for index, feed in enumerate(feeds):
        if feed.enabled and feed.group_bytes == group and feed.port == port:
            return index if feed.mac == mac else -1
    return -1
