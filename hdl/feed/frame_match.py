"""Which feed table entry a frame belongs to: destination address, port and multicast MAC.

A frame matches entry N when the entry is enabled and its group and port equal the frame's
destination IPv4 address and UDP port; the lowest such entry wins. The destination MAC
must also be the 01:00:5e mapping of the address (RFC 1112). Since a matching entry's group
*is* the destination address, that MAC check does not depend on the entry: it compares the
frame's MAC with its own IPv4 destination, and the same answer holds for every entry.

The address and the port arrive as 16-bit words in different beats (the port may share
the beat carrying UDP payload byte 0, when the feed must already be known), so each entry
keeps one sticky "still matching" bit, and each word costs one 16-bit compare per entry in
the beat it arrives: no wide compare sits in a single cycle.
"""

from __future__ import annotations

from amaranth import Array, Cat, Module, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from hdl.feed.frame_fields import FrameScope
from hdl.feed.frame_regs import PORT_FIELDS
from hdl.feed.layouts import CHANNEL_BITS, FEED_BITS
from proto.net import multicast_mac

__all__ = ["FeedMatch"]

#: 01:00:5e, the IANA block IPv4 multicast MACs live in, as words of the frame.
_PREFIX = multicast_mac("224.0.0.0")[:3]
_PREFIX_WORD = int.from_bytes(_PREFIX[:2], "big")
_PREFIX_THIRD = _PREFIX[2]
_PORT = {f.name: f for f in PORT_FIELDS}


def _field(word, name):
    f = _PORT[name]
    return word[f.offset:f.offset + f.width]


class FeedMatch(wiring.Component):
    """Match a frame against the feed table as its header words stream by.

    Parameters
    ----------
    feeds : int
        Entries taking part.

    Interface attributes
    --------------------
    start : In(1)
        The current beat is a frame's first.
    mac0, mac1, mac2, dst_hi, dst_lo, port : In(16)
        Destination MAC words, destination address words and destination port, each with
        ``seen_<name>`` (In(1)) high in the beat that carries it.
    groups, ports : In(32) arrays
        The ``feedN_group`` and ``feedN_port`` registers.
    matched_now : Out(1)
        With ``seen_port``: some entry matches.
    feed, channel : Out
        The matching entry and its channel, from the beat carrying the port onward.
    """

    def __init__(self, feeds: int):
        self.feeds = feeds
        members = {"start": In(1)}
        for name in ("mac0", "mac1", "mac2", "dst_hi", "dst_lo", "port"):
            members[name] = In(16)
            members[f"seen_{name}"] = In(1)
        members.update(groups=In(32).array(feeds), ports=In(32).array(feeds),
                       matched_now=Out(1), feed=Out(FEED_BITS), channel=Out(CHANNEL_BITS))
        super().__init__(members)

    def elaborate(self, platform):
        m = Module()
        scope = FrameScope(m, self.start)
        mac3 = scope.capture("mac3", self.seen_mac1, self.mac1[:7])
        mac45 = scope.capture("mac45", self.seen_mac2, self.mac2)
        mac_ok = scope.all_of("mac_ok", [
            (self.seen_mac0, self.mac0 == _PREFIX_WORD),
            # Only 23 address bits are mapped: the MAC's bit 23 is always 0.
            (self.seen_mac1, (self.mac1[8:] == _PREFIX_THIRD) & ~self.mac1[7]),
            (self.seen_dst_hi, self.dst_hi[:7] == mac3),
            (self.seen_dst_lo, self.dst_lo == mac45),
        ])
        entries = scope.all_of("entries", [
            (self.seen_dst_hi, Cat(g[16:] == self.dst_hi for g in self.groups)),
            (self.seen_dst_lo, Cat(g[:16] == self.dst_lo for g in self.groups)),
            (self.seen_port, Cat((_field(p, "port") == self.port) & _field(p, "enable")
                                 for p in self.ports)),
        ], width=self.feeds)
        hits = Signal(self.feeds)
        m.d.comb += [hits.eq(entries & mac_ok.replicate(self.feeds)),
                     self.matched_now.eq(hits.any())]

        first_hit = Signal(FEED_BITS)
        for index in reversed(range(self.feeds)):
            with m.If(hits[index]):
                m.d.comb += first_hit.eq(index)
        channels = Array(_field(p, "channel") for p in self.ports)
        m.d.comb += [
            self.feed.eq(scope.capture("feed", self.seen_port, first_hit)),
            self.channel.eq(scope.capture("channel", self.seen_port, channels[first_hit])),
        ]
        return m
