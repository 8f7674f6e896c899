"""MoldUDP64 packets: header table, data/heartbeat/end-of-session packets, requests."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import layout_values

from host.errors import DataError
from proto import moldudp64

SESSION = st.text("ABCDEFGHIJ0123456789", min_size=1, max_size=10)
SEQUENCE = st.integers(0, 2**64 - 1)


@pytest.mark.parametrize("layout", [moldudp64.HEADER, moldudp64.BLOCK, moldudp64.REQUEST])
def test_tables_round_trip(layout):
    @given(layout_values(layout))
    def check(values):
        assert layout.unpack(layout.pack(values)) == values
    check()


def test_data_packet_golden_bytes():
    # Spec: session (10 alpha), sequence (8), count (2), then per message length (2) + data.
    packet = moldudp64.encode_packet("SESSION01", 0x0102030405060708, [b"AB", b"\x01"])
    assert packet.hex() == (
        "53455353494f4e303120"      # "SESSION01" + one space of padding
        "0102030405060708"          # sequence
        "0002"                      # two messages
        "00024142"                  # length 2, "AB"
        "000101")                   # length 1, 0x01


def test_heartbeat_and_end_of_session_golden_bytes():
    assert moldudp64.encode_heartbeat("S", 5).hex() == "53" + "20" * 9 + "0000000000000005" + "0000"
    assert moldudp64.encode_end_of_session("S", 5).hex().endswith("0000000000000005ffff")
    assert moldudp64.decode_packet(moldudp64.encode_heartbeat("S", 5)).is_heartbeat
    assert moldudp64.decode_packet(moldudp64.encode_end_of_session("S", 5)).is_end_of_session


def test_request_golden_bytes():
    assert moldudp64.encode_request("ABC", 100, 3).hex() == \
        "41424320202020202020" "0000000000000064" "0003"


@given(session=SESSION, sequence=SEQUENCE,
       messages=st.lists(st.binary(max_size=64), min_size=1, max_size=20))
def test_data_packets_round_trip(session, sequence, messages):
    packet = moldudp64.decode_packet(moldudp64.encode_packet(session, sequence, messages))
    assert (packet.session, packet.sequence, packet.count) == (session, sequence, len(messages))
    assert packet.messages == messages
    assert len(moldudp64.encode_packet(session, sequence, messages)) == \
        moldudp64.packet_size(map(len, messages))


@given(session=SESSION, sequence=SEQUENCE)
def test_heartbeats_round_trip(session, sequence):
    packet = moldudp64.decode_packet(moldudp64.encode_heartbeat(session, sequence))
    assert (packet.session, packet.sequence, packet.messages) == (session, sequence, [])


@given(session=SESSION, sequence=SEQUENCE)
def test_end_of_session_round_trips(session, sequence):
    packet = moldudp64.decode_packet(moldudp64.encode_end_of_session(session, sequence))
    assert packet.count == 0xFFFF and packet.sequence == sequence


@given(session=SESSION, sequence=SEQUENCE, count=st.integers(0, 0xFFFF))
def test_requests_round_trip(session, sequence, count):
    decoded = moldudp64.decode_request(moldudp64.encode_request(session, sequence, count))
    assert decoded == {"session": session, "sequence": sequence, "count": count}


def test_truncated_block_names_its_offset():
    packet = moldudp64.encode_packet("S", 1, [b"abcdef", b"ghij"])
    # Header 0-19, block 0 length 20-21 and data 22-27, block 1 length 28-29, data from 30.
    with pytest.raises(DataError, match="byte 30: MoldUDP64 block 1 says 4 bytes, 2 remain"):
        moldudp64.decode_packet(packet[:-2])


def test_short_header_raises():
    with pytest.raises(DataError, match="header needs 20"):
        moldudp64.decode_packet(b"\0" * 19)


def test_trailing_bytes_raise():
    with pytest.raises(DataError, match="bytes after"):
        moldudp64.decode_packet(moldudp64.encode_packet("S", 1, [b"a"]) + b"\0")


def test_empty_data_packet_is_refused():
    with pytest.raises(ValueError):
        moldudp64.encode_packet("S", 1, [])
