"""Order-entry receive beats on the event stream: what a burst at line rate loses.

    python bench/host_rx.py [--json] [--frames N] [--depth D]

The card's :class:`hdl.host_if.events.EventStream` (every source, FIFOs as deep as the
card's, :data:`~hdl.host_if.events.CARD_DEPTHS`, or all ``D`` deep; the bridge always
ready) with :class:`hdl.host_if.host_rx.HostRxPacker` in front of its
``HOST_RX`` source, in amaranth.sim, for 1 beat a record and for the card's
:data:`~hdl.host_if.events.HOST_RX_BEATS`, and the stream without that source (the card
before it had one) for comparison. The order-entry port receives ``N`` response
frames back to back at 10 GbE (156.25 MHz, preamble and gap counted, :mod:`sim.beats`)
while the book builder sends an update every 2 cycles (the most it can: one book event
every 2 cycles) and a verdict every 175 (a 1,400-byte market-data frame); each OUCH
message gives a ``RESPONSE`` record 3 cycles after its last byte, each frame a
``SEGMENT`` record 3 cycles after its last beat (``ResponsePath``'s timing). Two bursts:

- ``executions``: one Order Executed a frame (93-byte frames, 12 beats);
- ``cancels``: 60 Order Canceled a frame (1,314-byte frames); 17 of them (the default)
  answer a mass cancel of the whole 1,024-order table.

Printed: records offered and dropped per source. A dropped ``HOST_RX`` record loses its
frame for the host (a resync then waits for the exchange to retransmit it).

JSON: ``{"depth", "frames", "bursts": {burst: {beats_per_record (0: no HOST_RX source):
{"offered": {...}, "dropped": {...}}}}}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from amaranth import Module  # noqa: E402
from amaranth.lib import stream, wiring  # noqa: E402
from amaranth.lib.wiring import In, Out  # noqa: E402
from amaranth.sim import Simulator  # noqa: E402

from hdl.feed.layouts import rx_beat_layout  # noqa: E402
from hdl.host_if.events import (  # noqa: E402
    CARD_DEPTHS,
    DEFAULT_DEPTH,
    HOST_RX_BEATS,
    EventKind,
    EventStream,
    body_layouts,
)
from hdl.host_if.host_rx import HostRxPacker, host_rx_body  # noqa: E402
from sim import response_frames as rf  # noqa: E402
from sim.beats import Pacing, frames_to_beats  # noqa: E402
from sim.order_session import Session  # noqa: E402

_HEADERS = 54                  # Ethernet + IPv4 + TCP before the payload
_VERDICT = 3                   # a message's or frame's record, cycles after its last byte
UPDATE_EVERY, UPDATE_END_EVERY = 2, 175


def bursts(frames: int) -> dict[str, list[tuple[bytes, list[int]]]]:
    """Per burst, ``(frame, end offset of each OUCH message)``."""
    exchange = rf.ExchangeStream(Session(), seq=0)
    out = {}
    for name, packets in (("executions", [rf.executed(7, 100, 1_000_000, 1)]),
                          ("cancels", [rf.canceled(7, 1)] * 60)):
        payload, ends = b"", []
        for packet in packets:
            payload += packet
            ends.append(_HEADERS + len(payload) - 1)
        out[name] = [(exchange.segment(payload), ends) for _ in range(frames)]
    return out


class _Bench(wiring.Component):
    """The stream with every source; ``beats`` 0: without ``HOST_RX`` (as before it)."""

    def __init__(self, beats: int, depth: int):
        layouts = body_layouts()
        if beats:
            layouts[EventKind.HOST_RX] = host_rx_body(beats)
        else:
            del layouts[EventKind.HOST_RX]
        self.packer = HostRxPacker(beats) if beats else None
        self.beats = beats
        self.stream = EventStream(layouts, depth)
        members = {name: member for name, member in self.stream.signature.members.items()
                   if name != "host_rx"}
        members["rx"] = In(stream.Signature(rx_beat_layout(64), always_ready=True))
        members["packed"] = Out(1)
        super().__init__(members)

    def elaborate(self, platform):
        m = Module()
        m.submodules.stream = self.stream
        if self.beats:
            m.submodules.packer = self.packer
            wiring.connect(m, self.packer.records, self.stream.host_rx)
            wiring.connect(m, wiring.flipped(self.rx), self.packer.rx)
            m.d.comb += self.packed.eq(self.packer.records.valid)
        m.d.comb += self.stream.now.eq(self.now)
        for name in self.stream.signature.members:
            if name not in ("host_rx", "c2h", "dropped", "now"):
                wiring.connect(m, wiring.flipped(getattr(self, name)),
                               getattr(self.stream, name))
        wiring.connect(m, self.stream.c2h, wiring.flipped(self.c2h))
        m.d.comb += self.dropped.eq(self.stream.dropped)
        return m


def run(burst, beats: int, depth: int) -> dict:
    cycles = frames_to_beats([frame for frame, _ in burst], pacing=Pacing("10g", 156.25e6))
    responses, segments = set(), set()
    at = 0
    for frame, ends in burst:
        while not cycles[at].first:
            at += 1
        responses.update(at + end // 8 + _VERDICT for end in ends)
        segments.add(at + (len(frame) - 1) // 8 + _VERDICT)
        at += 1
    total = len(cycles) + 2 * _VERDICT + 64
    dut = _Bench(beats, depth)
    offered = dict.fromkeys(("host_rx", "update", "update_end", "response", "segment"), 0)
    dropped = {}

    async def bench(ctx):
        ctx.set(dut.c2h.ready, 1)
        for cycle in range(total):
            beat = cycles[cycle] if cycle < len(cycles) else None
            valid = bool(beat and beat.valid)
            ctx.set(dut.rx.valid, valid)
            if valid:
                for name in ("data", "keep", "first", "last", "error"):
                    ctx.set(getattr(dut.rx.payload, name), getattr(beat, name))
            fire = {"update": cycle % UPDATE_EVERY == 0 and cycle < len(cycles),
                    "update_end": cycle % UPDATE_END_EVERY == 0 and cycle < len(cycles),
                    "response": cycle in responses, "segment": cycle in segments}
            for name, on in fire.items():
                ctx.set(getattr(dut, name).valid, on)
                offered[name] += on
            ctx.set(dut.now, cycle)
            await ctx.tick()
            offered["host_rx"] += ctx.get(dut.packed)
        for index, kind in enumerate(dut.stream.kinds):
            dropped[kind.name.lower()] = ctx.get(dut.dropped[index])

    sim = Simulator(dut)
    sim.add_clock(6.4e-9)
    sim.add_testbench(bench)
    sim.run()
    return {"offered": offered,
            "dropped": {k: dropped.get(k, 0) for k in offered}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    # 17 frames of 60 cancels: the answer to a mass cancel of the whole open-order table
    parser.add_argument("--frames", type=int, default=17)
    parser.add_argument("--depth", type=int, help="every FIFO this deep (default: the "
                        "card's, CARD_DEPTHS)")
    args = parser.parse_args(argv)
    depth = CARD_DEPTHS if args.depth is None else args.depth
    figures = {"depth": {k.name.lower(): v for k, v in CARD_DEPTHS.items()}
               if args.depth is None else args.depth, "frames": args.frames, "bursts": {}}
    for name, burst in bursts(args.frames).items():
        figures["bursts"][name] = {beats: run(burst, beats, depth)
                                   for beats in (0, 1, HOST_RX_BEATS)}
    if args.json:
        print(json.dumps(figures))
        return 0
    if args.depth is None:
        named = ", ".join(f"{k}: {v}" for k, v in figures["depth"].items())
        fifos = f"FIFOs of {DEFAULT_DEPTH} records ({named})"
    else:
        fifos = f"FIFOs of {args.depth} records"
    print(f"{args.frames} response frames back to back at 10 GbE, book updates every "
          f"{UPDATE_EVERY} cycles, {fifos}")
    for name, by_beats in figures["bursts"].items():
        for beats, result in by_beats.items():
            parts = ", ".join(f"{kind} {result['dropped'][kind]:,}/{count:,}"
                              for kind, count in result["offered"].items())
            how = f"{beats} beat(s) a record" if beats else "no HOST_RX records"
            print(f"  {name:10s} {how:20s}: dropped/offered {parts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
