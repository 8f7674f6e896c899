"""Stages B and C of :class:`~hdl.feed.mold_itch.MoldItch`: sessions, sequence numbers, verdicts.

Per channel it keeps ``expected`` (E, 0 = not yet known), the learned session and the
``ended`` bit. A frame never writes them while it streams in: its header is judged against
them into a per-frame context (session match, gap, how many leading messages are
duplicates), its messages advance the context, and only a frame that ends good writes the
context back (stage C). Withdrawing a frame is therefore just not writing it back, and the
next frame of the channel sees the committed state (:mod:`hdl.feed.mold_itch` says how far
apart frames must be for that).

Stage B, the cycle after the framer's pulses:

- ``header_done``: session check (configured, or learned: the first accepted packet's
  session is taken); with S the packet's sequence number: E = 0 -> E = S; S > E -> a gap
  (E, S - E), E = S; S <= E -> the first E - S messages are duplicates. The header is
  complete, and ``channel`` is the frame's, a cycle before ``header_done`` (a header never
  completes on a frame's first beat): S is compared with every channel's E then, into
  registers, and ``header_done`` only selects the frame's channel.
- ``done``: message ``i`` (sequence S + i) is a duplicate if ``S + i < E``; otherwise it
  is delivered (known type: ``deliver`` is high this cycle) or skipped (unknown type).
  Either way it consumes its sequence number. Duplicates lead the packet, so whether the
  next message is one is a register: a count of E - (S + i) down from E - S says when
  they end (a zero test, no comparison).
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

from amaranth import Cat, Module, Mux, Signal
from amaranth.lib import stream, wiring
from amaranth.lib.wiring import In, Out

from hdl.feed.layouts import CHANNEL_BITS, FRAME_END_LAYOUT, GAP_LAYOUT
from hdl.feed.mold_channels import ChannelTable
from hdl.feed.mold_regs import COUNTER_NAMES, mold_block, type_counter_name
from hdl.host_if.csr_bank import block_signature
from hdl.mapping import below
from proto import moldudp64
from proto.itch import MESSAGES

__all__ = ["MoldSequencer"]

_HEADER = moldudp64.HEADER
_SESSION, _SEQUENCE, _COUNT = _HEADER["session"], _HEADER["sequence"], _HEADER["count"]
#: Gap counts saturate at 32 bits.
_SATURATED = (1 << 32) - 1


def _field(header, field, big_endian=True):
    octets = [header.word_select(field.offset + k, 8) for k in range(field.size)]
    return Cat(*reversed(octets)) if big_endian else Cat(*octets)


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

    def elaborate(self, platform):
        m = Module()
        n_ch = self.channels
        table = ChannelTable(m, self.regs, n_ch)

        # Per-frame context.
        ch, ok, mismatch, learn_new = Signal(CHANNEL_BITS), Signal(), Signal(), Signal()
        session = Signal(8 * _SESSION.size)
        seq, base_expected, base_known = Signal(64), Signal(64), Signal()
        left = Signal(64)        # E - (the next message's sequence), while it is a duplicate
        duplicate, advanced = Signal(), Signal()     # the next message is one; one was not
        gap_pending, gap_first = Signal(), Signal(64)
        ahead_hi, ahead_lo, ahead_borrow = Signal(32), Signal(32), Signal()   # S - E
        heartbeat, end_of_session, emitted, stale = Signal(), Signal(), Signal(), Signal()

        # Stage B, header: judge it against the channel's committed state, compared a cycle
        # ahead for every channel.
        head_session = _field(self.header, _SESSION, big_endian=False)
        head_seq = _field(self.header, _SEQUENCE)
        head_count = _field(self.header, _COUNT)
        # Per channel, registered: S > E (a gap), S < E (duplicates), the session matches
        # (or the channel learns one). The frame's channel, one-hot in a register, selects.
        jumps, behinds, matches = [], [], []
        # The session bytes are complete a beat before the header's last, so a copy of
        # them registered then (next to the per-channel compares) is in time.
        session_copy = Signal.like(head_session, name="session_copy")
        m.d.sync += session_copy.eq(head_session)
        session_match = table.session_matches(session_copy)
        learnings = [table.learn_mode[n] & ~table.learned[n] for n in range(n_ch)]
        for n in range(n_ch):
            jump_n, behind_n, match_n = (Signal(name=f"jump{n}"), Signal(name=f"behind{n}"),
                                         Signal(name=f"match{n}"))
            m.d.sync += [jump_n.eq(table.known[n] & below(table.expected[n], head_seq)),
                         behind_n.eq(table.known[n] & below(head_seq, table.expected[n]))]
            m.d.comb += match_n.eq(session_match[n] | learnings[n])
            jumps.append(jump_n)
            behinds.append(behind_n)
            matches.append(match_n)
        e_now, known = Signal(64), Signal()
        channel_at = Signal(n_ch)       # one-hot; none for a channel beyond `channels`
        s_nonzero = Signal()
        m.d.sync += [
            e_now.eq(table.expected[self.channel]), known.eq(table.known[self.channel]),
            channel_at.eq(Cat(self.channel == n for n in range(n_ch))),
            s_nonzero.eq(head_seq != 0),
        ]

        def selected(flags):
            return (Cat(*flags) & channel_at).any()

        # A channel number beyond `channels` (a host configuration error) has no state:
        # its frames are ignored rather than aliasing another channel.
        in_range = channel_at.any()
        match, learning = Signal(), Signal()
        jump = Signal()      # S > E: a gap (E, S - E), E = S
        behind = Signal()    # E > S: the first E - S messages are duplicates
        m.d.comb += [match.eq(selected(matches)), learning.eq(selected(learnings)),
                     jump.eq(selected(jumps)), behind.eq(selected(behinds))]
        fresh = ~known | jump
        host_hit = Signal()
        m.d.comb += host_hit.eq(table.host_command(Mux(self.header_done, self.channel, ch)))
        closing, good = Signal(), Signal()
        m.d.sync += [closing.eq(self.end), good.eq(self.end_good)]
        with m.If(closing):
            m.d.sync += [ok.eq(0), mismatch.eq(0), emitted.eq(0), gap_pending.eq(0)]
        # A header after a closing frame's stage C would win (statements later win).
        with m.If(self.header_done):
            m.d.sync += [
                ch.eq(self.channel), ok.eq(match), mismatch.eq(~match & in_range),
                learn_new.eq(learning), session.eq(head_session), seq.eq(head_seq),
                base_expected.eq(Mux(fresh, head_seq, e_now)),
                base_known.eq(~fresh | s_nonzero),
                left.eq(e_now - head_seq), duplicate.eq(behind), advanced.eq(0),
                gap_pending.eq(match & jump), gap_first.eq(e_now),
                # S - E in halves; its saturation is worked out at the frame's end.
                ahead_hi.eq(head_seq[32:] - e_now[32:]), ahead_lo.eq(head_seq[:32] - e_now[:32]),
                ahead_borrow.eq(below(head_seq[:32], e_now[:32])),
                heartbeat.eq(head_count == moldudp64.HEARTBEAT_COUNT),
                end_of_session.eq(head_count == moldudp64.END_OF_SESSION_COUNT),
                emitted.eq(0), stale.eq(host_hit),
            ]
        with m.Elif(host_hit):
            m.d.sync += stale.eq(1)

        # Stage B, messages.
        judged = self.done & ok
        m.d.comb += [self.deliver.eq(judged & ~duplicate & self.done_known),
                     self.sequence.eq(seq)]
        with m.If(judged):
            m.d.sync += [seq.eq(seq + 1), left.eq(left - 1),
                         duplicate.eq(duplicate & (left[1:] != 0)),
                         advanced.eq(advanced | ~duplicate)]
        with m.If(self.deliver):
            m.d.sync += emitted.eq(1)
        # A bad block counts for a frame whose session matched. With its header (block 0
        # can be bad in the header's beat) the match is only in `ok` the cycle after, so
        # both cases count two cycles later; `ok` lasts the cycle after the frame's end.
        bad_later, bad_header, bad_counted = Signal(), Signal(), Signal()
        m.d.sync += [bad_later.eq(self.bad & ~self.header_done & ok),
                     bad_header.eq(self.bad & self.header_done),
                     bad_counted.eq(bad_later | (bad_header & ok))]
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

        # Stage C: the frame's verdict, the cycle after its last beat's stage B. S - E is
        # 2**32 or more when its high half, less the low half's borrow, is not 0.
        commit = closing & good & ok
        gap_count = Mux(below(ahead_borrow, ahead_hi), _SATURATED, ahead_lo)
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
            bump["gaps"].eq(gap_out_valid),
            bump["withdrawn_frames"].eq(closing & emitted & ~good),
        ]
        table.commit(commit & ~stale, ch, Mux(advanced, seq, base_expected),
                     Mux(advanced, seq != 0, base_known), learn_new, session, end_of_session)

        # Counters move a cycle after their event (the event is registered first), so that
        # the judgement logic does not also drive 32 enables; the gap counters count gap
        # reports.
        gap_step = Signal(32)
        m.d.sync += gap_step.eq(gap_out.count)
        for name, count in counts.items():
            fire = Signal(name=f"fire_{name}")
            m.d.sync += fire.eq(bump["gaps"] if name == "gap_messages" else bump[name])
            with m.If(fire):
                m.d.sync += count.eq(count + (gap_step if name == "gap_messages" else 1))
            m.d.comb += getattr(self.regs, name).eq(count)
        # Host commands win over a commit in the same cycle (they come later here).
        table.finish()
        return m
