"""The host register client against the in-memory fake transport, built from regs.json."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from hdl.host_if.generate import write_outputs
from hdl.host_if.regs import Access, BitField, Block, Register, RegisterMap
from hdl.host_if.system import SYSTEM_BLOCK
from host.errors import EXIT_NOT_FOUND, DataError, UserError
from host.fake_transport import FakeTransport
from host.regs import BusError, RegisterClient, RegisterMapInfo

DEMO_BLOCK = Block("demo", 0x44454D4F, 2, "Test block.", registers=(
    Register("mode", Access.RW, "Two fields.", fields=(
        BitField("state", 0, 2, 1, enum={"idle": 0, "run": 1, "halt": 2}),
        BitField("level", 8, 8, 0x7F))),
))
TWO_BLOCKS = RegisterMap("tickforge", [SYSTEM_BLOCK, DEMO_BLOCK])


@pytest.fixture
def regs_json(tmp_path):
    return write_outputs(TWO_BLOCKS, tmp_path)["regs.json"]


@pytest.fixture
def fake(regs_json):
    return FakeTransport(RegisterMapInfo.load(regs_json))


@pytest.fixture
def card(fake, regs_json):
    return RegisterClient(fake, regs_json)


def test_reads_reset_values_by_name(card):
    assert card.read("system.magic") == 0x544B4647
    assert card.read("demo.mode") == 0x7F01


def test_write_then_read_scratch(card, fake):
    card.write("system.scratch", 0xCAFEF00D)
    assert card.read("system.scratch") == 0xCAFEF00D
    assert ("w", 0x14, 0xCAFEF00D) in fake.log  # scratch is the 6th word


def test_unknown_register_is_a_not_found_error(card):
    with pytest.raises(UserError) as err:
        card.read("system.nope")
    assert err.value.exit_code == EXIT_NOT_FOUND


def test_unknown_field_is_a_not_found_error(card):
    with pytest.raises(UserError, match="no field"):
        card.read_field("system.status.nope")


def test_writing_a_read_only_register_is_refused(card, fake):
    with pytest.raises(UserError, match="read-only"):
        card.write("system.magic", 0)
    assert not [entry for entry in fake.log if entry[0] == "w"]


@pytest.mark.parametrize("value", [1 << 32, -1])
def test_value_wider_than_the_register_is_refused(card, value):
    with pytest.raises(UserError, match="outside"):
        card.write("system.scratch", value)


def test_bits_outside_the_declared_fields_are_refused(card):
    with pytest.raises(UserError, match="mask 0x0000ff03"):
        card.write("demo.mode", 0x4)


def test_field_value_too_wide_is_refused(card):
    with pytest.raises(UserError, match="does not fit 2 bits"):
        card.write_field("demo.mode.state", 4)


def test_rw_field_write_keeps_the_other_fields(card):
    card.write_field("demo.mode.state", "halt")
    assert card.read("demo.mode") == 0x7F02
    assert card.read_field("demo.mode.level") == 0x7F


def test_w1c_field_clear_leaves_other_sticky_bits(card, fake):
    fake.set_bits("system.status", 0b11)
    card.system.status.wrapped.clear()
    assert card.read_field("system.status.event") == 1
    assert card.read_field("system.status.wrapped") == 0


def test_w1s_field_pulses_and_reads_zero(card, fake):
    card.system.control.soft_reset.write(1)
    assert fake.pulses == [("system.control", 1)]
    assert card.read("system.control") == 0


def test_proxies_read_and_write_registers(card):
    card.system.scratch.write(7)
    assert card.system.scratch.read() == 7
    with pytest.raises(AttributeError):
        card.nosuchblock  # noqa: B018


def test_read_latched_combines_the_counter_words(card, fake):
    fake.drive("system.cycles_hi", 0x2)
    fake.drive("system.cycles_lo", 0xFFFF_FFF0)
    assert card.read_latched("system.cycles_lo") == 0x2_FFFF_FFF0


def test_latched_high_word_is_the_one_seen_at_the_low_read(card, fake):
    fake.drive("system.cycles_hi", 1)
    low = card.read("system.cycles_lo")
    fake.drive("system.cycles_hi", 2)  # the counter carried after the low read
    assert (card.read("system.cycles_hi"), low) == (1, 0)


def test_discover_walks_the_block_headers(card, fake):
    blocks = card.discover()
    assert [(b.name, b.base, b.type_id, b.version) for b in blocks] == [
        ("system", 0, int.from_bytes(b"SYST", "big"), 1), ("demo", 0x40, 0x44454D4F, 2)]
    assert [address for kind, address, _ in fake.log] == [0, 4, 8, 0x40, 0x44, 0x48]


def test_discover_rejects_hardware_that_differs(card, fake):
    fake.words[0x40] = 0x12345678  # another block type where regs.json expects demo
    with pytest.raises(DataError, match="block 1 at 0x40"):
        card.discover()


def test_discover_rejects_a_shorter_chain(card, fake):
    fake.words[0x8] = 0  # system claims to be the last block
    with pytest.raises(DataError, match="next 0x0"):
        card.discover()


def test_fake_answers_bus_error_for_unmapped_address(fake):
    with pytest.raises(BusError, match="0x3c"):
        fake.read32(0x3C)


def test_missing_regs_json_is_a_data_error(fake, tmp_path):
    with pytest.raises(DataError, match="cannot read"):
        RegisterClient(fake, tmp_path / "absent.json")


def test_corrupt_regs_json_names_the_byte_offset(fake, tmp_path):
    bad = tmp_path / "regs.json"
    bad.write_text('{"schema": "tickforge-regs/1", "blocks": [}')
    with pytest.raises(DataError, match="byte offset 42"):
        RegisterClient(fake, bad)


def test_wrong_schema_is_a_data_error(fake, tmp_path):
    other = tmp_path / "regs.json"
    other.write_text(json.dumps({"schema": "something-else"}))
    with pytest.raises(DataError, match="not a tickforge-regs/1"):
        RegisterClient(fake, other)


def test_client_does_not_import_the_gateware():
    code = "import sys, host.regs; print(any(m.split('.')[0] in ('hdl', 'amaranth') " \
           "for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"
