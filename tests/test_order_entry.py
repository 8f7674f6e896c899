"""OrderEntry in amaranth.sim: frames checked with scapy and the proto encoders, cycle by cycle.

Expected frames come from :func:`order_sim_helpers.expected_frame` (proto.ouch,
proto.soupbintcp, proto.net) and are parsed with scapy; session values (UserRefNum, TCP
sequence, IPv4 identification) are followed here from the session's start values, advanced
once per completed frame, never read back from the DUT.
"""

from __future__ import annotations

import random
from itertools import pairwise

import pytest
from order_sim_helpers import (
    NOW_BASE,
    Leg,
    Session,
    Step,
    expected_frame,
    expected_payload,
    register_values,
    simulate,
)
from order_traffic import committed_legs, speculative_traffic
from scapy.layers.inet import IP, TCP
from scapy.layers.l2 import Ether
from scapy.utils import rdpcap

from hdl.order.entry import OrderEntry
from hdl.strategy.layouts import ECP5_TRADE, SIM_TRADE
from proto import ouch, soupbintcp
from proto.net import internet_checksum, ip_bytes, l4_checksum
from sim.pcap import write_pcap

SESSION = Session()
LATENCY = OrderEntry.LATENCY
LEGS = [Leg(slot=i % 4, sell=bool(i % 2), price=1_000_000 + 2_500 * i, shares=100 + i,
            symbol=sym) for i, sym in enumerate(["AAPL", "MSFT", "QQQ", "A", "ZVZZT",
                                                 "GOOGL", "AMZN", "TSLA", "NVDA", "META"])]
SEGMENT = len(expected_payload(SESSION, LEGS[0], 1))


def in_order(legs, session=SESSION, first=0):
    """The frames ``legs`` should produce, completed one after another from ``first``."""
    return [expected_frame(session, leg, session.user_ref + first + i,
                           (session.seq + SEGMENT * (first + i)) % 2**32,
                           (session.ip_id + first + i) % 2**16) for i, leg in enumerate(legs)]


def sent_fields(leg, index, session=SESSION, aborted=0, late=0):
    return {"user_ref_num": session.user_ref + index, "seq": session.seq + SEGMENT * index,
            "length": SEGMENT, "slot": leg.slot, "sell": int(leg.sell), "price": leg.price,
            "shares": leg.shares, "aborted": aborted, "late": late, "sequence": 0,
            "source": 0, "cancel": 0}


def clean(run):
    """The bytes of every frame of ``run``, each of which must have completed."""
    assert [f.error for f in run.frames] == [False] * len(run.frames)
    return [f.data for f in run.frames]


def without_time(sent):
    return [{k: v for k, v in record.items() if k != "time"} for _, record in sent]


@pytest.fixture(scope="module")
def single():
    run = simulate([Step(group=(LEGS[1],))])
    assert len(run.frames) == 1
    return run, run.frames[0].data


# --- one order, byte for byte -----------------------------------------------------------

def test_single_order_headers_and_checksums_as_scapy_sees_them(single):
    _run, frame = single
    packet = Ether(frame)
    ip, tcp = packet[IP], packet[TCP]
    assert (packet.dst, packet.src, packet.type) == (SESSION.dst_mac, SESSION.src_mac, 0x0800)
    assert (ip.src, ip.dst, ip.ttl, ip.proto, ip.len, ip.flags) == \
        (SESSION.src_ip, SESSION.dst_ip, SESSION.ttl, 6, len(frame) - 14, "DF")
    assert ip.id == SESSION.ip_id
    assert (tcp.sport, tcp.dport, tcp.seq, tcp.ack, tcp.flags, tcp.window, tcp.dataofs) == \
        (SESSION.src_port, SESSION.dst_port, SESSION.seq, SESSION.ack, "PA", SESSION.window, 5)
    rebuilt = packet.copy()
    del rebuilt[IP].chksum
    del rebuilt[TCP].chksum
    rebuilt = Ether(bytes(rebuilt))
    assert (ip.chksum, tcp.chksum) == (rebuilt[IP].chksum, rebuilt[TCP].chksum)
    assert internet_checksum(frame[14:34]) == 0
    assert l4_checksum(ip_bytes(SESSION.src_ip), ip_bytes(SESSION.dst_ip), 6, frame[34:]) == 0
    assert len(frame) == 110 and len(bytes(tcp.payload)) == SEGMENT == 56


def test_single_order_payload_decodes_to_the_requested_order(single):
    _run, frame = single
    soup, end = soupbintcp.decode(bytes(Ether(frame)[TCP].payload))
    assert (soup.type, end) == ("U", SEGMENT)
    message = ouch.decode(soup.data, inbound=True)
    leg = LEGS[1]
    assert message.layout is ouch.ENTER_ORDER
    assert message.fields == {
        "type": "O", "user_ref_num": SESSION.user_ref, "side": "S", "quantity": leg.shares,
        "symbol": leg.symbol, "price": leg.price, "time_in_force": "3", "display": "Y",
        "capacity": "P", "intermarket_sweep": "N", "cross_type": "N",
        "cl_ord_id": f"TKFG00{SESSION.user_ref:08X}", "appendage_length": 6}
    assert message.options == [(ouch.FIRM_TAG, b"TKFG")]


def test_single_order_frame_equals_the_proto_encoders(single):
    run, frame = single
    assert frame == in_order([LEGS[1]])[0]
    assert [len(f.data) for f in run.frames] == [110] and run.frames[0].beats == 14
    assert run.beats[run.frames[0].last_cycle].keep == 0x3F


def test_single_order_sent_record():
    run = simulate([Step(), Step(), Step(group=(LEGS[2],))])
    frame = run.frames[0]
    assert run.sent == [(frame.last_cycle + 1, {**sent_fields(LEGS[2], 0),
                                                "time": NOW_BASE + frame.first_cycle})]
    assert run.counters["frames_sent"] == 1
    assert run.counters["next_seq"] == SESSION.seq + SEGMENT
    assert run.counters["next_user_ref_num"] == SESSION.user_ref + 1


def test_other_session_values_reach_the_frame():
    other = Session(dst_mac="00:1b:21:aa:bb:cc", src_mac="a0:36:9f:01:02:03",
                    src_ip="192.168.7.9", dst_ip="172.16.254.3", src_port=1, dst_port=65535,
                    ttl=3, window=1, ack=0xFFFF_FFFF, time_in_force="0", display="N",
                    capacity="A", intermarket_sweep="Y", cross_type="C", prefix="AB12CD",
                    firm="XYZW", seq=0xFFFF_FFF0, user_ref=0xFEDC_BA98, ip_id=0xFFFF)
    legs = [Leg(price=0xFFFF_FFFF, shares=0xFFFF_FFFF, symbol="ZZZZZZZZ"), Leg(sell=True)]
    run = simulate([Step(group=tuple(legs))], other)
    assert clean(run) == in_order(legs, other)
    assert Ether(run.frames[1].data)[IP].id == 0     # identification wrapped


# --- timing -----------------------------------------------------------------------------

@pytest.mark.parametrize("offer", [0, 7])
def test_first_beat_is_valid_latency_cycles_after_the_group(offer):
    run = simulate([Step()] * offer + [Step(group=(LEGS[0],))])
    valid = [b.cycle for b in run.beats if b.valid]
    assert LATENCY == 1
    assert valid[0] == offer + LATENCY
    assert valid == list(range(offer + LATENCY, offer + LATENCY + 14))


def test_sequence_numbers_user_refs_and_ip_ids_advance_per_order():
    steps = []
    for leg in LEGS:
        steps += [Step(group=(leg,))] + [Step()] * 20
    run = simulate(steps)
    assert clean(run) == in_order(LEGS)
    assert without_time(run.sent) == [sent_fields(leg, i) for i, leg in enumerate(LEGS)]
    assert [r["time"] for _, r in run.sent] == \
        [NOW_BASE + 21 * i + LATENCY for i in range(len(LEGS))]
    assert run.counters["frames_sent"] == len(LEGS)
    assert run.counters["next_seq"] == SESSION.seq + SEGMENT * len(LEGS)
    assert run.counters["next_user_ref_num"] == SESSION.user_ref + len(LEGS)


def test_two_leg_groups_fill_the_queue_and_leave_in_order_back_to_back():
    groups = [tuple(LEGS[2 * i:2 * i + 2]) for i in range(4)]
    run = simulate([Step(group=g) for g in groups], tail=14 * 8 + 10)
    assert clean(run) == in_order(LEGS[:8])
    frames = run.frames
    assert all(b.first_cycle == a.last_cycle + 1 for a, b in pairwise(frames))
    assert run.free[:5] == [8, 6, 4, 2, 0]
    assert run.free[-1] == 8 and run.counters["dropped"] == 0


def test_a_group_larger_than_free_is_dropped_and_counted():
    groups = [tuple(LEGS[2 * i:2 * i + 2]) for i in range(4)]
    run = simulate([Step(group=g) for g in groups] + [Step(group=(LEGS[8],))],
                   tail=14 * 8 + 10)
    assert clean(run) == in_order(LEGS[:8])
    assert run.counters["dropped"] == 1


def test_random_backpressure_keeps_beats_stable_and_frames_unchanged():
    rng = random.Random(7)
    steps = []
    for i, leg in enumerate(LEGS):
        group = (leg,) if i % 3 else (leg, LEGS[-1 - i])
        steps += [Step(group=group)] + [Step()] * rng.randint(0, 12)
    steady = simulate(steps, tail=300, when_full="wait")
    pressed = [Step(group=s.group, ready=rng.random() < 0.6) for s in steps]
    pressed += [Step(ready=rng.random() < 0.6) for _ in range(600)]
    run = simulate(pressed, tail=40, when_full="wait")
    assert clean(run) == clean(steady)
    assert clean(steady) == \
        in_order([leg for s in steps for leg in s.group])
    assert run.counters["dropped"] == 0 and min(run.free) == 0
    assert run.stream_faults() == []
    assert sum(b.valid and not b.ready for b in run.beats) > 100


# --- verdicts ---------------------------------------------------------------------------

@pytest.mark.parametrize("stall", [False, True])
def test_withdraw_mid_frame_ends_it_on_the_next_beat(stall):
    # Beat k is on the wire from cycle k + 1; with the stall, beat 3 waits in cycles 4..7.
    steps = [Step(group=(LEGS[0], LEGS[1]), speculative=True)] + [Step()] * 3
    steps += [Step(ready=not stall), Step(verdict=False, ready=not stall)]
    steps += [Step(ready=not stall)] * 2 + [Step()] * 10 + [Step(group=(LEGS[2],))]
    run = simulate(steps)
    aborted, resent = run.frames
    on_wire = 3 if stall else 4                      # the beat presented at the verdict
    assert run.beats[5].data == run.beats[4 if stall else 5].data
    assert (aborted.beats, aborted.error) == (on_wire + 2, True)
    last = run.beats[aborted.last_cycle]
    assert (last.last, last.error, last.keep) == (True, True, 0xFF)
    assert not any(b.last for b in run.beats[:aborted.last_cycle] if b.valid)
    assert aborted.data[:8 * (on_wire + 1)] == in_order([LEGS[0]])[0][:8 * (on_wire + 1)]
    assert resent.data == in_order([LEGS[2]])[0]     # nothing advanced, LEGS[1] dropped
    assert without_time(run.sent) == [sent_fields(LEGS[0], 0, aborted=1),
                                      sent_fields(LEGS[2], 0)]
    assert (run.counters["aborted_withdrawn"], run.counters["frames_sent"]) == (1, 1)
    assert run.counters["queued"] == 0


def test_withdraw_drops_queued_speculative_legs_and_keeps_older_ones():
    steps = [Step(group=(LEGS[0], LEGS[1])), Step(group=(LEGS[2], LEGS[3]), speculative=True),
             Step(), Step(verdict=False), Step(group=(LEGS[4],))]
    run = simulate(steps, tail=60)
    assert clean(run) == in_order([LEGS[0], LEGS[1], LEGS[4]])
    assert run.counters["aborted_withdrawn"] == 0 and run.counters["queued"] == 0


def test_speculative_group_withdrawn_in_its_own_cycle_never_starts():
    run = simulate([Step(group=(LEGS[0], LEGS[1]), speculative=True, verdict=False)])
    assert run.frames == [] and run.sent == [] and run.free[-1] == 8


def test_commit_clears_speculation_of_the_frame_in_flight_and_the_queue():
    steps = [Step(group=(LEGS[0], LEGS[1]), speculative=True), Step(verdict=True)]
    run = simulate(steps, tail=60)
    assert clean(run) == in_order(LEGS[:2])
    assert run.counters["aborted_late"] == 0


@pytest.mark.parametrize("verdict_at,late", [(13, False), (14, True)])
def test_verdict_needed_by_the_cycle_the_final_beat_is_formed(verdict_at, late):
    steps = [Step(group=(LEGS[0],), speculative=True)] + [Step()] * (verdict_at - 1)
    run = simulate(steps + [Step(verdict=True)])
    frames = run.frames
    assert frames[0].error is late and frames[0].beats == 14
    assert [f.data for f in frames[late:]] == in_order([LEGS[0]])


def test_late_verdict_aborts_the_final_beat_and_resends_after_commit():
    steps = [Step(group=(LEGS[0],), speculative=True)] + [Step()] * 24 + [Step(verdict=True)]
    run = simulate(steps)
    late, resent = run.frames
    assert late.error and late.beats == 14 and run.beats[late.last_cycle].keep == 0x3F
    assert late.data == in_order([LEGS[0]])[0]         # all of it, with the error flag
    assert resent.first_cycle == 25 + LATENCY          # held until the commit
    assert resent.data == in_order([LEGS[0]])[0]       # the same UserRefNum
    assert without_time(run.sent) == [sent_fields(LEGS[0], 0, aborted=1, late=1),
                                      sent_fields(LEGS[0], 0)]
    assert (run.counters["aborted_late"], run.counters["frames_sent"]) == (1, 1)


def test_late_order_is_dropped_by_a_withdraw():
    steps = [Step(group=(LEGS[0],), speculative=True)] + [Step()] * 24 + [Step(verdict=False)]
    steps += [Step()] * 5 + [Step(group=(LEGS[1],))]
    run = simulate(steps)
    late, after = run.frames
    assert late.error and after.data == in_order([LEGS[1]])[0]
    assert run.counters["aborted_late"] == 1 and run.counters["queued"] == 0


@pytest.mark.parametrize("seed,params", [(2, SIM_TRADE), (3, SIM_TRADE), (7, SIM_TRADE),
                                         (4, ECP5_TRADE)])
def test_random_speculative_traffic_keeps_the_contract(seed, params):
    steps, legs = speculative_traffic(seed)
    run = simulate(steps, tail=400, when_full="reject", params=params)
    by_price = {leg.price: leg for leg in legs}
    frames = run.frames
    assert len(run.sent) == len(frames)
    completed = 0
    for frame, (_, record) in zip(frames, run.sent, strict=True):
        leg = by_price[record["price"]]
        wanted = in_order([leg], first=completed)[0]
        # A late frame ends on its real final beat, a withdrawn one on a full beat.
        late = frame.error and run.beats[frame.last_cycle].keep == 0x3F
        assert record == {**sent_fields(leg, completed, aborted=int(frame.error),
                                        late=int(late)),
                          "time": NOW_BASE + frame.first_cycle}
        if frame.error:                  # everything but the abort beat is the order's
            assert frame.data[:-8] == wanted[:len(frame.data) - 8]
        else:
            assert frame.data == wanted
            completed += 1
    sent = [by_price[r["price"]] for (_, r), f in zip(run.sent, frames, strict=True)
            if not f.error]
    assert sent == committed_legs(steps, set(run.rejected))
    assert run.stream_faults() == []
    late = sum(r["late"] for _, r in run.sent)
    withdrawn = sum(r["aborted"] and not r["late"] for _, r in run.sent)
    assert (run.counters["aborted_late"], run.counters["aborted_withdrawn"]) == (late, withdrawn)
    assert run.counters["frames_sent"] == completed and run.counters["queued"] == 0
    assert late > 0 and withdrawn > 0 and run.rejected    # the run covered all three


# --- kill and session -------------------------------------------------------------------

@pytest.mark.parametrize("kill_at", [14, 15, 20])
def test_kill_stops_new_frames_from_its_cycle_and_flushes_the_queue(kill_at):
    groups = [Step(group=tuple(LEGS[2 * i:2 * i + 2])) for i in range(3)]
    steps = groups + [Step()] * (kill_at - 3) + [Step(kill=True)] * 30
    steps += [Step(group=(LEGS[9],))]
    run = simulate(steps)
    *before, after = run.frames
    assert all(f.first_cycle <= kill_at for f in before)
    assert after.first_cycle == len(steps) - 1 + LATENCY
    started = 1 if kill_at == 14 else 2              # frame 2 starts in cycle 14
    assert clean(run)[:-1] == in_order(LEGS[:started])      # in flight: completed
    assert run.counters["flushed"] == 6 - started
    assert after.data == in_order([LEGS[9]], first=started)[0]


def test_session_disabled_sends_nothing_and_load_session_sets_the_counters():
    loaded = Session(seq=0xA0B0_C0D0, user_ref=777, ip_id=0x0102)
    words = register_values(loaded)
    steps = [Step(group=(LEGS[0], LEGS[1])), Step()]
    steps += [Step(load=True, regs={name: words[name]
                                    for name in ("seq_load", "user_ref_load", "ip_id_load")})]
    steps += [Step()] * 3 + [Step(regs={"control": 1})] + [Step()] * 2
    steps += [Step(group=(LEGS[3],))] + [Step()] * OrderEntry.SETTLE    # still settling
    steps += [Step(group=(LEGS[2],))]
    run = simulate(steps, enable=False)
    assert run.active.index(1) == 6 + OrderEntry.SETTLE
    assert run.counters["flushed"] == 3
    assert clean(run) == in_order([LEGS[2]], loaded)
    assert run.counters["next_user_ref_num"] == 778
    assert run.counters["next_seq"] == 0xA0B0_C0D0 + SEGMENT


# --- capture ----------------------------------------------------------------------------

def test_frames_written_to_pcap_read_back_with_scapy(tmp_path):
    run = simulate([Step(group=(leg,)) for leg in LEGS[:4]], tail=80)
    frames = clean(run)
    path = tmp_path / "orders.pcap"
    write_pcap(path, [(1_000 * f.first_cycle, f.data) for f in run.frames])
    packets = rdpcap(str(path))
    assert [bytes(p) for p in packets] == frames == in_order(LEGS[:4])
    assert [p[TCP].seq for p in packets] == [SESSION.seq + SEGMENT * i for i in range(4)]


def test_sent_record_carries_the_triggering_sequence_number():
    run = simulate([Step(group=(LEGS[0], LEGS[1]), sequence=0x1234_5678_9ABC)])
    assert [r["sequence"] for _, r in run.sent] == [0x1234_5678_9ABC] * 2


# --- pad_to_verdict: a speculative frame waits for its verdict in Ethernet padding ---------

def test_padding_waits_for_a_late_commit_and_the_frame_stays_valid():
    verdict_at = 31
    steps = [Step(group=(LEGS[0],), speculative=True)] + [Step()] * (verdict_at - 1)
    run = simulate(steps + [Step(verdict=True)], pad=True)
    (frame,) = run.frames
    assert not frame.error and frame.last_cycle == verdict_at + 1
    wanted = in_order([LEGS[0]])[0]
    assert frame.data[:len(wanted)] == wanted
    assert frame.data[len(wanted):] == bytes(len(frame.data) - len(wanted))
    packet = Ether(frame.data)                          # padding after the IPv4 packet
    assert packet[IP].len == 96 and bytes(packet[TCP].payload)[:56] == wanted[54:]
    assert without_time(run.sent) == [sent_fields(LEGS[0], 0)]
    assert run.counters["aborted_late"] == 0 and run.counters["frames_sent"] == 1


def test_padding_ends_with_the_error_flag_on_a_withdraw():
    steps = [Step(group=(LEGS[0],), speculative=True)] + [Step()] * 29
    run = simulate(steps + [Step(verdict=False)], pad=True)
    (frame,) = run.frames
    assert frame.error and frame.last_cycle == 31
    assert without_time(run.sent) == [sent_fields(LEGS[0], 0, aborted=1)]
    assert run.counters["next_seq"] == SESSION.seq          # nothing advanced


def test_padding_stops_at_the_longest_frame_and_the_order_waits():
    from hdl.order.entry import MAX_BEATS

    steps = [Step(group=(LEGS[0],), speculative=True)] + [Step()] * (MAX_BEATS + 20)
    run = simulate(steps + [Step(verdict=True)], pad=True)
    late, resent = run.frames
    assert late.error and late.beats == MAX_BEATS and len(late.data) <= 1514
    assert not resent.error and resent.data == in_order([LEGS[0]])[0]
    assert [r["late"] for _, r in run.sent] == [1, 0]
