"""ResponseModel against hand-computed values: accounting, outcomes, details, rollback.

Every expected number is worked out in the test from the contract's formulas (prices in
1/10,000 dollar), never read back from the model.
"""

from __future__ import annotations

import pytest

from hdl.response.layouts import UNDO_DEPTH, Detail, Kind, OrderState, Outcome
from proto.net import build_ethernet, build_ipv4, build_udp_frame
from sim import response_frames as rf
from sim import response_impairments as ri
from sim.order_session import Session
from sim.response_ledger import CardLedger, SlotLedger
from sim.response_model import COUNTER_NAMES, ResponseModel

S = Session()
START = 1000


def setup(rcv_next: int = START, **kwargs) -> tuple[ResponseModel, rf.ExchangeStream]:
    return ResponseModel(S, rcv_next=rcv_next, **kwargs), rf.ExchangeStream(S, rcv_next)


def send(model, stream, *packets, **kwargs):
    return model.frame(stream.segment(b"".join(packets), **kwargs))


def fill(model, stream, ref, slot, sell, price, shares, fill_price, quantity=None):
    """Order ``ref`` sent, accepted and executed (``quantity``, default all) in one segment."""
    assert model.sent(ref, slot, sell, price, shares)
    return send(model, stream, rf.accepted(ref, "S" if sell else "B", shares, "X", price),
                rf.executed(ref, quantity or shares, fill_price, 100 + ref))


# --- accounting -----------------------------------------------------------------------------

def test_buy_then_sell_higher_gives_the_exact_pnl():
    model, stream = setup()
    fill(model, stream, 1, 3, False, 1_000_000, 100, 999_900)       # buy 100 at $99.99
    assert model.slots[3] == SlotLedger(position=100, closed_buy=100, cash=-99_990_000,
                                        mark=999_900)
    assert model.card == CardLedger(pnl=0, released=100 * 1_000_000,
                                    position_value=100 * 999_900)
    fill(model, stream, 2, 3, True, 1_001_000, 100, 1_001_500)      # sell 100 at $100.15
    # 100 shares x $0.16 = $16.00; flat, so nothing is marked.
    assert model.slots[3] == SlotLedger(position=0, closed_buy=100, closed_sell=100,
                                        cash=160_000, mark=1_001_500)
    assert model.card == CardLedger(pnl=160_000, released=100_000_000 + 100_100_000,
                                    position_value=0)


def test_partial_fills_then_cancel_the_rest():
    model, stream = setup()
    assert model.sent(7, 0, False, 500_000, 300)
    result = send(model, stream, rf.accepted(7, "B", 300, "X", 500_000),
                  rf.executed(7, 100, 500_000, 1), rf.executed(7, 50, 499_900, 2),
                  rf.canceled(7, 150))
    assert result.outcome == Outcome.APPLIED and result.messages == 4
    assert [(r["quantity"], r["remaining"], r["state"], r["position"], r["pnl"])
            for r in result.responses] == [
        (0, 300, OrderState.LIVE, 0, 0),
        (100, 200, OrderState.LIVE, 100, 0),
        # 150 held, cost 50,000,000 + 24,995,000, marked at 49.99: 74,985,000
        (50, 150, OrderState.LIVE, 150, -10_000),
        (150, 0, OrderState.DEAD, 150, -10_000)]
    assert model.slots[0] == SlotLedger(position=150, closed_buy=300, cash=-74_995_000,
                                        mark=499_900)
    assert model.card == CardLedger(pnl=-10_000, released=300 * 500_000,
                                    position_value=150 * 499_900)
    assert model.orders[7].remaining == 0 and model.orders[7].state == OrderState.DEAD


def test_short_position_gains_as_the_price_falls_then_loses_when_bought_back_higher():
    model, stream = setup()
    fill(model, stream, 1, 1, True, 300_000, 200, 300_100)          # short 200 at 30.01
    assert (model.slots[1].position, model.card.pnl) == (-200, 0)
    assert model.card.position_value == 200 * 300_100
    fill(model, stream, 2, 1, False, 299_000, 50, 298_000)          # buy 50 at 29.80
    # 150 short marked at 29.80: 60,020,000 - 14,900,000 - 150 * 298,000 = 420,000
    assert model.slots[1] == SlotLedger(position=-150, closed_buy=50, closed_sell=200,
                                        cash=45_120_000, mark=298_000)
    assert model.card == CardLedger(pnl=420_000, released=200 * 300_000 + 50 * 299_000,
                                    position_value=150 * 298_000)
    fill(model, stream, 3, 1, False, 301_500, 150, 301_000)         # buy 150 at 30.10
    # sold 6,002.00, bought 1,490.00 + 4,515.00: -$3.00
    assert (model.slots[1].position, model.slots[1].cash, model.card.pnl) == (0, -30_000,
                                                                              -30_000)
    assert model.card.released == 60_000_000 + 14_950_000 + 150 * 301_500
    assert model.card.position_value == 0


def test_pnl_and_position_value_sum_over_slots_at_their_own_marks():
    model, stream = setup()
    fill(model, stream, 1, 0, False, 10_100, 10, 10_000)            # slot 0 long 10 @ 1.00
    fill(model, stream, 2, 1, True, 19_900, 20, 20_000)             # slot 1 short 20 @ 2.00
    assert model.card.position_value == 10 * 10_000 + 20 * 20_000
    fill(model, stream, 3, 0, False, 12_000, 5, 12_000)             # slot 0 +5 @ 1.20
    # slot 0: -100,000 - 60,000 + 15 * 12,000 = 20,000; slot 1: 400,000 - 20 * 20,000 = 0
    assert model.card == CardLedger(pnl=20_000,
                                    released=10 * 10_100 + 20 * 19_900 + 5 * 12_000,
                                    position_value=15 * 12_000 + 20 * 20_000)


def test_rejected_closes_the_remaining_shares():
    model, stream = setup()
    assert model.sent(4, 2, True, 777_700, 250)
    result = send(model, stream, rf.rejected(4, reason=3))
    assert result.responses == [{
        "kind": Kind.REJECTED, "user_ref_num": 4, "quantity": 250, "price": 777_700,
        "match_number": 0, "slot": 2, "sell": 1, "remaining": 0, "state": OrderState.DEAD,
        "position": 0, "pnl": 0}]
    assert model.slots[2] == SlotLedger(closed_sell=250)
    assert model.card == CardLedger(released=250 * 777_700)


def test_response_records_of_accepted_executed_canceled():
    model, stream = setup()
    assert model.sent(9, 5, False, 1_234_500, 300)
    result = send(model, stream, rf.accepted(9, "B", 300, "X", 1_234_500),
                  rf.executed(9, 120, 1_234_400, 0xABCD_0000_1234), rf.canceled(9, 30))
    base = {"user_ref_num": 9, "slot": 5, "sell": 0}
    assert result.responses == [
        {**base, "kind": Kind.ACCEPTED, "quantity": 0, "price": 1_234_500, "match_number": 0,
         "remaining": 300, "state": OrderState.LIVE, "position": 0, "pnl": 0},
        {**base, "kind": Kind.EXECUTED, "quantity": 120, "price": 1_234_400,
         "match_number": 0xABCD_0000_1234, "remaining": 180, "state": OrderState.LIVE,
         "position": 120, "pnl": 0},
        {**base, "kind": Kind.CANCELED, "quantity": 30, "price": 1_234_500,
         "match_number": 0, "remaining": 150, "state": OrderState.LIVE, "position": 120,
         "pnl": 0}]


def test_registers_wrap_at_their_widths():
    model, stream = setup()
    top = (1 << 32) - 1
    fill(model, stream, 1, 0, False, top, 1 << 31, top)   # 2**31 shares at the top price
    cash = -((1 << 31) * top)                             # -(2**63 - 2**31): fits
    # position 2**31 wraps to -2**31; pnl = cash + (-2**31) * top = -2**64 + 2**32 -> 2**32
    assert model.slots[0] == SlotLedger(position=-(1 << 31), closed_buy=1 << 31, cash=cash,
                                        mark=top)
    assert model.card == CardLedger(pnl=1 << 32, released=(1 << 31) * top,
                                    position_value=(1 << 31) * top)
    for ref in (2, 3):                                   # closed_sell wraps at 32 bits
        assert model.sent(ref, 1, True, top, top)
        send(model, stream, rf.rejected(ref))
    assert model.slots[1].closed_sell == 2 * top - (1 << 32)
    assert model.card.released == ((1 << 31) * top + 2 * top * top) % (1 << 64)


# --- frames: outcomes and the order of the rules --------------------------------------------

def test_outcome_of_each_kind_of_frame():
    model, stream = setup()
    assert model.frame(*ri.foreign(S, "arp")).outcome == Outcome.OTHER
    assert model.frame(stream.segment(b"", flags=rf.ACK)).outcome == Outcome.NO_DATA
    assert model.frame(stream.segment(rf.heartbeat())).outcome == Outcome.APPLIED
    assert not model.out_of_sync
    for flag in (rf.FIN, rf.RST, rf.SYN):
        model.resync(stream.seq)
        result = model.frame(stream.segment(b"", flags=rf.ACK | flag, advance=False))
        assert (result.outcome, result.seq, model.out_of_sync) == (Outcome.CONTROL,
                                                                   stream.seq, True)
    assert model.frame(stream.segment(rf.heartbeat())).outcome == Outcome.OUT_OF_SYNC
    model.resync(stream.seq - 1)
    result = model.frame(stream.segment(rf.heartbeat()))
    assert (result.outcome, model.out_of_sync) == (Outcome.OUT_OF_ORDER, True)
    model.resync(stream.seq)
    result = model.frame(stream.segment(rf.sequenced(b"Q")))
    assert (result.outcome, result.detail) == (Outcome.UNPARSEABLE, Detail.UNKNOWN_MESSAGE)
    model.resync(stream.seq)
    assert model.frame(*ri.with_mac_error(stream.segment(rf.heartbeat()))).outcome == \
        Outcome.CORRUPT
    assert model.out_of_sync
    counters = model.counters
    assert set(counters) == set(COUNTER_NAMES)
    assert [counters[f"frames_{o.name.lower()}"] for o in Outcome] == [1, 1, 1, 1, 3, 1, 1, 1]
    assert counters["detail_unknown_message"] == 1
    assert counters["payload_bytes"] == 3                      # the one applied heartbeat


@pytest.mark.parametrize("damage", ["mac_error", "runt", "ip_checksum", "truncated",
                                    "fragment_mf", "fragment_offset", "tcp_checksum",
                                    *ri.MALFORMED])
def test_corrupt_frames_lose_sync_and_apply_nothing(damage):
    model, stream = setup()
    model.sent(1, 0, False, 100, 10)
    frame = stream.segment(rf.accepted(1, "B", 10, "X", 100))
    frame, mac_error = {
        "mac_error": lambda: ri.with_mac_error(frame),
        "runt": lambda: ri.truncate(frame, 13),
        "ip_checksum": lambda: ri.corrupt_ip_checksum(frame),
        "truncated": lambda: ri.truncate(frame, ri.payload_span(frame)[1] - 1),
        "fragment_mf": lambda: ri.fragmented(frame, True, 0),
        "fragment_offset": lambda: ri.fragmented(frame, False, 3),
        "tcp_checksum": lambda: ri.corrupt_payload(frame, 5, 0x40),
    }.get(damage, lambda: ri.malformed(frame, damage))()
    result = model.frame(frame, mac_error)
    assert (result.outcome, result.detail, result.seq, result.length) == (
        Outcome.CORRUPT, Detail.NONE, 0, 0)
    assert model.out_of_sync and model.rcv_next == START
    assert model.orders[1].state == OrderState.SENT


@pytest.mark.parametrize("kind", list(ri.FOREIGN))
def test_other_traffic_is_other_and_keeps_sync(kind):
    model, _ = setup()
    result = model.frame(*ri.foreign(S, kind))
    assert (result.outcome, result.seq, model.out_of_sync) == (Outcome.OTHER, 0, False)


def test_padding_is_ignored_and_a_tagged_stub_is_other():
    model, stream = setup()
    frame = stream.segment(rf.heartbeat())             # 57 bytes of headers, padded to 60
    assert len(frame) == 60
    assert model.frame(frame[:57]).outcome == Outcome.APPLIED
    assert model.frame(stream.segment(rf.heartbeat()) + b"junk").outcome == Outcome.APPLIED
    assert model.frame(stream.segment(rf.heartbeat(), vlan=3)[:16]).outcome == Outcome.OTHER
    assert model.frame(stream.segment(rf.heartbeat())[:34]).outcome == Outcome.CORRUPT


def test_counters_are_the_register_blocks():
    # imported here: the gateware's register block is young; only this test needs it
    from hdl.response.regs import RESPONSE_COUNTERS
    assert COUNTER_NAMES == RESPONSE_COUNTERS


def test_rules_apply_in_order():
    model, stream = setup()
    # 1 before 2: a MAC error on ARP; a bad IPv4 checksum on UDP.
    assert model.frame(ri.foreign(S, "arp")[0], True).outcome == Outcome.CORRUPT
    udp = build_udp_frame(S.src_mac, S.dst_mac, S.dst_ip, S.src_ip, 1, 2, b"x")
    assert model.frame(ri.corrupt_ip_checksum(udp)[0]).outcome == Outcome.CORRUPT
    # 2 before 3: another source address with a wrong TCP checksum.
    other = ri.foreign(S, "source_address")[0]
    assert model.frame(ri.corrupt_payload(other)[0]).outcome == Outcome.OTHER
    # 3 before 4: another port with a wrong TCP checksum, or fragmented.
    port = ri.foreign(S, "destination_port")[0]
    assert model.frame(ri.corrupt_payload(port)[0]).outcome == Outcome.CORRUPT
    assert model.frame(ri.fragmented(port)[0]).outcome == Outcome.CORRUPT
    # 5 before 6 and 8: a FIN with data out of order.
    model.resync(stream.seq)
    fin = stream.segment(rf.heartbeat(), flags=rf.ACK | rf.FIN, seq=stream.seq + 9)
    assert model.frame(fin).outcome == Outcome.CONTROL
    # 6 before 7 and 8: no payload, out of order and out of sync.
    assert model.frame(stream.segment(b"", seq=stream.seq + 9)).outcome == Outcome.NO_DATA
    # 7 before 8.
    late = stream.segment(rf.heartbeat(), seq=stream.seq + 9)
    assert model.frame(late).outcome == Outcome.OUT_OF_SYNC
    # IPv4 without TCP, in a 60-byte frame: other.
    icmp = build_ethernet(S.src_mac, S.dst_mac, 0x0800,
                          build_ipv4(S.dst_ip, S.src_ip, 1, bytes(8)))
    assert model.frame(icmp).outcome == Outcome.OTHER


def test_rcv_next_advances_by_the_payload_and_wraps():
    start = (1 << 32) - 10
    model, stream = setup(start)
    payload = rf.heartbeat() + rf.system_event("S") + rf.debug("hello")
    result = send(model, stream, rf.heartbeat(), rf.system_event("S"), rf.debug("hello"),
                  options=rf.timestamp_option(1, 2))
    assert (result.outcome, result.seq, result.length, result.messages) == (
        Outcome.APPLIED, start, len(payload), 0)
    assert model.rcv_next == len(payload) - 10 == stream.seq
    result = send(model, stream, rf.heartbeat(), ip_options=b"\x01\x01\x01\x00", vlan=12)
    assert (result.outcome, result.seq, model.rcv_next) == (Outcome.APPLIED,
                                                            len(payload) - 10,
                                                            len(payload) - 7)


def test_out_of_order_duplicate_and_resync():
    model, stream = setup()
    model.sent(1, 0, False, 100, 10)
    first = stream.segment(rf.accepted(1, "B", 10, "X", 100))
    assert model.frame(first).outcome == Outcome.APPLIED
    assert model.frame(first).outcome == Outcome.OUT_OF_ORDER          # a duplicate
    held = stream.segment(rf.executed(1, 4, 100, 1))
    result = model.frame(held)
    assert (result.outcome, result.messages, result.responses) == (Outcome.OUT_OF_SYNC, 0, [])
    assert model.orders[1].remaining == 10 and model.rcv_next == START + 3 + 64   # one A
    model.resync(model.rcv_next)
    assert model.frame(held).outcome == Outcome.APPLIED
    assert model.orders[1].remaining == 6


# --- unparseable segments -------------------------------------------------------------------

def _live(model, stream, ref=1, shares=10, price=50_000):
    model.sent(ref, 0, False, price, shares)
    assert send(model, stream, rf.accepted(ref, "B", shares, "X", price)).outcome == \
        Outcome.APPLIED


DETAIL_CASES = {
    **{f"packet_{name}": (tail, Detail.BAD_PACKET) for name, tail in ri.BAD_PACKETS.items()},
    "packet_overrun": (ri.overrunning(rf.canceled(1, 1), 2), Detail.BAD_PACKET),
    "unknown_message": (ri.unknown_message(), Detail.UNKNOWN_MESSAGE),
    "unknown_type_byte": (rf.sequenced(b"B" + bytes(30)), Detail.UNKNOWN_MESSAGE),
    "system_event_long": (ri.wrong_length(rf.system_event("S"), 1), Detail.BAD_LENGTH),
    "canceled_short": (ri.wrong_length(rf.canceled(1, 1), -1), Detail.BAD_LENGTH),
    "accepted_cut_before_appendage": (ri.wrong_length(rf.accepted(1, "B", 1, "X", 1), -3),
                                      Detail.BAD_LENGTH),
    "executed_appendage_short": (ri.wrong_length(
        rf.executed(1, 1, 50_000, 1, appendage=[(2, b"TKFG")]), -1), Detail.BAD_LENGTH),
    "rejected_long": (ri.wrong_length(rf.rejected(1), 2), Detail.BAD_LENGTH),
    "type_byte_alone": (rf.sequenced(b"C"), Detail.BAD_LENGTH),
    "short_ones_in_one_beat": (rf.sequenced(b"E\x00") + rf.sequenced(b"J"), Detail.BAD_LENGTH),
    "ref_free_entry": (rf.executed(2, 1, 50_000, 1), Detail.UNKNOWN_REF),
    "ref_other_in_entry": (rf.canceled(1 + 16, 1), Detail.UNKNOWN_REF),
    "accepted_twice": (rf.accepted(1, "B", 10, "X", 50_000), Detail.BAD_STATE),
    "rejected_when_live": (rf.rejected(1), Detail.BAD_STATE),
    "quantity_zero": (rf.executed(1, 0, 50_000, 1), Detail.BAD_FIELD),
    "quantity_above_remaining": (rf.executed(1, 11, 50_000, 1), Detail.BAD_FIELD),
    "cancel_zero": (rf.canceled(1, 0), Detail.BAD_FIELD),
    "cancel_above_remaining": (rf.canceled(1, 11), Detail.BAD_FIELD),
    "price_zero": (rf.executed(1, 1, 0, 1), Detail.BAD_FIELD),
    "price_upper_bits": (rf.executed(1, 1, (1 << 32) | 50_000, 1), Detail.BAD_FIELD),
    "price_negative": (rf.executed(1, 1, -50_000, 1), Detail.BAD_FIELD),
    # the first fault names the segment; a message's own checks go type, length, ref,
    # state, fields
    "field_before_packet": (rf.canceled(1, 0) + b"\x00\x00", Detail.BAD_FIELD),
    "packet_before_field": (b"\x00\x02H\x00" + rf.canceled(1, 0), Detail.BAD_PACKET),
    "ref_before_field": (rf.executed(2, 0, 0, 1), Detail.UNKNOWN_REF),
    "length_before_ref": (ri.wrong_length(rf.canceled(99, 1), 1), Detail.BAD_LENGTH),
}


@pytest.mark.parametrize("case", list(DETAIL_CASES))
def test_unparseable_detail_and_nothing_applies(case):
    tail, detail = DETAIL_CASES[case]
    model, stream = setup(table_size=16)
    _live(model, stream)
    before = (model.orders, model.slots, model.card, model.rcv_next)
    result = send(model, stream, rf.heartbeat(), rf.executed(1, 3, 49_000, 1), tail)
    assert (result.outcome, result.detail, result.messages, result.responses) == (
        Outcome.UNPARSEABLE, detail, 0, [])
    assert (model.orders, model.slots, model.card, model.rcv_next) == before
    assert model.out_of_sync and model.counters[f"detail_{detail.name.lower()}"] == 1


def test_bad_state_on_sent_and_dead_orders():
    model, stream = setup()
    model.sent(1, 0, False, 100, 10)
    assert send(model, stream, rf.canceled(1, 1)).detail == Detail.BAD_STATE   # C before A
    model.resync(stream.seq)
    send(model, stream, rf.rejected(1))
    for message in (rf.executed(1, 1, 100, 1), rf.rejected(1)):               # DEAD
        model.resync(stream.seq)
        assert send(model, stream, message).detail == Detail.BAD_STATE


def test_boundaries_that_apply():
    model, stream = setup()
    _live(model, stream, shares=20)
    top = (1 << 32) - 1
    result = send(model, stream, rf.executed(1, 1, top, 1, appendage=[(2, b"TKFG")]),
                  rf.executed(1, 1, 1, 2), rf.canceled(1, 18))
    assert result.outcome == Outcome.APPLIED and model.orders[1].remaining == 0
    assert model.slots[0].cash == -(top + 1) and model.slots[0].mark == 1


def test_messages_see_the_earlier_messages_of_their_segment_and_roll_back_whole():
    model, stream = setup()
    model.sent(1, 0, False, 100, 100)
    model.sent(2, 1, True, 200, 100)
    rolled_back = send(model, stream, rf.accepted(1, "B", 100, "X", 100),
                       rf.executed(1, 40, 100, 1), rf.rejected(2),
                       rf.executed(1, 61, 100, 2))              # only 60 left
    assert (rolled_back.outcome, rolled_back.detail) == (Outcome.UNPARSEABLE,
                                                         Detail.BAD_FIELD)
    assert [model.orders[i].state for i in (1, 2)] == [OrderState.SENT, OrderState.SENT]
    assert model.slots[0] == SlotLedger() and model.card == CardLedger()
    assert model.rcv_next == START
    model.resync(START)
    stream.seq = START                                           # sent again, whole
    result = send(model, stream, rf.accepted(1, "B", 100, "X", 100),
                  rf.executed(1, 40, 100, 1), rf.rejected(2), rf.executed(1, 60, 100, 2))
    assert result.outcome == Outcome.APPLIED and result.messages == 4
    assert model.card == CardLedger(pnl=0, released=100 * 100 + 100 * 200,
                                    position_value=100 * 100)


def test_undo_log_holds_128_order_messages():
    model, stream = setup()
    _live(model, stream, shares=300)
    result = send(model, stream, *[rf.canceled(1, 1)] * (UNDO_DEPTH + 1))
    assert (result.outcome, result.detail) == (Outcome.UNPARSEABLE, Detail.TOO_MANY)
    assert model.orders[1].remaining == 300
    model.resync(stream.seq)
    result = send(model, stream, *[rf.canceled(1, 1)] * UNDO_DEPTH, rf.system_event("E"))
    assert (result.outcome, result.messages) == (Outcome.APPLIED, UNDO_DEPTH)
    assert model.orders[1].remaining == 300 - UNDO_DEPTH
    assert model.counters["messages_canceled"] == UNDO_DEPTH
    assert model.counters["messages_accepted"] == 1


# --- the order table ------------------------------------------------------------------------

def test_overflow_when_the_entry_is_busy():
    model, stream = setup(table_size=4)
    assert model.sent(1, 0, False, 100, 10)
    assert not model.sent(5, 1, True, 200, 20)                  # index 1 SENT
    send(model, stream, rf.accepted(1, "B", 10, "X", 100))
    assert model.busy(1) and not model.sent(9, 1, True, 200, 20)   # LIVE
    assert model.counters["overflow"] == 2
    assert model.orders[1].user_ref_num == 1
    send(model, stream, rf.canceled(1, 10))
    assert not model.busy(1) and model.sent(5, 1, True, 200, 20)   # DEAD is replaced
    assert model.orders[1].user_ref_num == 5 and model.orders[1].state == OrderState.SENT
    assert model.counters["overflow"] == 2


def test_sent_rejects_values_the_registers_cannot_hold():
    model, _ = setup(slots=4)
    for args in [(1, 4, False, 100, 1), (1, 0, False, 0, 1), (1, 0, False, 1 << 32, 1),
                 (1, 0, False, 100, 0), (1 << 32, 0, False, 100, 1)]:
        with pytest.raises(ValueError):
            model.sent(*args)
