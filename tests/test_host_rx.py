"""Order-entry receive frames to the host: the gateware's ``HOST_RX`` records in amaranth.sim
(:class:`hdl.host_if.host_rx.HostRxPacker` into :class:`hdl.host_if.events.EventStream`)
and the host's reassembly (:class:`host.host_rx.FrameAssembler`) on them and on records
built by hand.

Frames come from :mod:`sim.response_frames` (whole Ethernet frames of the session), beats
from :func:`sim.beats.frame_beats`; what comes back is compared with those bytes.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from amaranth import Module
from amaranth.lib import wiring
from amaranth.sim import Simulator

from hdl.host_if.events import (
    HEADER,
    HOST_RX_BEATS,
    RECORD_BITS,
    EventKind,
    EventStream,
    body_layouts,
)
from hdl.host_if.host_rx import HostRxPacker, host_rx_body
from host.errors import DataError
from host.events import decode_records, missed
from host.host_rx import FrameAssembler
from sim import response_frames as rf
from sim.beats import frame_beats
from sim.feed_bits import pack_words
from sim.harness_ports import flat_layout
from sim.order_session import Session

RECORD_BYTES = RECORD_BITS // 8


def _frames(count: int, seed: int = 3) -> list[bytes]:
    """Session frames of many lengths (60 bytes padded up to over 1,000)."""
    rng = random.Random(seed)
    stream = rf.ExchangeStream(Session(), seq=100)
    return [stream.segment(b"".join(rf.canceled(rng.randrange(1, 99), 1)
                                    for _ in range(rng.choice((0, 1, 2, 5, 17, 50)))))
            for _ in range(count)]


class _PackedStream(wiring.Component):
    """The packer in front of an event stream that has only the ``HOST_RX`` source."""

    def __init__(self, depth: int):
        self.packer = HostRxPacker(HOST_RX_BEATS)
        self.stream = EventStream({EventKind.HOST_RX: body_layouts()[EventKind.HOST_RX]},
                                  depth)
        super().__init__({"rx": self.packer.signature.members["rx"],
                          **{n: self.stream.signature.members[n]
                             for n in ("now", "c2h", "dropped")}})

    def elaborate(self, platform):
        m = Module()
        m.submodules.packer, m.submodules.stream = self.packer, self.stream
        wiring.connect(m, wiring.flipped(self.rx), self.packer.rx)
        wiring.connect(m, self.packer.records, self.stream.host_rx)
        wiring.connect(m, self.stream.c2h, wiring.flipped(self.c2h))
        m.d.comb += [self.stream.now.eq(self.now), self.dropped.eq(self.stream.dropped)]
        return m


def _run(frames, errors=(), ready=lambda cycle: True, depth=16, gap=1):
    """Every frame's beats (``gap`` idle cycles after each), the bridge ready when
    ``ready(cycle)``; returns the c2h bytes and the dropped counter."""
    beats = []
    for i, frame in enumerate(frames):
        beats += frame_beats(frame, error=i in errors) + [None] * gap
    dut = _PackedStream(depth)
    received = bytearray()
    out = {}

    async def bench(ctx):
        for cycle in range(len(beats) + 200):
            beat = beats[cycle] if cycle < len(beats) else None
            ctx.set(dut.rx.valid, beat is not None)
            if beat is not None:
                for name in ("data", "keep", "first", "last", "error"):
                    ctx.set(getattr(dut.rx.payload, name), getattr(beat, name))
            ctx.set(dut.now, cycle)
            take = cycle >= len(beats) or ready(cycle)
            ctx.set(dut.c2h.ready, take)
            if take and ctx.get(dut.c2h.valid):
                received.extend(ctx.get(dut.c2h.payload.data).to_bytes(RECORD_BYTES, "little"))
            await ctx.tick()
        out["dropped"] = ctx.get(dut.dropped[0])

    sim = Simulator(dut)
    sim.add_clock(1e-8)
    sim.add_testbench(bench)
    sim.run()
    return bytes(received), out["dropped"]


def test_every_beat_of_every_frame_arrives_in_order_five_to_a_record():
    frames = _frames(40)
    raw, dropped = _run(frames, gap=0)                    # back to back
    records = decode_records(raw)[EventKind.HOST_RX]
    assert dropped == 0 and missed(records) == 0
    # records hold the beats of one frame, in order, HOST_RX_BEATS at most: a frame of n
    # beats gives ceil(n / 5) records of 5, 5, ..., and the rest
    expected = []
    for frame in frames:
        beats = frame_beats(frame)
        expected += [beats[at:at + HOST_RX_BEATS] for at in range(0, len(beats),
                                                                  HOST_RX_BEATS)]
    assert list(records["count"]) == [len(chunk) for chunk in expected]
    for r, chunk in enumerate(expected):
        for i, beat in enumerate(chunk):
            got = tuple(int(records[f"beats_{i}_{name}"][r])
                        for name in ("data", "keep", "first", "last", "error"))
            assert got == (beat.data, beat.keep, beat.first, beat.last, beat.error)
        for i in range(len(chunk), HOST_RX_BEATS):
            assert int(records[f"beats_{i}_keep"][r]) == 0          # unused beats are zero
    assembler = FrameAssembler()
    assert [f.data for f in assembler.add(decode_records(raw))] == frames


def test_a_frame_with_the_mac_error_flag_is_passed_on_and_dropped_by_the_host():
    frames = _frames(6, seed=4)
    raw, _ = _run(frames, errors={2})
    assembler = FrameAssembler()
    assert [f.data for f in assembler.add(decode_records(raw))] == frames[:2] + frames[3:]
    assert assembler.mac_errors == 1 and assembler.incomplete == 0


def test_a_full_fifo_drops_records_and_the_host_counts_them_and_their_frames():
    """The bridge stops taking records for a while: the FIFO fills, records are dropped
    (counted on the card, and as ``event_seq`` gaps the next record's ``lost`` names);
    the host returns exactly the frames none of whose records was dropped."""
    frames = _frames(60, seed=5)
    raw, dropped = _run(frames, ready=lambda cycle: not 300 <= cycle < 900, depth=4)
    records = decode_records(raw)[EventKind.HOST_RX]
    assert dropped > 10
    assert missed(records) == dropped == int(records["event_lost"].sum())
    # which frames lost a record: replay the packing of every frame's beats in order
    seq, intact, partly = 0, [], 0
    received = set(int(s) for s in records["event_seq"])
    for frame in frames:
        n = -(-len(frame_beats(frame)) // HOST_RX_BEATS)
        have = [s in received for s in range(seq, seq + n)]
        intact.append(all(have))
        partly += any(have) and not all(have)
        seq += n
    assert not all(intact) and any(intact) and partly
    assembler = FrameAssembler()
    got = assembler.add(decode_records(raw))
    assert [f.data for f in got] == [f for f, ok in zip(frames, intact, strict=True) if ok]
    assert assembler.records_lost == dropped
    # a frame with some records received is dropped as incomplete (the tail of one and
    # the head of the next, with the lost records between, are one broken piece); one
    # with none is never seen
    assert 0 < assembler.incomplete <= partly


# ---------------------------------------------------------------- host, records by hand

def _record(seq: int, beats: list, time: int = 0) -> bytes:
    """A HOST_RX record as the card packs it: ``beats`` of ``(data bytes, first, last,
    error)``."""
    body = {"count": [len(beats)]}
    for i, (chunk, first, last, error) in enumerate(beats):
        body.update({f"beats_{i}_data": [int.from_bytes(chunk.ljust(8, b"\0"), "little")],
                     f"beats_{i}_keep": [(1 << len(chunk)) - 1], f"beats_{i}_first": [first],
                     f"beats_{i}_last": [last], f"beats_{i}_error": [error]})
    header = pack_words({"kind": [int(EventKind.HOST_RX)], "seq": [seq], "time": [time]},
                        HEADER, 1)
    words = pack_words(body, flat_layout(host_rx_body(HOST_RX_BEATS)), 1)
    return (header.astype("<u4").tobytes() + words.astype("<u4").tobytes()).ljust(
        RECORD_BYTES, b"\0")


def _split(frame: bytes, error=False):
    """A frame's beats as ``_record`` takes them."""
    chunks = [frame[at:at + 8] for at in range(0, len(frame), 8)]
    return [(c, i == 0, i == len(chunks) - 1, error and i == len(chunks) - 1)
            for i, c in enumerate(chunks)]


def test_frames_are_joined_across_reads_and_damaged_ones_dropped():
    a, b, c, d = bytes(range(60)), bytes(range(100, 171)), bytes(range(3, 64)), bytes(13)
    ba, bb, bc, bd = _split(a), _split(b), _split(c), _split(d)
    assert len(ba) == 8 and len(bb) == 9
    assembler = FrameAssembler()
    # a: in two records, the second one in the next read
    assert assembler.add(decode_records(_record(0, ba[:5], 7))) == []
    got = assembler.add(decode_records(_record(1, ba[5:], 9)))
    assert [(f.data, f.time) for f in got] == [(a, 9)]
    # b: its second record (seq 3) lost; c: begins after a gap, intact
    raw = _record(2, bb[:5]) + _record(4, bc[:5]) + _record(5, bc[5:])
    assert [f.data for f in assembler.add(decode_records(raw))] == [c]
    assert assembler.records_lost == 1 and assembler.incomplete == 1
    # d: its last record never comes and the next frame starts: d is dropped
    raw = _record(6, bd[:1]) + _record(7, ba[:5]) + _record(8, ba[5:])
    assert [f.data for f in assembler.add(decode_records(raw))] == [a]
    assert assembler.incomplete == 2
    # beats that belong to no frame, then a frame with the MAC error flag
    raw = _record(9, bb[5:]) + _record(10, _split(c, error=True)[:5]) + \
        _record(11, _split(c, error=True)[5:])
    assert assembler.add(decode_records(raw)) == []
    assert (assembler.incomplete, assembler.mac_errors, assembler.frames) == (3, 1, 3)


def test_a_record_with_an_impossible_beat_count_is_an_error():
    raw = bytearray(_record(0, _split(bytes(20))))
    words = np.frombuffer(bytes(raw), "<u4").copy()
    words[HEADER.size // 32] |= 0b111                        # count = 7 > 5
    with pytest.raises(DataError, match="7 beats"):
        FrameAssembler().add(decode_records(words.tobytes()))
