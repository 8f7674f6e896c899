"""The host's command stream through the Verilated card, with the exchange simulator on
its session: manual orders pass the same risk checks as the strategy's, cancels and a mass
cancel go out as OUCH Cancel Order frames in the session's sequence, a kill stops trading,
and bad commands are counted, not acted on.

The bundled RITCH day is traded with the bundled configuration; once it is over and every
response has arrived, the host writes its commands (:mod:`host.command_stream`) at chosen
cycles. Prices come from the reference book at the end of the day (:class:`sim.book.Books`),
inside the configured collar, so the expected verdicts follow from the configuration alone.
"""

from __future__ import annotations

import pytest

from hdl.risk.reasons import Reason
from hdl.strategy.layouts import Source
from host import command_stream as hc
from host.config import load_config
from host.events import decode_records
from sim.book import Books
from sim.itch_file import read_day
from sim.replay import day_rows, replay_day

pytestmark = pytest.mark.slow

_TAGS = {"buy": 0x1001, "mass": 0x1002, "sell": 0x1003, "dead": 0x1004,
         "kill": 0x1006, "after_kill": 0x1007, "too_big": 0x1008}


def _prices(day, symbol: str, collar: int) -> tuple[int, int]:
    """A buy and a sell price at the day's final touch, inside the collar."""
    books = Books()
    books.apply(day.events())
    locate = {name: loc for loc, name in day.symbols().items()}[symbol]
    bid, ask = books.best(locate)
    mid2 = bid + ask
    return min(ask, (mid2 + 2 * collar) // 2), max(bid, -(-(mid2 - 2 * collar) // 2))


@pytest.fixture(scope="module")
def run(bundled_data):
    day_path = bundled_data / "itch" / "ritch_20101224.itch50"
    config = load_config(bundled_data / "strategy_ritch.toml")
    day = read_day(day_path)
    slot = next(s for s, t in config.tickers.items() if t == "ALC")
    buy, sell = _prices(day, "ALC", config.trade.limits.collar)
    shares = 100
    assert shares <= config.trade.limits.max_shares
    # after the day's last beat and the round trip of its last order
    start = day_rows(day) + 4 * round(config.round_trip_us * config.clock_mhz)
    commands = {
        start: hc.order(slot, False, buy, shares, tag=_TAGS["buy"]),
        start + 100: hc.mass_cancel(tag=_TAGS["mass"]),
        start + 2_000: hc.order(slot, True, sell, shares, tag=_TAGS["sell"]),
        start + 2_100: hc.cancel(1, tag=_TAGS["dead"]),
        start + 2_200: bytes([9]) + bytes(63),            # kind 9: no such command
        start + 9_000: hc.order(slot, False, buy, config.trade.limits.max_shares + 1,
                                tag=_TAGS["too_big"]),
        start + 12_000: hc.kill(tag=_TAGS["kill"]) + hc.order(slot, False, buy, shares,
                                                              tag=_TAGS["after_kill"]),
    }
    result = replay_day(day_path, config.trade, config.tickers,
                        round_trip=round(config.round_trip_us * config.clock_mhz),
                        commands=commands)
    return result, slot, buy, sell, shares, start


def _by_tag(fields, tag, key="sequence", source="source"):
    """Records of the host's command ``tag`` (MoldUDP64 sequence numbers share the field)."""
    return [i for i, value in enumerate(fields[key])
            if int(value) == tag and int(fields[source][i]) == Source.HOST]


def test_the_day_ends_before_the_commands(run):
    result, *_, start = run
    sent = result.fields("sent")
    day_orders = [i for i, s in enumerate(sent["source"]) if s != Source.HOST]
    assert day_orders and max(sent["cycle"][day_orders]) < start


def test_a_manual_order_is_sent_and_filled_as_the_exchange_saw_it(run):
    result, slot, buy, sell, shares, _ = run
    sent = result.fields("sent")
    for tag, sell_side, price in ((_TAGS["buy"], 0, buy), (_TAGS["sell"], 1, sell)):
        [i] = _by_tag(sent, tag)
        assert int(sent["source"][i]) == Source.HOST and not sent["cancel"][i]
        assert (int(sent["slot"][i]), int(sent["sell"][i]), int(sent["price"][i]),
                int(sent["shares"][i])) == (slot, sell_side, price, shares)
        [order] = [o for o in result.exchange.orders
                   if o.user_ref_num == int(sent["user_ref_num"][i])]
        assert (order.symbol, order.sell, order.price, order.shares) == \
            ("ALC", bool(sell_side), price, shares)
        assert order.accepted
    assert result.exchange.dropped_frames == 0
    # the card's own accounting of every fill (the manual ones included) is the exchange's
    regs = result.registers
    pnl = regs["response.pnl_lo"] | regs["response.pnl_hi"] << 32
    assert pnl - (1 << 64) * (pnl >> 63) == result.exchange.pnl()


def test_the_mass_cancel_cancels_exactly_the_open_order(run):
    result, *_ = run
    sent = result.fields("sent")
    [buy] = _by_tag(sent, _TAGS["buy"])
    cancels = _by_tag(sent, _TAGS["mass"])
    assert len(cancels) == 1
    [i] = cancels
    assert sent["cancel"][i] and not sent["aborted"][i]
    assert int(sent["user_ref_num"][i]) == int(sent["user_ref_num"][buy])
    assert int(sent["shares"][i]) == 0
    # the exchange decoded a Cancel Order for it, in the session's byte sequence: the
    # sell order after it was taken too (dropped_frames is 0 above)
    assert [(ref, qty) for ref, qty, _ in result.exchange.cancels] == \
        [(int(sent["user_ref_num"][buy]), 0)]
    # the cancel did not take a UserRefNum
    [sell] = _by_tag(sent, _TAGS["sell"])
    assert int(sent["user_ref_num"][sell]) == int(sent["user_ref_num"][buy]) + 1


def test_orders_the_risk_checks_refuse_are_rejected_with_their_reasons(run):
    result, *_ = run
    rejects = result.fields("rejects")
    for tag, reason in ((_TAGS["too_big"], Reason.MAX_SHARES),
                        (_TAGS["after_kill"], Reason.KILLED)):
        [i] = _by_tag(rejects, tag, "group_sequence", "group_legs_0_source")
        assert int(rejects["group_legs_0_source"][i]) == Source.HOST
        assert int(rejects["reasons_0"][i]) >> reason & 1
    assert not _by_tag(result.fields("sent"), _TAGS["after_kill"])
    assert result.registers["risk.status"] & 1          # killed


def test_every_command_is_counted_by_what_became_of_it(run):
    result, *_ = run
    regs = result.registers
    counts = {name: regs[f"commands.{name}"] for name in
              ("commands", "orders", "cancels", "mass_cancels", "kills", "malformed",
               "cancel_not_open", "cancel_no_session")}
    assert counts == {"commands": 8, "orders": 4, "cancels": 1, "mass_cancels": 1,
                      "kills": 1, "malformed": 1, "cancel_not_open": 1,
                      "cancel_no_session": 0}
    assert regs["order.cancels_sent"] == 1


def test_the_hosts_fills_from_the_event_stream_are_the_exchanges(run):
    """Every execution the exchange sent, as ``tickforge fills`` reads it from the
    card-to-host stream (paired with its applied segment), and nothing else."""
    import numpy as np

    from host.fills import FillTracker

    result, *_ = run
    tracker = FillTracker()
    fills = []
    for chunk in result.records["c2h"]:
        if len(chunk):
            raw = np.ascontiguousarray(chunk.words[:, :16], "<u4").tobytes()
            fills += tracker.add(decode_records(raw))
    assert tracker.pending == 0 and tracker.withdrawn == 0
    assert sorted((f.user_ref_num, f.shares, f.price, f.match_number) for f in fills) == \
        sorted((f.user_ref_num, f.shares, f.price, f.match_number)
               for f in result.exchange.fills)
    assert len(fills) > 10


def test_the_reason_counters_count_the_rejected_legs_reasons(run):
    """``risk.reason_*`` over the whole run (the day's own triggers and the manual
    orders) equals the reason bits of every leg of every rejection record."""
    result, *_ = run
    rejects = result.fields("rejects")
    for reason in Reason:
        bits = sum(int(value) >> reason & 1 for leg in (0, 1)
                   for value in rejects[f"reasons_{leg}"])
        assert result.registers[f"risk.reason_{reason.name.lower()}"] == bits, reason.name
