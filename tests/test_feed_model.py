"""The feed handler's golden model against the contract, rule by rule.

Frames are built with the protocol encoders (proto.net, proto.moldudp64, proto.itch) and
every expectation is worked out by hand in the test, never read back from the model.
"""

from __future__ import annotations

import numpy as np
import pytest

from proto import itch, moldudp64
from proto.net import build_ethernet, build_ipv4, build_udp, build_udp_frame, multicast_mac
from sim.feed_counts import event_counts
from sim.feed_events import strip_stock
from sim.feed_model import ChannelConfig, FeedConfig, FeedModel, Subscription, run_model
from sim.itch_file import read_day
from sim.packetise import DEFAULT_FEEDS, packetise

GROUP, PORT = "233.54.12.1", 26477
SRC = ("02:00:00:00:00:0a", "10.0.0.10")
CONFIG = FeedConfig((Subscription(GROUP, PORT, channel=2),))


def frame(payload: bytes, group: str = GROUP, port: int = PORT, **kwargs) -> bytes:
    return build_udp_frame(multicast_mac(group), SRC[0], SRC[1], group, 1000, port, payload,
                           **kwargs)


def delete(ref: int) -> bytes:
    return itch.encode("D", stock_locate=1, tracking_number=0, timestamp=5, order_ref=ref)


def packet(sequence: int, refs, session: str = "SESS1") -> bytes:
    return moldudp64.encode_packet(session, sequence, [delete(r) for r in refs])


def run(frames, config: FeedConfig = CONFIG):
    return run_model(frames, config)


# --- events ----------------------------------------------------------------------------------

def test_add_order_fields_come_from_the_message_with_the_raw_stock():
    body = itch.encode("A", stock_locate=7, tracking_number=3, timestamp=0x123456789ABC,
                       order_ref=99, side="S", shares=300, stock="AB", price=1234500)
    result = run([frame(moldudp64.encode_packet("S", 40, [body]))])
    event, = result.events
    assert (event["type"], event["locate"], event["tracking"]) == (ord("A"), 7, 3)
    assert event["timestamp"] == 0x123456789ABC
    assert (event["order_ref"], event["side"], event["shares"]) == (99, ord("S"), 300)
    assert event["price"] == 1234500 and event["stock"] == b"AB      "
    assert (event["feed"], event["channel"], event["sequence"]) == (0, 2, 40)
    assert (event["new_order_ref"], event["match_number"]) == (0, 0)


def test_cross_trade_shares_saturate_at_32_bits():
    body = itch.encode("Q", shares=(1 << 40) + 5, stock="XYZ", cross_price=7, match_number=8)
    event, = run([frame(moldudp64.encode_packet("S", 1, [body]))]).events
    assert event["shares"] == 0xFFFF_FFFF
    assert (event["price"], event["match_number"], event["order_ref"]) == (7, 8, 0)


def test_replace_fills_both_references():
    body = itch.encode("U", original_order_ref=11, new_order_ref=12, shares=5, price=6)
    event, = run([frame(moldudp64.encode_packet("S", 1, [body]))]).events
    assert (event["order_ref"], event["new_order_ref"], event["shares"], event["price"]) == \
        (11, 12, 5, 6)


def test_packetised_ritch_day_equals_the_file_decoder(bundled_data):
    day = read_day(bundled_data / "itch" / "ritch_20101224.itch50")
    bodies = [bytes(day.buf[o:o + n]) for o, n in zip(day.offsets, day.lengths, strict=True)]
    result = run(packetise(bodies, feeds=DEFAULT_FEEDS[:1], heartbeat_every=7),
                 FeedConfig.for_feeds(DEFAULT_FEEDS[:1]))
    expected = day.events()
    assert len(result.events) == len(expected) == 12012
    for name in expected.dtype.names:
        column = strip_stock(result.events) if name == "stock" else result.events[name]
        np.testing.assert_array_equal(column, expected[name], err_msg=name)
    np.testing.assert_array_equal(result.events["sequence"], np.arange(1, 12013))
    assert result.counters["messages"] == 12012 and result.counters["gaps"] == 0
    assert sum(result.by_type.values()) == 12012
    assert result.by_type["A"] == int((day.types == ord("A")).sum())
    # what `tickforge stats --engine verilator` prints, from events, equals the reference
    assert event_counts(result.events, day.name) == day.counts()


# --- frame checks, one per reason --------------------------------------------------------

GOOD = packet(1, [1])


def _retag(data: bytes, offset: int, value: bytes) -> bytes:
    return data[:offset] + value + data[offset + len(value):]


@pytest.mark.parametrize("name, data, error", [
    ("mac_error", frame(GOOD), True),
    ("runt", frame(GOOD)[:59], False),
    ("not_ipv4", _retag(frame(GOOD), 12, b"\x86\xdd"), False),
    # 802.1Q tag around a second tag: only one tag is looked through
    ("not_ipv4", build_ethernet(multicast_mac(GROUP), SRC[0], 0x8100, b"\x00\x05\x08\x00" +
                                build_ipv4(SRC[1], GROUP, 17, build_udp(
                                    SRC[1], GROUP, 1, PORT, GOOD)), vlan=5), False),
    ("ip_header", _retag(frame(GOOD), 14 + 10, b"\x00\x00"), False),            # checksum
    ("ip_header", build_ethernet(multicast_mac(GROUP), SRC[0], 0x0800,
                                 b"\x65" + build_ipv4(SRC[1], GROUP, 17, b"")[1:]), False),
    ("fragment", build_ethernet(multicast_mac(GROUP), SRC[0], 0x0800, build_ipv4(
        SRC[1], GROUP, 17, build_udp(SRC[1], GROUP, 1, PORT, GOOD), more_fragments=True)),
     False),
    ("not_udp", build_ethernet(multicast_mac(GROUP), SRC[0], 0x0800, build_ipv4(
        SRC[1], GROUP, 6, build_udp(SRC[1], GROUP, 1, PORT, GOOD))), False),
    ("unsubscribed", frame(GOOD, port=PORT + 1), False),
    ("unsubscribed", frame(GOOD, group="233.54.12.2"), False),
    ("unsubscribed", _retag(frame(GOOD), 5, b"\x02"), False),                   # wrong MAC
    ("length", frame(GOOD)[:-1], False),                                       # truncated
    ("length", frame(b"\0" * 19), False),                      # no room for a Mold header
])
def test_each_drop_reason_is_counted_once_and_yields_nothing(name, data, error):
    model = FeedModel(CONFIG)
    assert model.receive(data, error) == name
    result = model.result()
    assert result.counters[name] == 1 and result.counters["frames"] == 1
    assert result.counters["accepted"] == 0 and len(result.events) == 0
    assert sum(result.counters[r] for r in ("mac_error", "runt", "not_ipv4", "ip_header",
                                            "fragment", "not_udp", "unsubscribed",
                                            "length")) == 1


def test_udp_length_that_disagrees_with_ipv4_is_a_length_drop():
    data = bytearray(frame(GOOD))
    data[14 + 20 + 4:14 + 20 + 6] = (8 + len(GOOD) - 1).to_bytes(2, "big")
    assert FeedModel(CONFIG).receive(bytes(data)) == "length"


def test_vlan_tag_and_ip_options_are_accepted():
    data = build_ethernet(multicast_mac(GROUP), SRC[0], 0x0800, build_ipv4(
        SRC[1], GROUP, 17, build_udp(SRC[1], GROUP, 1, PORT, GOOD), options=b"\x01" * 8),
        vlan=12)
    result = run([data])
    assert result.verdicts == ["accepted"] and result.events["order_ref"].tolist() == [1]


def test_disabled_entry_matches_nothing():
    config = FeedConfig((Subscription(GROUP, PORT, enabled=False),))
    assert run([frame(GOOD)], config).verdicts == ["unsubscribed"]


def test_first_failing_reason_wins():
    # a runt with the MAC error flag is a MAC error; a fragment with a bad checksum ip_header
    assert FeedModel(CONFIG).receive(frame(GOOD)[:40], True) == "mac_error"


def test_bytes_count_every_frame():
    frames = [frame(GOOD), frame(GOOD)[:30]]
    assert run(frames).counters["bytes"] == sum(len(f) for f in frames)


# --- MoldUDP64 sequencing --------------------------------------------------------------------

def test_lost_packet_is_one_gap_and_later_messages_still_deliver():
    result = run([frame(packet(10, [1, 2])), frame(packet(15, [6]))])
    assert result.gaps.tolist() == [(2, 12, 3)]
    assert result.events["sequence"].tolist() == [10, 11, 15]
    assert (result.counters["gaps"], result.counters["gap_messages"]) == (1, 3)


def test_heartbeat_reveals_a_gap_without_events():
    hb = moldudp64.encode_heartbeat("SESS1", 20)
    result = run([frame(packet(10, [1])), frame(hb)])
    assert result.gaps.tolist() == [(2, 11, 9)] and result.counters["heartbeats"] == 1
    assert result.channels[2]["expected"] == 20


def test_partial_overlap_suppresses_only_the_seen_messages():
    result = run([frame(packet(1, [1, 2, 3])), frame(packet(2, [2, 3, 4, 5]))])
    assert result.events["sequence"].tolist() == [1, 2, 3, 4, 5]
    assert result.events["order_ref"].tolist() == [1, 2, 3, 4, 5]
    assert result.counters["duplicates"] == 2


def test_a_and_b_deliver_each_message_once_from_the_first_arrival():
    config = FeedConfig((Subscription(GROUP, PORT, 0), Subscription("233.49.196.1", PORT, 0)))
    b = "233.49.196.1"
    frames = [frame(packet(1, [1, 2])), frame(packet(1, [1, 2]), group=b),
              frame(packet(3, [3]), group=b), frame(packet(3, [3]))]
    result = run(frames, config)
    assert result.events["sequence"].tolist() == [1, 2, 3]
    assert result.events["feed"].tolist() == [0, 0, 1]
    assert result.counters["duplicates"] == 3


def test_bad_length_drops_the_rest_and_the_next_packet_reveals_the_gap():
    blocks = b"".join(moldudp64.BLOCK.pack(length=len(m)) + m for m in (delete(1), delete(2)))
    bad = moldudp64.BLOCK.pack(length=18) + delete(3)[:18]        # D is 19 bytes
    body = moldudp64.HEADER.pack(session="SESS1", sequence=1, count=4) + blocks + bad + \
        moldudp64.BLOCK.pack(length=19) + delete(4)
    result = run([frame(body), frame(packet(5, [5]))])
    assert result.events["sequence"].tolist() == [1, 2, 5]
    assert result.counters["bad_length"] == 1
    assert result.gaps.tolist() == [(2, 3, 2)]


def test_block_past_the_payload_end_is_bad_length():
    body = moldudp64.HEADER.pack(session="S", sequence=1, count=2) + \
        moldudp64.BLOCK.pack(length=19) + delete(1)
    result = run([frame(body)])
    assert result.events["sequence"].tolist() == [1]
    assert result.counters["bad_length"] == 1 and result.channels[2]["expected"] == 2


def test_unknown_type_is_skipped_but_consumes_its_sequence_number():
    unknown = b"z" + bytes(13)
    short_unknown = b"z" + bytes(10)                                   # 11 < 12: bad length
    body = moldudp64.encode_packet("S", 1, [delete(1), unknown, delete(3), short_unknown])
    result = run([frame(body)])
    assert result.events["sequence"].tolist() == [1, 3]
    assert (result.counters["unknown_type"], result.counters["bad_length"]) == (1, 1)
    assert result.channels[2]["expected"] == 4


def test_session_is_learned_then_enforced():
    result = run([frame(packet(1, [1], "FIRST")), frame(packet(2, [2], "OTHER")),
                  frame(packet(2, [2], "FIRST"))])
    assert result.verdicts == ["accepted", "session", "accepted"]
    assert result.counters["session"] == 1 and result.counters["accepted"] == 3
    assert result.channels[2]["session"] == b"FIRST     "
    assert result.events["sequence"].tolist() == [1, 2]


def test_configured_session_and_expected():
    config = FeedConfig(CONFIG.feeds, {2: ChannelConfig(session="SESS1", expected=5)})
    result = run([frame(packet(1, [1, 2, 3, 4, 5, 6], "OTHER")), frame(packet(3, range(3, 8)))],
                 config)
    assert result.verdicts == ["session", "accepted"]
    assert result.events["sequence"].tolist() == [5, 6, 7]


def test_end_of_session_sets_ended():
    result = run([frame(packet(1, [1])), frame(moldudp64.encode_end_of_session("SESS1", 2))])
    assert result.counters["end_of_session"] == 1 and result.channels[2]["ended"]


# --- speculation and withdraw ----------------------------------------------------------------

def test_mac_error_withdraws_events_and_rolls_back_the_channel():
    first = frame(packet(1, [1, 2]))
    result = run([(first, True), (frame(packet(1, [1, 2])), False)])
    assert result.verdicts == ["mac_error", "accepted"]
    assert result.events["sequence"].tolist() == [1, 2]
    assert result.counters["messages"] == 4 and result.counters["withdrawn_frames"] == 1
    assert result.counters["duplicates"] == 0


def test_withdrawn_frame_reports_no_gap_and_unlearns_the_session():
    result = run([(frame(packet(5, [5], "BAD")), True), frame(packet(1, [1])),
                  frame(packet(3, [3]))])
    assert result.channels[2]["session"] == b"SESS1     "
    assert result.gaps.tolist() == [(2, 2, 1)]


def test_truncated_frame_counts_its_complete_messages_then_withdraws_them():
    data = frame(packet(1, [1, 2, 3]))
    cut = data[:42 + 20 + 2 * 21 + 5]                 # two whole blocks and part of the third
    result = run([cut])
    assert result.verdicts == ["length"] and len(result.events) == 0
    assert result.counters["messages"] == 2 and result.counters["withdrawn_frames"] == 1
    assert result.channels[2]["expected"] == 0
