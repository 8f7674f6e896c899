"""Register declarations: validation, reset composition and automatic address placement."""

from __future__ import annotations

import pytest

from hdl.host_if.regs import Access, BitField, Block, Register, RegisterMap
from hdl.host_if.system import SYSTEM_BLOCK, TICKFORGE_MAP


def small_block(name, count, type_id=1):
    return Block(name, type_id, 1, "", tuple(
        Register(f"r{i}", Access.RW, "") for i in range(count)))


def test_system_block_addresses_follow_the_header():
    # Header type/version/next at 0x0, 0x4, 0x8; then the declared order, 4 bytes apart.
    assert TICKFORGE_MAP.address("system.type") == 0x00
    assert TICKFORGE_MAP.address("system.next") == 0x08
    assert TICKFORGE_MAP.address("system.magic") == 0x0C
    assert TICKFORGE_MAP.address("system.scratch") == 0x14
    assert TICKFORGE_MAP.address("system.status") == 0x24


def test_blocks_are_aligned_to_their_power_of_two_span_and_linked_by_next():
    # 3 header + 5 = 8 words = 32 bytes -> 64 (the minimum); 3 + 20 = 23 words = 92 -> 128.
    m = RegisterMap("design", [small_block("a", 5), small_block("b", 20), small_block("c", 1)])
    assert [(p.base, p.next) for p in m.blocks] == [(0x00, 0x80), (0x80, 0x100), (0x100, 0)]
    assert m.size == 0x140
    assert m.block("a").register("next").reset_value == 0x80


def test_reset_value_combines_field_resets():
    r = Register("mode", Access.RW, "", fields=(BitField("a", 0, 1, 1), BitField("b", 4, 4, 0xA)))
    assert r.reset_value == 0xA1
    assert r.mask == 0xF1


def test_register_without_fields_is_one_32_bit_value():
    r = Register("x", Access.RW, "", reset=0xFFFF_FFFF)
    assert (r.mask, r.reset_value) == (0xFFFF_FFFF, 0xFFFF_FFFF)


def test_system_design_version_reads_major_minor_patch():
    from hdl.host_if.system import DESIGN_VERSION
    major, minor, patch = DESIGN_VERSION
    value = SYSTEM_BLOCK.registers[1].reset_value
    assert value == major << 16 | minor << 8 | patch


@pytest.mark.parametrize("make", [
    lambda: Register("r", Access.RW, "", fields=(BitField("a", 0, 4), BitField("b", 3, 2))),
    lambda: Register("r", Access.RW, "", fields=(BitField("a", 0, 1), BitField("a", 1, 1))),
    lambda: BitField("a", 30, 4),
    lambda: BitField("a", 0, 2, reset=4),
    lambda: BitField("a", 0, 1, enum={"big": 2}),
    lambda: Register("r", Access.RW, "", reset=1 << 32),
    lambda: Register("r", Access.RW, "", fields=(BitField("a", 0),), reset=1),
    lambda: Register("r", Access.RW, "", constant=True),
    lambda: Register("r", Access.W1C, "", latches="other"),
    lambda: Register("Bad", Access.RW, ""),
], ids=["overlap", "dup-field", "past-bit-31", "reset-wide", "enum-wide", "reg-reset-wide",
        "reset-twice", "constant-rw", "latch-w1c", "upper-case"])
def test_inconsistent_register_is_refused(make):
    with pytest.raises(ValueError):
        make()


@pytest.mark.parametrize("registers", [
    (Register("next", Access.RW, ""),),
    (Register("a", Access.RW, ""), Register("a", Access.RW, "")),
    (Register("lo", Access.RO, "", latches="hi"), Register("hi", Access.RW, "")),
    (Register("lo", Access.RO, "", latches="missing"),),
], ids=["header-name", "duplicate", "latch-target-not-ro", "latch-target-missing"])
def test_inconsistent_block_is_refused(registers):
    with pytest.raises(ValueError):
        Block("b", 1, 1, "", registers)


def test_map_refuses_duplicate_block_names():
    with pytest.raises(ValueError):
        RegisterMap("design", [small_block("a", 1), small_block("a", 1)])


def test_iteration_yields_every_register_once_in_address_order():
    addresses = [address for _, address, _ in TICKFORGE_MAP]
    assert addresses == sorted(set(addresses))
    assert len(addresses) == 3 + len(SYSTEM_BLOCK.registers)
