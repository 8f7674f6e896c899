"""Stages B and C of :class:`~hdl.feed.mold_itch.MoldItch`: sessions, sequence numbers, verdicts.

Per channel it keeps ``expected`` (E, 0 = not yet known), the learned session and the
``ended`` bit. A frame never writes them while it streams in: its header is judged against
them into a per-frame context (session match, gap, how many leading messages are
duplicates), its messages advance the context, and only a frame that ends good writes the
context back (stage C). Withdrawing a frame is therefore just not writing it back, and the
next frame of the channel sees the committed state (:mod:`hdl.feed.mold_itch` says how far
apart frames must be for that).

Stage B, the cycle after the framer's pulses (the channel's state is selected the cycle
before, so the 64-bit comparisons start from registers):

- ``header_done``: session check (configured, or learned: the first accepted packet's
  session is taken); with S the packet's sequence number: E = 0 -> E = S; S > E -> a gap
  (E, S - E), E = S; S <= E -> the first E - S messages are duplicates.
- ``done``: message ``i`` (sequence S + i) is a duplicate if ``i < E - S``; otherwise it is
  delivered (known type: ``deliver`` is high this cycle) or skipped (unknown type). Either
  way it consumes its sequence number.
- ``bad``: counted; the framer has stopped the packet.

Stage C, the cycle after the framer's ``end``: commit or forget the context; ``frame_end``
is valid the cycle after (so after the frame's last event), a gap report the cycle after
that (so after its ``frame_end``).

Counting follows :mod:`sim.feed_model`: per-message counters as messages are judged
(withdrawn frames included); heartbeats, end of session, session drops and gaps only for
frames that end good; ``withdrawn_frames`` per ``frame_end`` with ``commit = 0``.

A host ``set_expected`` or ``reset`` of the channel a frame is working on wins: that frame
no longer writes the channel's state back.
"""

from __future__ import annotations

from amaranth import Array, Cat, Const, Module, Mux, Signal, signed
from amaranth.lib import stream, wiring
from amaranth.lib.wiring import In, Out

from hdl.feed.layouts import CHANNEL_BITS, FRAME_END_LAYOUT, GAP_LAYOUT
from hdl.feed.mold_regs import (
    COUNTER_NAMES,
    SESSION_WORDS,
    channel_register,
    mold_block,
    type_counter_name,
)
from hdl.host_if.csr_bank import block_signature
from proto import moldudp64
from proto.itch import MESSAGES

__all__ = ["MoldSequencer"]

_HEADER = moldudp64.HEADER
_SESSION, _SEQUENCE, _COUNT = _HEADER["session"], _HEADER["sequence"], _HEADER["count"]
_GAP_MAX = (1 << 32) - 1
#: Duplicates are counted in messages of one packet: at most 0xFFFE, so 17 bits saturate.
_SKIP_BITS = 17


def _field(header, field, big_endian=True):
    octets = [header.word_select(field.offset + k, 8) for k in range(field.size)]
    return Cat(*reversed(octets)) if big_endian else Cat(*octets)


def _saturate(value, bits):
    return Mux(value[bits:].any(), Const((1 << bits) - 1, bits), value[:bits])


class MoldSequencer(wiring.Component):
    """Session and sequence logic (see the module docstring).

    Parameters
    ----------
    channels : int
        MoldUDP64 channels (1..8).

    Interface attributes
    --------------------
    header, header_done, done, done_type, done_known, bad, end, end_good, channel : In
        From :class:`~hdl.feed.mold_framer.MoldFramer`.
    deliver : Out(1)
        Combinational: this cycle's ``done`` message is delivered as an event.
    sequence : Out(64)
        Combinational: the sequence number of this cycle's ``done`` message.
    frame_end : Out(stream.Signature(FRAME_END_LAYOUT, always_ready=True))
    gaps : Out(stream.Signature(GAP_LAYOUT, always_ready=True))
    regs : In(block_signature(mold_block(channels)))
    """

    def __init__(self, channels: int = 4):
        self.channels = channels
        super().__init__({
            "header": In(8 * _HEADER.size), "header_done": In(1),
            "done": In(1), "done_type": In(8), "done_known": In(1),
            "bad": In(1), "end": In(1), "end_good": In(1), "channel": In(CHANNEL_BITS),
            "deliver": Out(1), "sequence": Out(64),
            "frame_end": Out(stream.Signature(FRAME_END_LAYOUT, always_ready=True)),
            "gaps": Out(stream.Signature(GAP_LAYOUT, always_ready=True)),
            "regs": In(block_signature(mold_block(channels))),
        })

    def _reg(self, n, name):
        return getattr(self.regs, channel_register(n, name))

    def elaborate(self, platform):
        m = Module()
        n_ch = self.channels
        session_bits = 8 * _SESSION.size
        expected = Array(Signal(64, name=f"expected{n}") for n in range(n_ch))
        learned = Array(Signal(name=f"learned{n}") for n in range(n_ch))
        learned_session = Array(Signal(session_bits, name=f"learned_session{n}")
                                for n in range(n_ch))
        ended = Array(Signal(name=f"ended{n}") for n in range(n_ch))
        configured, learn_mode = [], []
        for n in range(n_ch):
            words = [self._reg(n, f"session_{w}") for w in range(SESSION_WORDS)]
            # Register word w holds session bytes 4w..4w+3, byte 4w in bits 31..24.
            octets = [words[k // 4][24 - 8 * (k % 4):32 - 8 * (k % 4)]
                      for k in range(_SESSION.size)]
            configured.append(Cat(*octets))
            # Registered: the 80-bit comparisons stay off the per-frame channel selection
            # (a new session setting takes effect a cycle after the host writes it).
            learn = Signal(name=f"learn_mode{n}", init=1)   # reset sessions are zero
            m.d.sync += learn.eq((Cat(*octets) == 0) |
                                 (Cat(*octets) == int.from_bytes(b" " * _SESSION.size, "little")))
            learn_mode.append(learn)
        configured, learn_mode = Array(configured), Array(learn_mode)

        # Per-frame context.
        ch, ok, mismatch, learn_new = Signal(CHANNEL_BITS), Signal(), Signal(), Signal()
        session = Signal(session_bits)
        seq, base_expected = Signal(64), Signal(64)
        skip, done_count = Signal(_SKIP_BITS), Signal(_SKIP_BITS)
        gap_pending, gap_first, gap_count = Signal(), Signal(64), Signal(32)
        heartbeat, end_of_session, emitted, stale = Signal(), Signal(), Signal(), Signal()

        # Stage B, header: judge it against the channel's committed state.
        head_session = _field(self.header, _SESSION, big_endian=False)
        head_seq = _field(self.header, _SEQUENCE)
        head_count = _field(self.header, _COUNT)
        # The channel's state is selected a cycle ahead (from the previous beat of the same
        # frame: a header never completes on a frame's first beat), so that the 64-bit
        # comparisons below start from registers.
        e_now, unknown, learning, match = Signal(64), Signal(), Signal(), Signal()
        wanted = Signal(session_bits)
        m.d.sync += [
            e_now.eq(expected[self.channel]),
            unknown.eq(expected[self.channel] == 0),
            learning.eq(learn_mode[self.channel] & ~learned[self.channel]),
            wanted.eq(Mux(learn_mode[self.channel], learned_session[self.channel],
                          configured[self.channel])),
        ]
        m.d.comb += [
            # A channel number beyond `channels` (a host configuration error) has no state:
            # its frames are ignored rather than aliasing another channel.
            match.eq((learning | (head_session == wanted)) & (self.channel < n_ch)),
        ]
        # Saturation as comparisons with bounds worked out from the header alone (it is
        # complete a cycle before `header_done`): no OR of a difference's upper bits after
        # its carry chain. E - S saturates skip when E >= S + 2**17, S - E saturates the gap
        # count when S - 2**32 >= E.
        skip_bound, gap_bound = Signal(65), Signal(signed(66))
        m.d.sync += [skip_bound.eq(head_seq + (1 << _SKIP_BITS)),
                     gap_bound.eq(head_seq - (1 << 32))]
        e_wide = Cat(e_now, Const(0, 2)).as_signed()
        skip_full = Signal(name="skip_full")
        gap_full = Signal(name="gap_full")
        behind_low, ahead_low = Signal(_SKIP_BITS), Signal(32)
        m.d.comb += [
            skip_full.eq(e_now >= skip_bound), gap_full.eq(gap_bound >= e_wide),
            behind_low.eq(e_now[:_SKIP_BITS] - head_seq[:_SKIP_BITS]),
            ahead_low.eq(head_seq[:32] - e_now[:32]),
        ]
        jump = ~unknown & (head_seq > e_now)
        ok_now = Mux(self.header_done, match, ok)
        host_hit = Signal()
        m.d.comb += host_hit.eq(Array(self._reg(n, "control").as_value().any()
                                      for n in range(n_ch))[Mux(self.header_done,
                                                                self.channel, ch)])
        closing, good = Signal(), Signal()
        m.d.sync += [closing.eq(self.end), good.eq(self.end_good)]
        with m.If(closing):
            m.d.sync += [ok.eq(0), mismatch.eq(0), emitted.eq(0), gap_pending.eq(0)]
        # A header after a closing frame's stage C would win (statements later win).
        with m.If(self.header_done):
            m.d.sync += [
                ch.eq(self.channel), ok.eq(match), mismatch.eq(~match & (self.channel < n_ch)),
                learn_new.eq(learning), session.eq(head_session),
                seq.eq(head_seq), done_count.eq(0),
                base_expected.eq(Mux(unknown | jump, head_seq, e_now)),
                skip.eq(Mux(unknown | jump, 0,
                            Mux(skip_full, (1 << _SKIP_BITS) - 1, behind_low))),
                gap_pending.eq(match & jump), gap_first.eq(e_now),
                gap_count.eq(Mux(gap_full, _GAP_MAX, ahead_low)),
                heartbeat.eq(head_count == moldudp64.HEARTBEAT_COUNT),
                end_of_session.eq(head_count == moldudp64.END_OF_SESSION_COUNT),
                emitted.eq(0), stale.eq(host_hit),
            ]
        with m.Elif(host_hit):
            m.d.sync += stale.eq(1)

        # Stage B, messages.
        judged = self.done & ok
        duplicate = done_count < skip
        m.d.comb += [self.deliver.eq(judged & ~duplicate & self.done_known),
                     self.sequence.eq(seq)]
        with m.If(judged):
            m.d.sync += [seq.eq(seq + 1), done_count.eq(done_count + 1)]
        with m.If(self.deliver):
            m.d.sync += emitted.eq(1)
        # `ok_now` waits for the 80-bit session comparison: counted a cycle later, so that
        # the comparison does not also drive a counter's 32 enables.
        bad_counted = Signal()
        m.d.sync += bad_counted.eq(self.bad & ok_now)
        counts = {name: Signal(32, name=f"count_{name}") for name in COUNTER_NAMES}
        counts.update({type_counter_name(code): Signal(32, name=f"count_{code}_{ord(code)}")
                       for code in MESSAGES})
        bump = {name: Signal(name=f"bump_{name}") for name in counts}
        m.d.comb += [
            bump["messages"].eq(self.deliver),
            bump["duplicates"].eq(judged & duplicate),
            bump["unknown_type"].eq(judged & ~duplicate & ~self.done_known),
            bump["bad_length"].eq(bad_counted),
        ]
        for code in MESSAGES:
            m.d.comb += bump[type_counter_name(code)].eq(self.deliver &
                                                          (self.done_type == ord(code)))

        # Stage C: the frame's verdict, the cycle after its last beat's stage B.
        commit = closing & good & ok
        gap_out = Signal(GAP_LAYOUT)
        gap_out_valid = Signal()
        m.d.sync += [self.frame_end.valid.eq(closing & emitted),
                     self.frame_end.p.commit.eq(good),
                     gap_out_valid.eq(commit & gap_pending),
                     gap_out.channel.eq(ch), gap_out.first.eq(gap_first),
                     gap_out.count.eq(gap_count),
                     self.gaps.valid.eq(gap_out_valid), self.gaps.p.eq(gap_out)]
        m.d.comb += [
            bump["heartbeats"].eq(commit & heartbeat),
            bump["end_of_session"].eq(commit & end_of_session),
            bump["session"].eq(closing & good & mismatch),
            bump["gaps"].eq(commit & gap_pending),
            bump["withdrawn_frames"].eq(closing & emitted & ~good),
        ]
        with m.If(commit & ~stale):
            m.d.sync += expected[ch].eq(Mux(done_count > skip, seq, base_expected))
            with m.If(learn_new):
                m.d.sync += [learned[ch].eq(1), learned_session[ch].eq(session)]
            with m.If(end_of_session):
                m.d.sync += ended[ch].eq(1)

        for name, count in counts.items():
            step = gap_count if name == "gap_messages" else 1
            fire = bump["gaps"] if name == "gap_messages" else bump[name]
            with m.If(fire):
                m.d.sync += count.eq(count + step)
            m.d.comb += getattr(self.regs, name).eq(count)

        # Host commands win over a commit in the same cycle (they come later here).
        for n in range(n_ch):
            control = self._reg(n, "control")
            with m.If(control.set_expected):
                m.d.sync += expected[n].eq(Cat(self._reg(n, "start_lo"),
                                               self._reg(n, "start_hi")))
            with m.If(control.reset):
                m.d.sync += [expected[n].eq(0), learned[n].eq(0), learned_session[n].eq(0),
                             ended[n].eq(0)]
            current = Mux(learn_mode[n], learned_session[n], configured[n])
            for w in range(SESSION_WORDS):
                octets = [current.word_select(k, 8) if k < _SESSION.size else Const(0, 8)
                          for k in range(4 * w, 4 * w + 4)]
                m.d.comb += self._reg(n, f"current_{w}").eq(Cat(*reversed(octets)))
            m.d.comb += [
                self._reg(n, "expected_lo").eq(expected[n][:32]),
                self._reg(n, "expected_hi").eq(expected[n][32:]),
                self._reg(n, "status").ended.eq(ended[n]),
                self._reg(n, "status").session_learned.eq(learned[n]),
            ]
        return m
