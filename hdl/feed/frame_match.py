"""Which feed table entry a frame belongs to: destination address, port and multicast MAC.

A frame matches entry N when the entry is enabled and its group and port equal the frame's
destination IPv4 address and UDP port; the lowest such entry wins. The destination MAC
must also be the 01:00:5e mapping of the address (RFC 1112). Since a matching entry's group
*is* the destination address, the MAC is compared with each entry's group as it arrives (in
the frame's first beat), rather than with the address the frame carries beats later.

Timing. The address words arrive beats before the port, so each entry's "address and MAC
still match" bit is a register by the time the port is seen. The port may share its beat
with UDP payload byte 0, whose annotation (feed, channel) is registered in that very cycle:
so the port is compared, in parallel, in every lane it can occupy against every entry, the
lane is chosen after the compares (by a registered lane number), and only then comes the
lowest-entry choice. Each entry's port result is also kept, so in later beats the answer
comes from registers alone.
"""

from __future__ import annotations

from amaranth import C, Cat, Module, Mux, Signal
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
    port_lanes : int
        Lanes the destination port can sit in (compared in parallel).

    Interface attributes
    --------------------
    start : In(1)
        The current beat is a frame's first.
    mac0, mac1, mac2 : In(16)
        Destination MAC words, each with ``seen_<name>`` (In(1)) high in the beat that
        carries it.
    dst_hi, dst_lo : In(16) arrays of 2
        Destination address words where an untagged (0) and a tagged (1) frame has them,
        with ``seen_<name>`` (In(1) arrays of 2) alike. Both are compared; ``tagged``
        (In(1), a register by then) picks the result.
    port : In(16) array
        The beat's words in each lane the port can occupy.
    port_lane : In(range(port_lanes))
        Which of them holds the port (a registered value).
    seen_port : In(1)
        The port is on rx this cycle.
    port_with_payload : In(1)
        The beat on rx is the port's and also UDP payload byte 0's (a register). The port is
        then in lane ``shared_lane`` of :attr:`port` (the only lane that leaves room for the
        rest of the UDP header before payload byte 0 in the same beat).
    groups, ports : In(32) arrays
        The ``feedN_group`` and ``feedN_port`` registers.
    matched : Out(1)
        Some entry matches. Valid in any beat after the one carrying ``dst_lo``, once the
        port has been seen (in that beat or earlier).
    matched_after : Out(1)
        ``matched`` as it stood after the previous beat, from registers only (for the
        frame verdict, one cycle after the frame's last beat).
    first_matched, feed, channel : Out
        For the beat carrying UDP payload byte 0: some entry matches, the lowest matching
        entry and its channel.
    """

    def __init__(self, feeds: int, port_lanes: int = 1, shared_lane: int | None = None):
        if port_lanes not in (1, 2):
            raise ValueError(f"the port can sit in 1 or 2 lanes, not {port_lanes}")
        self.feeds = feeds
        self.port_lanes = port_lanes
        self.shared_lane = shared_lane
        members = {"start": In(1)}
        for name in ("mac0", "mac1", "mac2"):
            members[name] = In(16)
            members[f"seen_{name}"] = In(1)
        for name in ("dst_hi", "dst_lo"):
            members[name] = In(16).array(2)
            members[f"seen_{name}"] = In(1).array(2)
        members["tagged"] = In(1)
        members.update(port=In(16).array(port_lanes), port_lane=In(range(max(port_lanes, 2))),
                       seen_port=In(1), port_with_payload=In(1), first_matched=Out(1),
                       groups=In(32).array(feeds), ports=In(32).array(feeds),
                       matched=Out(1), matched_after=Out(1),
                       feed=Out(FEED_BITS), channel=Out(CHANNEL_BITS))
        super().__init__(members)

    def _either(self, seen, oks):
        """The ``(seen, ok)`` check of the untagged or the tagged position."""
        return (Mux(self.tagged, seen[1], seen[0]), Mux(self.tagged, oks[1], oks[0]))

    def elaborate(self, platform):
        m = Module()
        scope = FrameScope(m, self.start)
        # One sticky bit per entry: the MAC and the address both match it. A frame that
        # matches entry N has N's group as its destination address, so the MAC is checked
        # against the group's mapping as the MAC words arrive (input words against the
        # registers of the feed table), not against the address beats later: no held MAC
        # copy, no compare between two of the frame's own fields, and the payload's first
        # beat ANDs one register per entry with the port compare.
        def every_entry(seen, ok):
            return seen, ok.replicate(self.feeds)
        scope.all_of("address", [
            every_entry(self.seen_mac0, self.mac0 == _PREFIX_WORD),
            # Only 23 address bits are mapped: the MAC's bit 23 is always 0.
            (self.seen_mac1, Cat((self.mac1[8:] == _PREFIX_THIRD) & ~self.mac1[7]
                                 & (self.mac1[:7] == g[16:23]) for g in self.groups)),
            (self.seen_mac2, Cat(self.mac2 == g[:16] for g in self.groups)),
            self._either(self.seen_dst_hi, [Cat(g[16:] == word for g in self.groups)
                                            for word in self.dst_hi]),
            self._either(self.seen_dst_lo, [Cat(g[:16] == word for g in self.groups)
                                            for word in self.dst_lo]),
        ], width=self.feeds)
        address = scope.held["address"]

        # Every lane against every entry, then the lane: no lane mux before a compare.
        lane_hits = [Cat((_field(p, "port") == word) & _field(p, "enable") for p in self.ports)
                     for word in self.port]
        fresh = Signal(self.feeds)
        m.d.comb += fresh.eq(lane_hits[0] if self.port_lanes == 1
                             else Mux(self.port_lane, lane_hits[1], lane_hits[0]))
        port_held = Signal(self.feeds)
        with m.If(self.seen_port):
            m.d.sync += port_held.eq(fresh)
        hits = Signal(self.feeds)
        m.d.comb += [hits.eq(address & Mux(self.seen_port, fresh, port_held)),
                     self.matched.eq(hits.any()),
                     self.matched_after.eq((address & port_held).any())]

        # The payload's first beat: the port there sits in one known lane, so its compare
        # needs neither the lane select nor the lane's keep bit.
        first_hits = Signal(self.feeds)
        if self.shared_lane is None:
            m.d.comb += first_hits.eq(address & port_held)
        else:
            m.d.comb += first_hits.eq(address & Mux(self.port_with_payload,
                                                    lane_hits[self.shared_lane], port_held))
        m.d.comb += self.first_matched.eq(first_hits.any())

        # Lowest hit by a tree of pairs (log depth): each node is (any hit, entry, channel).
        nodes = [(first_hits[index], C(index, FEED_BITS), _field(p, "channel"))
                 for index, p in enumerate(self.ports)]
        while len(nodes) > 1:
            paired = []
            for low, high in zip(nodes[0::2], nodes[1::2], strict=False):
                paired.append((low[0] | high[0], Mux(low[0], low[1], high[1]),
                               Mux(low[0], low[2], high[2])))
            nodes = paired + ([nodes[-1]] if len(nodes) % 2 else [])
        m.d.comb += [self.feed.eq(nodes[0][1]), self.channel.eq(nodes[0][2])]
        return m
