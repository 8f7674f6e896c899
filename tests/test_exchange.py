"""The exchange simulator (:mod:`sim.exchange`) on small cases checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from proto import itch, ouch, soupbintcp
from proto.net import ETHERTYPE_IPV4, IPPROTO_TCP, build_ethernet, build_ipv4, build_tcp
from proto.net_parse import parse_frame
from sim.exchange import REJECT_SYMBOL, REJECT_TIF, Exchange
from sim.itch_file import ItchDay
from sim.order_session import Session

SESSION = Session()
ROUND_TRIP = 100


def _day(messages):
    raw = b"".join(len(m).to_bytes(2, "big") + m for m in messages)
    day = ItchDay.from_bytes(raw)
    return day.events(), day.symbols()


def _add(ref, side, shares, price, locate=1):
    return itch.encode("A", stock_locate=locate, order_ref=ref, side=side, shares=shares,
                       stock="TEST", price=price)


DIRECTORY = itch.encode("R", stock_locate=1, stock="TEST")


class Card:
    """The card's side: Enter Order frames with consecutive sequence numbers."""

    def __init__(self):
        self.seq = SESSION.seq

    def order(self, ref, side, shares, price, *, symbol="TEST", tif="3", seq=None):
        message = ouch.encode(ouch.ENTER_ORDER, user_ref_num=ref, side=side, quantity=shares,
                              symbol=symbol, price=price, time_in_force=tif, display="Y",
                              capacity="P", intermarket_sweep="N", cross_type="N",
                              cl_ord_id=f"T{ref}")
        packet = soupbintcp.encode("U", message)
        at = self.seq if seq is None else seq
        segment = build_tcp(SESSION.src_ip, SESSION.dst_ip, SESSION.src_port,
                            SESSION.dst_port, packet, seq=at, ack=0)
        if seq is None:
            self.seq += len(packet)
        return build_ethernet(SESSION.dst_mac, SESSION.src_mac, ETHERTYPE_IPV4,
                              build_ipv4(SESSION.src_ip, SESSION.dst_ip, IPPROTO_TCP, segment))


def _responses(frames):
    """``[(cycle, [(type, fields), ...]), ...]`` of the exchange's frames."""
    out = []
    for cycle, frame in frames:
        payload, messages = parse_frame(frame).payload, []
        while payload:
            packet, used = soupbintcp.decode(payload)
            payload = payload[used:]
            decoded = ouch.decode(packet.data, inbound=False)
            messages.append((decoded.layout.code, decoded.fields))
        out.append((cycle, messages))
    return out


@pytest.fixture
def market():
    """Asks 100 @ $10.00, 150 @ $10.02, 500 @ $10.10 and a bid 200 @ $9.99, all arriving
    by cycle 10; at cycle 1,000 the 100 @ $10.00 order is deleted."""
    messages = [DIRECTORY, _add(1, "S", 100, 100_000), _add(2, "S", 150, 100_200),
                _add(3, "S", 500, 101_000), _add(4, "B", 200, 99_900),
                itch.encode("D", stock_locate=1, order_ref=1)]
    events, symbols = _day(messages)
    rows = np.array([1, 2, 3, 4, 5, 1_000])
    return Exchange(events, rows, symbols, SESSION, ROUND_TRIP, first_seq=500)


def test_an_ioc_buy_walks_the_asks_and_the_rest_is_cancelled(market):
    card = Card()
    (cycle, messages), = _responses(market.receive(card.order(7, "B", 300, 100_500), 20))
    assert cycle == 20 + ROUND_TRIP
    assert [m[0] for m in messages] == ["A", "E", "E", "C"]
    assert [(m[1]["quantity"], m[1]["price"]) for m in messages[1:3]] == \
        [(100, 100_000), (150, 100_200)]
    assert messages[3][1]["quantity"] == 50 and messages[3][1]["reason"] == "I"
    # 250 bought for 10,000,000 + 15,030,000; marked at the last fill, 10.02
    assert market.positions == {"TEST": 250}
    assert market.pnl() == -25_030_000 + 250 * 100_200



def test_response_segments_continue_the_exchanges_stream_and_acknowledge_the_card(market):
    card = Card()
    (_, first), = market.receive(card.order(1, "B", 10, 100_000), 20)
    (_, second), = market.receive(card.order(2, "B", 10, 100_200), 30)
    one, two = parse_frame(first), parse_frame(second)
    assert one.tcp["seq"] == 500 and two.tcp["seq"] == 500 + len(one.payload)
    assert two.tcp["ack"] == card.seq
    assert one.l4_checksum_ok and two.l4_checksum_ok


def test_taken_liquidity_is_not_taken_twice_and_comes_back_as_the_day_removes_it(market):
    card = Card()
    market.receive(card.order(1, "B", 100, 100_000), 20)          # takes the 100 @ 10.00
    (_, again), = _responses(market.receive(card.order(2, "B", 100, 100_000), 40))
    assert [m[0] for m in again] == ["A", "C"]                      # nothing left at 10.00
    # the day deletes that order (cycle 1,000): the level is gone, nothing to give back;
    # at 10.02 all 150 are still there
    (_, later), = _responses(market.receive(card.order(3, "B", 200, 100_200), 2_000))
    assert [(m[0], m[1]["quantity"]) for m in later] == [("A", 200), ("E", 150), ("C", 50)]


def test_sells_hit_the_bid_and_bad_orders_are_rejected(market):
    card = Card()
    (_, sell), = _responses(market.receive(card.order(1, "S", 300, 99_900), 20))
    assert [(m[0], m[1]["quantity"]) for m in sell] == [("A", 300), ("E", 200), ("C", 100)]
    assert market.positions == {"TEST": -200}
    (_, unknown), = _responses(market.receive(card.order(2, "B", 10, 100_000,
                                                         symbol="NOPE"), 30))
    assert unknown == [("J", unknown[0][1])] and unknown[0][1]["reason"] == REJECT_SYMBOL
    (_, day), = _responses(market.receive(card.order(3, "B", 10, 100_000, tif="0"), 40))
    assert day[0][0] == "J" and day[0][1]["reason"] == REJECT_TIF


def test_a_frame_out_of_sequence_is_not_an_order(market):
    card = Card()
    assert market.receive(card.order(1, "B", 10, 100_000, seq=card.seq + 5), 20) == []
    assert market.dropped_frames == 1 and market.orders == []


def test_shares_the_day_removes_from_a_level_come_off_what_the_card_took_first():
    """150 @ $10.02; the card takes 100; the day then cancels 50 of that order (the card's
    100 were the oldest shares, so the day's cancel is counted against them): 50 of the
    card's stay taken and 50 of the level's 100 are left."""
    messages = [DIRECTORY, _add(2, "S", 150, 100_200),
                itch.encode("X", stock_locate=1, order_ref=2, cancelled_shares=50)]
    events, symbols = _day(messages)
    exchange = Exchange(events, np.array([1, 2, 500]), symbols, SESSION, ROUND_TRIP)
    card = Card()
    exchange.receive(card.order(1, "B", 100, 100_200), 20)
    (_, later), = _responses(exchange.receive(card.order(2, "B", 100, 100_200), 1_000))
    assert [(m[0], m[1]["quantity"]) for m in later] == [("A", 100), ("E", 50), ("C", 50)]
