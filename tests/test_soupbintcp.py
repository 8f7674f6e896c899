"""SoupBinTCP 3.0 packets: every type round-trips, golden bytes, malformed streams."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from host.errors import DataError
from proto import soupbintcp

ALPHA = st.text("ABCXYZ0123", max_size=6)


def test_login_request_golden_bytes():
    # Length 47 = type (1) + username 6 + password 10 + session 10 + sequence 20.
    raw = soupbintcp.encode("L", username="USER", password="PASS", session="", sequence=1)
    assert raw == (b"\x00\x2f" b"L" b"USER  " b"PASS      " + b" " * 10 + b" " * 19 + b"1")


def test_login_accepted_golden_bytes():
    raw = soupbintcp.encode("A", session="SESS1", sequence=12345)
    assert raw == b"\x00\x1f" b"A" b"SESS1     " + b" " * 15 + b"12345"


def test_heartbeat_and_sequenced_data_golden_bytes():
    assert soupbintcp.encode("H") == b"\x00\x01H"
    assert soupbintcp.encode("S", b"\x01\x02") == b"\x00\x03S\x01\x02"


@pytest.mark.parametrize("packet_type", ["+", "S", "U"])
def test_free_form_packets_round_trip(packet_type):
    @given(st.binary(max_size=300))
    def check(data):
        packet, end = soupbintcp.decode(soupbintcp.encode(packet_type, data))
        assert (packet.type, packet.data, end) == (packet_type, data, len(data) + 3)
    check()


@pytest.mark.parametrize("packet_type", ["H", "Z", "O", "R"])
def test_empty_packets_round_trip(packet_type):
    packet, end = soupbintcp.decode(soupbintcp.encode(packet_type))
    assert (packet.type, packet.fields, packet.data, end) == (packet_type, {}, b"", 3)


@given(session=ALPHA, sequence=st.integers(0, 10**20 - 1))
def test_login_accepted_round_trips(session, sequence):
    packet, _ = soupbintcp.decode(soupbintcp.encode("A", session=session, sequence=sequence))
    assert packet.fields == {"session": session, "sequence": sequence}


@given(reason=st.sampled_from("AS"))
def test_login_rejected_round_trips(reason):
    packet, _ = soupbintcp.decode(soupbintcp.encode("J", reason=reason))
    assert packet.fields == {"reason": reason}


@given(user=ALPHA, password=ALPHA, session=ALPHA, sequence=st.integers(0, 10**20 - 1))
def test_login_request_round_trips(user, password, session, sequence):
    raw = soupbintcp.encode("L", username=user, password=password, session=session,
                            sequence=sequence)
    packet, _ = soupbintcp.decode(raw)
    assert packet.fields == {"username": user, "password": password, "session": session,
                             "sequence": sequence}


def test_stream_split_keeps_incomplete_tail():
    stream = soupbintcp.encode("S", b"one") + soupbintcp.encode("H") + \
        soupbintcp.encode("S", b"three")[:4]
    packets, tail = soupbintcp.split_stream(stream)
    assert [(p.type, p.data) for p in packets] == [("S", b"one"), ("H", b"")]
    assert tail == soupbintcp.encode("S", b"three")[:4]


def test_unknown_type_raises_with_offset():
    with pytest.raises(DataError, match="byte 5: unknown SoupBinTCP packet type 'Q'"):
        soupbintcp.decode(soupbintcp.encode("H") + b"\x00\x01Q", 3)


def test_fixed_packet_with_wrong_length_raises():
    with pytest.raises(DataError, match="Login Rejected needs 1 payload bytes"):
        soupbintcp.decode(b"\x00\x03JAB")


def test_truncated_packet_raises():
    with pytest.raises(DataError, match="byte 0: SoupBinTCP length 10"):
        soupbintcp.decode(b"\x00\x0aS123")


def test_non_numeric_sequence_raises():
    raw = bytearray(soupbintcp.encode("A", session="S", sequence=1))
    raw[-1:] = b"x"
    with pytest.raises(DataError, match="numeric field"):
        soupbintcp.decode(bytes(raw))
