"""``SegmentParser``: Ethernet/802.1Q/IPv4/TCP of the order-entry receive port, judged.

Two views of every frame:

- **Live** (the beat on ``rx``, cycle t): which lanes are TCP payload of a segment the
  card may apply (the session's addresses and ports, in sync, in order, no SYN/FIN/RST,
  not a fragment), on ``payload`` in the same cycle, so the SoupBinTCP scan starts at
  once. Every header field this needs is at least one beat before the payload (the TCP
  header starts at a byte offset of 2 mod 4, so its data offset and flags, 7 and 8 bytes
  before the shortest header's end, are never in the payload's first beat). Fields are
  picked out of the beats as they pass (:mod:`hdl.feed.frame_fields`, positions from
  the tag and the IHL by table), checked in the beat they are seen and kept as sticky
  per-frame flags: the payload's beats read registers only.
- **Judged** (:attr:`JUDGED` cycles after the frame's last beat): the outcome up to the
  payload's content (rules 1-8 of :mod:`hdl.response.layouts`), with the IPv4 header and
  TCP checksums (:class:`.segment_sums.SegmentSums`). The cycle after the last beat
  gathers the header checks from the flags, the next adds the checksums and picks the
  outcome, registered.

``out_of_sync`` and ``rcv_next`` are sampled when the sequence number passes (beat 4 or
later): they change only at a judgement, 3 cycles after a frame's last beat, so before
the next frame's fourth beat, or at the host's ``resync``, which comes between frames;
the live view and the judgement of a frame use the same sample.
"""

from __future__ import annotations

from amaranth import Cat, Module, Mux, Signal
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

from hdl.feed.frame_fields import (
    IP_WORD,
    TAG_WORDS,
    WORD_BYTES,
    AheadWord,
    BeatWords,
    FrameScope,
    after_ip_header,
)
from hdl.feed.layouts import rx_beat_layout
from hdl.response.layouts import Outcome
from hdl.response.segment_sums import SegmentSums
from hdl.strategy.layouts import TIME_BITS
from proto.net import (
    DOT1Q,
    ETHERNET,
    ETHERTYPE_IPV4,
    ETHERTYPE_VLAN,
    IPPROTO_TCP,
    IPV4,
    TCP,
    TCP_FLAGS,
    fragment_bits,
)

__all__ = ["SegmentParser", "PAYLOAD_BEAT_LAYOUT", "JUDGED_LAYOUT", "SESSION_LAYOUT"]

_LANES = 8
_WORDS = _LANES // WORD_BYTES
_ETHERTYPE_WORD = ETHERNET["ethertype"].offset // WORD_BYTES
_INNER_ETHERTYPE_WORD = (ETHERNET.size + DOT1Q["ethertype"].offset) // WORD_BYTES
#: Beats with a one-hot flag: every fixed position, and the shortest-frame checks.
_EARLY_BEATS = 6
_FRAGMENT_MASK = fragment_bits(more_fragments=True, offset_units=(1 << 13) - 1)
_CONTROL = TCP_FLAGS["SYN"] | TCP_FLAGS["FIN"] | TCP_FLAGS["RST"]
_MIN_WORDS = TCP.size // 4          # data offset and IHL are in 4-byte words
assert _MIN_WORDS == IPV4.size // 4

#: What the SoupBinTCP scan sees of a beat.
PAYLOAD_BEAT_LAYOUT = data.StructLayout({
    "data": 64,
    "lanes": _LANES,          # payload lanes of a segment the card may apply
    "first": 1,               # the beat holds payload byte 0
    "last": 1,                # the beat holds the segment's last payload byte
})
#: The frame's judgement before its payload's content is known.
JUDGED_LAYOUT = data.StructLayout({
    "outcome": 3,             # Outcome; APPLIED means "apply, if the payload parses"
    "seq": 32,
    "length": 16,
    "time": TIME_BITS,
})
#: The session as the receive side sees it (from the ``order`` block).
SESSION_LAYOUT = data.StructLayout({
    "card_ip": 32, "exchange_ip": 32, "card_port": 16, "exchange_port": 16,
})


def _word(layout, name: str) -> int:
    return layout[name].offset // WORD_BYTES


def _byte(word, layout, name: str):
    """A 1-byte field out of its big-endian word."""
    return word[8:16] if layout[name].offset % WORD_BYTES == 0 else word[0:8]


class SegmentParser(wiring.Component):
    """Headers, checksums and the outcome of every frame on the order-entry receive port.

    Interface attributes
    --------------------
    rx : In(stream.Signature(rx_beat_layout(64), always_ready=True))
    session : In(SESSION_LAYOUT)
    rcv_next : In(32)
    out_of_sync : In(1)
    now : In(TIME_BITS)
    payload : Out(stream.Signature(PAYLOAD_BEAT_LAYOUT, always_ready=True))
        Live, in the cycle of the rx beat.
    judged : Out(stream.Signature(JUDGED_LAYOUT, always_ready=True))
        :attr:`JUDGED` cycles after each frame's last beat (``time``: ``now`` the cycle
        after it).
    """

    JUDGED = 3

    def __init__(self):
        super().__init__({
            "rx": In(stream.Signature(rx_beat_layout(64), always_ready=True)),
            "session": In(SESSION_LAYOUT),
            "rcv_next": In(32),
            "out_of_sync": In(1),
            "now": In(TIME_BITS),
            "payload": Out(stream.Signature(PAYLOAD_BEAT_LAYOUT, always_ready=True)),
            "judged": Out(stream.Signature(JUDGED_LAYOUT, always_ready=True)),
        })

    def elaborate(self, platform):
        m = Module()
        beat_in, valid, s = self.rx.payload, self.rx.valid, self.session

        # ------------------------------------------------------------- where we are
        in_frame = Signal()
        start = Signal()
        m.d.comb += start.eq(valid & (beat_in.first | ~in_frame))
        index = Signal(range(2048))          # the beat on rx within its frame
        following = Signal(range(2048))      # index of the next beat if it continues
        plus1 = Signal(range(2048), init=1)  # and of the one after
        early = Signal(_EARLY_BEATS, init=1)
        beat_is = Signal(_EARLY_BEATS)
        m.d.comb += [index.eq(Mux(start, 0, following)),
                     beat_is.eq(Mux(start, 1, early))]
        with m.If(valid):
            m.d.sync += [in_frame.eq(~beat_in.last), following.eq(index + 1),
                         plus1.eq(Mux(start, 1, plus1) + 1), early.eq(beat_is << 1)]
        words = BeatWords(beat_in.data, beat_in.keep, valid, beat_is, _LANES)
        scope = FrameScope(m, start)
        held = scope.held

        # ------------------------------------------------------------- Ethernet, IPv4
        seen_type, ethertype = words.at(_ETHERTYPE_WORD)
        seen_inner, inner_type = words.at(_INNER_ETHERTYPE_WORD)
        tagged = scope.capture("tagged", seen_type, ethertype == ETHERTYPE_VLAN, 1)
        scope.flag("not_ipv4",
                   seen_type & (ethertype != ETHERTYPE_VLAN) & (ethertype != ETHERTYPE_IPV4),
                   seen_inner & tagged & (inner_type != ETHERTYPE_IPV4))

        def ip_word(offset):
            seen_plain, plain = words.at(IP_WORD + offset)
            seen_tag, tag = words.at(IP_WORD + TAG_WORDS + offset)
            # version/IHL shares the EtherType's beat untagged; later words use the
            # registered tag.
            is_tagged = tagged if offset == 0 else held["tagged"]
            return Mux(is_tagged, seen_tag, seen_plain), Mux(is_tagged, tag, plain)

        vihl_plain, vihl_tagged = IP_WORD, IP_WORD + TAG_WORDS
        assert vihl_plain // _WORDS != vihl_tagged // _WORDS
        seen_vihl, _ = ip_word(0)
        plain_beat = beat_is[vihl_plain // _WORDS]
        version_ihl = _byte(Mux(plain_beat, words.words[vihl_plain % _WORDS],
                                words.words[vihl_tagged % _WORDS]), IPV4, "version_ihl")
        ihl_now = version_ihl[:4]
        scope.flag("bad_version", seen_vihl & ((version_ihl[4:] != 4) |
                                               (ihl_now < _MIN_WORDS)))
        scope.capture("ihl", seen_vihl, ihl_now)
        seen_total, total_word = ip_word(_word(IPV4, "total_length"))
        total = scope.capture("total", seen_total, total_word)
        # the segment's last byte (IPv4 start + total - 1), kept for the end flags below
        ip_start = Mux(held["tagged"], ETHERNET.size + DOT1Q.size, ETHERNET.size)
        end_byte = scope.capture("end_byte", seen_total, ip_start + total - 1, 17)
        seen_frag, frag_word = ip_word(_word(IPV4, "flags_fragment"))
        scope.flag("fragment", seen_frag & (frag_word & _FRAGMENT_MASK).any())
        seen_proto, proto_word = ip_word(_word(IPV4, "protocol"))
        scope.flag("not_tcp", seen_proto & (_byte(proto_word, IPV4, "protocol") != IPPROTO_TCP))
        # The session's addresses (source: the exchange, destination: the card), word by word.
        foreign = []
        for field, address in (("src", s.exchange_ip), ("dst", s.card_ip)):
            for half in range(2):
                seen, word = ip_word(_word(IPV4, field) + half)
                foreign.append(seen & (word != address[16 * (1 - half):16 * (2 - half)]))
        scope.flag("foreign_ip", *foreign)

        # ------------------------------------------------------------- TCP, by IHL
        tcp_known = ~start & scope.held_flag("ihl_seen", seen_vihl) & ~held["bad_version"]
        position_key = Cat(ihl_now, plain_beat)

        def tcp_field(name, offset):
            return AheadWord(m, scope, words, name, position_key, after_ip_header(offset),
                             seen_vihl,
                             tcp_known, valid, beat_in.last, index, (IP_WORD + offset) % 2)

        ip_last = tcp_field("ip_last", -1)
        ports = [tcp_field(name, _word(TCP, name)) for name in ("src_port", "dst_port")]
        seq = [tcp_field(f"seq{half}", _word(TCP, "seq") + half) for half in range(2)]
        doff_flags = tcp_field("doff_flags", _word(TCP, "data_offset"))
        assert _word(TCP, "flags") == _word(TCP, "data_offset")
        scope.flag("foreign_port",
                   *[p.seen & (p.pick(p.values()) != expected)
                     for p, expected in zip(ports, (s.exchange_port, s.card_port), strict=True)])
        for half, f in enumerate(seq):
            scope.capture(f"seq_{half}", f.seen, f.pick(f.values()))
        # Sync state, sampled with the sequence number (see the module docstring).
        scope.flag("out_of_sync", seq[0].seen & self.out_of_sync)
        scope.flag("out_of_order",
                   *[f.seen & (f.pick(f.values()) != self.rcv_next[16 * (1 - h):16 * (2 - h)])
                     for h, f in enumerate(seq)])
        word6 = doff_flags.pick(doff_flags.values())
        doff_now = _byte(word6, TCP, "data_offset")[4:]
        scope.capture("doff", doff_flags.seen, doff_now)
        scope.flag("control", doff_flags.seen & (_byte(word6, TCP, "flags") & _CONTROL).any())

        # Lengths, registered from held fields (settled by beat 4, the payload is at 6+).
        tcp_length = Signal(16)
        length_bad = Signal()
        m.d.sync += [tcp_length.eq(held["total"] - (held["ihl"] << 2)),
                     length_bad.eq((held["total"] < (held["ihl"] << 2)) |
                                   (tcp_length < TCP.size))]
        scope.flag("doff_bad", doff_flags.seen & ((doff_now < _MIN_WORDS) |
                                                  ((doff_now << 2) >= tcp_length)))

        # ------------------------------------------------------------- live payload lanes
        # Flags for the next beat, from registers: it holds payload byte 0 (at lane 2 or
        # 6), comes after that beat, is before / at the beat of the segment's last byte.
        end_beat, end_lane = end_byte[3:], end_byte[:3]
        before_end, at_end = Signal(), Signal()
        with m.If(valid):
            m.d.sync += [before_end.eq(Mux(start, 1, plus1) < end_beat),
                         at_end.eq(Mux(start, 1, plus1) == end_beat)]
        pl_start, pl_after, pl_lane6 = Signal(), Signal(), Signal()
        pl_armed, pl_wait = Signal(), Signal(3)
        # payload word = doff word + 2 * doff - 3 * 2; its beat and lane from the doff
        # word's lane (1 or 3 of the beat's 4 words) and the data offset.
        assert _word(TCP, "data_offset") == 6 and doff_flags.candidates == [1, 3]
        ahead = Signal(6)
        m.d.comb += ahead.eq(Mux(doff_flags.lane, 3, 1) + (doff_now << 1) - 6)
        beats_ahead = ahead[2:]
        with m.If(valid):
            with m.If(start):
                m.d.sync += [pl_start.eq(0), pl_after.eq(0), pl_armed.eq(0)]
            with m.Elif(doff_flags.seen & (doff_now >= _MIN_WORDS)):
                m.d.sync += [pl_start.eq(beats_ahead == 1), pl_armed.eq(beats_ahead > 1),
                             pl_wait.eq(beats_ahead - 2), pl_lane6.eq(ahead[1])]
            with m.Else():
                m.d.sync += [pl_after.eq(pl_after | pl_start),
                             pl_start.eq(pl_armed & (pl_wait == 0))]
                with m.If(pl_armed):
                    m.d.sync += pl_wait.eq(pl_wait - 1)
                    with m.If(pl_wait == 0):
                        m.d.sync += pl_armed.eq(0)
        bad = ["not_ipv4", "bad_version", "fragment", "not_tcp", "foreign_ip",
               "foreign_port", "out_of_sync", "out_of_order", "control", "doff_bad"]
        applicable = ~Cat(*[held[name] for name in bad]).any() & ~length_bad
        lanes = Signal(_LANES)
        for lane in range(_LANES):
            m.d.comb += lanes[lane].eq(
                beat_in.keep[lane] & (pl_after | (pl_start & (lane >= Mux(pl_lane6, 6, 2))))
                & (before_end | (at_end & (lane <= end_lane))))
        in_payload = ~start & applicable
        m.d.comb += [
            self.payload.valid.eq(valid & in_payload & lanes.any()),
            self.payload.payload.data.eq(beat_in.data),
            self.payload.payload.lanes.eq(lanes),
            self.payload.payload.first.eq(pl_start),
            self.payload.payload.last.eq(at_end),
        ]

        # ------------------------------------------------------------- checksums
        # IPv4 header words: from the header's first word (lane 3 of beat 1 untagged, lane
        # 1 of beat 2 tagged) to the one before the TCP header; TCP bytes from its first
        # word to the segment's last byte (the pseudo-header is added in that beat).
        m.submodules.sums = sums = SegmentSums()
        later = ~beat_is.any()
        ip_passed = scope.held_flag("ip_passed", ip_last.here & valid)
        tcp_passed = scope.held_flag("tcp_passed", ports[0].here & valid)
        assert ip_last.candidates == [0, 2] and ports[0].candidates == [1, 3]
        ip_last_lane = Mux(ip_last.lane, 2, 0)
        tcp_first_lane = Mux(ports[0].lane, 3, 1)
        for w in range(_WORDS):
            plain = beat_is[2:].any() | later | (beat_is[1] if 4 + w >= vihl_plain else 0)
            tag = beat_is[3:].any() | later | (beat_is[2] if 8 + w >= vihl_tagged else 0)
            in_ip = Mux(tagged, tag, plain) & ~ip_passed & ~(ip_last.here & (w > ip_last_lane))
            in_tcp = ~start & (tcp_passed | (ports[0].here & (w >= tcp_first_lane)))
            m.d.comb += sums.ip_words[w].eq(in_ip)
            for lane in (2 * w, 2 * w + 1):
                m.d.comb += sums.tcp_bytes[lane].eq(
                    in_tcp & (before_end | (at_end & (lane <= end_lane))))
        m.d.comb += [sums.valid.eq(valid), sums.start.eq(start), sums.data.eq(beat_in.data),
                     sums.pseudo.eq(~start & at_end), sums.tcp_length.eq(tcp_length),
                     sums.card_ip.eq(s.card_ip), sums.exchange_ip.eq(s.exchange_ip)]

        # ------------------------------------------------------------- judgement
        # The last beat: how far the frame reaches (byte positions from the tables).
        def present(byte):
            beat, lane = divmod(byte, _LANES)
            return beat_is[beat + 1:].any() | later | (beat_is[beat] & beat_in.keep[lane])

        ip_start_byte = {False: ETHERNET.size, True: ETHERNET.size + DOT1Q.size}
        d_valid, d_error, d_runt, d_ip, d_short, d_truncated = (Signal() for _ in range(6))
        m.d.sync += [
            d_valid.eq(valid & beat_in.last), d_error.eq(beat_in.error),
            d_runt.eq(~present(ETHERNET.size - 1)),
            d_ip.eq(Mux(tagged, present(ip_start_byte[True] - 1),
                        present(ip_start_byte[False] - 1))),
            d_short.eq(Mux(tagged, ~present(ip_start_byte[True] + IPV4.size - 1),
                           ~present(ip_start_byte[False] + IPV4.size - 1))),
            d_truncated.eq(before_end | (at_end & ~beat_in.keep.bit_select(end_lane, 1))),
        ]
        # The cycle after: the header checks, from the frame's flags.
        e = {name: Signal(name=f"e_{name}") for name in (
            "valid", "ipv4", "corrupt", "other_ip", "corrupt_tcp", "other_tcp", "control",
            "no_data", "out_of_sync", "out_of_order")}
        e_seq, e_length, e_time = Signal(32), Signal(16), Signal(TIME_BITS)
        d_tcp_length = Signal(16)
        doff_bytes = held["doff"] << 2
        m.d.comb += d_tcp_length.eq(held["total"] - (held["ihl"] << 2))
        ipv4 = ~held["not_ipv4"] & d_ip
        ip_sane = ~held["bad_version"] & (held["total"] >= (held["ihl"] << 2))
        tcp_sane = (d_tcp_length >= TCP.size) & (held["doff"] >= _MIN_WORDS) & \
            (doff_bytes <= d_tcp_length)
        m.d.sync += [
            e["valid"].eq(d_valid), e["ipv4"].eq(ipv4),
            e["corrupt"].eq(d_error | d_runt | (ipv4 & (d_short | ~ip_sane | d_truncated))),
            e["other_ip"].eq(~ipv4 | held["not_tcp"] | held["foreign_ip"]),
            e["corrupt_tcp"].eq(held["fragment"] | ~tcp_sane),
            e["other_tcp"].eq(held["foreign_port"]),
            e["control"].eq(held["control"]),
            e["no_data"].eq(d_tcp_length == doff_bytes),
            e["out_of_sync"].eq(held["out_of_sync"]),
            e["out_of_order"].eq(held["out_of_order"]),
            e_seq.eq(Cat(held["seq_1"], held["seq_0"])),
            e_length.eq(d_tcp_length - doff_bytes),
            e_time.eq(self.now),
        ]
        # And the next: the checksums, the outcome (first rule that matches).
        outcome = Signal(Outcome)
        with m.If(e["corrupt"] | (e["ipv4"] & ~sums.ip_ok)):
            m.d.comb += outcome.eq(Outcome.CORRUPT)
        with m.Elif(e["other_ip"]):
            m.d.comb += outcome.eq(Outcome.OTHER)
        with m.Elif(e["corrupt_tcp"] | ~sums.tcp_ok):
            m.d.comb += outcome.eq(Outcome.CORRUPT)
        with m.Elif(e["other_tcp"]):
            m.d.comb += outcome.eq(Outcome.OTHER)
        with m.Elif(e["control"]):
            m.d.comb += outcome.eq(Outcome.CONTROL)
        with m.Elif(e["no_data"]):
            m.d.comb += outcome.eq(Outcome.NO_DATA)
        with m.Elif(e["out_of_sync"]):
            m.d.comb += outcome.eq(Outcome.OUT_OF_SYNC)
        with m.Elif(e["out_of_order"]):
            m.d.comb += outcome.eq(Outcome.OUT_OF_ORDER)
        with m.Else():
            m.d.comb += outcome.eq(Outcome.APPLIED)
        session_segment = (outcome != Outcome.CORRUPT) & (outcome != Outcome.OTHER)
        judged = self.judged.payload
        m.d.sync += [
            self.judged.valid.eq(e["valid"]), judged.outcome.eq(outcome),
            judged.seq.eq(Mux(session_segment, e_seq, 0)),
            judged.length.eq(Mux(session_segment, e_length, 0)), judged.time.eq(e_time),
        ]
        return m
