"""The exchange's frames and their impairments, read back with proto.net_parse and proto.ouch.

An independent reader checks what the builders claim: checksums, addresses, flags, the
SoupBinTCP/OUCH payload, and that each impairment breaks exactly what its name says.
"""

from __future__ import annotations

import pytest

from host.errors import DataError
from proto import ouch, soupbintcp
from proto.net import (
    IPPROTO_TCP,
    PSEUDO_HEADER,
    internet_checksum,
    ip_bytes,
    mac_bytes,
    split_fragment,
)
from proto.net_parse import parse_frame
from sim import response_frames as rf
from sim import response_impairments as ri
from sim.order_session import Session

S = Session()


def test_a_segment_parses_back_with_right_checksums_and_addresses():
    stream = rf.ExchangeStream(S, 0xFFFF_FFF0, ack=77)
    payload = (rf.accepted(5, "S", 300, "MSFT", 4_123_400, order_ref_num=99,
                           appendage=[(ouch.FIRM_TAG, b"TKFG")])
               + rf.heartbeat() + rf.executed(5, 100, 4_123_500, 0x1122_3344_5566)
               + rf.debug("x") + rf.canceled(5, 200, reason="I") + rf.system_event("E"))
    frame = stream.segment(payload, options=rf.timestamp_option(3, 4), vlan=100)
    p = parse_frame(frame)
    assert p.ipv4_checksum_ok is True and p.l4_checksum_ok is True
    assert p.ethernet["dst"] == mac_bytes(S.src_mac) and p.ethernet["src"] == mac_bytes(S.dst_mac)
    assert p.vid == 100
    assert (p.ipv4["src"], p.ipv4["dst"]) == (ip_bytes(S.dst_ip), ip_bytes(S.src_ip))
    assert split_fragment(p.ipv4["flags_fragment"]) == (True, False, 0)
    assert (p.tcp["src_port"], p.tcp["dst_port"]) == (S.dst_port, S.src_port)
    assert (p.tcp["seq"], p.tcp["ack"], p.tcp["flags"]) == (0xFFFF_FFF0, 77, rf.ACK | rf.PSH)
    assert p.tcp_options == bytes((1, 1, 8, 10, 0, 0, 0, 3, 0, 0, 0, 4))
    assert p.payload == payload and stream.seq == (0xFFFF_FFF0 + len(payload)) % (1 << 32)
    packets, rest = soupbintcp.split_stream(p.payload)
    assert rest == b"" and [k.type for k in packets] == ["S", "H", "S", "+", "S", "S"]
    a, e, c, s = (ouch.decode(k.data, inbound=False) for k in packets if k.type == "S")
    assert (a.fields["user_ref_num"], a.fields["side"], a.fields["price"]) == (5, "S", 4_123_400)
    assert a.options == [(ouch.FIRM_TAG, b"TKFG")] and a.fields["order_ref_num"] == 99
    assert (e.fields["quantity"], e.fields["price"], e.fields["match_number"]) == (
        100, 4_123_500, 0x1122_3344_5566)
    assert (c.fields["quantity"], c.fields["reason"]) == (200, "I")
    assert s.fields["event_code"] == "E"


def test_short_frames_are_padded_and_the_stream_advances_only_when_told():
    stream = rf.ExchangeStream(S, 10)
    frame = stream.segment(b"", flags=rf.ACK)
    assert len(frame) == 60 and parse_frame(frame).payload == b"" and stream.seq == 10
    stream.segment(rf.heartbeat(), advance=False)
    assert stream.seq == 10
    ahead = stream.segment(rf.heartbeat(), seq=500)
    assert parse_frame(ahead).tcp["seq"] == 500 and stream.seq == 10
    first, second = stream.segment(rf.heartbeat()), stream.segment(rf.heartbeat())
    assert [parse_frame(f).tcp["seq"] for f in (first, second)] == [10, 13]
    ids = [parse_frame(f).ipv4["identification"] for f in (ahead, first, second)]
    assert ids[1] == ids[0] + 1 and ids[2] == ids[1] + 1


def test_damage_breaks_what_it_says():
    frame = rf.ExchangeStream(S, 1).segment(rf.canceled(1, 1) + rf.heartbeat())
    payload = parse_frame(frame).payload
    damaged = parse_frame(ri.corrupt_payload(frame, 4, 0x80)[0])
    assert damaged.ipv4_checksum_ok and damaged.l4_checksum_ok is False
    assert damaged.payload[4] == payload[4] ^ 0x80
    assert parse_frame(ri.corrupt_ip_checksum(frame)[0]).ipv4_checksum_ok is False
    for more, offset in ((True, 0), (False, 9), (True, 9)):
        p = parse_frame(ri.fragmented(frame, more, offset)[0])
        assert p.ipv4_checksum_ok and p.is_fragment
        assert split_fragment(p.ipv4["flags_fragment"]) == (True, more, offset)
    assert ri.truncate(frame, 20) == (frame[:20], False)
    assert ri.with_mac_error(frame) == (frame, True)
    assert ri.payload_span(frame) == (54, 54 + len(payload))


def _checksums_right(frame: bytes) -> tuple[bool, bool]:
    """IPv4 header (as its IHL, at least 5) and TCP (as the total length bounds it)."""
    ihl = max(5, frame[14] & 0xF) * 4
    total = int.from_bytes(frame[16:18], "big")
    segment = frame[14 + ihl:14 + total]
    pseudo = PSEUDO_HEADER.pack(src=frame[26:30], dst=frame[30:34], protocol=IPPROTO_TCP,
                                length=len(segment))
    return (internet_checksum(frame[14:14 + ihl]) == 0,
            internet_checksum(pseudo + segment) == 0)


@pytest.mark.parametrize("fault, message, tcp_ok", [
    ("version", "not an IPv4 header", False), ("ihl_under_5", "not an IPv4 header", False),
    ("total_below_ihl", "shorter than its header", False),
    ("total_beyond_bytes", "but only", False),
    ("tcp_under_20", "TCP header truncated", False),
    ("data_offset_under_5", "TCP data offset", True),
    ("data_offset_beyond", "TCP data offset", True)])
def test_each_malformed_header_has_one_fault(fault, message, tcp_ok):
    for payload in (rf.heartbeat(), rf.accepted(1, "B", 1, "X", 1) * 2):
        frame, mac_error = ri.malformed(rf.ExchangeStream(S, 1).segment(payload), fault)
        assert not mac_error
        with pytest.raises(DataError, match=message):
            parse_frame(frame)
        ip_ok, segment_ok = _checksums_right(frame)
        assert ip_ok and (segment_ok or not tcp_ok)


@pytest.mark.parametrize("kind", list(ri.FOREIGN))
def test_foreign_frames_are_well_formed(kind):
    frame, mac_error = ri.foreign(S, kind)
    p = parse_frame(frame)
    assert not mac_error and p.checksums_ok and len(frame) >= 60


def test_bad_payload_pieces():
    assert ri.overrunning(rf.heartbeat(), 4)[:2] == (5).to_bytes(2, "big")
    message = soupbintcp.decode(ri.unknown_message(3))[0].data
    assert message[:1] == b"U" and len(message) == ouch.ORDER_REPLACED.size
    longer = soupbintcp.decode(ri.wrong_length(rf.canceled(1, 1), 2))[0].data
    shorter = soupbintcp.decode(ri.wrong_length(rf.canceled(1, 1), -1))[0].data
    assert (len(longer), len(shorter)) == (ouch.ORDER_CANCELED.size + 2,
                                           ouch.ORDER_CANCELED.size - 1)
    assert all(_not_card_packets(tail) for tail in ri.BAD_PACKETS.values())


def _not_card_packets(tail: bytes) -> bool:
    """proto.soupbintcp finds a fault, a cut-off tail, or a packet the card does not take."""
    try:
        packets, rest = soupbintcp.split_stream(tail)
    except DataError:
        return True
    return bool(rest) or any(p.type not in "S+H" or (p.type == "S" and not p.data)
                             for p in packets)
