"""The CSR bank through its AXI4-Lite port, in amaranth.sim: every access kind and bus corner."""

from __future__ import annotations

import pytest
from amaranth.sim import Simulator

from hdl.host_if.axil_sim import WRITE_ORDERS, AXI4LiteSimMaster
from hdl.host_if.regs import Access, BitField, Block, Register, RegisterMap
from hdl.host_if.system import SYSTEM_BLOCK, TICKFORGE_MAP, SystemTop

OKAY, SLVERR = 0b00, 0b10  # AXI4 spec, section B1.4 (BRESP/RRESP encoding)

#: A second block so addresses beyond the first block, discovery and a plain RW field
#: layout are exercised; declared here because no real second block exists yet.
DEMO_BLOCK = Block("demo", type_id=0x44454D4F, version=3, doc="Test block.", registers=(
    Register("mode", Access.RW, "Fields with a non-zero reset.", fields=(
        BitField("enable", 0, 1, 1), BitField("level", 4, 4, 0xA))),
    Register("gauge", Access.RO, "Driven by the test."),
))
TWO_BLOCKS = RegisterMap("tickforge", [SYSTEM_BLOCK, DEMO_BLOCK])


def simulate(testbench, register_map=TICKFORGE_MAP, counter_start=0):
    """Run ``testbench(ctx, dut, master)`` against a :class:`SystemTop`."""
    dut = SystemTop(register_map, counter_start=counter_start)
    master = AXI4LiteSimMaster(dut.s_axil)
    sim = Simulator(dut)
    sim.add_clock(1e-8)

    async def bench(ctx):
        await testbench(ctx, dut, master)

    sim.add_testbench(bench)
    sim.run()


def addr(path, register_map=TICKFORGE_MAP):
    return register_map.address(path)


def test_magic_and_type_have_the_documented_values():
    async def bench(ctx, dut, master):
        assert await master.read(ctx, 0) == (int.from_bytes(b"SYST", "big"), OKAY)
        assert await master.read(ctx, addr("system.magic")) == (0x544B4647, OKAY)  # "TKFG"
    simulate(bench)


def test_every_register_reads_its_declared_reset_value():
    async def bench(ctx, dut, master):
        for _, address, reg in TWO_BLOCKS:
            if reg.driven:
                continue
            assert await master.read(ctx, address) == (reg.reset_value, OKAY), reg.name
    simulate(bench, TWO_BLOCKS)


def test_demo_mode_reset_combines_its_fields():
    async def bench(ctx, dut, master):
        # enable=1 at bit 0, level=0xA at bits 7..4, by hand: 0xA1.
        assert await master.read(ctx, addr("demo.mode", TWO_BLOCKS)) == (0xA1, OKAY)
        assert ctx.get(dut.demo.mode.level) == 0xA
    simulate(bench, TWO_BLOCKS)


def test_scratch_reads_back_what_was_written():
    async def bench(ctx, dut, master):
        for value in (0xDEADBEEF, 0, 0xFFFFFFFF, 0x12345678):
            assert await master.write(ctx, addr("system.scratch"), value) == OKAY
            assert await master.read(ctx, addr("system.scratch")) == (value, OKAY)
    simulate(bench)


@pytest.mark.parametrize("order", WRITE_ORDERS)
def test_write_accepts_address_and_data_in_any_order(order):
    async def bench(ctx, dut, master):
        value = 0x0BADF00D
        assert await master.write(ctx, addr("system.scratch"), value, order=order) == OKAY
        assert await master.read(ctx, addr("system.scratch")) == (value, OKAY)
    simulate(bench)


def test_ready_is_high_before_valid():
    async def bench(ctx, dut, master):
        await ctx.tick().repeat(2)
        # Ready does not wait for valid, so it cannot be a combinational function of it.
        assert ctx.get(dut.s_axil.awready) and ctx.get(dut.s_axil.wready)
        assert ctx.get(dut.s_axil.arready)
    simulate(bench)


def test_wstrb_writes_only_enabled_byte_lanes():
    async def bench(ctx, dut, master):
        await master.write(ctx, addr("system.scratch"), 0x11223344)
        await master.write(ctx, addr("system.scratch"), 0xAABBCCDD, strb=0b0101)
        assert await master.read(ctx, addr("system.scratch")) == (0x11BB33DD, OKAY)
    simulate(bench)


def test_read_only_register_ignores_writes():
    async def bench(ctx, dut, master):
        assert await master.write(ctx, addr("system.magic"), 0) == OKAY
        assert await master.read(ctx, addr("system.magic")) == (0x544B4647, OKAY)
        ctx.set(dut.demo.gauge, 77)
        await master.write(ctx, addr("demo.gauge", TWO_BLOCKS), 5)
        assert await master.read(ctx, addr("demo.gauge", TWO_BLOCKS)) == (77, OKAY)
    simulate(bench, TWO_BLOCKS)


@pytest.mark.parametrize("where", ["after_last_register", "beyond_map"])
def test_unmapped_address_answers_slverr(where):
    address = (TICKFORGE_MAP.blocks[-1].base + 4 * len(TICKFORGE_MAP.blocks[-1].registers)
               if where == "after_last_register" else TWO_BLOCKS.size)

    async def bench(ctx, dut, master):
        assert await master.read(ctx, address) == (0, SLVERR)
        assert await master.write(ctx, address, 1) == SLVERR
        assert await master.read(ctx, addr("system.magic")) == (0x544B4647, OKAY)
    simulate(bench, TWO_BLOCKS)


def test_status_event_is_sticky_until_written_one():
    status = addr("system.status")
    event_bit = SYSTEM_BLOCK.registers[-1].field("event").mask

    async def bench(ctx, dut, master):
        assert await master.read(ctx, status) == (0, OKAY)
        ctx.set(dut.status_event, 1)
        await ctx.tick()
        ctx.set(dut.status_event, 0)
        assert await master.read(ctx, status) == (event_bit, OKAY)
        await master.write(ctx, status, 0)  # writing 0 clears nothing
        assert await master.read(ctx, status) == (event_bit, OKAY)
        await master.write(ctx, status, event_bit)
        assert await master.read(ctx, status) == (0, OKAY)
    simulate(bench)


def test_status_event_held_high_survives_a_clear():
    status = addr("system.status")
    event_bit = SYSTEM_BLOCK.registers[-1].field("event").mask

    async def bench(ctx, dut, master):
        ctx.set(dut.status_event, 1)  # the condition persists, so the bit re-sets at once
        await master.write(ctx, status, event_bit)
        assert await master.read(ctx, status) == (event_bit, OKAY)
    simulate(bench)


def test_w1s_soft_reset_is_a_single_cycle_pulse_two_cycles_after_the_handshake():
    bus_pulses = []

    async def bench(ctx, dut, master):
        bus = dut.s_axil
        for signal, value in [(bus.awaddr, addr("system.control")), (bus.wdata, 1),
                              (bus.wstrb, 0xF), (bus.awvalid, 1), (bus.wvalid, 1),
                              (bus.bready, 1)]:
            ctx.set(signal, value)
        for _ in range(10):
            _, _, pulse = await ctx.tick().sample(dut.soft_reset)
            bus_pulses.append(pulse)
            ctx.set(bus.awvalid, 0)
            ctx.set(bus.wvalid, 0)
    simulate(bench)
    # Edge 0: both handshakes (ready is high while idle). Edge 1: the write is performed and
    # the W1S pulse register loads. Edge 2 samples the pulse; edge 3 sees it gone.
    assert bus_pulses == [0, 0, 1] + [0] * 7


def test_soft_reset_restarts_the_cycle_counter():
    async def bench(ctx, dut, master):
        await ctx.tick().repeat(300)
        before, _ = await master.read(ctx, addr("system.cycles_lo"))
        assert before >= 300
        await master.write(ctx, addr("system.control"), 1)
        after, _ = await master.read(ctx, addr("system.cycles_lo"))
        assert after < 20
        assert await master.read(ctx, addr("system.control")) == (0, OKAY)  # W1S reads 0
    simulate(bench)


def test_cycle_counter_pair_is_consistent_across_a_low_word_carry():
    start = 0xFFFF_FFF0  # the low word carries into the high word 16 cycles after reset

    async def bench(ctx, dut, master):
        low, _ = await master.read(ctx, addr("system.cycles_lo"))
        await ctx.tick().repeat(40)  # long enough for the live high word to become 1
        high, _ = await master.read(ctx, addr("system.cycles_hi"))
        assert (high, low >> 16) == (0, 0xFFFF)  # the latched high word, not the live one
        low, _ = await master.read(ctx, addr("system.cycles_lo"))
        high, _ = await master.read(ctx, addr("system.cycles_hi"))
        value = high << 32 | low
        assert start + 40 < value < start + 120
    simulate(bench, counter_start=start)


def test_status_wrapped_sets_when_the_64_bit_counter_wraps():
    status = addr("system.status")
    wrapped_bit = SYSTEM_BLOCK.registers[-1].field("wrapped").mask

    async def bench(ctx, dut, master):
        await ctx.tick().repeat(10)
        assert await master.read(ctx, status) == (wrapped_bit, OKAY)
        assert (await master.read(ctx, addr("system.cycles_lo")))[0] < 20
        await master.write(ctx, status, wrapped_bit)
        assert await master.read(ctx, status) == (0, OKAY)
    simulate(bench, counter_start=(1 << 64) - 4)


def test_discovery_walk_finds_every_block_header():
    async def bench(ctx, dut, master):
        found, at = [], 0
        while True:
            type_id, _ = await master.read(ctx, at)
            version, _ = await master.read(ctx, at + 4)
            found.append((at, type_id, version))
            at, _ = await master.read(ctx, at + 8)
            if at == 0:
                break
        assert found == [(p.base, p.block.type_id, p.block.version) for p in TWO_BLOCKS.blocks]
        assert found[1][1:] == (0x44454D4F, 3)
    simulate(bench, TWO_BLOCKS)


def test_register_port_answers_a_read_the_cycle_after_its_strobe():
    """The bank registers each block's read (READ_LATENCY): the answer is the value the
    register had at the strobe, one cycle later, whatever the input does in between."""
    from hdl.host_if.axil import READ_LATENCY
    from hdl.host_if.csr_bank import CSRBank

    assert READ_LATENCY == 1
    bank = CSRBank(TWO_BLOCKS)
    gauge = TWO_BLOCKS.address("demo.gauge")
    unmapped = TWO_BLOCKS.size

    async def bench(ctx):
        port = bank.regs
        ctx.set(bank.demo.gauge, 0x1111)
        ctx.set(port.r_addr, gauge)
        ctx.set(port.r_stb, 1)
        await ctx.tick()
        ctx.set(port.r_stb, 0)
        ctx.set(bank.demo.gauge, 0x2222)   # after the strobe: not part of the answer
        ctx.set(port.r_addr, unmapped)
        assert ctx.get(port.r_data) == 0x1111
        assert ctx.get(port.r_err) == 0
        await ctx.tick()
        assert ctx.get(port.r_err) == 1     # the unmapped address, a cycle after it was set
        assert ctx.get(port.r_data) == 0

    sim = Simulator(bank)
    sim.add_clock(1e-8)
    sim.add_testbench(bench)
    sim.run()
