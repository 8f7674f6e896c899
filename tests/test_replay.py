"""The main job end to end: trading days through the Verilated card with the exchange
simulator on its session (:mod:`sim.replay`, ``tickforge replay``).

On the bundled RITCH day through the CLI with the bundled configuration, and on the
LOBSTER-derived AAPL + AMZN day with take triggers at each stock's price tails: the card
sends orders, the exchange fills some, and the card's own accounting of them (positions
and P&L kept by the response path in hardware, read back through its registers) equals the
exchange simulator's; every response segment is applied; tick-to-trade is the design's
figure at best; the report, the Parquet events and the PNG histogram are written. On the
LOBSTER day the book updates the host receives on the event stream (one per message of a
traded stock, best level of each side) equal the reference book after every message; on
the RITCH day the stream carries every record of the raw streams, and the order-entry
frames (``HOST_RX``) from which the host rebuilds every byte the exchange sent.
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow.parquet as pq
import pytest

from hdl.host_if.events import EventKind
from hdl.top import TickToTrade
from host.cli import main
from host.commands.book import lobster_values
from host.config import load_config
from host.host_rx import FrameAssembler
from host.resync_plan import stream_messages
from host.session_stream import SessionAddresses, SessionStream
from sim.book import Books
from sim.example_trade import take_config_for_day
from sim.itch_file import read_day
from sim.replay import replay_day

pytestmark = pytest.mark.slow


def _signed(value: int, bits: int) -> int:
    return value - (1 << bits) if value >> (bits - 1) & 1 else value


def test_tickforge_replay_on_the_bundled_day(bundled_data, tmp_path, capsys):
    day = bundled_data / "itch" / "ritch_20101224.itch50"
    config = bundled_data / "strategy_ritch.toml"
    code = main(["replay", str(day), "--config", str(config), "--out", str(tmp_path),
                 "--json"])
    figures = json.loads(capsys.readouterr().out)
    assert code == 0
    assert figures["orders_sent"] > 10 and figures["exchange"]["fills"] > 5
    assert figures["pnl_matches_exchange"] and figures["positions_match_exchange"]
    assert figures["pnl"] == figures["exchange"]["pnl"]
    assert set(figures["segments"]) == {"APPLIED"}
    assert figures["segments"]["APPLIED"] == figures["orders_sent"]
    assert figures["tick_to_trade_cycles"]["min"] == TickToTrade.TICK_TO_TRADE
    events = pq.read_table(tmp_path / "events.parquet")
    assert events.num_rows == figures["events_written"]
    kinds = set(events.column("event").to_pylist())
    assert {"sent", "responses", "segments"} <= kinds
    assert (tmp_path / "tick_to_trade.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    metrics = (tmp_path / "metrics.prom").read_text()
    assert f"tickforge_response_frames_applied {float(figures['orders_sent'])}" in metrics
    assert "# HELP tickforge_risk_reason_collar " in metrics


def test_a_lobster_day_trades_and_the_card_agrees_with_the_exchange(shared_data):
    path = shared_data / "lobster" / "AAPL_AMZN_2012-06-21.itch50.gz"
    day = read_day(path)
    tickers = {0: "AAPL", 1: "AMZN"}
    trade = take_config_for_day(day, tickers)
    result = replay_day(path, trade, tickers, round_trip=3_125)
    exchange = result.exchange
    assert len(exchange.fills) > 0
    regs = result.registers
    assert _signed(regs["response.pnl_lo"] | regs["response.pnl_hi"] << 32, 64) == \
        exchange.pnl()
    for slot, symbol in tickers.items():
        assert _signed(regs[f"response.read_position.{slot}"], 32) == \
            exchange.positions.get(symbol, 0)
    segments = result.fields("segments")
    assert len(segments["outcome"]) == sum(not f.error for f in result.frames)
    assert not segments["outcome"].any()                    # every one APPLIED
    assert min(result.tick_to_trade) == TickToTrade.TICK_TO_TRADE
    # The book updates as the host received them, against the reference book.
    updates = result.host_events()[EventKind.UPDATE]
    assert not updates["event_lost"].any() and regs["events.dropped_update"] == 0
    locates = {symbol: locate for locate, symbol in day.symbols().items()}
    reference = day.events()
    r_at, directory = day.decode("R")
    for slot, symbol in tickers.items():
        mine = {name: column[updates["slot"] == slot] for name, column in updates.items()}
        assert not mine["invalid"].any(), symbol
        expected = Books().apply(reference, watch=locates[symbol], levels=1)
        # The card knows the stock from its R message on (the LOBSTER days put an S with
        # the stock's locate before it).
        known = expected.itch_index >= r_at[directory["stock"] == symbol.encode()][0]
        index = mine["sequence"].astype(np.int64) - 1       # the replay's first sequence
        assert index.tolist() == expected.itch_index[known].tolist(), symbol
        columns = {"sequence": mine["sequence"]}
        for side in ("bid", "ask"):
            for name in ("price", "shares", "orders"):
                columns[f"{side}_{name}"] = mine[f"{side}_{name}"][:, None]
        np.testing.assert_array_equal(lobster_values(columns, 1), expected.values[known],
                                      err_msg=symbol)


def test_the_event_stream_carries_every_record_the_host_follows(bundled_data):
    """The RITCH day: the card-to-host stream, decoded by the host's decoder, holds every
    order report, rejection, response and segment verdict of the raw streams, field for
    field, in order, with consecutive sequence numbers and nothing dropped; and the book
    updates of the three subscribed stocks."""
    config = load_config(bundled_data / "strategy_ritch.toml")
    result = replay_day(bundled_data / "itch" / "ritch_20101224.itch50", config.trade,
                        config.tickers, round_trip=config.round_trip_cycles)
    events = result.host_events()
    pairs = {EventKind.SENT: ("sent", ("user_ref_num", "seq", "slot", "price", "shares")),
             EventKind.RESPONSE: ("responses", ("kind", "user_ref_num", "remaining",
                                                "position", "pnl")),
             EventKind.SEGMENT: ("segments", ("outcome", "seq", "length", "messages"))}
    for kind, (stream, names) in pairs.items():
        raw, got = result.fields(stream), events[kind]
        assert len(got["event_seq"]) == len(raw[names[0]]) > 0
        assert list(got["event_seq"]) == list(range(len(raw[names[0]])))
        for name in names:
            assert list(got[name]) == list(raw[name]), (kind, name)
    rejects, got = result.fields("rejects"), events[EventKind.REJECT]
    assert list(got["legs_0_reasons"]) == list(rejects["reasons_0"])
    assert list(got["legs_0_price"]) == list(rejects["group_legs_0_price"])
    assert not any(int(v) for k in events.values() for v in k["event_lost"])
    assert set(int(s) for s in events[EventKind.UPDATE]["slot"]) == set(config.tickers)
    assert result.registers["events.dropped_update"] == 0
    # every frame the exchange sent reaches the host (HOST_RX records): the session's
    # stream rebuilt from them is every byte the exchange sent, and its executions are
    # the exchange's fills
    assembler = FrameAssembler()
    stream = SessionStream(SessionAddresses.of(config.trade.session))
    stream.add(assembler.add(events))
    assert assembler.frames == len(result.fields("segments")["outcome"]) > 0
    raw = stream.read(0)
    assert len(raw) == result.exchange.stream.seq
    executed = [(m.message.fields["user_ref_num"], m.message.fields["quantity"],
                 m.message.fields["price"], m.message.fields["match_number"])
                for m in stream_messages(raw, 0)[0] if m.message.fields["type"] == "E"]
    assert executed == [(f.user_ref_num, f.shares, f.price, f.match_number)
                        for f in result.exchange.fills]
    assert len(executed) > 10
