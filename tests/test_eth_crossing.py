"""The MAC's clock-domain crossings in amaranth.sim, with unrelated clocks on each side.

- ``RxCrossing``: bytes at 125 MHz to 64-bit beats; frames rebuilt from the beats must equal
  the frames sent, ``keep`` short only on the last beat; with a core too slow for the line,
  frames are cut or dropped (never merged) and each one counts one overflow.
- ``TxCrossing`` + ``MacTx``: store-and-forward never underruns with a slow core;
  cut-through does (which is why the mode exists) and is clean with a fast core.
- ``EventCrossing``: every pulse counted once, whatever the clock ratio.
"""

from __future__ import annotations

import random

import pytest
from amaranth import Module
from amaranth.lib import wiring
from eth_sim_helpers import padded, parse_wire, run
from test_eth_mac_tx import beats_of

from hdl.eth.event_crossing import EventCrossing
from hdl.eth.layouts import LANES, RX_DOMAIN, TX_DOMAIN
from hdl.eth.mac_tx import MacTx
from hdl.eth.rx_crossing import RxCrossing
from hdl.eth.tx_crossing import TxCrossing

LINE = 8e-9


def frames_for(count: int, seed: int):
    rng = random.Random(seed)
    out = []
    for index in range(count):
        n = rng.choice([1, 7, 8, 9, 16, 60, 61, 64, 65, 150, 333])
        out.append((bytes([index]) + bytes(rng.randrange(256) for _ in range(n - 1)),
                    rng.random() < 0.3))
    return out


def cross_rx(frames, core_period: float, depth: int = 16):
    """Frames ``(bytes, error)`` through an RxCrossing; returns the beats and the
    overflow pulse count."""
    dut = RxCrossing(depth)
    beats, overflows, done = [], [0], [False]

    async def writer(ctx):
        for data, error in frames:
            for byte in data:
                ctx.set(dut.bytes.valid, 1)
                ctx.set(dut.bytes.payload, byte)
                await ctx.tick(RX_DOMAIN)
                overflows[0] += ctx.get(dut.overflow)
            ctx.set(dut.bytes.valid, 0)
            await ctx.tick(RX_DOMAIN)               # RX_DV falls, MacRx's end follows
            overflows[0] += ctx.get(dut.overflow)
            ctx.set(dut.end.valid, 1)
            ctx.set(dut.end.payload.error, error)
            await ctx.tick(RX_DOMAIN)
            overflows[0] += ctx.get(dut.overflow)
            ctx.set(dut.end.valid, 0)
            for _ in range(18):                     # gap and the next preamble
                await ctx.tick(RX_DOMAIN)
                overflows[0] += ctx.get(dut.overflow)
        for _ in range(int(64 * depth * core_period / LINE) + 64):
            await ctx.tick(RX_DOMAIN)
        done[0] = True

    async def reader(ctx):
        while not done[0]:
            await ctx.tick()
            if ctx.get(dut.rx.valid):
                beats.append(ctx.get(dut.rx.payload))

    run(dut, {RX_DOMAIN: LINE, "sync": core_period}, writer, reader, until=writer)
    return beats, overflows[0]


def rebuild(beats):
    """Frames from beats: ``[(bytes, error)]``, checking the beat rules on the way."""
    frames, current, expect_first = [], bytearray(), True
    for beat in beats:
        assert beat.first == expect_first
        keep = beat.keep
        assert keep and keep & (keep + 1) == 0, "keep must be ones from lane 0"
        assert beat.last or keep == 0xFF, "only the last beat may be partial"
        current += beat.data.to_bytes(LANES, "little")[:keep.bit_length()]
        expect_first = bool(beat.last)
        if beat.last:
            frames.append((bytes(current), bool(beat.error)))
            current = bytearray()
    assert not current, "a frame without its last beat"
    return frames


@pytest.mark.parametrize("core_period", [6.4e-9, 16e-9, 60e-9])
def test_beats_rebuild_every_frame_at_core_clocks_that_keep_up(core_period):
    frames = frames_for(40, 1)
    beats, overflows = cross_rx(frames, core_period)
    assert rebuild(beats) == frames and overflows == 0


def test_a_core_too_slow_for_the_line_gets_cut_or_dropped_frames_never_merged():
    frames = frames_for(60, 2)
    beats, overflows = cross_rx(frames, core_period=200e-9, depth=4)
    got = rebuild(beats)
    intact = 0
    for data, error in got:
        sent_data, sent_error = frames[data[0]]        # byte 0 is the frame's index
        if (data, error) == (sent_data, sent_error):
            intact += 1
        else:
            assert error and sent_data.startswith(data)
    indices = [data[0] for data, _ in got]
    assert indices == sorted(set(indices)), "frames out of order or repeated"
    assert 0 < intact < len(frames)
    assert overflows == len(frames) - intact


class _TxPath(wiring.Component):
    def __init__(self, store_and_forward: bool):
        self.crossing = TxCrossing(65, store_and_forward)
        self.mac = MacTx()
        super().__init__({"tx": self.crossing.signature.members["tx"],
                          **{k: v for k, v in self.mac.signature.members.items()
                             if k != "beats"}})

    def elaborate(self, platform):
        m = Module()
        m.submodules.crossing, m.submodules.mac = self.crossing, self.mac
        wiring.connect(m, wiring.flipped(self.tx), self.crossing.tx)
        wiring.connect(m, self.crossing.beats, self.mac.beats)
        for name in ("gmii", "sent", "aborted", "underrun"):
            m.d.comb += getattr(self, name).eq(getattr(self.mac, name))
        return m


def send_tx(frames, core_period: float, store_and_forward: bool):
    dut = _TxPath(store_and_forward)
    times, pulses, done = [], {"sent": 0, "aborted": 0, "underrun": 0}, [False]

    async def writer(ctx):
        for beat in [b for f, abort in frames for b in beats_of(f, abort)]:
            ctx.set(dut.tx.valid, 1)
            for name, value in zip(("data", "keep", "last", "error"), beat, strict=True):
                ctx.set(getattr(dut.tx.payload, name), value)
            while True:
                ready = ctx.get(dut.tx.ready)
                await ctx.tick()
                if ready:
                    break
        ctx.set(dut.tx.valid, 0)
        # the FIFO may still hold every frame: wait until the wire has sent them all
        wire_time = sum(len(padded(f)) + 24 + 13 for f, _ in frames) * LINE
        for _ in range(int(wire_time / core_period) + 20):
            await ctx.tick()
        done[0] = True

    async def wire_side(ctx):
        while not done[0]:
            await ctx.tick(TX_DOMAIN)
            times.append((ctx.get(dut.gmii.data), ctx.get(dut.gmii.en), ctx.get(dut.gmii.er)))
            for name in pulses:
                pulses[name] += ctx.get(getattr(dut, name))

    run(dut, {TX_DOMAIN: LINE, "sync": core_period}, writer, wire_side, until=writer)
    return parse_wire(times), pulses


TX_FRAMES = [(bytes(range(n)), abort) for n, abort in
             [(100, False), (30, False), (64, True), (250, False), (61, False)]]


@pytest.mark.parametrize(("core_period", "store_and_forward"),
                         [(100e-9, True), (6.4e-9, False), (6.4e-9, True)])
def test_frames_go_out_whole_when_the_mode_suits_the_clock(core_period, store_and_forward):
    wire, pulses = send_tx(TX_FRAMES, core_period, store_and_forward)
    assert [w.frame for w in wire] == [padded(f) for f, _ in TX_FRAMES]
    assert [not w.fcs_ok for w in wire] == [abort for _, abort in TX_FRAMES]
    assert pulses == {"sent": 4, "aborted": 1, "underrun": 0}


def test_cut_through_with_a_slow_core_underruns_and_counts_it():
    wire, pulses = send_tx(TX_FRAMES[:1], 100e-9, store_and_forward=False)
    assert pulses["underrun"] == 1 and pulses["sent"] == 0
    assert wire[0].er[-1] == 1


@pytest.mark.parametrize("core_period", [3e-9, 6.4e-9, 16e-9, 50e-9])
def test_every_event_is_counted_once(core_period):
    dut = EventCrossing(("a", "b"), RX_DOMAIN)
    rng = random.Random(3)
    pulses = [(rng.random() < 0.5, rng.random() < 0.05) for _ in range(2000)]
    counted, done = {"a": 0, "b": 0}, [False]

    async def source(ctx):
        for a, b in pulses:
            ctx.set(dut.a, a)
            ctx.set(dut.b, b)
            await ctx.tick(RX_DOMAIN)
        ctx.set(dut.a, 0)
        ctx.set(dut.b, 0)
        for _ in range(int(10 * core_period / LINE) + 10):
            await ctx.tick(RX_DOMAIN)
        done[0] = True

    async def sink(ctx):
        while not done[0]:
            await ctx.tick()
            counted["a"] += ctx.get(dut.a_count)
            counted["b"] += ctx.get(dut.b_count)

    run(dut, {RX_DOMAIN: LINE, "sync": core_period}, source, sink, until=source)
    assert counted == {"a": sum(a for a, _ in pulses), "b": sum(b for _, b in pulses)}
