"""The host's ``Card`` API and its transports.

- Over the Verilated card (``HarnessTransport``): discovery, loading the bundled
  configuration (read back), status, kill and rearm, as the card itself answers.
- Over the XDMA transport against stand-ins (a regular file for ``/dev/xdma0_user``, named
  pipes for the streaming channels): the CLI's ``load``, ``regs``, ``status`` and ``kill``
  put the right little-endian words at the right BAR offsets, and whole records go through
  the channels.
"""

from __future__ import annotations

import json
import os
import threading

import pytest

from hdl.top import card_register_map
from host.card import DEFAULT_REGS_JSON, Card
from host.cli import main
from host.config import load_config
from host.regs import RegisterMapInfo
from host.transports import HarnessTransport, XdmaTransport
from sim.harness_session import HarnessSession

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def card_model():
    from sim.verilated_book import VerilatedBook

    return VerilatedBook()


def test_card_api_on_the_verilated_card(card_model, bundled_data):
    config = load_config(bundled_data / "strategy_ritch.toml")
    with HarnessSession(card_model.exe, card_model.ports, record=()) as session:
        card = Card(HarnessTransport(session))
        card.load(config)
        status = card.status()
        assert status["trading_enabled"] and status["responses_in_sync"]
        assert status["session_active"] and not status["killed"]
        limits = card.registers("risk.max_shares")
        assert limits == {"risk.max_shares": config.trade.limits.max_shares}
        assert card.regs.read_field("book.slot_status.busy") == 0
        card.kill()
        assert card.status()["killed"]
        card.rearm()
        assert not card.status()["killed"]
        assert card.counters()["order.frames_sent"] == 0


def _standin(tmp_path):
    """A BAR file holding the card's block headers and constants, as ``tmp/xdma0_user``."""
    register_map = card_register_map()
    document = json.loads(DEFAULT_REGS_JSON.read_text())
    bar = bytearray(register_map.size)

    def put(address, value):
        bar[address:address + 4] = value.to_bytes(4, "little")

    for block in document["blocks"]:
        for index, key in enumerate(("type_id", "version", "next")):
            put(block["base"] + 4 * index, block[key])
        for register in block["registers"]:
            if register["constant"]:
                put(register["address"], register["reset"])
    prefix = tmp_path / "xdma0"
    (tmp_path / "xdma0_user").write_bytes(bytes(bar))
    return str(prefix), register_map


def _word(tmp_path, register_map, path):
    at = register_map.address(path)
    return int.from_bytes((tmp_path / "xdma0_user").read_bytes()[at:at + 4], "little")


def test_cli_over_the_xdma_transport_on_a_standin_bar(tmp_path, bundled_data, capsys):
    device, register_map = _standin(tmp_path)
    config = bundled_data / "strategy_ritch.toml"
    assert main(["load", str(config), "--device", device]) == 0
    loaded = load_config(config)
    assert _word(tmp_path, register_map, "risk.max_shares") == loaded.trade.limits.max_shares
    assert _word(tmp_path, register_map, "strategy.control") & 1 == 1        # enabled last
    assert _word(tmp_path, register_map, "book.sub_slot") == max(loaded.tickers)
    capsys.readouterr()
    assert main(["regs", "max_shares", "--device", device, "--json"]) == 0
    values = json.loads(capsys.readouterr().out)
    assert values["risk.max_shares"] == loaded.trade.limits.max_shares
    assert main(["kill", "--device", device]) == 0
    _, kill = RegisterMapInfo.load(DEFAULT_REGS_JSON).field("risk.command.kill")
    assert _word(tmp_path, register_map, "risk.command") & kill.mask
    assert main(["status", "--device", device, "--json"]) == 0


def test_a_card_running_another_bitstream_is_refused(tmp_path, capsys):
    device, register_map = _standin(tmp_path)
    raw = bytearray((tmp_path / "xdma0_user").read_bytes())
    raw[0:4] = (0xDEADBEEF).to_bytes(4, "little")
    (tmp_path / "xdma0_user").write_bytes(bytes(raw))
    assert main(["status", "--device", device]) != 0
    assert "regs.json" in capsys.readouterr().err


def test_stream_channels_carry_whole_records_through_pipes(tmp_path):
    device, _ = _standin(tmp_path)
    os.mkfifo(f"{device}_c2h_0")
    os.mkfifo(f"{device}_h2c_0")
    records = [bytes([i]) * 32 for i in range(100)]
    received = []

    def card_side():
        with open(f"{device}_c2h_0", "wb") as c2h:
            c2h.write(b"".join(records))
        with open(f"{device}_h2c_0", "rb") as h2c:
            received.append(h2c.read())

    thread = threading.Thread(target=card_side)
    thread.start()
    transport = XdmaTransport(device)
    got = b""
    while len(got) < 32 * len(records):
        got += transport.read_stream(4096)
    transport.write_stream(b"\x01" * 64)
    transport.close()
    thread.join(timeout=10)
    assert got == b"".join(records)
    assert received == [b"\x01" * 64]
