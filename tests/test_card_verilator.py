"""The whole Verilated card trading: MAC beats in, order frames out, cycle-exact.

Built once (``build/verilator/card``, the model the book tests use). Directed cases:

- the tick-to-trade figure, exactly ``TickToTrade.TICK_TO_TRADE`` cycles from the rx beat
  carrying the triggering message's last byte to the order's first tx beat, and the frame
  valid for scapy (IPv4 and TCP checksums) and for the project's SoupBinTCP/OUCH decoders;
- a trigger early in a long packet: the order frame reaches its last byte before the
  packet's verdict; it waits in Ethernet padding and ends good once the verdict commits
  (``pad_to_verdict``), or, with that off, ends with the MAC error flag and goes again;
- a trigger on feed A in a frame with a bad FCS: the order frame is aborted, and B's copy
  of the packet triggers it again;
- trading disabled: every group is rejected (``disabled``) and no frame ever leaves.

A day: the bundled RITCH day with take triggers on its three stocks; every decision (its
reasons on each leg) and every order that reaches the exchange equal the reference model's,
run on the card's own update records (whose contents the book tests check against the
reference book).
"""

from __future__ import annotations

import pytest
from scapy.layers.inet import IP, TCP
from scapy.layers.l2 import Ether

from hdl.risk.reasons import Reason
from hdl.top import TickToTrade
from proto import itch, ouch, soupbintcp
from proto.net import internet_checksum, l4_checksum
from sim.feed_model import FeedConfig
from sim.packetise import DEFAULT_FEEDS, packetise
from sim.risk_model import RiskLimits, RiskModel, SlotRisk
from sim.strategy_model import StrategyModel, TakeConfig, Top
from sim.tick_to_trade import message_end_rows, tick_to_trade
from sim.trade_model import TradeModel

pytestmark = pytest.mark.slow

LOCATE = 7
PRICE = 1_000_000                  # $100.00
LOOSE = RiskLimits(max_shares=10_000, max_notional=10**14, collar=5_000, gross_limit=10**18,
                   stock_burst=100, stock_refill_log2=4, global_burst=100,
                   global_refill_log2=2, dup_window=0, loss_limit=10**15)


@pytest.fixture(scope="module")
def card():
    from sim.verilated_card import VerilatedCard

    return VerilatedCard()


def _trade(limits=LOOSE, **take):
    from sim.verilated_card import TradeConfig

    return TradeConfig(takes={0: TakeConfig(True, max_shares=1000, symbol=b"TEST    ", **take)},
                       limits=limits, slots={0: SlotRisk(limit=10**6)})


def _add(ref, side, shares, price, locate=LOCATE, stock="TEST"):
    return itch.encode("A", stock_locate=locate, tracking_number=0, timestamp=ref,
                       order_ref=ref, side=side, shares=shares, stock=stock, price=price)


BOOK = [_add(1, "B", 100, PRICE - 100), _add(2, "S", 100, PRICE + 300)]
TRIGGER = _add(3, "S", 50, PRICE)  # best offer falls to the buy limit


def _run(card, frames, trade, feeds=DEFAULT_FEEDS[:1]):
    return card.run(frames, FeedConfig.for_feeds(feeds), {0: "TEST"}, trade,
                    locates={0: LOCATE})


def _decode(frame: bytes):
    packet, _ = soupbintcp.decode(frame[54:])
    return ouch.decode(packet.data, inbound=True).fields


def test_tick_to_trade_is_exact_and_the_frame_is_valid(card):
    frames = packetise([*BOOK, TRIGGER], max_messages=1, end_of_session=False)
    result = _run(card, frames, _trade(buy_limit=PRICE))
    assert [f.error for f in result.frames] == [False]
    ends = message_end_rows(frames)
    assert tick_to_trade(result.frames, result.sent, ends) == [TickToTrade.TICK_TO_TRADE]
    assert TickToTrade.TICK_TO_TRADE <= 12          # the core's budget
    wire = result.frames[0].data
    packet = Ether(wire)
    assert internet_checksum(wire[14:34]) == 0
    assert l4_checksum(bytes.fromhex("0a000002"), bytes.fromhex("0a000001"), 6,
                       wire[34:]) == 0
    assert packet[TCP].flags == "PA" and packet[IP].proto == 6
    order = _decode(wire)
    assert (order["side"], order["quantity"], order["price"], order["symbol"]) == \
        ("B", 50, PRICE, "TEST")
    assert int(result.sent["sequence"][0]) == 3          # the trigger's sequence number


@pytest.mark.parametrize("pad", [True, False])
def test_an_order_that_outruns_its_verdict_waits_for_it(card, pad):
    from sim.order_session import Session

    others = [_add(100 + i, "B", 10, 500_000, locate=99, stock="ZZZZ") for i in range(40)]
    frames = packetise([*BOOK, TRIGGER, *others], max_messages=60, end_of_session=False)
    trade = _trade(buy_limit=PRICE)
    trade.session = Session(pad_to_verdict=pad)
    result = _run(card, frames, trade)
    verdict = int(result.end_cycles[0])          # the trigger's packet is the first
    ends = message_end_rows(frames)
    if pad:     # one frame, padded until the packet's verdict, then ended good
        (frame,) = result.frames
        assert not frame.error and frame.beats > 14
        assert frame.first_cycle + frame.beats > verdict
        assert tick_to_trade(result.frames, result.sent, ends) == [TickToTrade.TICK_TO_TRADE]
    else:       # ended with the error flag at its last byte, then sent again
        assert [f.error for f in result.frames] == [True, False]
        assert [int(v) for v in result.sent["late"]] == [1, 0]
        assert result.frames[1].first_cycle > verdict
    orders = [_decode(f.data) for f in result.frames]
    assert len({o["user_ref_num"] for o in orders}) == 1
    assert (orders[-1]["side"], orders[-1]["quantity"], orders[-1]["price"]) == \
        ("B", 50, PRICE)


def test_a_bad_fcs_aborts_the_order_and_feed_b_triggers_it_again(card):
    feeds = DEFAULT_FEEDS[:2]
    others = [_add(100 + i, "B", 10, 500_000, locate=99, stock="ZZZZ") for i in range(6)]
    frames = packetise(BOOK, feeds=feeds, max_messages=1, end_of_session=False)
    # the trigger ends its packet, so the verdict follows it closely
    frames += packetise([*others, TRIGGER], feeds=feeds, first_seq=3, end_of_session=False)
    frames[-2].mac_error = True      # feed A's copy of the trigger's packet
    result = _run(card, frames, _trade(buy_limit=PRICE), feeds)
    assert [f.error for f in result.frames] == [True, False]
    assert [int(v) for v in result.sent["late"]] == [0, 0]     # withdrawn in flight
    assert result.frames[0].beats < 14                          # cut short on the wire
    assert _decode(result.frames[1].data)["quantity"] == 50
    assert [int(c) for c in result.end_commits] == [1, 1, 0, 1]
    ends = message_end_rows(frames)                             # B's copy is the trigger
    assert tick_to_trade(result.frames, result.sent, ends) == [TickToTrade.TICK_TO_TRADE]


def test_with_trading_disabled_no_frame_leaves(card):
    limits = RiskLimits(**{**LOOSE.__dict__, "enable": False})
    frames = packetise([*BOOK, TRIGGER, TRIGGER], max_messages=1, end_of_session=False)
    result = _run(card, frames, _trade(limits, buy_limit=PRICE))
    assert result.frames == []
    reasons = [int(r) for r in result.rejects["reasons_0"]]
    assert reasons and all(r >> Reason.DISABLED & 1 for r in reasons)


def _model_steps(result):
    """The card's update records and verdicts as model steps, in cycle order."""
    events = [(int(c), 0, i) for i, c in enumerate(result.update_cycles)]
    events += [(int(c), 1, i) for i, c in enumerate(result.end_cycles)]
    for cycle, kind, i in sorted(events):
        if kind == 0:
            u = result.updates
            top = Top(int(u["bids_0_price"][i]), int(u["bids_0_shares"][i]),
                      int(u["asks_0_price"][i]), int(u["asks_0_shares"][i]),
                      bool(u["bids_0_orders"][i]), bool(u["asks_0_orders"][i]),
                      bool(u["halted"][i]), bool(u["invalid"][i]))
            yield cycle, (int(u["slot"][i]), top, int(u["sequence"][i])), None
        else:
            yield cycle, None, bool(result.end_commits[i])


def test_a_day_of_take_orders_matches_the_model(card, bundled_data):
    from sim.example_trade import take_config_for_day
    from sim.itch_file import read_day

    day = read_day(bundled_data / "itch/ritch_20101224.itch50")
    tickers = {0: "ALC", 1: "BOB", 2: "CHAR"}
    trade = take_config_for_day(day, tickers)
    takes, limits, slots = trade.takes, trade.limits, trade.slots
    bodies = [bytes(day.buf[o:o + n]) for o, n in zip(day.offsets, day.lengths, strict=True)]
    frames = packetise(bodies, end_of_session=False)
    result = card.run(frames, FeedConfig.for_feeds(DEFAULT_FEEDS[:1]), tickers, trade)
    assert result.orders > 20 and result.origin is not None

    model = TradeModel(trade.params, StrategyModel(trade.params, takes),
                       RiskModel(trade.params, limits, slots))
    model.risk.refill(result.origin - 1000)
    for cycle, record, verdict in _model_steps(result):
        model.step(result.origin + cycle, record, verdict)
    decisions = model.finish()
    rejected = [(d.cycle - result.origin, d.reasons) for d in decisions if not d.accepted]
    got = [(int(c), (int(a), int(b))) for c, a, b in zip(
        result.reject_cycles, result.rejects["reasons_0"], result.rejects["reasons_1"],
        strict=True)]
    assert got == rejected
    sent = [(leg.slot, leg.sell, leg.price, leg.shares, d.sequence)
            for d, leg in model.sent_legs()]
    orders = [(_decode(f.data), int(seq)) for f, seq in
              zip(result.frames, result.sent["sequence"], strict=True) if not f.error]
    assert [(o["symbol"], o["side"], o["price"], o["quantity"], seq) for o, seq in orders] == \
        [(tickers[slot], "S" if sell else "B", price, shares, seq)
         for slot, sell, price, shares, seq in sent]
    cycles = tick_to_trade(result.frames, result.sent, message_end_rows(frames))
    assert min(cycles) == TickToTrade.TICK_TO_TRADE
