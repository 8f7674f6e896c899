"""OUCH 5.0 messages: every type round-trips, spec sizes, golden bytes, appendages."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import layout_values

from host.errors import DataError
from proto import ouch

OPTIONS = st.lists(st.tuples(st.integers(0, 255), st.binary(max_size=12)), max_size=4)
ALL = [(m, True) for m in ouch.INBOUND.values()] + [(m, False) for m in ouch.OUTBOUND.values()]


@pytest.mark.parametrize("layout,size", [
    # Fixed-part sizes added up by hand from the spec's field lists.
    (ouch.ENTER_ORDER, 1 + 4 + 1 + 4 + 8 + 8 + 1 + 1 + 1 + 1 + 1 + 14 + 2),
    (ouch.REPLACE_ORDER, 1 + 4 + 4 + 4 + 8 + 1 + 1 + 1 + 14 + 2),
    (ouch.CANCEL_ORDER, 9), (ouch.MODIFY_ORDER, 10), (ouch.MASS_CANCEL, 17),
    (ouch.SYSTEM_EVENT, 10),
    (ouch.ORDER_ACCEPTED, 1 + 8 + 4 + 1 + 4 + 8 + 8 + 1 + 1 + 8 + 1 + 1 + 1 + 1 + 14 + 2),
    (ouch.ORDER_REPLACED, 1 + 8 + 4 + 4 + 1 + 4 + 8 + 8 + 1 + 1 + 8 + 1 + 1 + 1 + 1 + 14 + 2),
    (ouch.ORDER_CANCELED, 18), (ouch.ORDER_EXECUTED, 1 + 8 + 4 + 4 + 8 + 1 + 8 + 2),
    (ouch.ORDER_REJECTED, 1 + 8 + 4 + 2 + 14),
])
def test_message_sizes_match_spec(layout, size):
    assert layout.size == size


@pytest.mark.parametrize("layout,inbound", ALL, ids=[m.name for m, _ in ALL])
def test_every_message_round_trips(layout, inbound):
    values = layout_values(layout).map(
        lambda v: {k: x for k, x in v.items() if k not in ("type", "appendage_length")})
    has_appendage = "appendage_length" in layout

    @given(values, OPTIONS if has_appendage else st.just([]))
    def check(fields, options):
        raw = ouch.encode(layout, fields, options)
        message = ouch.decode(raw, inbound)
        assert message.layout is layout
        assert {k: message.fields[k] for k in fields} == fields
        assert message.options == [(tag, bytes(value)) for tag, value in options]
    check()


def test_enter_order_golden_bytes():
    raw = ouch.encode(ouch.ENTER_ORDER, user_ref_num=1, side="B", quantity=100, symbol="AAPL",
                      price=12345, time_in_force="0", display="Y", capacity="A",
                      intermarket_sweep="N", cross_type="N", cl_ord_id="ORDER1",
                      options=[(3, (100).to_bytes(4, "big"))])
    assert raw.hex() == (
        "4f"                        # 'O'
        "00000001"                  # UserRefNum 1
        "42"                        # 'B'
        "00000064"                  # 100 shares
        "4141504c20202020"          # "AAPL    "
        "0000000000003039"          # $1.2345 = 12345 = 0x3039
        "30" "59" "41" "4e" "4e"    # TIF '0', display 'Y', capacity 'A', ISE 'N', cross 'N'
        "4f5244455231" + "20" * 8 + # "ORDER1" padded to 14
        "0006"                      # 6 appendage bytes follow
        "05" "03" "00000064")       # option length 5 (tag + 4), tag 3, value 100


def test_negative_price_is_signed():
    raw = ouch.encode(ouch.ORDER_EXECUTED, price=-1)
    assert raw[17:25] == b"\xff" * 8
    assert ouch.decode(raw, inbound=False).fields["price"] == -1


def test_direction_decides_shared_codes():
    replace = ouch.encode(ouch.REPLACE_ORDER, user_ref_num=7)
    assert ouch.decode(replace, inbound=True).layout is ouch.REPLACE_ORDER
    with pytest.raises(DataError, match="Order Replaced needs 68 bytes"):
        ouch.decode(replace, inbound=False)


def test_appendage_length_mismatch_raises():
    raw = ouch.encode(ouch.ENTER_ORDER, options=[(2, b"FIRM")])
    with pytest.raises(DataError, match="expects 6 appendage bytes, 5 follow"):
        ouch.decode(raw[:-1], inbound=True)


def test_truncated_option_raises_with_offset():
    raw = bytearray(ouch.encode(ouch.ENTER_ORDER, options=b"\x09\x02AB"))
    with pytest.raises(DataError, match="byte 47: option length 9"):
        ouch.decode(bytes(raw), inbound=True)


def test_unknown_type_raises():
    with pytest.raises(DataError, match="unknown outbound OUCH message type 'O'"):
        ouch.decode(ouch.encode(ouch.ENTER_ORDER), inbound=False)


def test_appendage_on_fixed_message_is_refused():
    with pytest.raises(ValueError):
        ouch.encode(ouch.CANCEL_ORDER, options=[(1, b"x")])
