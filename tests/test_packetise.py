"""ITCH bodies to MoldUDP64/UDP/IPv4/Ethernet frames, checked with scapy as the reader."""

from __future__ import annotations

import pytest
from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Dot1Q, Ether

from proto import moldudp64
from sim.packetise import DEFAULT_FEEDS, Feed, group_messages, itch_timestamp, packetise


def body(index: int, size: int = 30) -> bytes:
    """A fake ITCH body: type 'A', then index-derived bytes; timestamp field = index * 1000."""
    head = b"A" + index.to_bytes(4, "big") + (index * 1000).to_bytes(6, "big")
    return (head + bytes(size))[:size]


def read_back(frame: bytes):
    packet = Ether(frame)
    return packet, moldudp64.decode_packet(bytes(packet[UDP].payload))


def test_greedy_grouping_by_payload_limit():
    # 20-byte header + 2 x (2 + 30) = 84 <= 100; a third message would make 116.
    assert group_messages([body(i) for i in range(5)], max_payload=100) == [(0, 2), (2, 4),
                                                                          (4, 5)]


def test_grouping_by_message_count():
    assert group_messages([body(i) for i in range(3)], max_messages=1) == [(0, 1), (1, 2),
                                                                          (2, 3)]


def test_message_too_large_for_payload_raises():
    with pytest.raises(ValueError, match="message 1 of 90 bytes"):
        group_messages([body(0), body(1, 90)], max_payload=100)


def test_sequences_heartbeats_and_end_of_session():
    frames = packetise([body(i) for i in range(5)], first_seq=10, max_payload=100,
                       heartbeat_every=2)
    assert [(f.kind, f.first_seq, f.count) for f in frames] == [
        ("data", 10, 2), ("data", 12, 2), ("heartbeat", 14, 0), ("data", 14, 1),
        ("end", 15, 0xFFFF)]
    decoded = [read_back(f.data)[1] for f in frames]
    assert [m for p in decoded for m in p.messages] == [body(i) for i in range(5)]
    assert decoded[2].is_heartbeat and decoded[4].is_end_of_session
    assert all(p.session == "TICKFORGE" for p in decoded)


def test_a_and_b_feeds_carry_identical_payloads_to_their_groups():
    frames = packetise([body(i) for i in range(3)], feeds=DEFAULT_FEEDS, max_messages=2)
    assert [f.feed for f in frames] == ["A", "B"] * 3
    for a, b in zip(frames[::2], frames[1::2], strict=True):
        pa, pb = Ether(a.data), Ether(b.data)
        assert bytes(pa[UDP].payload) == bytes(pb[UDP].payload)
        assert (pa[IP].dst, pa[UDP].dport, pa.src) == ("233.54.12.1", 26477,
                                                       "02:00:00:00:00:0a")
        assert (pb[IP].dst, pb.src) == ("233.49.196.1", "02:00:00:00:00:0b")
        # 233.54.12.1 -> 01:00:5e + (54 & 0x7f = 0x36), 0x0c, 0x01
        assert pa.dst == "01:00:5e:36:0c:01"
        # 233.49.196.1 -> 01:00:5e + (49 = 0x31), (196 = 0xc4), 0x01
        assert pb.dst == "01:00:5e:31:c4:01"


def test_checksums_verified_by_scapy():
    frames = packetise([body(i) for i in range(4)])
    packet = Ether(frames[0].data)
    ip_sum, udp_sum = packet[IP].chksum, packet[UDP].chksum
    del packet[IP].chksum, packet[UDP].chksum
    rebuilt = Ether(bytes(packet))
    assert (rebuilt[IP].chksum, rebuilt[UDP].chksum) == (ip_sum, udp_sum)


def test_vlan_tag_and_custom_feed():
    feed = Feed("A", "239.1.2.3", 5000, "02:11:22:33:44:55", "192.168.1.1", 4000)
    frame = packetise([body(0)], feeds=[feed], vlan=42, end_of_session=False)[0]
    packet = Ether(frame.data)
    assert packet[Dot1Q].vlan == 42
    assert (packet[IP].src, packet[UDP].sport, packet[UDP].dport) == ("192.168.1.1", 4000, 5000)


def test_timestamps_come_from_first_message_of_each_packet():
    frames = packetise([body(i) for i in range(5)], max_payload=100, start_ns=7)
    assert [f.timestamp_ns for f in frames] == [7 + 0, 7 + 2000, 7 + 4000, 7 + 4000]
    assert itch_timestamp(body(3)) == 3000


def test_session_longer_than_ten_characters_is_refused():
    with pytest.raises(ValueError):
        packetise([body(0)], session="ELEVENCHARS")


def test_bundled_itch_day_survives_the_trip(bundled_data):
    raw = (bundled_data / "itch" / "ritch_20101224.itch50").read_bytes()
    messages, at = [], 0
    while at < len(raw):  # the daily-file framing, split independently of sim.itch_file
        length = int.from_bytes(raw[at:at + 2], "big")
        messages.append(raw[at + 2:at + 2 + length])
        at += 2 + length
    frames = packetise(messages, heartbeat_every=50)
    seen, expected_seq = [], 1
    for frame in frames:
        packet, mold = read_back(frame.data)
        assert len(packet[UDP].payload) <= 1400
        assert mold.sequence == expected_seq
        expected_seq = mold.next_sequence
        seen.extend(mold.messages)
    assert seen == messages and len(messages) == 12012
