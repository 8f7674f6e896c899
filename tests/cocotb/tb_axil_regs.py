"""cocotb tests of the AXI4-Lite register bank (Verilated ``SystemTop``), driven by cocotbext-axi.

Run through ``tests/test_axil_verilator.py``, which builds the model and passes the generated
``regs.json`` in ``TICKFORGE_REGS_JSON`` and the cycle counter's start value in
``TICKFORGE_COUNTER_START``. Every address and expected value comes from that file, i.e.
from the register declarations, never from numbers typed here.
"""

from __future__ import annotations

import os

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge
from cocotbext.axi import AxiLiteBus, AxiLiteMaster, AxiResp

from host.regs import RegisterMapInfo

MAGIC_TKFG = int.from_bytes(b"TKFG", "big")  # 0x544B4647, the documented identity


class TB:
    """Owns the clock, the reset and the AXI4-Lite master; reads the map from regs.json."""

    def __init__(self, dut):
        self.dut = dut
        self.map = RegisterMapInfo.load(os.environ["TICKFORGE_REGS_JSON"])
        self.counter_start = int(os.environ.get("TICKFORGE_COUNTER_START", "0"))
        Clock(dut.clk, 10, unit="ns").start()
        self.axil = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst)

    async def reset(self):
        self.dut.status_event.value = 0
        self.dut.rst.value = 1
        await ClockCycles(self.dut.clk, 4)
        self.dut.rst.value = 0
        await ClockCycles(self.dut.clk, 2)

    def address(self, path: str) -> int:
        return self.map.register(path).address

    async def read(self, address: int) -> tuple[int, AxiResp]:
        result = await self.axil.read(address, 4)
        return int.from_bytes(result.data, "little"), result.resp

    async def read_counter(self) -> int:
        """Cycles since (soft) reset, reading the latching low word first."""
        low, = (r for r in self.map.registers.values() if r.latches)
        value = (await self.read(low.address))[0]
        high = self.map.register(f"{low.block}.{low.latches}")
        return ((await self.read(high.address))[0] << 32 | value) - self.counter_start

    async def write(self, address: int, value: int, length: int = 4) -> AxiResp:
        result = await self.axil.write(address, value.to_bytes(length, "little"))
        return result.resp


async def started(dut) -> TB:
    tb = TB(dut)
    await tb.reset()
    return tb


@cocotb.test()
async def reset_values_match_the_declaration(dut):
    tb = await started(dut)
    assert (await tb.read(tb.address("system.magic"))) == (MAGIC_TKFG, AxiResp.OKAY)
    for r in tb.map.registers.values():
        if r.access == "ro" and not r.constant:
            continue  # driven by logic, no reset value to compare
        assert await tb.read(r.address) == (r.reset, AxiResp.OKAY), r.path


@cocotb.test()
async def scratch_reads_back_words_and_byte_lanes(dut):
    tb = await started(dut)
    scratch = tb.address("system.scratch")
    for value in (0xDEADBEEF, 0x00000000, 0xFFFFFFFF, 0x5A5AA5A5):
        assert await tb.write(scratch, value) == AxiResp.OKAY
        assert await tb.read(scratch) == (value, AxiResp.OKAY)
    await tb.write(scratch, 0x11223344)
    # One-byte writes: AXI is little-endian, so byte 1 is bits 15..8 (WSTRB 0b0010) and
    # byte 3 bits 31..24 (WSTRB 0b1000): 0x11223344 becomes 0xAA22BB44.
    await tb.write(scratch + 1, 0xBB, length=1)
    await tb.write(scratch + 3, 0xAA, length=1)
    assert await tb.read(scratch) == (0xAA22BB44, AxiResp.OKAY)


@cocotb.test()
async def read_only_registers_ignore_writes(dut):
    tb = await started(dut)
    for r in tb.map.registers.values():
        if r.constant:
            assert await tb.write(r.address, ~r.reset & 0xFFFFFFFF) == AxiResp.OKAY
            assert await tb.read(r.address) == (r.reset, AxiResp.OKAY), r.path
    driven = [r for r in tb.map.registers.values()
              if r.access == "ro" and not r.constant and r.block != "system"]
    for index, r in enumerate(driven):
        value = 0x1000 + index
        getattr(dut, f"{r.block}_{r.name}").value = value
        await tb.write(r.address, 0xFFFF)
        assert await tb.read(r.address) == (value, AxiResp.OKAY), r.path


@cocotb.test()
async def status_event_is_sticky_and_write_one_clears(dut):
    tb = await started(dut)
    status, event = tb.map.field("system.status.event")
    dut.status_event.value = 1
    await RisingEdge(dut.clk)
    dut.status_event.value = 0
    assert await tb.read(status.address) == (event.mask, AxiResp.OKAY)
    await tb.write(status.address, ~event.mask & 0xFFFFFFFF)  # 0 in the event bit: no effect
    assert (await tb.read(status.address))[0] & event.mask
    await tb.write(status.address, event.mask)
    assert await tb.read(status.address) == (0, AxiResp.OKAY)


@cocotb.test()
async def soft_reset_is_one_pulse_and_restarts_the_counter(dut):
    tb = await started(dut)
    await ClockCycles(dut.clk, 200)
    assert await tb.read_counter() >= 200
    high_cycles = 0

    async def count_pulses():
        nonlocal high_cycles
        for _ in range(40):
            await RisingEdge(dut.clk)
            high_cycles += int(dut.soft_reset.value)

    watcher = cocotb.start_soon(count_pulses())
    control, soft_reset = tb.map.field("system.control.soft_reset")
    assert await tb.write(control.address, soft_reset.mask) == AxiResp.OKAY
    await watcher
    assert high_cycles == 1
    assert 0 <= await tb.read_counter() < 60
    assert await tb.read(control.address) == (0, AxiResp.OKAY)  # W1S reads 0


@cocotb.test()
async def counter_high_word_is_latched_by_the_low_read(dut):
    tb = await started(dut)
    low, = (r for r in tb.map.registers.values() if r.latches)
    high = tb.map.register(f"{low.block}.{low.latches}")
    value_low = (await tb.read(low.address))[0]
    live_high_then = tb.counter_start >> 32
    await ClockCycles(dut.clk, 400)  # the start value puts a carry inside this wait
    assert await tb.read(high.address) == (live_high_then, AxiResp.OKAY)
    assert value_low >= tb.counter_start & 0xFFFFFFFF


@cocotb.test()
async def unmapped_addresses_answer_slverr(dut):
    tb = await started(dut)
    last_block = tb.map.blocks[-1]
    holes = [last_block["base"] + 4 * len(last_block["registers"]),
             last_block["base"] + last_block["span"]]
    for address in holes:
        assert address not in tb.map.by_address
        assert (await tb.read(address))[1] == AxiResp.SLVERR, hex(address)
        assert await tb.write(address, 0x12345678) == AxiResp.SLVERR, hex(address)
    assert (await tb.read(tb.address("system.magic")))[1] == AxiResp.OKAY


@cocotb.test()
async def discovery_walk_visits_every_block(dut):
    tb = await started(dut)
    header = [tb.address(f"system.{name}") for name in ("type", "version", "next")]
    found, at = [], 0
    for _ in range(len(tb.map.blocks) + 1):
        type_id, version, nxt = [(await tb.read(at + offset))[0] for offset in header]
        found.append({"base": at, "type_id": type_id, "version": version, "next": nxt})
        if nxt == 0:
            break
        at = nxt
    expected = [{k: b[k] for k in ("base", "type_id", "version", "next")}
                for b in tb.map.blocks]
    assert found == expected
