"""The host's SerialTransport and the CLI's ``serial:`` devices, through a pseudo-terminal.

The far end of the pty is either the gateware bridge itself in amaranth.sim (bit by bit on
its pins, with the system block's registers behind it) or the Python model of the bridge in
front of a whole board's registers (``docs/ecpix5/regs.json``). Values are checked against
what is known independently: the magic is ASCII ``TKFG``, a scratch register keeps what was
written, the board map's capacities are the board's parameters.
"""

from __future__ import annotations

import json
import time

import pytest

from hdl.book.layouts import BOARD_PARAMS
from hdl.strategy.layouts import BOARD_TRADE
from host.cli import main
from host.commands.card import BOARD_REGS_JSON
from host.config import load_config
from host.errors import DataError, UserError
from host.fake_transport import FakeTransport
from host.regs import BusError, RegisterMapInfo
from host.transports import NO_STREAMS, SerialTransport
from proto.uart_bridge import Status, encode_response
from sim.uart_bridge_model import BridgeModel, PtyBridge
from tests.uart_sim_helpers import SimulatedBridge

MAGIC = int.from_bytes(b"TKFG", "big")


# ------------------------------------------------------------ the gateware behind the pty
def test_transport_against_the_simulated_gateware():
    bridge = SimulatedBridge()
    regs = bridge.dut.register_map
    with PtyBridge(bridge.respond, bridge.idle) as pty:
        link = SerialTransport(pty.name, timeout=10)
        assert link.read32(regs.address("system.magic")) == MAGIC
        link.write32(regs.address("system.scratch"), 0x0BADF00D)
        assert link.read32(regs.address("system.scratch")) == 0x0BADF00D
        with pytest.raises(BusError, match="SLVERR"):
            link.read32(regs.size)                        # no register there
        with pytest.raises(BusError, match="DECERR"):
            link.write32(1 << bridge.dut.bridge.addr_width, 0)
        # The bridge counted what it did: 4 accesses reached the bus before this read.
        assert link.read32(regs.address("uart.requests")) == 4
        assert link.read32(regs.address("uart.bus_errors")) == 2
        link.close()


# ------------------------------------------------------------ the model of a whole board
@pytest.fixture
def board():
    """A pty in front of the bridge model in front of the ECPIX-5's register map."""
    fake = FakeTransport(RegisterMapInfo.load(BOARD_REGS_JSON))
    for block in fake.map.blocks:                         # headers, as the bank has them
        for index, key in enumerate(("type_id", "version", "next")):
            fake.words[block["base"] + 4 * index] = block[key]
    model = BridgeModel(fake)
    with PtyBridge(model.feed, model.idle) as pty:
        yield pty, fake, model


def test_cli_status_regs_load_kill_over_serial(board, bundled_data, capsys):
    pty, fake, _ = board
    device = f"serial:{pty.name}@115200"
    assert main(["regs", "cap_", "--device", device, "--json"]) == 0
    caps = json.loads(capsys.readouterr().out)
    assert caps["book.cap_slots"] == BOARD_PARAMS.slots
    assert caps["strategy.cap_trade_slots"] == BOARD_TRADE.trade_slots
    assert main(["load", str(bundled_data / "strategy_ritch_board.toml"), "--device",
                 device]) == 0
    loaded = load_config(bundled_data / "strategy_ritch_board.toml", BOARD_TRADE)
    limit = fake.words[fake.map.register("risk.max_shares").address]
    assert limit == loaded.trade.limits.max_shares
    assert main(["kill", "--device", device]) == 0
    assert ("risk.command", fake.map.field("risk.command.kill")[1].mask) in fake.pulses
    capsys.readouterr()
    assert main(["status", "--device", device, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["orders_sent"] == 0


def test_a_configuration_larger_than_the_board_is_refused(board, tmp_path, capsys):
    pty, fake, _ = board
    stocks = "".join(f'[[stock]]\nsymbol = "S{i}"\nposition_limit = 10\n'
                     for i in range(BOARD_TRADE.trade_slots + 1))
    config = tmp_path / "big.toml"
    config.write_text(stocks)
    assert main(["load", str(config), "--device", f"serial:{pty.name}"]) == 2
    err = capsys.readouterr().err
    assert f"{BOARD_TRADE.trade_slots} trading slots" in err
    assert not [entry for entry in fake.log if entry[0] == "w"]        # nothing written


@pytest.mark.parametrize("verb", [["events"], ["fills"], ["cancel", "--all"],
                                  ["order", "--slot", "0", "--side", "buy", "--shares", "1",
                                   "--price", "1.00"]])
def test_stream_verbs_refuse_a_serial_device_in_one_line(board, verb, capsys):
    pty, fake, _ = board
    assert main([*verb, "--device", f"serial:{pty.name}"]) == 2
    err = capsys.readouterr().err
    assert NO_STREAMS in err and err.count("\n") == 1
    assert not fake.log                                   # refused before any access


def test_bad_serial_devices(tmp_path, capsys):
    assert main(["status", "--device", "serial:"]) == 2
    assert main(["status", "--device", "serial:/dev/ttyUSB1@fast"]) == 2
    assert main(["status", "--device", f"serial:{tmp_path}/ttyUSB9"]) == 4
    lines = capsys.readouterr().err.strip().split("\n")
    assert len(lines) == 3 and all(line.startswith("tickforge status: error:") for line in lines)


# ------------------------------------------------------------ a link that misbehaves
def _link(respond, timeout=0.3):
    pty = PtyBridge(respond)
    return pty, SerialTransport(pty.name, timeout=timeout)


def test_silence_is_a_timeout_not_a_hang(capsys):
    pty, link = _link(lambda data: b"")
    with pty:
        t0 = time.monotonic()
        with pytest.raises(DataError, match="no response to the read at 0x0 within 0.3 s"):
            link.read32(0)
        assert time.monotonic() - t0 < 2
        link.close()
        assert main(["status", "--device", f"serial:{pty.name}"]) == 3
    assert "no response" in capsys.readouterr().err


def test_corrupted_response_is_an_error():
    def respond(data):
        raw = bytearray(encode_response(Status.OKAY, data[2], 0x12345678))
        raw[4] ^= 0x01
        return bytes(raw)

    pty, link = _link(respond)
    with pty, pytest.raises(DataError, match="corrupted response to the read at 0x10"):
        link.read32(0x10)


def test_refused_requests_are_sent_again_and_late_responses_skipped():
    answers = []

    def respond(data):
        seq = data[2]
        answers.append(seq)
        if len(answers) == 1:                 # the card saw the first copy corrupted
            return encode_response(Status.BAD_CRC, seq)
        # a late answer to an older request first, then this one's
        return encode_response(Status.OKAY, (seq - 1) & 0xFF, 0xAAAA) + \
            encode_response(Status.OKAY, seq, 0x5555)

    pty, link = _link(respond)
    with pty:
        assert link.read32(0x20) == 0x5555
    assert len(answers) == 2 and answers[1] == (answers[0] + 1) & 0xFF


def test_a_request_refused_every_time_is_an_error():
    pty, link = _link(lambda data: encode_response(Status.BAD_CRC, data[2]))
    with pty, pytest.raises(DataError, match="corrupted 3 times"):
        link.write32(0x20, 1)


def test_the_transport_has_no_streams():
    pty, link = _link(lambda data: b"")
    with pty:
        with pytest.raises(UserError, match="registers only"):
            link.read_stream(64)
        with pytest.raises(UserError, match="registers only"):
            link.write_stream(b"\0" * 64)
