"""``MoldItch``: MoldUDP64 sequencing and ITCH 5.0 decode of the feed handler's payload beats.

Stages, each in a module of its own:

- A1/A2, :class:`~hdl.feed.mold_framer.MoldFramer` (the cycle of the payload beat and the
  next): MoldUDP64 header, block lengths and type checks, message bytes rotated into one
  of two message buffers;
- B, :class:`~hdl.feed.mold_sequencer.MoldSequencer` plus
  :func:`~hdl.feed.itch_fields.extract_event_fields` (the cycle after): session and
  sequence judgement, duplicate suppression, the event's columns from the complete buffer,
  all registered into ``events``;
- C (the cycle after a frame's last beat reaches B): commit or withdraw, ``frame_end``,
  gap reports.

Latency: the event of a message whose last byte is on ``payload`` in cycle ``t`` is valid
on ``events`` in cycle ``t + LATENCY`` (exactly). A frame's ``frame_end`` is valid 4 cycles
after its last beat (after its last event), a gap report 5 cycles after (after the
``frame_end``). The next frame's MoldUDP64 header must not end earlier than 3 cycles after
the previous frame's last beat (its channel state is read then); the frame parser
guarantees more (the next frame's Ethernet, IPv4 and UDP headers take at least 5 beats at
64 bits), and payload beats back to back with no idle cycle also meet it.

What is judged when (block lengths, duplicates, gaps, counters) is spelled out in
:mod:`hdl.feed.mold_framer` and :mod:`hdl.feed.mold_sequencer`; the reference model that
the gateware must match message for message is :mod:`sim.feed_model`.
"""

from __future__ import annotations

from amaranth import Module, Mux, Signal
from amaranth.lib import stream, wiring
from amaranth.lib.wiring import In, Out

from hdl.feed.itch_fields import (
    extract_event_fields,
    select_sources,
    source_overflows,
    wide_sources,
)
from hdl.feed.layouts import EVENT_LAYOUT, FRAME_END_LAYOUT, GAP_LAYOUT, payload_beat_layout
from hdl.feed.mold_framer import SUPPORTED_WIDTHS, MoldFramer
from hdl.feed.mold_regs import mold_block
from hdl.feed.mold_sequencer import MoldSequencer
from hdl.host_if.csr_bank import block_signature

__all__ = ["MoldItch"]


class MoldItch(wiring.Component):
    """MoldUDP64 + ITCH 5.0 stage of the feed handler.

    Parameters
    ----------
    width : int
        Payload beat width in bits: 64 (or 32). Wider raises ``ValueError``: the design
        relies on at most one message block ending per beat, true while a beat holds fewer
        than 14 bytes (the smallest good block).
    channels : int
        MoldUDP64 channels with their own session and sequence state (1..8).

    Attributes
    ----------
    LATENCY : int
        Cycles from the payload beat holding a message's last byte to its event.

    Interface attributes
    --------------------
    payload : In(stream.Signature(payload_beat_layout(width), always_ready=True))
        From the frame parser.
    events : Out(stream.Signature(EVENT_LAYOUT, always_ready=True))
        One per delivered message, speculative until ``frame_end``.
    frame_end : Out(stream.Signature(FRAME_END_LAYOUT, always_ready=True))
        After the last event of every frame that emitted one: commit (1) or withdraw (0).
    gaps : Out(stream.Signature(GAP_LAYOUT, always_ready=True))
        Missing sequence numbers revealed by committed frames.
    regs : In(block_signature(mold_block(channels)))
        From the CSR bank's ``mold`` port (see :mod:`hdl.feed.mold_regs`).
    """

    LATENCY = 3

    def __init__(self, width: int = 64, channels: int = 4):
        if width > max(SUPPORTED_WIDTHS):
            self._MustUse__silence = True  # refused, never elaborated: no warning
            raise ValueError(f"payload width {width} > 64: two message blocks could end in "
                             "one beat, which MoldItch does not handle")
        self.width = width
        self.channels = channels
        self.framer = MoldFramer(width)
        self.sequencer = MoldSequencer(channels)
        self.block = mold_block(channels)
        super().__init__({
            "payload": In(stream.Signature(payload_beat_layout(width), always_ready=True)),
            "events": Out(stream.Signature(EVENT_LAYOUT, always_ready=True)),
            "frame_end": Out(stream.Signature(FRAME_END_LAYOUT, always_ready=True)),
            "gaps": Out(stream.Signature(GAP_LAYOUT, always_ready=True)),
            "regs": In(block_signature(self.block)),
        })

    def elaborate(self, platform):
        m = Module()
        m.submodules.framer = framer = self.framer
        m.submodules.sequencer = sequencer = self.sequencer
        wiring.connect(m, wiring.flipped(self.payload), framer.payload)
        wiring.connect(m, wiring.flipped(self.regs), sequencer.regs)
        wiring.connect(m, sequencer.frame_end, wiring.flipped(self.frame_end))
        wiring.connect(m, sequencer.gaps, wiring.flipped(self.gaps))
        m.d.comb += [getattr(sequencer, name).eq(getattr(framer, name))
                     for name in ("header", "header_done", "done", "done_type", "done_known",
                                  "bad", "end", "end_good", "channel")]

        # Which bytes each column takes, decoded from each buffer's type byte ahead of the
        # message's `done` (the type byte is checked at least a cycle before the message
        # completes), and whether a wide source overflows (its bytes are in a beat before
        # the message's last): registers, so that the event's columns are an AND-OR of
        # buffer bits.
        selects, overflows = [], []
        for s, (buffer, type_code) in enumerate(((framer.buffer0, framer.type0),
                                                  (framer.buffer1, framer.type1))):
            decoded = select_sources(m, type_code, f"select{s}")
            registered = {}
            for column, value in decoded.items():
                registered[column] = Signal.like(value, name=f"select{s}_{column}_r")
                m.d.sync += registered[column].eq(value)
            selects.append(registered)
            flags = {}
            for column, index, field in wide_sources():
                flags[(column, index)] = Signal(name=f"overflow{s}_{column}{index}")
                m.d.sync += flags[(column, index)].eq(source_overflows(buffer, column, field))
            overflows.append(flags)
        one = framer.done_slot
        message = Mux(one, framer.buffer1, framer.buffer0)
        columns = extract_event_fields(
            m, message, framer.done_type,
            {column: Mux(one, selects[1][column], selects[0][column]) for column in selects[0]},
            {key: Mux(one, overflows[1][key], overflows[0][key]) for key in overflows[0]})
        event = self.events.p
        m.d.sync += [getattr(event, name).eq(value) for name, value in columns.items()]
        m.d.sync += [
            self.events.valid.eq(sequencer.deliver),
            event.feed.eq(framer.feed),
            event.channel.eq(framer.channel),
            event.sequence.eq(sequencer.sequence),
        ]
        return m
