"""FrameParser in amaranth.sim: every frame check, the payload annotation and its timing.

Frames come from the builders of proto.net (checksums and lengths computed there, then
damaged on purpose); expected offsets, lanes and counts are worked out by hand in each
test from the byte layout of Ethernet (14 bytes), 802.1Q (4), IPv4 (20 + options) and UDP
(8), so UDP payload byte 0 of a plain frame is frame byte 42.
"""

from __future__ import annotations

import random

import pytest
from feed_sim_helpers import Subscription, payload_frames, run_frame_parser

from hdl.feed.frame_parser import FrameParser
from hdl.feed.frame_regs import OUTCOMES
from proto.net import (
    DOT1Q,
    ETHERNET,
    ETHERTYPE_IPV4,
    IPPROTO_TCP,
    IPPROTO_UDP,
    IPV4,
    UDP,
    build_ethernet,
    build_ipv4,
    build_tcp,
    build_udp,
    internet_checksum,
    multicast_mac,
)
from sim.beats import IDLE, frame_beats, frames_to_beats
from sim.packetise import DEFAULT_FEEDS

FEED = DEFAULT_FEEDS[0]
TABLE = {0: Subscription(FEED.group, FEED.port)}
#: 64 distinct bytes: any lane out of place shows.
PAYLOAD = bytes(range(0x40, 0x80))


def udp_frame(payload=PAYLOAD, *, vlan=None, options=b"", group=FEED.group, port=FEED.port,
              dst_mac=None, protocol=IPPROTO_UDP, more_fragments=False, fragment_offset=0):
    """A multicast UDP (or TCP) frame built by proto.net, correct unless told otherwise."""
    if protocol == IPPROTO_UDP:
        segment = build_udp(FEED.src_ip, group, FEED.src_port, port, payload)
    else:
        segment = build_tcp(FEED.src_ip, group, FEED.src_port, port, payload)
    packet = build_ipv4(FEED.src_ip, group, protocol, segment, options=options,
                        more_fragments=more_fragments, fragment_offset=fragment_offset)
    return build_ethernet(dst_mac or multicast_mac(group), FEED.src_mac, ETHERTYPE_IPV4,
                          packet, vlan=vlan)


def patch(frame: bytes, offset: int, raw: bytes) -> bytes:
    return frame[:offset] + raw + frame[offset + len(raw):]


def reseal(frame: bytes, ip_at: int = ETHERNET.size) -> bytes:
    """Recompute the IPv4 header checksum after a deliberate header change."""
    ihl = frame[ip_at] & 0xF
    checksum_at = ip_at + IPV4["checksum"].offset
    header = patch(frame, checksum_at, bytes(2))[ip_at:ip_at + ihl * 4]
    return patch(frame, checksum_at, internet_checksum(header).to_bytes(2, "big"))


def only(counters: dict, outcome: str, frames: int = 1) -> dict:
    """The counters expected when every frame ends as ``outcome``."""
    return {name: frames if name == outcome else 0 for name in OUTCOMES}


def outcomes(run) -> dict:
    return {name: run.counters[name] for name in OUTCOMES}


def committed(run, lanes=8) -> list[dict]:
    return [f for f in payload_frames(run.payload, lanes) if f["good"]]


# --- accepted frames and the payload annotation ----------------------------------------------

def test_accepted_frame_passes_its_udp_payload_once():
    frame = udp_frame()
    run = run_frame_parser(frame_beats(frame), TABLE)
    assert outcomes(run) == only(run.counters, "accepted")
    assert run.counters["frames"] == 1 and run.counters["bytes"] == len(frame)
    [got] = payload_frames(run.payload)
    assert bytes(got["bytes"]) == PAYLOAD and got["good"] and got["length"] == len(PAYLOAD)


def test_each_payload_beat_is_annotated_exactly_one_cycle_after_it_arrives():
    beats = frame_beats(udp_frame())
    run = run_frame_parser(beats, TABLE)
    # Payload byte 0 is frame byte 42, in beat 5; the frame's 106 bytes end in beat 13.
    assert [cycle for cycle, _ in run.payload] == [t + 1 for t in range(5, 14)]
    for cycle, record in run.payload:
        assert record["data"] == beats[cycle - 1].data


def test_plain_frame_payload_starts_at_lane_2_of_beat_5():
    run = run_frame_parser(frame_beats(udp_frame()), TABLE)
    first = run.payload[0][1]
    # 14 + 20 + 8 = 42 = 5 * 8 + 2: lanes 2..7 hold payload bytes 0..5.
    assert (first["first"], first["base"], first["keep"]) == (1, -2, 0b1111_1100)


def test_vlan_tag_moves_the_payload_four_bytes_on():
    run = run_frame_parser(frame_beats(udp_frame(vlan=100)), TABLE)
    first = run.payload[0][1]
    # 14 + 4 + 20 + 8 = 46 = 5 * 8 + 6.
    assert (first["base"], first["keep"]) == (-6, 0b1100_0000)
    assert bytes(payload_frames(run.payload)[0]["bytes"]) == PAYLOAD


def test_tagged_frame_reports_its_udp_payload_length_on_every_beat_including_the_first():
    # Tagged: UDP starts at byte 38 (beat 4, lane 6), so the UDP length (bytes 42..43)
    # shares beat 5 with payload byte 0 (byte 46); the first beat must carry it already.
    # A frame before it leaves a different length behind, which a stale value would show.
    frames = [udp_frame(PAYLOAD[:20]), udp_frame(vlan=100)]
    run = run_frame_parser(frames_to_beats(frames), TABLE)
    lengths = [[r["length"] for r in f["beats"]] for f in payload_frames(run.payload)]
    assert lengths == [[20] * len(lengths[0]), [len(PAYLOAD)] * len(lengths[1])]


def test_ip_options_are_checksummed_and_move_the_payload():
    frame = udp_frame(vlan=7, options=bytes([0x94, 0x04, 0, 0, 1, 1, 1, 0]))  # IHL 7
    run = run_frame_parser(frame_beats(frame), TABLE)
    assert outcomes(run) == only(run.counters, "accepted")
    first = run.payload[0][1]
    # 14 + 4 + 28 + 8 = 54 = 6 * 8 + 6.
    assert (first["base"], first["keep"]) == (-6, 0b1100_0000)
    assert bytes(committed(run)[0]["bytes"]) == PAYLOAD


def test_bytes_after_the_ip_total_length_are_not_payload():
    frame = udp_frame(PAYLOAD[:27]) + bytes(range(1, 11))  # 10 trailer bytes
    run = run_frame_parser(frame_beats(frame), TABLE)
    assert outcomes(run) == only(run.counters, "accepted")
    keeps = [(record["base"], record["keep"]) for _, record in run.payload]
    # Payload is frame bytes 42..68: beat 8 (64..71) keeps lanes 0..4, beat 9 nothing.
    assert keeps[-2:] == [(22, 0b0001_1111), (30, 0)]
    assert bytes(committed(run)[0]["bytes"]) == PAYLOAD[:27]


def test_feed_5_with_channel_2_is_reported_as_such():
    b = DEFAULT_FEEDS[1]
    table = {3: Subscription(FEED.group, FEED.port + 1), 5: Subscription(b.group, b.port, 2)}
    run = run_frame_parser(frame_beats(udp_frame(group=b.group, port=b.port)), table)
    assert {(r["feed"], r["channel"]) for _, r in run.payload} == {(5, 2)}


def test_lowest_enabled_matching_entry_wins():
    table = {1: Subscription(FEED.group, FEED.port, 1, enable=False),
             4: Subscription(FEED.group, FEED.port, 4), 6: Subscription(FEED.group, FEED.port, 6)}
    run = run_frame_parser(frame_beats(udp_frame()), table)
    assert {(r["feed"], r["channel"]) for _, r in run.payload} == {(4, 4)}


def test_back_to_back_frames_with_no_idle_cycle_are_all_passed():
    b = DEFAULT_FEEDS[1]
    table = {0: TABLE[0], 1: Subscription(b.group, b.port, 1)}
    frames = [udp_frame(PAYLOAD[:20]), udp_frame(vlan=3, group=b.group, port=b.port),
              udp_frame(PAYLOAD[:33], options=bytes(4))]
    beats = frames_to_beats(frames)
    assert all(cycle.valid for cycle in beats)
    run = run_frame_parser(beats, table)
    assert outcomes(run) == only(run.counters, "accepted", 3)
    assert run.counters["bytes"] == sum(map(len, frames))
    got = [(bytes(f["bytes"]), f["feed"]) for f in committed(run)]
    assert got == [(PAYLOAD[:20], 0), (PAYLOAD, 1), (PAYLOAD[:33], 0)]


def test_idle_cycles_inside_a_frame_keep_the_one_cycle_delay():
    beats = frame_beats(udp_frame())
    gappy = [beats[0], IDLE, *beats[1:6], IDLE, IDLE, *beats[6:]]
    run = run_frame_parser(gappy, TABLE)
    assert outcomes(run) == only(run.counters, "accepted")
    for cycle, record in run.payload:
        assert gappy[cycle - 1].valid and record["data"] == gappy[cycle - 1].data
    assert bytes(committed(run)[0]["bytes"]) == PAYLOAD


def test_32_bit_beats_annotate_the_same_payload():
    frame = udp_frame(vlan=9, options=bytes(8))
    run = run_frame_parser(frame_beats(frame, 32), TABLE, width=32)
    assert outcomes(run) == only(run.counters, "accepted")
    first = run.payload[0][1]
    # Payload byte 0 is frame byte 54 = 13 * 4 + 2.
    assert (first["base"], first["keep"]) == (-2, 0b1100)
    assert bytes(committed(run, 4)[0]["bytes"]) == PAYLOAD


def test_beats_wider_than_64_bits_are_refused():
    with pytest.raises(ValueError, match="128"):
        FrameParser(128)


# --- one frame per drop reason ---------------------------------------------------------------

IP_AT = ETHERNET.size
UDP_AT = IP_AT + IPV4.size


def _not_ipv4():
    return build_ethernet(multicast_mac(FEED.group), FEED.src_mac, 0x0806, bytes(28))  # ARP


def _two_tags():
    inner = udp_frame(vlan=5)  # a second 802.1Q tag where IPv4 should be
    return inner[:ETHERNET.size] + inner[ETHERNET.size - DOT1Q.size:]


def _bad_version():
    return reseal(patch(udp_frame(), IP_AT, bytes([0x65])))


def _ihl_4():
    return reseal(patch(udp_frame(), IP_AT, bytes([0x44])))


def _bad_checksum():
    at = IP_AT + IPV4["checksum"].offset
    frame = udp_frame()
    return patch(frame, at, bytes([frame[at] ^ 0x01, frame[at + 1]]))


def _udp_length(value):
    return patch(udp_frame(), UDP_AT + UDP["length"].offset, value.to_bytes(2, "big"))


def _total_length(value):
    return reseal(patch(udp_frame(), IP_AT + IPV4["total_length"].offset,
                        value.to_bytes(2, "big")))


DROPS = {
    "runt_before_payload": (lambda: udp_frame()[:40], "runt"),
    "runt_inside_payload": (lambda: udp_frame()[:59], "runt"),
    "arp": (_not_ipv4, "not_ipv4"),
    "two_vlan_tags": (_two_tags, "not_ipv4"),
    "version_6": (_bad_version, "ip_header"),
    "ihl_4": (_ihl_4, "ip_header"),
    "bad_checksum": (_bad_checksum, "ip_header"),
    "more_fragments": (lambda: udp_frame(more_fragments=True), "fragment"),
    "fragment_offset": (lambda: udp_frame(fragment_offset=1), "fragment"),
    "tcp": (lambda: udp_frame(protocol=IPPROTO_TCP), "not_udp"),
    "other_port": (lambda: udp_frame(port=FEED.port + 1), "unsubscribed"),
    "other_group": (lambda: udp_frame(group="233.54.12.2"), "unsubscribed"),
    "other_mac": (lambda: udp_frame(dst_mac=multicast_mac("233.54.12.9")), "unsubscribed"),
    "unicast_mac": (lambda: udp_frame(dst_mac="02:00:00:00:00:01"), "unsubscribed"),
    # Only 23 address bits map into the MAC: its bit 23 (top of byte 3) must be 0.
    "mac_bit_23": (lambda: udp_frame(dst_mac=patch(multicast_mac(FEED.group), 3, bytes(
        [multicast_mac(FEED.group)[3] | 0x80]))), "unsubscribed"),
    "udp_length_short": (lambda: _udp_length(8 + len(PAYLOAD) - 1), "length"),
    "udp_length_long": (lambda: _udp_length(8 + len(PAYLOAD) + 1), "length"),
    # 20 + 8 + 19: one byte short of a MoldUDP64 header (the UDP length is not fixed).
    "no_room_for_moldudp64": (lambda: _total_length(47), "length"),
    "truncated": (lambda: udp_frame()[:80], "length"),
}


@pytest.mark.parametrize("case", DROPS)
def test_drop_reason_is_counted_once_and_nothing_is_committed(case):
    build, reason = DROPS[case]
    frame = build()
    run = run_frame_parser(frame_beats(frame), TABLE)
    assert outcomes(run) == only(run.counters, reason)
    assert run.counters["frames"] == 1 and run.counters["bytes"] == len(frame)
    assert committed(run) == []
    for got in payload_frames(run.payload):
        assert got["ended"]  # a frame that started always ends (last or reject)


def test_disabled_entry_matches_nothing():
    table = {0: Subscription(FEED.group, FEED.port, enable=False)}
    run = run_frame_parser(frame_beats(udp_frame()), table)
    assert outcomes(run) == only(run.counters, "unsubscribed") and run.payload == []


def test_frames_failing_before_their_payload_send_nothing():
    cases = ["arp", "version_6", "more_fragments", "tcp", "other_port", "udp_length_long",
             "runt_before_payload"]
    frames = [DROPS[case][0]() for case in cases]
    run = run_frame_parser(frames_to_beats(frames), TABLE)
    assert run.payload == []
    assert run.counters["frames"] == len(frames)


def test_bad_checksum_is_rejected_by_the_beat_of_payload_byte_19():
    run = run_frame_parser(frame_beats(_bad_checksum()), TABLE)
    [got] = payload_frames(run.payload)
    reject = got["beats"][-1]
    assert reject["reject"] and reject["keep"] == 0 and not reject["good"]
    assert reject["base"] <= 19  # lane 0 is at or before payload byte 19


def test_truncated_frame_ends_with_good_0():
    run = run_frame_parser(frame_beats(udp_frame()[:80]), TABLE)
    [got] = payload_frames(run.payload)
    # 80 bytes hold payload bytes 0..37; the headers promised 64.
    assert got["ended"] and not got["good"] and bytes(got["bytes"]) == PAYLOAD[:38]


def test_mac_error_on_a_subscribed_frame_withdraws_it_and_is_not_accepted():
    run = run_frame_parser(frame_beats(udp_frame(), error=True), TABLE)
    assert outcomes(run) == only(run.counters, "mac_error")
    [got] = payload_frames(run.payload)
    assert got["ended"] and not got["good"] and bytes(got["bytes"]) == PAYLOAD


def test_frame_cut_inside_its_ip_options_counts_as_length():
    # IHL 15: the header ends at byte 14 + 60 = 74; 70 bytes leave the options unfinished.
    frame = udp_frame(options=bytes(40))[:70]
    run = run_frame_parser(frame_beats(frame), TABLE)
    assert outcomes(run) == only(run.counters, "length") and run.payload == []


def test_frame_cut_inside_its_udp_header_is_judged_on_its_whole_ip_header():
    # IHL 15: the header is bytes 14..73, its last word in beat 9 (72..79) with the first
    # UDP bytes. Cut at 76: the checksum covers the whole header, the UDP header is cut.
    frame = udp_frame(options=bytes([1]) * 40)  # 40 NOPs: the last header word is not 0
    good = run_frame_parser(frame_beats(frame[:76]), TABLE)
    assert outcomes(good) == only(good.counters, "length")
    at = IP_AT + IPV4["checksum"].offset
    bad = patch(frame, at, bytes([frame[at] ^ 0x80, frame[at + 1]]))[:76]
    run = run_frame_parser(frame_beats(bad), TABLE)
    assert outcomes(run) == only(run.counters, "ip_header")


@pytest.mark.parametrize("first, second, reason", [
    ("_bad_checksum", "tcp", "ip_header"),
    ("more_fragments", "other_port", "fragment"),
    ("tcp", "other_port", "not_udp"),
    ("other_port", "truncated", "unsubscribed"),
])
def test_the_first_failing_check_in_contract_order_counts(first, second, reason):
    damaged = {
        ("_bad_checksum", "tcp"): lambda: patch(udp_frame(protocol=IPPROTO_TCP),
                                                IP_AT + IPV4["checksum"].offset, b"\0\0"),
        ("more_fragments", "other_port"): lambda: udp_frame(more_fragments=True,
                                                            port=FEED.port + 1),
        ("tcp", "other_port"): lambda: udp_frame(protocol=IPPROTO_TCP, port=FEED.port + 1),
        ("other_port", "truncated"): lambda: udp_frame(port=FEED.port + 1)[:80],
    }[first, second]
    run = run_frame_parser(frame_beats(damaged()), TABLE)
    assert outcomes(run) == only(run.counters, reason)


def test_mac_error_outranks_runt():
    run = run_frame_parser(frame_beats(udp_frame()[:50], error=True), TABLE)
    assert outcomes(run) == only(run.counters, "mac_error")


# --- against the reference model's frame checks ----------------------------------------------

RANDOM_FRAMES = 200


def _random_frame(rng: random.Random) -> tuple[bytes, bool]:
    """A subscribed, unsubscribed or damaged frame, and whether the MAC flags it."""
    feed = rng.choice(DEFAULT_FEEDS)
    vlan = rng.choice([None, None, 11])
    frame = udp_frame(bytes(rng.randrange(256) for _ in range(rng.randrange(15, 90))),
                      vlan=vlan,
                      options=bytes([1]) * rng.choice([0, 0, 4, 8, 40]),  # NOPs
                      group=feed.group, port=feed.port + rng.choice([0, 0, 0, 1]),
                      more_fragments=rng.random() < 0.05,
                      protocol=IPPROTO_TCP if rng.random() < 0.05 else IPPROTO_UDP)
    ip_at = ETHERNET.size + (0 if vlan is None else DOT1Q.size)
    damage = rng.choice(["none", "none", "none", "cut", "flip", "flip_resealed", "trailer"])
    if damage == "cut":
        frame = frame[:rng.randrange(1, len(frame))]
    elif damage in ("flip", "flip_resealed"):
        at = rng.randrange(min(len(frame), ip_at + 30))
        frame = patch(frame, at, bytes([frame[at] ^ (1 << rng.randrange(8))]))
        if damage == "flip_resealed" and 4 <= frame[ip_at] - 0x40 <= 15:
            frame = reseal(frame, ip_at)
    elif damage == "trailer":
        frame += bytes(rng.randrange(1, 12))
    return frame, rng.random() < 0.05


def test_random_and_damaged_frames_agree_with_the_reference_checks():
    from sim.feed_frames import Subscription as RefSubscription
    from sim.feed_frames import check_frame

    rng = random.Random(20240603)
    frames = [_random_frame(rng) for _ in range(RANDOM_FRAMES)]
    table = {0: Subscription(DEFAULT_FEEDS[0].group, DEFAULT_FEEDS[0].port, 0),
             1: Subscription(DEFAULT_FEEDS[1].group, DEFAULT_FEEDS[1].port, 1)}
    reference_table = [RefSubscription(entry.group, entry.port, entry.channel)
                       for entry in table.values()]
    expected_counts = dict.fromkeys(OUTCOMES, 0)
    expected_payloads = []
    for data, error in frames:
        check = check_frame(data, error, reference_table)
        expected_counts[check.verdict] += 1
        if check.verdict == "accepted":
            expected_payloads.append((check.payload, check.feed))
    beats = [beat for data, error in frames for beat in frame_beats(data, error=error)]
    run = run_frame_parser(beats, table)
    assert outcomes(run) == expected_counts
    # The mix must exercise most outcomes, or the comparison proves little.
    assert sum(count > 0 for count in expected_counts.values()) >= 8
    assert [(bytes(f["bytes"]), f["feed"]) for f in committed(run)] == expected_payloads
