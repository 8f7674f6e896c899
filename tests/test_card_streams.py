"""The host side of the card's streams, without a card: commands as the CLI writes them
to a stand-in host-to-card channel, records read from a stand-in card-to-host channel
(named pipes, as :class:`host.transports.XdmaTransport` opens them), and fills paired with
their segment verdicts whichever arrives first.

Records are packed here with the gateware's own layouts (:mod:`hdl.host_if.events`), and
commands unpacked with :data:`hdl.host_if.commands.COMMAND_LAYOUT`.
"""

from __future__ import annotations

import json
import os
import threading

import numpy as np
import pytest
from test_card_api import _standin

from hdl.host_if.commands import COMMAND_BYTES, COMMAND_LAYOUT, CommandKind
from hdl.host_if.events import HEADER, RECORD_BITS, EventKind, body_layouts
from hdl.response.layouts import Kind, Outcome
from host import command_stream as hc
from host.cli import main
from host.errors import UserError
from host.events import decode_records
from host.fills import FillTracker
from sim.feed_bits import pack_words, unpack_words
from sim.harness_ports import flat_layout


def record(event: EventKind, event_seq: int, event_time: int, **body) -> bytes:
    """One 64-byte event record, packed as the card packs it."""
    header = pack_words({"kind": [int(event)], "seq": [event_seq], "time": [event_time]},
                        HEADER, 1)
    words = pack_words({k: [v] for k, v in body.items()}, flat_layout(body_layouts()[event]),
                       1)
    raw = header.astype("<u4").tobytes() + words.astype("<u4").tobytes()
    return raw.ljust(RECORD_BITS // 8, b"\0")


def executed(seq, time, ref, qty, price, match, position=0, pnl=0):
    return record(EventKind.RESPONSE, seq, time, kind=Kind.EXECUTED, user_ref_num=ref,
                  quantity=qty, price=price, match_number=match, slot=1, sell=0,
                  position=position & 0xFFFF_FFFF, pnl=pnl & (1 << 64) - 1, time=time)


def segment(seq, time, outcome=Outcome.APPLIED):
    return record(EventKind.SEGMENT, seq, time, outcome=int(outcome), time=time)


def test_fills_wait_for_their_segment_whichever_arrives_first():
    tracker = FillTracker()
    # two executions, then their segment's verdict
    assert tracker.add(decode_records(executed(0, 10, 5, 100, 2_000_000, 1) +
                                      executed(1, 12, 5, 50, 2_000_100, 2))) == []
    assert tracker.pending == 2
    fills = tracker.add(decode_records(segment(0, 15)))
    assert [(f.user_ref_num, f.shares, f.price, f.match_number) for f in fills] == \
        [(5, 100, 2_000_000, 1), (5, 50, 2_000_100, 2)]
    # a rejected segment's verdict overtakes its execution: the execution is withdrawn
    assert tracker.add(decode_records(segment(1, 25, Outcome.CORRUPT))) == []
    assert tracker.add(decode_records(executed(2, 21, 6, 10, 1, 3))) == []
    assert tracker.withdrawn == 1 and tracker.pending == 0
    # a later segment applies; negative position and P&L come back signed
    fills = tracker.add(decode_records(executed(3, 30, 7, 10, 1, 4, position=-10, pnl=-55) +
                                       segment(2, 33)))
    assert [(f.match_number, f.position, f.pnl) for f in fills] == [(4, -10, -55)]


def test_commands_are_checked_before_anything_is_written():
    with pytest.raises(UserError, match="shares"):
        hc.order(0, False, 100, 1 << 32)
    with pytest.raises(UserError, match="slot"):
        hc.order(256, False, 100, 1)
    with pytest.raises(UserError, match="whole number"):
        hc.h2c_beats(bytes(65))


def _commands(raw: bytes) -> list[dict]:
    words = np.frombuffer(raw, "<u4").reshape(-1, COMMAND_BYTES // 4)
    fields = unpack_words(words, COMMAND_LAYOUT)
    return [{k: int(v[i]) for k, v in fields.items() if not k.startswith("reserved")}
            for i in range(len(words))]


def _card_side(device, c2h_bytes=b"", h2c_out=None):
    def run():
        if c2h_bytes:
            with open(f"{device}_c2h_0", "wb") as c2h:
                c2h.write(c2h_bytes)
        if h2c_out is not None:
            with open(f"{device}_h2c_0", "rb") as h2c:
                h2c_out.append(h2c.read())

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_cli_order_and_cancel_write_commands_to_the_h2c_channel(tmp_path, capsys):
    device, _ = _standin(tmp_path)
    os.mkfifo(f"{device}_h2c_0")
    written = []
    for argv in (["order", "--slot", "2", "--side", "sell", "--shares", "300", "--price",
                  "24.1500"], ["cancel", "77", "--leave", "5"], ["cancel", "--all"]):
        thread = _card_side(device, h2c_out=written)
        assert main([*argv, "--device", device]) == 0
        thread.join(timeout=10)
    got = _commands(b"".join(written))
    assert [c["kind"] for c in got] == [CommandKind.ORDER, CommandKind.CANCEL,
                                        CommandKind.MASS_CANCEL]
    assert (got[0]["slot"], got[0]["sell"], got[0]["shares"], got[0]["price"]) == \
        (2, 1, 300, 241_500)
    assert (got[1]["user_ref_num"], got[1]["quantity"]) == (77, 5)
    assert "tag" in capsys.readouterr().out
    assert main(["cancel", "--device", device]) != 0              # neither a ref nor --all
    assert main(["order", "--slot", "0", "--side", "buy", "--shares", "1", "--price",
                 "1.23456", "--device", device]) != 0
    assert "four decimals" in capsys.readouterr().err


def test_cli_events_and_fills_read_the_c2h_channel(tmp_path, capsys):
    device, _ = _standin(tmp_path)
    os.mkfifo(f"{device}_c2h_0")
    stream = (record(EventKind.SENT, 0, 5, user_ref_num=9, shares=100, price=1234) +
              executed(0, 40, 9, 60, 1234, 11) + segment(0, 43) +
              executed(1, 50, 9, 40, 1234, 12))          # its segment never comes
    thread = _card_side(device, c2h_bytes=stream)
    assert main(["events", "--count", "4", "--json", "--device", device]) == 0
    thread.join(timeout=10)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["event"] for line in lines] == ["sent", "response", "segment", "response"]
    assert lines[0]["user_ref_num"] == 9 and lines[1]["match_number"] == 11
    thread = _card_side(device, c2h_bytes=stream)
    assert main(["fills", "--json", "--device", device]) == 0
    thread.join(timeout=10)
    fills = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(f["match_number"], f["shares"]) for f in fills] == [(11, 60)]
