"""``FrameParser``: Ethernet/802.1Q/IPv4/UDP checks and feed matching, one beat per cycle.

The first stage of the feed handler. It watches the MAC's receive beats (no back-pressure:
one beat may arrive every cycle, forever), decides for every frame the checks 1-8 of the
shared feed contract, counts each frame under exactly one outcome (:mod:`.frame_verdict`)
and passes the UDP payload of *candidate* frames, with its annotation, to the MoldUDP64
stage exactly one cycle after each beat (:data:`LATENCY`): the beat's lanes are not moved,
only described (``keep``, ``base``, ``feed``, ``channel``, ... of
:func:`hdl.feed.layouts.payload_beat_layout`).

When each check is decided (byte offsets from the tables of :mod:`proto.net`, tagged
frames 4 bytes later):

- EtherType, IPv4 version/IHL, fragment, protocol, total length and the destination
  address are all before the UDP header; the port and the UDP length may share the beat
  that carries UDP payload byte 0. A frame failing any of these sends nothing on
  ``payload``; one passing them is a candidate and sends every beat from the one carrying
  payload byte 0 to its last.
- The IPv4 header checksum needs :class:`.frame_checksum.HeaderChecksum`'s three cycles
  after the header's last beat. Payload byte 19 (the end of the MoldUDP64 header) is at
  least 28 bytes, so at 64 bits at least three beats, after the header's last byte: a
  bad checksum is therefore known, at the latest, on the beat carrying payload byte 19,
  which then goes out with ``reject`` (no lanes) and ends the frame's payload.
- MAC error and truncation (fewer bytes than the IPv4 total length) are only known at the
  last beat: it goes out with ``good = 0`` and the MoldUDP64 stage withdraws the frame.

Bytes after the IPv4 total length (Ethernet padding, trailers) are excluded from ``keep``.

Widths: 64 bits (8 lanes, the default) or 32. Wider beats raise ``ValueError``: a message
block is at least 14 bytes (2-byte length + the shortest ITCH message, 12), so at 64 bits
at most one block ends per beat, which the MoldUDP64 stage relies on.

Every frame is counted once, a few cycles after its last beat (:mod:`.frame_verdict`),
as ``accepted`` or its first failing drop reason; ``frames`` and ``bytes`` count all.
"""

from __future__ import annotations

from amaranth import Array, Cat, Module, Mux, Signal
from amaranth.lib import stream, wiring
from amaranth.lib.wiring import In, Out

from hdl.feed.frame_checksum import HeaderChecksum
from hdl.feed.frame_fields import WORD_BYTES, BeatWords, FrameScope
from hdl.feed.frame_match import FeedMatch
from hdl.feed.frame_regs import FEED_ENTRIES, FRAME_BLOCK, OUTCOMES
from hdl.feed.frame_verdict import FrameVerdict
from hdl.feed.layouts import payload_beat_layout, rx_beat_layout
from hdl.host_if.csr_bank import block_signature
from proto import moldudp64
from proto.net import (
    DOT1Q,
    ETHERNET,
    ETHERTYPE_IPV4,
    ETHERTYPE_VLAN,
    IPPROTO_UDP,
    IPV4,
    MIN_FRAME,
    UDP,
    fragment_bits,
)

__all__ = ["FrameParser", "SUPPORTED_WIDTHS"]

SUPPORTED_WIDTHS = (32, 64)
#: Frame word of the EtherType, of the tagged EtherType, and of the IPv4 header untagged.
_ETHERTYPE_WORD = ETHERNET["ethertype"].offset // WORD_BYTES
_INNER_ETHERTYPE_WORD = (ETHERNET.size + DOT1Q["ethertype"].offset) // WORD_BYTES
_IP_WORD = ETHERNET.size // WORD_BYTES
_TAG_WORDS = DOT1Q.size // WORD_BYTES
#: Flags/fragment bits that make a fragment: MF and the whole offset.
_FRAGMENT_MASK = fragment_bits(more_fragments=True, offset_units=(1 << 13) - 1)
#: Smallest IPv4 total length beyond the header: UDP header plus a MoldUDP64 header.
_MIN_IP_PAYLOAD = UDP.size + moldudp64.HEADER.size


def _word_of(layout, name: str) -> int:
    """Word index of a header field within its header (fields are word aligned)."""
    return layout[name].offset // WORD_BYTES


def _byte_of(word, layout, name: str):
    """A 1-byte field out of its big-endian word."""
    return word[8:16] if layout[name].offset % WORD_BYTES == 0 else word[0:8]


class FrameParser(wiring.Component):
    """Frame checks, subscription match and payload annotation.

    Parameters
    ----------
    width : int
        Receive beat width in bits: 64 (default) or 32.
    feeds : int
        Feed table entries that take part in matching (at most 8, the block's entries).

    Interface attributes
    --------------------
    rx : In(stream.Signature(rx_beat_layout(width), always_ready=True))
        The MAC's receive beats. Framing is taken from ``last``: the beat after a
        ``last`` (or the first beat after reset) starts a frame; ``first`` is not used.
    payload : Out(stream.Signature(payload_beat_layout(width), always_ready=True))
        Candidate frames' beats from UDP payload byte 0 on, registered: the annotation of
        the beat on ``rx`` in cycle t is valid in cycle t + ``LATENCY``.
    regs : In(block_signature(FRAME_BLOCK))
        Feed table in, counters out.
    """

    LATENCY = 1

    def __init__(self, width: int = 64, feeds: int = FEED_ENTRIES):
        if width not in SUPPORTED_WIDTHS:
            self._MustUse__silence = True  # a refused design is not an unused one
            raise ValueError(f"FrameParser supports beats of {SUPPORTED_WIDTHS} bits, not "
                             f"{width}: wider beats could end two message blocks at once")
        if not 1 <= feeds <= FEED_ENTRIES:
            self._MustUse__silence = True
            raise ValueError(f"feeds must be 1..{FEED_ENTRIES}, not {feeds}")
        self.width = width
        self.feeds = feeds
        super().__init__({
            "rx": In(stream.Signature(rx_beat_layout(width), always_ready=True)),
            "payload": Out(stream.Signature(payload_beat_layout(width), always_ready=True)),
            "regs": In(block_signature(FRAME_BLOCK)),
        })

    def elaborate(self, platform):
        m = Module()
        lanes = self.width // 8
        lane_bits = lanes.bit_length() - 1
        beat_in, valid = self.rx.payload, self.rx.valid

        # Where we are. The MAC's framing is trusted: a frame starts on the beat after a
        # `last` (so `first` itself is not needed), which keeps `start` and the beat index
        # straight out of registers: every field sighting hangs off them.
        in_frame = Signal()
        beat = Signal(16)
        start = Signal()
        m.d.comb += start.eq(valid & ~in_frame)
        with m.If(valid):
            m.d.sync += [in_frame.eq(~beat_in.last),
                         beat.eq(Mux(beat_in.last, 0, Mux(beat == 0xFFFF, beat, beat + 1)))]
        words = BeatWords(beat_in.data, beat_in.keep, valid, beat, lanes)
        scope = FrameScope(m, start)

        # Ethernet and 802.1Q: where the IPv4 header starts.
        seen_type, ethertype = words.at(_ETHERTYPE_WORD)
        seen_inner, inner_type = words.at(_INNER_ETHERTYPE_WORD)
        tagged = scope.capture("tagged", seen_type, ethertype == ETHERTYPE_VLAN, 1)
        ip_word = scope.capture("ip_word", seen_type,
                                Mux(ethertype == ETHERTYPE_VLAN, _IP_WORD + _TAG_WORDS,
                                    _IP_WORD), 8)
        not_ipv4 = scope.flag("not_ipv4",
                              seen_type & (ethertype != ETHERTYPE_VLAN)
                              & (ethertype != ETHERTYPE_IPV4),
                              seen_inner & tagged & (inner_type != ETHERTYPE_IPV4))

        def ip_field(name, extra_words=0):
            word = _word_of(IPV4, name) + extra_words
            seen_plain, plain = words.at(_IP_WORD + word)
            seen_tag, tag = words.at(_IP_WORD + _TAG_WORDS + word)
            # Only version/IHL can share the EtherType's beat; later fields use the
            # registered tag flag, off the EtherType compare's path.
            is_tagged = tagged if word == 0 else scope.held["tagged"]
            return Mux(is_tagged, seen_tag, seen_plain), Mux(is_tagged, tag, plain)

        # IPv4: version/IHL fixes every later position.
        seen_vihl, vihl_word = ip_field("version_ihl")
        version_ihl = _byte_of(vihl_word, IPV4, "version_ihl")
        ihl_now = version_ihl[0:4]
        bad_version = scope.flag("bad_version", seen_vihl & ((version_ihl[4:8] != 4)
                                                             | (ihl_now < IPV4.size // 4)))
        scope.capture("ihl", seen_vihl, ihl_now)
        udp_word_now = ip_word + (ihl_now << 1)
        positions = {
            "header_last": -1,
            "port": _word_of(UDP, "dst_port"),
            "udp_length": _word_of(UDP, "length"),
            "udp_last": UDP.size // WORD_BYTES - 1,
            "payload": UDP.size // WORD_BYTES,
        }
        for name, offset in positions.items():
            scope.capture(f"{name}_word", seen_vihl, udp_word_now + offset, 8)
        scope.capture("udp_word", seen_vihl, udp_word_now, 8)
        held = scope.held
        # UDP positions are two beats or more after version/IHL: use the registered values.
        udp_known = ~start & scope.held_flag("ihl_seen", seen_vihl) & ~held["bad_version"]

        seen_length, total_length = ip_field("total_length")
        scope.capture("total_length", seen_length, total_length)
        seen_frag, frag_word = ip_field("flags_fragment")
        fragment = scope.flag("fragment", seen_frag & (frag_word & _FRAGMENT_MASK).any())
        seen_proto, proto_word = ip_field("protocol")
        not_udp = scope.flag("not_udp",
                             seen_proto & (_byte_of(proto_word, IPV4, "protocol")
                                           != IPPROTO_UDP))
        dst_hi, dst_lo = ip_field("dst"), ip_field("dst", 1)

        # Lengths, from registered fields (settled two cycles after they are seen).
        ip_payload = Signal(16)
        too_short = Signal()
        end_byte = Signal(17)
        ihl_bytes = held["ihl"] << 2
        m.d.sync += [ip_payload.eq(held["total_length"] - ihl_bytes),
                     too_short.eq(held["total_length"] < ihl_bytes + _MIN_IP_PAYLOAD),
                     end_byte.eq((held["ip_word"] << 1) + held["total_length"] - 1)]
        end_beat, end_lane = end_byte[lane_bits:], end_byte[:lane_bits]

        seen_header_last, _ = words.at_dynamic(held["header_last_word"])
        seen_port, port = words.at_dynamic(held["port_word"])
        seen_udp_length, udp_length = words.at_dynamic(held["udp_length_word"])
        seen_udp_last, _ = words.at_dynamic(held["udp_last_word"])
        header_complete = scope.flag("header_complete", udp_known & seen_header_last)
        udp_complete = scope.flag("udp_complete", udp_known & seen_udp_last)
        scope.capture("udp_length", udp_known & seen_udp_length, udp_length)
        length_bad = scope.flag("length_bad", udp_known & seen_udp_length
                                & ((udp_length != ip_payload) | too_short))

        # Subscriptions: address, port and the group's multicast MAC.
        m.submodules.match = match = FeedMatch(self.feeds)
        m.d.comb += [match.start.eq(start),
                     match.dst_hi.eq(dst_hi[1]), match.seen_dst_hi.eq(dst_hi[0]),
                     match.dst_lo.eq(dst_lo[1]), match.seen_dst_lo.eq(dst_lo[0]),
                     match.port.eq(port), match.seen_port.eq(udp_known & seen_port)]
        for name in ("mac0", "mac1", "mac2"):
            seen, word = words.at(int(name[-1]))
            m.d.comb += [getattr(match, f"seen_{name}").eq(seen), getattr(match, name).eq(word)]
        for index in range(self.feeds):
            m.d.comb += [match.groups[index].eq(getattr(self.regs, f"feed{index}_group")),
                         match.ports[index].eq(getattr(self.regs, f"feed{index}_port"))]
        unsubscribed = scope.flag("unsubscribed", udp_known & seen_port & ~match.matched_now)

        # The header checksum, judged LATENCY cycles after the header's last beat.
        m.submodules.checksum = checksum = HeaderChecksum(self.width)
        m.d.comb += [checksum.valid.eq(valid), checksum.start.eq(start),
                     checksum.data.eq(beat_in.data), checksum.beat.eq(beat),
                     checksum.first_word.eq(held["ip_word"]),
                     checksum.end_word.eq(held["udp_word"])]
        header_age = Signal(range(HeaderChecksum.LATENCY + 1))
        with m.If(start):
            m.d.sync += header_age.eq(0)
        with m.Elif(udp_known & seen_header_last):
            m.d.sync += header_age.eq(1)
        with m.Elif((header_age != 0) & (header_age != HeaderChecksum.LATENCY)):
            m.d.sync += header_age.eq(header_age + 1)
        checksum_bad = ~start & (header_age == HeaderChecksum.LATENCY) & ~checksum.ok

        # Candidate frames: payload from the beat carrying payload byte 0.
        payload_word = held["payload_word"]
        payload_beat = payload_word >> (lane_bits - 1)
        payload_lane = Cat(0, payload_word[:lane_bits - 1])
        byte_kept = Array(beat_in.keep[i] for i in range(lanes))
        failed = (not_ipv4 | bad_version | checksum_bad | fragment | not_udp | unsubscribed
                  | length_bad)
        payload_first = (udp_known & (beat == payload_beat) & byte_kept[payload_lane]
                         & ~failed)
        sending = Signal()
        sending_now = payload_first | (sending & ~start)
        reject = sending_now & checksum_bad
        with m.If(valid):
            m.d.sync += sending.eq(sending_now & ~reject & ~beat_in.last)

        truncated = (beat < end_beat) | ((beat == end_beat) & ~byte_kept[end_lane])
        runt_beat, runt_lane = divmod(MIN_FRAME - 1, lanes)
        runt = (beat < runt_beat) | ((beat == runt_beat) & ~beat_in.keep[runt_lane])
        lane_keep = Cat(
            ((beat != payload_beat) | (lane >= payload_lane))
            & ((beat < end_beat) | ((beat == end_beat) & (lane <= end_lane)))
            for lane in range(lanes))
        out = self.payload.payload
        m.d.sync += [
            self.payload.valid.eq(valid & sending_now),
            out.data.eq(beat_in.data),
            out.keep.eq(Mux(reject, 0, beat_in.keep & lane_keep)),
            out.base.eq((beat << lane_bits) - (payload_word << 1)),
            out.first.eq(payload_first),
            out.last.eq(beat_in.last),
            out.good.eq(~beat_in.error & ~truncated & ~runt & ~reject),
            out.reject.eq(reject),
            out.length.eq(held["udp_length"] - UDP.size),
            out.feed.eq(match.feed),
            out.channel.eq(match.channel),
        ]

        # Counting: the record of every frame, at its last beat.
        m.submodules.verdict = verdict = FrameVerdict()
        record = verdict.record
        m.d.comb += [
            verdict.end.eq(valid & beat_in.last),
            verdict.header_ok.eq(checksum.ok),
            record.length.eq((beat << lane_bits) + sum(beat_in.keep[i] for i in range(lanes))),
            record.mac_error.eq(beat_in.error),
            record.runt.eq(runt),
            record.not_ipv4.eq(not_ipv4),
            record.ip_version.eq(bad_version),
            record.header_complete.eq(header_complete),
            record.fragment.eq(fragment),
            record.not_udp.eq(not_udp),
            record.udp_complete.eq(udp_complete),
            record.matched.eq(~unsubscribed),
            record.length_bad.eq(length_bad | truncated),
        ]
        m.d.comb += [self.regs.frames.eq(verdict.frames),
                     self.regs.bytes_lo.eq(verdict.bytes[:32]),
                     self.regs.bytes_hi.eq(verdict.bytes[32:])]
        for name in OUTCOMES:
            m.d.comb += getattr(self.regs, name).eq(getattr(verdict, name))
        return m
