"""One outcome per frame, from the flags the parser gathered, and the counters it drives.

At a frame's last beat the parser hands over a :data:`VERDICT_LAYOUT` record: which checks
failed while the frame streamed in, plus what is only known at the end. The IPv4 header
checksum is still in its pipeline then (a frame may end right after its header), so the
record waits :attr:`FrameVerdict.DELAY` cycles, the checksum's latency, before the outcome
is chosen (and registered; the counters move one cycle later). At that moment the checksum
covers exactly the frame's own beats: the next frame's first beat, one cycle after this
one's last, reaches it one cycle later.

The outcome is the first failing check in the order of the shared feed contract (rules
1-8), which is also :data:`hdl.feed.frame_regs.DROP_COUNTERS`, or ``accepted``. Checks
whose bytes never arrived (a frame cut off inside its IPv4 options or UDP header) do not
fail; such a frame is always shorter than its IPv4 total length and ends as ``length``,
as in the reference model (:mod:`sim.feed_frames`).
"""

from __future__ import annotations

from amaranth import C, Module, Signal
from amaranth.lib import data, wiring
from amaranth.lib.wiring import In, Out

from hdl.feed.frame_regs import OUTCOMES

__all__ = ["VERDICT_LAYOUT", "FrameVerdict"]

VERDICT_LAYOUT = data.StructLayout({
    "length": 16,            # bytes in the frame (FCS excluded)
    "mac_error": 1,          # the last beat's error flag
    "runt": 1,               # fewer than 60 bytes
    "not_ipv4": 1,           # EtherType (after one optional tag) is not IPv4
    "ip_version": 1,         # IPv4 version not 4, or IHL below 5
    "header_complete": 1,    # every IHL*4 header byte arrived, so the checksum is judged
    "fragment": 1,           # MF or a fragment offset
    "not_udp": 1,            # protocol not UDP
    "udp_complete": 1,       # the 8-byte UDP header arrived
    "matched": 1,            # an enabled feed entry matched address, port and MAC
    "length_bad": 1,         # lengths disagree, too short for MoldUDP64, or truncated
})


class FrameVerdict(wiring.Component):
    """Choose each frame's outcome and count it.

    Interface attributes
    --------------------
    end : In(1)
        A frame's last beat is on the receive stream this cycle.
    record : In(VERDICT_LAYOUT)
        That frame's flags, with ``end``.
    header_ok : In(1)
        The header checksum result, ``DELAY`` cycles after each beat.
    matched_after : In(1)
        The frame's ``matched`` flag, one cycle after ``end`` (``record.matched`` is
        ignored).
    frames, bytes : Out(32), Out(64)
        Frames and bytes received.
    <outcome> : Out(32)
        One counter per name of :data:`hdl.feed.frame_regs.OUTCOMES`.
    """

    DELAY = 3

    def __init__(self):
        members = {"end": In(1), "record": In(VERDICT_LAYOUT), "header_ok": In(1),
                   "matched_after": In(1),
                   "frames": Out(32), "bytes": Out(64)}
        members.update({name: Out(32) for name in OUTCOMES})
        super().__init__(members)

    def elaborate(self, platform):
        m = Module()
        valid, record = self.end, self.record
        for stage in range(self.DELAY):
            next_valid = Signal(name=f"end_{stage + 1}")
            next_record = Signal(VERDICT_LAYOUT, name=f"record_{stage + 1}")
            m.d.sync += [next_valid.eq(valid), next_record.eq(record)]
            if stage == 1:
                # The subscription verdict comes a cycle late, from registers only.
                m.d.sync += next_record.matched.eq(self.matched_after)
            valid, record = next_valid, next_record

        failing = {
            "mac_error": record.mac_error,
            "runt": record.runt,
            "not_ipv4": record.not_ipv4,
            "ip_header": record.ip_version | (record.header_complete & ~self.header_ok),
            "fragment": record.fragment,
            "not_udp": record.not_udp,
            # The reference judges the subscription only on a whole UDP header; a frame cut
            # off inside it is truncated, hence length.
            "unsubscribed": record.udp_complete & ~record.matched,
            "length": ~record.udp_complete | record.length_bad,
        }
        # The outcome is registered as a one-hot first, so the checksum result and the
        # priority chain do not reach the counters' adders in the same cycle.
        earlier = C(0, 1)
        counted = Signal()
        counted_length = Signal(16)
        m.d.sync += [counted.eq(valid), counted_length.eq(record.length)]
        for name in OUTCOMES:
            fails = failing.get(name, C(1, 1))  # accepted: what no drop reason took
            outcome = Signal(name=f"outcome_{name}")
            m.d.sync += outcome.eq(valid & fails & ~earlier)
            earlier = earlier | fails
            counter = getattr(self, name)
            with m.If(outcome):
                m.d.sync += counter.eq(counter + 1)

        with m.If(counted):
            m.d.sync += [self.frames.eq(self.frames + 1),
                         self.bytes.eq(self.bytes + counted_length)]
        return m
