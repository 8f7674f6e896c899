"""The card-to-host event stream in amaranth.sim, decoded by the host's decoder.

Three sources fire at random (often in the same cycle, bursts longer than a FIFO), the
bridge takes records when it likes (``ready`` at random): every record that was sent
arrives with its body intact and its source's ``seq``; records of one source stay in
order; every record a full FIFO dropped shows as a ``seq`` gap that the next record's
``lost`` accounts for, and in the ``dropped`` counter.
"""

from __future__ import annotations

import random

from amaranth.sim import Simulator

from hdl.host_if.events import RECORD_BITS, EventKind, EventStream, body_layouts
from host.events import decode_records, missed

KINDS = (EventKind.SENT, EventKind.SEGMENT, EventKind.GAP)


def test_records_arrive_intact_in_order_and_losses_are_accounted():
    layouts = body_layouts()
    dut = EventStream({k: layouts[k] for k in KINDS}, depth=4)
    rng = random.Random(5)
    offered = {k: [] for k in KINDS}
    received = bytearray()
    dropped = {}

    async def bench(ctx):
        for cycle in range(3_000):
            ctx.set(dut.now, 1_000 + cycle)
            burst = cycle % 400 < 40
            for kind in KINDS:
                port = getattr(dut, kind.name.lower())
                fire = rng.random() < (0.9 if burst else 0.15)
                ctx.set(port.valid, fire)
                if fire:
                    value = rng.getrandbits(layouts[kind].size)
                    ctx.set(port.payload.as_value(), value)
                    offered[kind].append((value, 1_000 + cycle))
            ready = rng.random() < 0.7
            ctx.set(dut.c2h.ready, ready)
            if ready and ctx.get(dut.c2h.valid):
                received.extend(ctx.get(dut.c2h.payload.data).to_bytes(RECORD_BITS // 8,
                                                                       "little"))
            await ctx.tick()
        for kind in KINDS:
            ctx.set(getattr(dut, kind.name.lower()).valid, 0)
        ctx.set(dut.c2h.ready, 1)
        for _ in range(50):
            if ctx.get(dut.c2h.valid):
                received.extend(ctx.get(dut.c2h.payload.data).to_bytes(RECORD_BITS // 8,
                                                                       "little"))
            await ctx.tick()
        for index, kind in enumerate(KINDS):
            dropped[kind] = ctx.get(dut.dropped[index])

    sim = Simulator(dut)
    sim.add_clock(1e-8)
    sim.add_testbench(bench)
    sim.run()
    records = decode_records(bytes(received))
    for kind in KINDS:
        got, layout = records[kind], layouts[kind]
        seq = [int(s) for s in got["event_seq"]]
        assert seq == sorted(seq)
        assert missed(got) == dropped[kind] - (len(offered[kind]) - 1 - seq[-1])
        assert dropped[kind] > 0                     # the bursts overflowed the FIFOs
        for i, s in enumerate(seq):
            value, time = offered[kind][s]
            assert int(got["event_time"][i]) == time
            body = 0
            for name, offset in _fields(layout):
                body |= int(got[name][i]) << offset
            assert body == value
        lost = [int(v) for v in got["event_lost"]]
        gaps = [b - a - 1 for a, b in zip([-1] + seq, seq, strict=False)]
        assert lost == gaps


def _fields(layout):
    from sim.harness_ports import flat_layout

    return [(name, f.offset) for name, f in flat_layout(layout)]
