"""``SegmentParser``: Ethernet/802.1Q/IPv4/TCP of the order-entry receive port, judged.

Two views of every frame:

- **Live** (the beat on ``rx``, cycle t): which lanes are TCP payload of a segment the
  card may apply (the session's addresses and ports, in sync, in order, no SYN/FIN/RST,
  not a fragment), on ``payload`` in the same cycle, so the SoupBinTCP scan starts at
  once. Every header field this needs lies at least 8 bytes before the payload, so in an
  earlier beat: it is read from :attr:`header`, the frame's first :data:`HEADER_BYTES`
  bytes as registered beat by beat.
- **Delayed** (cycle t+1, when the beat is in :attr:`header` too): the IPv4 header and
  TCP checksums and, at the last beat, the frame's outcome up to the payload's content
  (rules 1-8 of :mod:`hdl.response.layouts`), registered: ``judged`` is valid 2 cycles after
  the frame's last beat.

``rcv_next`` and ``out_of_sync`` are read at the payload's beats and at the judgement; they
change only at a judgement (3 cycles after a frame's last beat), before the next frame's
payload (at least 54 bytes, 7 beats, after its first byte).
"""

from __future__ import annotations

from amaranth import Array, Cat, Module, Mux, Signal
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

from hdl.feed.layouts import rx_beat_layout
from hdl.response.layouts import Outcome
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
)

__all__ = ["SegmentParser", "HEADER_BYTES", "PAYLOAD_BEAT_LAYOUT", "JUDGED_LAYOUT",
           "SESSION_LAYOUT"]

_LANES = 8
#: Ethernet + tag + the longest IPv4 header + TCP's fixed part, in whole beats.
HEADER_BYTES = -(-(ETHERNET.size + DOT1Q.size + 60 + TCP.size) // _LANES) * _LANES
_SUM_BITS = 32

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

_CONTROL = TCP_FLAGS["SYN"] | TCP_FLAGS["FIN"] | TCP_FLAGS["RST"]


def _ones_fold(total):
    """One's complement 16-bit fold of a sum of at most 2**32."""
    once = total[:16] + total[16:]
    return (once[:16] + once[16:])[:16]


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
        Two cycles after each frame's last beat.
    """

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
        rx = self.rx
        header = [Signal(8, name=f"header_{i}") for i in range(HEADER_BYTES)]
        self.header = header
        table = Array(header)
        beat = Signal(range(2048))      # index of the beat on rx within its frame
        in_frame = Signal()
        index = Mux(rx.payload.first | ~in_frame, 0, beat)
        with m.If(rx.valid):
            m.d.sync += [beat.eq(index + 1), in_frame.eq(~rx.payload.last)]
            for b in range(HEADER_BYTES // _LANES):
                with m.If(index == b):
                    for lane in range(_LANES):
                        m.d.sync += header[b * _LANES + lane].eq(
                            rx.payload.data[8 * lane:8 * lane + 8])

        def word(offset, size):
            """Big-endian ``size`` bytes of the registered header from ``offset``."""
            if isinstance(offset, int):
                parts = [header[offset + i] for i in range(size)]
            else:
                parts = [table[offset + i] for i in range(size)]
            return Cat(*reversed(parts))

        f = self._fields(m, word)
        tcp_at, payload_at, end_at = f["tcp_at"], f["payload_at"], f["end_at"]
        s = self.session
        applicable = Signal()
        m.d.comb += applicable.eq(
            f["ipv4"] & f["ip_sane"] & (f["protocol"] == IPPROTO_TCP) &
            (f["src_ip"] == s.exchange_ip) & (f["dst_ip"] == s.card_ip) & ~f["fragment"] &
            f["tcp_sane"] & (f["src_port"] == s.exchange_port) &
            (f["dst_port"] == s.card_port) & ((f["flags"] & _CONTROL) == 0) &
            (f["payload_length"] != 0) & ~self.out_of_sync & (f["seq"] == self.rcv_next))

        # ------------------------------------------------------------- live payload lanes
        base = Signal(range(2048 * _LANES))
        m.d.comb += base.eq(index * _LANES)
        lanes = Signal(_LANES)
        for lane in range(_LANES):
            at = base + lane
            m.d.comb += lanes[lane].eq(rx.payload.keep[lane] & (at >= payload_at) &
                                       (at < end_at))
        m.d.comb += [
            self.payload.valid.eq(rx.valid & applicable & (index >= 1) & lanes.any()),
            self.payload.payload.data.eq(rx.payload.data),
            self.payload.payload.lanes.eq(lanes),
            self.payload.payload.first.eq((payload_at >= base) & (payload_at < base + _LANES)),
            self.payload.payload.last.eq((end_at > base) & (end_at <= base + _LANES)),
        ]

        # ------------------------------------------------------------- delayed: checksums
        d_valid, d_first, d_last, d_error = Signal(), Signal(), Signal(), Signal()
        d_data, d_keep, d_index = Signal(64), Signal(_LANES), Signal.like(beat)
        m.d.sync += [d_valid.eq(rx.valid), d_first.eq(rx.payload.first | ~in_frame),
                     d_last.eq(rx.payload.last), d_error.eq(rx.payload.error),
                     d_data.eq(rx.payload.data), d_keep.eq(rx.payload.keep), d_index.eq(index)]
        ip_sum, tcp_sum = Signal(_SUM_BITS), Signal(_SUM_BITS)
        beat_ip, beat_tcp = 0, 0
        ip_at = f["ip_at"]
        for w in range(_LANES // 2):
            at = d_index * _LANES + 2 * w
            hi, lo = d_data[16 * w:16 * w + 8], d_data[16 * w + 8:16 * w + 16]
            in_ip = (at >= ip_at) & (at < tcp_at)
            in_tcp = (at >= tcp_at) & (at < end_at)
            whole = Cat(Mux(at + 1 < end_at, lo, 0), hi)
            beat_ip = beat_ip + Mux(in_ip, Cat(lo, hi), 0)
            beat_tcp = beat_tcp + Mux(in_tcp, whole, 0)
        ip_now = Signal(_SUM_BITS)
        tcp_now = Signal(_SUM_BITS)
        m.d.comb += [ip_now.eq(Mux(d_first, 0, ip_sum) + beat_ip),
                     tcp_now.eq(Mux(d_first, 0, tcp_sum) + beat_tcp)]
        with m.If(d_valid):
            m.d.sync += [ip_sum.eq(ip_now), tcp_sum.eq(tcp_now)]

        # ------------------------------------------------------------- delayed: judgement
        nbytes = Signal(range(2048 * _LANES + 1))
        count = sum(d_keep[lane] for lane in range(_LANES))
        m.d.comb += nbytes.eq(d_index * _LANES + count)
        pseudo = (f["src_ip"][16:] + f["src_ip"][:16] + f["dst_ip"][16:] + f["dst_ip"][:16] +
                  IPPROTO_TCP + f["tcp_length"])
        ip_ok = _ones_fold(ip_now) == 0xFFFF
        tcp_ok = _ones_fold(tcp_now + pseudo) == 0xFFFF
        # A tagged frame too short for its inner EtherType is not IPv4 (the header
        # registers past the frame's end still hold an earlier frame's bytes).
        ipv4 = f["ipv4"] & (nbytes >= ip_at)
        corrupt_ip = ipv4 & ((nbytes < ip_at + IPV4.size) | ~f["ip_sane"] |
                                  (nbytes < end_at) | ~ip_ok)
        other_ip = ~ipv4 | (f["protocol"] != IPPROTO_TCP) | \
            (f["src_ip"] != s.exchange_ip) | (f["dst_ip"] != s.card_ip)
        corrupt_tcp = f["fragment"] | ~f["tcp_sane"] | ~tcp_ok
        other_tcp = (f["src_port"] != s.exchange_port) | (f["dst_port"] != s.card_port)
        outcome = Signal(Outcome)
        with m.If(d_error | (nbytes < ETHERNET.size) | corrupt_ip):
            m.d.comb += outcome.eq(Outcome.CORRUPT)
        with m.Elif(other_ip):
            m.d.comb += outcome.eq(Outcome.OTHER)
        with m.Elif(corrupt_tcp):
            m.d.comb += outcome.eq(Outcome.CORRUPT)
        with m.Elif(other_tcp):
            m.d.comb += outcome.eq(Outcome.OTHER)
        with m.Elif((f["flags"] & _CONTROL) != 0):
            m.d.comb += outcome.eq(Outcome.CONTROL)
        with m.Elif(f["payload_length"] == 0):
            m.d.comb += outcome.eq(Outcome.NO_DATA)
        with m.Elif(self.out_of_sync):
            m.d.comb += outcome.eq(Outcome.OUT_OF_SYNC)
        with m.Elif(f["seq"] != self.rcv_next):
            m.d.comb += outcome.eq(Outcome.OUT_OF_ORDER)
        with m.Else():
            m.d.comb += outcome.eq(Outcome.APPLIED)
        session_segment = (outcome != Outcome.CORRUPT) & (outcome != Outcome.OTHER)
        m.d.sync += [
            self.judged.valid.eq(d_valid & d_last),
            self.judged.payload.outcome.eq(outcome),
            self.judged.payload.seq.eq(Mux(session_segment, f["seq"], 0)),
            self.judged.payload.length.eq(Mux(session_segment, f["payload_length"], 0)),
            self.judged.payload.time.eq(self.now),
        ]
        return m

    @staticmethod
    def _fields(m, word) -> dict:
        """The header fields, from the registered header (valid once their beat is in)."""
        f = {}
        vlan = Signal()
        m.d.comb += vlan.eq(word(ETHERNET["ethertype"].offset, 2) == ETHERTYPE_VLAN)
        tagged_type = ETHERNET.size + DOT1Q["ethertype"].offset
        ethertype = Mux(vlan, word(tagged_type, 2), word(ETHERNET["ethertype"].offset, 2))
        ip_at = Signal(range(32))
        m.d.comb += ip_at.eq(Mux(vlan, ETHERNET.size + DOT1Q.size, ETHERNET.size))
        f["ip_at"] = ip_at
        f["ipv4"] = ethertype == ETHERTYPE_IPV4
        version_ihl = word(ip_at, 1)
        ihl = version_ihl[:4]
        total = word(ip_at + IPV4["total_length"].offset, 2)
        f["ip_sane"] = (version_ihl[4:] == 4) & (ihl >= 5) & (total >= (ihl << 2))
        f["protocol"] = word(ip_at + IPV4["protocol"].offset, 1)
        f["src_ip"] = word(ip_at + IPV4["src"].offset, 4)
        f["dst_ip"] = word(ip_at + IPV4["dst"].offset, 4)
        fragment = word(ip_at + IPV4["flags_fragment"].offset, 2)
        f["fragment"] = fragment[13] | (fragment[:13] != 0)      # MF, offset
        tcp_at = Signal(range(128))
        m.d.comb += tcp_at.eq(ip_at + (ihl << 2))
        f["tcp_at"] = tcp_at
        tcp_length = Signal(16)
        m.d.comb += tcp_length.eq(total - (ihl << 2))
        f["tcp_length"] = tcp_length
        doff = word(tcp_at + TCP["data_offset"].offset, 1)[4:]
        f["tcp_sane"] = (tcp_length >= TCP.size) & (doff >= 5) & ((doff << 2) <= tcp_length)
        f["src_port"] = word(tcp_at + TCP["src_port"].offset, 2)
        f["dst_port"] = word(tcp_at + TCP["dst_port"].offset, 2)
        f["seq"] = word(tcp_at + TCP["seq"].offset, 4)
        f["flags"] = word(tcp_at + TCP["flags"].offset, 1)
        payload_at = Signal(range(256))
        m.d.comb += payload_at.eq(tcp_at + (doff << 2))
        f["payload_at"] = payload_at
        end_at = Signal(17)
        m.d.comb += end_at.eq(ip_at + total)
        f["end_at"] = end_at
        length = Signal(16)
        m.d.comb += length.eq(tcp_length - (doff << 2))
        f["payload_length"] = length
        return f
