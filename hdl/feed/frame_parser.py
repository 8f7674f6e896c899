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
from hdl.feed.frame_fields import (
    IP_WORD,
    TAG_WORDS,
    WORD_BYTES,
    AheadWord,
    BeatWords,
    FrameScope,
    after_ip_header,
)
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
#: Parity of the UDP header's word index (IPv4 starts at an odd word, tagged or not).
_UDP_PARITY = IP_WORD % 2
assert (IP_WORD + TAG_WORDS) % 2 == _UDP_PARITY
#: The last word at a fixed position: the destination address's low half, tagged.
_LAST_FIXED_WORD = IP_WORD + TAG_WORDS + IPV4["dst"].offset // WORD_BYTES + 1
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


def _shared_lane(field: AheadWord, to_payload: int, per_beat: int) -> int | None:
    """Index in ``field.candidates`` of the only lane where the field can share a beat with
    UDP payload byte 0 (``to_payload`` bytes after the field's start), or None."""
    shared = [index for index, lane in enumerate(field.candidates)
              if lane + to_payload // WORD_BYTES < per_beat]
    assert len(shared) <= 1
    return shared[0] if shared else None


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
        # `last` (so `first` itself is not needed). Fixed positions come from a registered
        # one-hot of the early beats, positions computed from the IHL from AheadWord: no
        # comparator on the beat counter sits in front of a field's logic.
        runt_beat, runt_lane = divmod(MIN_FRAME - 1, lanes)
        beat_is = Signal(max(runt_beat, _LAST_FIXED_WORD // (lanes // WORD_BYTES)) + 1,
                         init=1)
        beat = Signal(16)
        start = Signal()
        m.d.comb += start.eq(valid & beat_is[0])
        with m.If(valid):
            m.d.sync += [beat_is.eq(Mux(beat_in.last, 1, beat_is << 1)),
                         beat.eq(Mux(beat_in.last, 0, Mux(beat == 0xFFFF, beat, beat + 1)))]
        words = BeatWords(beat_in.data, beat_in.keep, valid, beat_is, lanes)
        scope = FrameScope(m, start)

        # Ethernet and 802.1Q: where the IPv4 header starts.
        seen_type, ethertype = words.at(_ETHERTYPE_WORD)
        seen_inner, inner_type = words.at(_INNER_ETHERTYPE_WORD)
        tagged = scope.capture("tagged", seen_type, ethertype == ETHERTYPE_VLAN, 1)
        scope.capture("ip_word", seen_type,
                      Mux(ethertype == ETHERTYPE_VLAN, IP_WORD + TAG_WORDS, IP_WORD), 8)
        not_ipv4 = scope.flag("not_ipv4",
                              seen_type & (ethertype != ETHERTYPE_VLAN)
                              & (ethertype != ETHERTYPE_IPV4),
                              seen_inner & tagged & (inner_type != ETHERTYPE_IPV4))

        def ip_field(name, extra_words=0):
            word = _word_of(IPV4, name) + extra_words
            seen_plain, plain = words.at(IP_WORD + word)
            seen_tag, tag = words.at(IP_WORD + TAG_WORDS + word)
            # Only version/IHL can share the EtherType's beat; later fields use the
            # registered tag flag, off the EtherType compare's path.
            is_tagged = tagged if word == 0 else scope.held["tagged"]
            return Mux(is_tagged, seen_tag, seen_plain), Mux(is_tagged, tag, plain)

        # IPv4: version/IHL fixes every later position. The plain and tagged version/IHL
        # words sit in different beats, so the beat (a register) picks the lane, not the tag.
        vihl_plain = IP_WORD + _word_of(IPV4, "version_ihl")
        vihl_tagged = vihl_plain + TAG_WORDS
        per_beat = lanes // WORD_BYTES
        assert vihl_plain // per_beat != vihl_tagged // per_beat
        seen_vihl, _ = ip_field("version_ihl")
        plain_beat = beat_is[vihl_plain // per_beat]
        vihl_word = Mux(plain_beat, words.words[vihl_plain % per_beat],
                        words.words[vihl_tagged % per_beat])
        version_ihl = _byte_of(vihl_word, IPV4, "version_ihl")
        ihl_now = version_ihl[0:4]
        bad_version = scope.flag("bad_version", seen_vihl & ((version_ihl[4:8] != 4)
                                                             | (ihl_now < IPV4.size // 4)))
        scope.capture("ihl", seen_vihl, ihl_now)
        # Positions from IHL and the tag, by table: key bit 4 is "untagged".
        position_key = Cat(ihl_now, plain_beat)
        held = scope.held
        # UDP positions are two beats or more after version/IHL: use the registered values.
        udp_known = ~start & scope.held_flag("ihl_seen", seen_vihl) & ~held["bad_version"]

        def ahead(name, offset):
            return AheadWord(m, scope, words, name, position_key, after_ip_header(offset),
                             seen_vihl,
                             udp_known, valid, beat_in.last, beat, (_UDP_PARITY + offset) % 2)

        header_last = ahead("header_last", -1)
        port = ahead("port", _word_of(UDP, "dst_port"))
        udp_length = ahead("udp_length", _word_of(UDP, "length"))
        udp_last = ahead("udp_last", UDP.size // WORD_BYTES - 1)
        payload_at = ahead("payload", UDP.size // WORD_BYTES)

        seen_length, total_length = ip_field("total_length")
        scope.capture("total_length", seen_length, total_length)
        seen_frag, frag_word = ip_field("flags_fragment")
        fragment = scope.flag("fragment", seen_frag & (frag_word & _FRAGMENT_MASK).any())
        seen_proto, proto_word = ip_field("protocol")
        not_udp = scope.flag("not_udp",
                             seen_proto & (_byte_of(proto_word, IPV4, "protocol")
                                           != IPPROTO_UDP))
        # The address words go to the match in both positions (compared before the choice).
        dst = {name: [words.at(IP_WORD + tag + _word_of(IPV4, "dst") + extra)
                      for tag in (0, TAG_WORDS)]
               for name, extra in (("dst_hi", 0), ("dst_lo", 1))}

        # Lengths, from registered fields (settled two cycles after they are seen).
        ip_payload = Signal(16)
        too_short = Signal()
        end_byte = Signal(17)
        ihl_bytes = held["ihl"] << 2
        m.d.sync += [ip_payload.eq(held["total_length"] - ihl_bytes),
                     too_short.eq(held["total_length"] < ihl_bytes + _MIN_IP_PAYLOAD),
                     end_byte.eq((held["ip_word"] << 1) + held["total_length"] - 1)]
        end_beat, end_lane = end_byte[lane_bits:], end_byte[:lane_bits]
        # Is the beat on rx before / at the one holding the IPv4 packet's last byte? Both
        # registered, compared with the index the next beat will have (needed from payload
        # byte 0's beat on, two beats or more after the total length).
        beat_plus_1 = Signal(17, init=1)
        with m.If(valid):
            m.d.sync += beat_plus_1.eq(Mux(beat_in.last, 1, beat_plus_1 + 1))
        before_end, at_end = Signal(), Signal()
        m.d.sync += [
            before_end.eq(Mux(valid, ~beat_in.last & (beat_plus_1 < end_beat), beat < end_beat)),
            at_end.eq(Mux(valid, Mux(beat_in.last, end_beat == 0, beat_plus_1 == end_beat),
                          beat == end_beat)),
        ]

        header_complete = scope.flag("header_complete", header_last.seen)
        udp_complete = scope.flag("udp_complete", udp_last.seen)
        length_now = udp_length.pick(udp_length.values())
        udp_length_now = scope.capture("udp_length", udp_length.seen, length_now)
        # Each lane's length compared in parallel; the registered lane picks the verdict.
        length_differs = [word != ip_payload for word in udp_length.values()]
        length_bad = scope.flag("length_bad", udp_length.seen & (too_short | udp_length.pick(
            length_differs)))
        # In payload byte 0's beat the UDP length, if there too, is in one known lane.
        length_lane = _shared_lane(udp_length, UDP.size - UDP["length"].offset, per_beat)
        length_bad_first = 0
        if length_lane is not None:
            length_bad_first = udp_length.here & length_differs[length_lane]

        # Subscriptions: address, port and the group's multicast MAC.
        port_lane = _shared_lane(port, UDP.size - UDP["dst_port"].offset, per_beat)
        m.submodules.match = match = FeedMatch(self.feeds, len(port.candidates), port_lane)
        m.d.comb += [match.start.eq(start), match.port_with_payload.eq(port.here),
                     match.tagged.eq(held["tagged"]),
                     match.seen_port.eq(port.seen), match.port_lane.eq(port.lane)]
        for name, places in dst.items():
            for index, (seen, word) in enumerate(places):
                m.d.comb += [getattr(match, name)[index].eq(word),
                             getattr(match, f"seen_{name}")[index].eq(seen)]
        for index, word in enumerate(port.values()):
            m.d.comb += match.port[index].eq(word)
        for name in ("mac0", "mac1", "mac2"):
            seen, word = words.at(int(name[-1]))
            m.d.comb += [getattr(match, f"seen_{name}").eq(seen), getattr(match, name).eq(word)]
        for index in range(self.feeds):
            m.d.comb += [match.groups[index].eq(getattr(self.regs, f"feed{index}_group")),
                         match.ports[index].eq(getattr(self.regs, f"feed{index}_port"))]
        scope.flag("port_seen", port.seen)
        port_seen_after = held["port_seen"]

        # The header checksum, judged LATENCY cycles after the header's last beat.
        # The mask's tag: in the EtherType's beat its compare (a header cut short there is
        # never judged, so the keep bits need not be waited for), later the register.
        m.submodules.checksum = checksum = HeaderChecksum(self.width)
        mask_tagged = Mux(beat_is[_ETHERTYPE_WORD // per_beat], ethertype == ETHERTYPE_VLAN,
                          held["tagged"])
        m.d.comb += [checksum.valid.eq(valid), checksum.start.eq(start),
                     checksum.data.eq(beat_in.data),
                     checksum.inside.eq(self._header_mask(scope, beat_is, mask_tagged,
                                                          header_last, valid, per_beat))]
        header_age = Signal(range(HeaderChecksum.LATENCY + 1))
        with m.If(start):
            m.d.sync += header_age.eq(0)
        with m.Elif(header_last.seen):
            m.d.sync += header_age.eq(1)
        with m.Elif((header_age != 0) & (header_age != HeaderChecksum.LATENCY)):
            m.d.sync += header_age.eq(header_age + 1)
        checksum_bad = ~start & (header_age == HeaderChecksum.LATENCY) & ~checksum.ok

        # Candidate frames: payload from the beat carrying payload byte 0. Checks decided
        # in earlier beats come from registers; only the port and the UDP length can share
        # the payload's first beat.
        payload_word = payload_at.word
        payload_lane = Cat(0, payload_word[:lane_bits - 1])
        byte_kept = Array(beat_in.keep[i] for i in range(lanes))
        # Checks of earlier beats, ORed into one register the cycle before (too_short
        # only matters once the UDP length is seen, which it is by payload byte 0).
        failed_before = Signal()
        m.d.sync += failed_before.eq(not_ipv4 | bad_version | fragment | not_udp | length_bad
                                     | too_short)
        failed = failed_before | checksum_bad | ~match.first_matched | length_bad_first
        first_kept = payload_at.pick([beat_in.keep[WORD_BYTES * c]
                                      for c in payload_at.candidates])
        payload_first = payload_at.here & first_kept & ~failed
        sending = Signal()
        sending_now = payload_first | (sending & ~start)
        # A candidate's first beat has passed the checksum (it is in `failed`).
        reject = sending & ~start & checksum_bad
        with m.If(valid):
            m.d.sync += sending.eq(sending_now & ~reject & ~beat_in.last)

        truncated = before_end | (at_end & ~byte_kept[end_lane])
        runt = beat_is[:runt_beat].any() | (beat_is[runt_beat] & ~beat_in.keep[runt_lane])
        lane_keep = Cat(
            (~payload_at.here | (lane >= payload_lane))
            & (before_end | (at_end & (lane <= end_lane)))
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
        ]
        # Feed, channel and length are the frame's: chosen in its first payload beat, held.
        with m.If(~sending):
            m.d.sync += [out.length.eq(udp_length_now - UDP.size),
                         out.feed.eq(match.feed),
                         out.channel.eq(match.channel)]

        # Counting: the record of every frame, at its last beat.
        m.submodules.verdict = verdict = FrameVerdict()
        record = verdict.record
        m.d.comb += [
            verdict.end.eq(valid & beat_in.last),
            verdict.header_ok.eq(checksum.ok),
            verdict.matched_after.eq(~port_seen_after | match.matched_after),
            record.length.eq((beat << lane_bits) + sum(beat_in.keep[i] for i in range(lanes))),
            record.mac_error.eq(beat_in.error),
            record.runt.eq(runt),
            record.not_ipv4.eq(not_ipv4),
            record.ip_version.eq(bad_version),
            record.header_complete.eq(header_complete),
            record.fragment.eq(fragment),
            record.not_udp.eq(not_udp),
            record.udp_complete.eq(udp_complete),
            record.matched.eq(0),  # taken a cycle later: matched_after
            record.length_bad.eq(length_bad | truncated),
        ]
        m.d.comb += [self.regs.frames.eq(verdict.frames),
                     self.regs.bytes_lo.eq(verdict.bytes[:32]),
                     self.regs.bytes_hi.eq(verdict.bytes[32:])]
        for name in OUTCOMES:
            m.d.comb += getattr(self.regs, name).eq(getattr(verdict, name))
        return m

    @staticmethod
    def _header_mask(scope, beat_is, tagged, header_last, valid, per_beat):
        """Which words of the beat on rx are IPv4 header words, from registers (and the tag).

        The header starts at word 7 (9 when tagged; the tag is decided in the beat holding
        the first header word at the latest) and ends with ``header_last``, two or more beats
        after version/IHL: until then every word is before its end.
        """
        def from_word(word, lane):
            beat, first_lane = divmod(word, per_beat)
            before = beat_is[:beat].any() if beat else 0
            return ~before & ~(beat_is[beat] & (lane < first_lane))

        past_end = scope.held_flag("header_passed", header_last.here & valid)
        last_lane = header_last.word[:per_beat.bit_length() - 1]
        return Cat(
            Mux(tagged, from_word(IP_WORD + TAG_WORDS, lane), from_word(IP_WORD, lane))
            & ~past_end & (~header_last.here | (lane <= last_lane))
            for lane in range(per_beat))
