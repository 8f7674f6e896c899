"""ITCH 5.0 message tables: sizes from the specification, third-party vectors, round trips."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proto.itch import MESSAGES, decode, encode
from proto.layout import LayoutError

#: Total message length (type byte included) per type, from the ITCH 5.0 specification.
SPEC_LENGTHS = {
    "S": 12, "R": 39, "H": 25, "Y": 20, "L": 26, "V": 35, "W": 12, "K": 28, "J": 35,
    "h": 21, "A": 36, "F": 40, "E": 31, "C": 36, "X": 23, "D": 19, "U": 35, "P": 44,
    "Q": 40, "B": 19, "I": 50, "N": 20,
}


def test_all_22_types_and_nothing_else():
    assert set(MESSAGES) == set(SPEC_LENGTHS)


@pytest.mark.parametrize("code", sorted(SPEC_LENGTHS))
def test_layout_size_matches_specification(code):
    assert MESSAGES[code].size == SPEC_LENGTHS[code]
    assert MESSAGES[code].code == code


@pytest.mark.parametrize("code", sorted(SPEC_LENGTHS))
def test_every_message_starts_with_the_common_header(code):
    head = [(f.name, f.offset, f.size) for f in MESSAGES[code].fields[:4]]
    assert head == [("message_type", 0, 1), ("stock_locate", 1, 2),
                    ("tracking_number", 3, 2), ("timestamp", 5, 6)]


def test_add_order_bytes_by_hand():
    # A, locate 0x0102, tracking 3, timestamp 0x0A0B0C0D0E0F, ref 7, 'S', 100 sh, "AB", $1.5
    body = encode("A", stock_locate=0x0102, tracking_number=3, timestamp=0x0A0B0C0D0E0F,
                  order_ref=7, side="S", shares=100, stock="AB", price=15000)
    assert body == (b"A" + b"\x01\x02" + b"\x00\x03" + bytes.fromhex("0a0b0c0d0e0f")
                    + (7).to_bytes(8, "big") + b"S" + (100).to_bytes(4, "big")
                    + b"AB      " + (15000).to_bytes(4, "big"))


def test_mwcb_levels_are_signed_8_byte_prices():
    assert [MESSAGES["V"][f].kind for f in ("level1", "level2", "level3")] == ["price8"] * 3
    assert MESSAGES["V"]["level3"].offset == 27


# --- martinobdl/ITCH reader vectors ----------------------------------------------------

def _load_vectors(shared_data):
    doc = json.loads((shared_data / "vectors" / "martinobdl_reader_vectors.json").read_text())
    return {v["type"]: v for v in doc["vectors"]}


def _csv(vector):
    """That project's CSV line: timestamp,type,order_ref,side(1=sell),shares,price,..."""
    cols = vector["expected_csv"].split(",")
    return cols


def _price4(text):
    return int(Decimal(text) * 10000)


def _decode_vector(vector):
    body = vector["type"].encode() + bytes.fromhex(vector["body_hex_without_type_byte"])
    assert len(body) == vector["body_len"] + 1
    return decode(body)


@pytest.mark.parametrize("code", ["A", "F"])
def test_vector_add_order(shared_data, code):
    vector = _load_vectors(shared_data)[code]
    msg, cols = _decode_vector(vector), _csv(vector)
    assert msg["timestamp"] == int(cols[0])
    assert msg["order_ref"] == int(cols[2])
    assert msg["side"] == ("S" if cols[3] == "1" else "B")
    assert msg["shares"] == int(cols[4])
    assert msg["price"] == _price4(cols[5])
    if code == "F":
        assert msg["attribution"] == cols[-1]


def test_vector_executed_with_trailing_bytes(shared_data):
    vector = _load_vectors(shared_data)["E"]
    assert vector["body_len"] + 1 > vector["spec_len_incl_type"]   # really longer than spec
    msg, cols = _decode_vector(vector), _csv(vector)
    assert msg["timestamp"] == int(cols[0])
    assert msg["order_ref"] == int(cols[2])
    assert msg["executed_shares"] == int(cols[7])                   # their executed column


def test_vector_cancel_extreme_values(shared_data):
    vector = _load_vectors(shared_data)["X"]
    msg, cols = _decode_vector(vector), _csv(vector)
    assert msg["timestamp"] == int(cols[0]) == 2**48 - 2
    assert msg["order_ref"] == int(cols[2]) == 2**64 - 2
    assert msg["cancelled_shares"] == int(cols[6]) == 2**32 - 2    # their cancelled column


def test_vector_replace(shared_data):
    vector = _load_vectors(shared_data)["U"]
    msg, cols = _decode_vector(vector), _csv(vector)
    assert msg["timestamp"] == int(cols[0])
    assert msg["new_order_ref"] == int(cols[2])                     # they report the new ref
    assert msg["original_order_ref"] == int(cols[8])                # ... and the old one here
    assert msg["shares"] == int(cols[4])
    assert msg["price"] == _price4(cols[5])


def test_vector_trade_with_trailing_bytes(shared_data):
    vector = _load_vectors(shared_data)["P"]
    assert vector["body_len"] + 1 > vector["spec_len_incl_type"]
    msg, cols = _decode_vector(vector), _csv(vector)
    assert msg["timestamp"] == int(cols[0])
    assert msg["order_ref"] == int(cols[2])
    assert msg["side"] == ("S" if cols[3] == "1" else "B")
    assert msg["shares"] == int(cols[7])                            # their traded column
    assert msg["price"] == _price4(cols[5])
    assert msg["stock"] == "MARTINO"


# --- errors ---------------------------------------------------------------------------

def test_decode_unknown_type_is_a_clear_error():
    with pytest.raises(LayoutError, match="unknown ITCH 5.0 message type 'Z'"):
        decode(b"Z" + bytes(30))


def test_decode_short_body_names_type_and_sizes():
    with pytest.raises(LayoutError, match="'D'.*needs 19 bytes, body has 18"):
        decode(encode("D", order_ref=1)[:-1])


def test_decode_empty_body():
    with pytest.raises(LayoutError, match="empty"):
        decode(b"")


def test_decode_ignores_trailing_bytes():
    body = encode("D", order_ref=12345)
    assert decode(body + b"\xff" * 9) == decode(body)


def test_encode_rejects_unknown_field_and_overflow():
    with pytest.raises(LayoutError):
        encode("D", no_such_field=1)
    with pytest.raises(LayoutError):
        encode("X", cancelled_shares=2**32)
    with pytest.raises(LayoutError):
        encode("A", message_type="F")


# --- round trips ----------------------------------------------------------------------

_PRINTABLE = st.characters(min_codepoint=0x20, max_codepoint=0x7E)


def _extreme_int(lo, hi):
    return st.one_of(st.sampled_from([lo, hi, lo + 1, hi - 1]), st.integers(lo, hi))


def _field_strategy(field):
    if field.kind in ("uint", "price4"):
        return _extreme_int(0, 2 ** (8 * field.size) - 1)
    if field.kind in ("int", "price8"):
        half = 2 ** (8 * field.size - 1)
        return _extreme_int(-half, half - 1)
    if field.size == 1:
        return _PRINTABLE
    # Multi-byte alpha is space-padded on the wire, so trailing spaces cannot survive.
    return st.text(_PRINTABLE, max_size=field.size).map(lambda s: s.rstrip(" "))


def _message_strategy(code):
    layout = MESSAGES[code]
    fields = {f.name: _field_strategy(f) for f in layout.fields if f.name != "message_type"}
    return st.fixed_dictionaries(fields).map(lambda d: {"message_type": code, **d})


@pytest.mark.parametrize("code", sorted(SPEC_LENGTHS))
def test_round_trip(code):
    @given(_message_strategy(code))
    def check(message):
        body = encode(code, **message)
        assert len(body) == SPEC_LENGTHS[code]
        assert decode(body) == message

    check()
