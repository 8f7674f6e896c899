"""cocotb tests of the Verilated feed top: exact latency, line rate, register access.

Run through ``tests/test_feed_verilator.py``, which passes in the environment:
``TICKFORGE_REGS_JSON`` (the design's regs.json), ``TICKFORGE_FEED_LATENCY``
(``FeedHandler.LATENCY``) and ``TICKFORGE_FEED_PROGRAM`` (1: program the feed table through
the bus first; 0 for the harness stand-in, which has none).
Frames come from the protocol encoders, beats are packed with the rx layout's offsets.
"""

from __future__ import annotations

import json
import os

import cocotb
import numpy as np
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, FallingEdge, RisingEdge
from cocotbext.axi import AxiLiteBus, AxiLiteMaster

from hdl.feed.layouts import EVENT_LAYOUT
from proto import itch, moldudp64
from sim.feed_bits import unpack_words
from sim.feed_model import FeedConfig, run_model
from sim.feed_regs import FeedRegisters
from sim.packetise import DEFAULT_FEEDS, packetise
from sim.verilated_feed import rx_records

FEEDS = DEFAULT_FEEDS[:1]
CONFIG = FeedConfig.for_feeds(FEEDS)


class TB:
    """Clock, reset, AXI4-Lite master, an rx driver and an event monitor."""

    def __init__(self, dut):
        self.dut = dut
        self.regs = FeedRegisters(json.loads(open(os.environ["TICKFORGE_REGS_JSON"]).read()))
        self.latency = int(os.environ["TICKFORGE_FEED_LATENCY"])
        self.program = os.environ.get("TICKFORGE_FEED_PROGRAM", "1") == "1"
        Clock(dut.clk, 10, unit="ns").start()
        self.axil = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst)
        self.cycle = 0
        self.events: list[tuple[int, int]] = []          # (cycle, packed payload)

    async def start(self):
        self.dut.rx_valid.value = 0
        self.dut.rst.value = 1
        await ClockCycles(self.dut.clk, 4)
        self.dut.rst.value = 0
        await ClockCycles(self.dut.clk, 2)
        if self.program:
            for address, value in self.regs.config_writes(CONFIG):
                await self.axil.write(address, value.to_bytes(4, "little"))
        cocotb.start_soon(self._monitor())

    async def _monitor(self):
        while True:
            await FallingEdge(self.dut.clk)
            if int(self.dut.events_valid.value):
                self.events.append((self.cycle, int(self.dut.events_payload.value)))
            await RisingEdge(self.dut.clk)
            self.cycle += 1

    async def send(self, rows: np.ndarray) -> int:
        """Drive one row per cycle; returns the cycle number of the first row."""
        await FallingEdge(self.dut.clk)
        first = self.cycle
        for row in rows:
            self.dut.rx_valid.value = int(row[0])
            self.dut.rx_payload.value = sum(int(w) << (32 * i) for i, w in enumerate(row[1:]))
            await FallingEdge(self.dut.clk)
        self.dut.rx_valid.value = 0
        return first


def _event_fields(packed: list[int]) -> dict[str, np.ndarray]:
    words = np.array([[(p >> (32 * i)) & 0xFFFF_FFFF for i in range(-(-EVENT_LAYOUT.size // 32))]
                      for p in packed], dtype=np.uint64)
    return unpack_words(words, EVENT_LAYOUT)


@cocotb.test()
async def event_latency_is_exact(dut):
    tb = TB(dut)
    await tb.start()
    body = itch.encode("D", order_ref=77, timestamp=1)
    frame = packetise([body], feeds=FEEDS, end_of_session=False)[0]
    rows = rx_records([frame])
    # the message's last byte: after Ethernet(14) + IPv4(20) + UDP(8) + Mold header + prefix
    last_byte = 14 + 20 + 8 + moldudp64.HEADER.size + moldudp64.BLOCK.size + len(body) - 1
    start = await tb.send(rows)
    await ClockCycles(dut.clk, 20)
    assert len(tb.events) == 1
    measured = tb.events[0][0] - (start + last_byte // 8)
    assert measured == tb.latency, f"event {measured} cycles after its last byte"


@cocotb.test()
async def back_to_back_d_frames_every_cycle_lose_nothing(dut):
    tb = TB(dut)
    await tb.start()
    bodies = [itch.encode("D", order_ref=i, timestamp=i) for i in range(600)]
    frames = packetise(bodies, feeds=FEEDS, end_of_session=False)
    rows = rx_records(frames)
    assert rows[:, 0].all()                              # every cycle valid, no idle
    await tb.send(rows)
    await ClockCycles(dut.clk, 30)
    fields = _event_fields([p for _, p in tb.events])
    expected = run_model(frames, CONFIG).events
    assert fields["order_ref"].tolist() == expected["order_ref"].tolist()
    assert fields["sequence"].tolist() == expected["sequence"].tolist()


@cocotb.test()
async def counters_read_back_through_the_bus(dut):
    tb = TB(dut)
    await tb.start()
    frames = packetise([itch.encode("D", order_ref=i) for i in range(30)], feeds=FEEDS)
    await tb.send(rx_records(frames))
    await ClockCycles(dut.clk, 30)
    expected = run_model(frames, CONFIG)
    for name in ("frames", "accepted", "messages", "end_of_session"):
        register = tb.regs.find(name)
        value = int.from_bytes((await tb.axil.read(register["address"], 4)).data, "little")
        assert value == expected.counters[name], name
