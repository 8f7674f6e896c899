"""Whole-day ITCH decoding: counts against RITCH's own, events against a slow reference path."""

from __future__ import annotations

import gzip
import json
import struct

import numpy as np
import pytest

from host.errors import DataError
from proto.itch import MESSAGES, decode, encode
from proto.itch_event import EVENT_DTYPE
from sim.itch_file import ItchDay, read_day
from sim.itch_frame import split_sequential, split_vectorised

RITCH = "itch/ritch_20101224.itch50"


def frame(*bodies: bytes) -> bytes:
    """Daily-file framing written out by hand: 2-byte big-endian length, then the body."""
    return b"".join(struct.pack(">H", len(b)) + b for b in bodies)


def walk(raw: bytes):
    """(prefix offset, body) of every message, by the simplest possible loop."""
    pos, out = 0, []
    while pos < len(raw):
        (length,) = struct.unpack_from(">H", raw, pos)
        out.append((pos, raw[pos + 2:pos + 2 + length]))
        pos += 2 + length
    return out


def reference_events(raw: bytes) -> np.ndarray:
    """EVENT_DTYPE rows built one message at a time with proto.itch.decode."""
    rows = []
    for _, body in walk(raw):
        if chr(body[0]) not in MESSAGES:
            continue
        m = decode(body)
        t = m["message_type"]
        ev = dict(type=ord(t), locate=m["stock_locate"], tracking=m["tracking_number"],
                  timestamp=m["timestamp"], order_ref=0, new_order_ref=0, match_number=0,
                  side=0, shares=0, price=0, stock=b"")
        if t in "AFP":
            ev.update(order_ref=m["order_ref"], side=ord(m["side"]), shares=m["shares"],
                      price=m["price"], stock=m["stock"].encode())
        if t in "ECP" or t in "QB":
            ev.update(match_number=m["match_number"])
        if t in "EC":
            ev.update(order_ref=m["order_ref"], shares=m["executed_shares"])
        if t == "C":
            ev.update(price=m["execution_price"])
        if t == "X":
            ev.update(order_ref=m["order_ref"], shares=m["cancelled_shares"])
        if t == "D":
            ev.update(order_ref=m["order_ref"])
        if t == "U":
            ev.update(order_ref=m["original_order_ref"], new_order_ref=m["new_order_ref"],
                      shares=m["shares"], price=m["price"])
        if t == "Q":
            ev.update(shares=min(m["shares"], 2**32 - 1), price=m["cross_price"],
                      stock=m["stock"].encode())
        if t == "R":
            ev.update(stock=m["stock"].encode())
        if t == "H":
            ev.update(stock=m["stock"].encode(), side=ord(m["trading_state"]))
        rows.append(tuple(ev[name] for name in EVENT_DTYPE.names))
    return np.array(rows, dtype=EVENT_DTYPE)


def assert_events_equal(got, want):
    assert len(got) == len(want)
    for name in EVENT_DTYPE.names:
        bad = np.flatnonzero(got[name] != want[name])
        assert len(bad) == 0, f"{name} differs first at message {bad[0] if len(bad) else ''}"


# --- real data ------------------------------------------------------------------------

def test_counts_match_ritch_expected(bundled_data):
    expected = json.loads((bundled_data / "itch/ritch_20101224.expected_counts.json").read_text())
    counts = read_day(bundled_data / RITCH).counts()
    want_types = {k: v for k, v in expected["count_messages"].items() if k != "others"}
    assert counts["by_type"] == want_types
    assert counts["unknown"] == {}
    assert counts["adds"]["total"] == expected["orders"]["rows"]
    assert counts["adds"]["buy"] == expected["orders"]["buy"]
    assert counts["adds"]["sell"] == expected["orders"]["sell"]
    assert counts["trades"]["total"] == expected["trades"]["type_P"]
    assert counts["trades"]["buy"] == expected["trades"]["buy_TRUE"]
    assert {s: r["adds"] for s, r in counts["by_stock"].items()} == expected["orders"]["by_stock"]
    assert {s: r["trades"] for s, r in counts["by_stock"].items()} == expected["trades"]["by_stock"]


def test_symbols_from_stock_directory(bundled_data):
    expected = json.loads((bundled_data / "itch/ritch_20101224.expected_counts.json").read_text())
    assert sorted(read_day(bundled_data / RITCH).symbols().values()) == \
        sorted(expected["orders"]["by_stock"])


def test_events_equal_slow_reference_on_ritch(bundled_data):
    raw = (bundled_data / RITCH).read_bytes()
    assert_events_equal(ItchDay.from_bytes(raw).events(), reference_events(raw))


def test_events_equal_slow_reference_on_lobster_prefix(shared_data):
    raw = gzip.decompress((shared_data / "lobster/AMZN_2012-06-21_L5.itch50.gz").read_bytes())
    messages = walk(raw)
    assert len(messages) == 178_371                      # the README's count
    prefix = raw[:messages[20_000][0]]
    day = ItchDay.from_bytes(prefix)
    assert len(day) == 20_000
    assert_events_equal(day.events(), reference_events(prefix))


def test_offsets_lengths_types_match_a_plain_walk(bundled_data):
    raw = (bundled_data / RITCH).read_bytes()
    day = ItchDay.from_bytes(raw)
    messages = walk(raw)
    assert day.offsets.tolist() == [pos + 2 for pos, _ in messages]
    assert day.lengths.tolist() == [len(body) for _, body in messages]
    assert day.types.tobytes() == bytes(body[0] for _, body in messages)


@pytest.mark.parametrize("code", ["S", "R", "H", "A", "F", "E", "X", "D", "U", "P"])
def test_decode_type_equals_per_message_decode(bundled_data, code):
    raw = (bundled_data / RITCH).read_bytes()
    idx, got = ItchDay.from_bytes(raw).decode(code)
    want = [decode(body) for _, body in walk(raw) if body[:1] == code.encode()]
    assert len(got) == len(want) > 0
    assert idx.tolist() == [i for i, (_, b) in enumerate(walk(raw)) if b[:1] == code.encode()]
    for row, msg in zip(got, want, strict=True):
        for name, value in msg.items():
            value = value.encode() if isinstance(value, str) else value
            assert row[name] == value, name


def test_every_type_decodes_in_bulk():
    bodies = [encode(code, stock_locate=i, timestamp=2**48 - 1 - i, tracking_number=7)
              for i, code in enumerate(MESSAGES)]
    day = ItchDay.from_bytes(frame(*bodies))
    assert len(day) == 22
    for i, code in enumerate(MESSAGES):
        idx, got = day.decode(code)
        assert idx.tolist() == [i]
        assert got["timestamp"][0] == 2**48 - 1 - i
        assert got["stock_locate"][0] == i


def test_q_shares_saturate_in_events():
    body = encode("Q", shares=2**40, stock="XY", cross_price=5, match_number=9, cross_type="O")
    event = ItchDay.from_bytes(frame(body)).events()[0]
    assert event["shares"] == 2**32 - 1 and event["stock"] == b"XY"


# --- framing --------------------------------------------------------------------------

def test_gzip_detected_by_content_not_name(tmp_path, bundled_data):
    raw = (bundled_data / RITCH).read_bytes()
    disguised = tmp_path / "day.itch50"
    disguised.write_bytes(gzip.compress(raw))
    plain_named_gz = tmp_path / "day.gz"
    plain_named_gz.write_bytes(raw)
    assert len(read_day(disguised)) == len(read_day(plain_named_gz)) == 12_012


def test_message_longer_than_layout_decodes_its_prefix():
    add = encode("A", order_ref=5, side="B", shares=10, stock="AB", price=99)
    day = ItchDay.from_bytes(frame(encode("S", event_code="O"), add + b"\xee" * 6))
    assert day.lengths.tolist() == [12, 42]
    _, adds = day.decode("A")
    assert adds["order_ref"][0] == 5 and adds["price"][0] == 99


def test_unknown_type_is_counted_and_keeps_its_place():
    raw = frame(encode("S", event_code="O"), b"Z" + bytes(20), b"z",
                encode("D", stock_locate=7, order_ref=3))
    day = ItchDay.from_bytes(raw)
    assert day.unknown == {"Z": 1, "z": 1}
    assert day.types.tobytes() == b"SZzD"
    assert day.counts()["unknown"] == {"Z": 1, "z": 1}
    events = day.events()
    # Positions stay file positions; nothing is decoded from the unknown bodies.
    assert events["type"].tobytes() == b"SZzD"
    assert events["locate"].tolist() == [0, 0, 0, 7]
    assert events["order_ref"].tolist() == [0, 0, 0, 3]


def test_empty_file_is_an_empty_day():
    day = ItchDay.from_bytes(b"")
    assert len(day) == 0 and len(day.events()) == 0


def test_truncated_message_names_its_offset(bundled_data):
    raw = (bundled_data / RITCH).read_bytes()
    last_prefix = walk(raw)[-1][0]
    with pytest.raises(DataError, match=f"truncated: message 12011 at byte offset {last_prefix}"):
        ItchDay.from_bytes(raw[:-5], name="cut.itch50")


def test_truncated_length_prefix(bundled_data):
    raw = (bundled_data / RITCH).read_bytes()
    with pytest.raises(DataError, match=f"length prefix at byte offset {len(raw)}"):
        ItchDay.from_bytes(raw + b"\x00")


def test_zero_length_is_an_error():
    s = encode("S", event_code="O")               # 12 bytes, so the zero prefix sits at 14
    with pytest.raises(DataError, match="message 1 at byte offset 14 has length 0"):
        ItchDay.from_bytes(frame(s) + b"\x00\x00" + frame(s))


def test_message_shorter_than_its_layout():
    short_delete = encode("D", order_ref=1)[:10]
    s = encode("S", event_code="O")
    with pytest.raises(DataError, match="message 1 at byte offset 14: type 'D' needs 19 bytes"):
        ItchDay.from_bytes(frame(s, short_delete))


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_day(tmp_path / "absent.itch50")


def test_corrupt_gzip(tmp_path, bundled_data):
    path = tmp_path / "bad.itch50.gz"
    path.write_bytes(gzip.compress((bundled_data / RITCH).read_bytes())[:5000])
    with pytest.raises(DataError, match="gzip"):
        read_day(path)


def test_error_names_the_file(tmp_path):
    path = tmp_path / "cut.itch50"
    path.write_bytes(frame(encode("S"))[:-1])
    with pytest.raises(DataError, match="cut.itch50"):
        read_day(path)


# --- counts ---------------------------------------------------------------------------

def test_counts_fall_back_to_message_stock_without_directory():
    raw = frame(
        encode("R", stock_locate=1, stock="KNOWN"),
        encode("A", stock_locate=1, stock="IGNORED", side="B"),    # directory wins
        encode("A", stock_locate=9, stock="ZZZ", side="S"),
        encode("F", stock_locate=9, stock="ZZZ", side="B", attribution="MPID"),
        encode("P", stock_locate=9, stock="ZZZ", side="S"),
    )
    counts = ItchDay.from_bytes(raw).counts()
    assert counts["by_stock"] == {
        "KNOWN": {"adds": 1, "adds_buy": 1, "adds_sell": 0,
                  "trades": 0, "trades_buy": 0, "trades_sell": 0},
        "ZZZ": {"adds": 2, "adds_buy": 1, "adds_sell": 1,
                "trades": 1, "trades_buy": 0, "trades_sell": 1},
    }
    assert counts["adds"] == {"total": 3, "buy": 2, "sell": 1}


# --- the two split paths --------------------------------------------------------------

def test_vectorised_split_agrees_with_sequential_walk(bundled_data):
    raw = (bundled_data / RITCH).read_bytes()
    fast = split_vectorised(raw, np.frombuffer(raw, dtype=np.uint8))
    assert fast is not None
    assert fast.tolist() == [pos for pos, _ in walk(raw)]
    assert split_sequential(raw).tolist() == fast.tolist()


def test_vectorised_split_peels_false_boundaries_inside_bodies():
    # Body bytes 00 13 'D' and 00 24 'A' look exactly like a D / A length prefix.
    fake = int.from_bytes(b"\x00\x13D\x00\x24A\x00\x13", "big")
    raw = frame(encode("S", event_code="O"),
                *[encode("A", order_ref=fake, shares=0x0013_4400, side="B") for _ in range(5)],
                encode("D", order_ref=fake))
    fast = split_vectorised(raw, np.frombuffer(raw, dtype=np.uint8))
    assert fast is not None
    assert fast.tolist() == [pos for pos, _ in walk(raw)]


def test_irregular_file_falls_back_to_the_walk():
    raw = frame(encode("S"), encode("D", order_ref=1) + b"\x00")   # D one byte too long
    assert split_vectorised(raw, np.frombuffer(raw, dtype=np.uint8)) is None
    assert ItchDay.from_bytes(raw).offsets.tolist() == [2, 16]


def test_events_equal_slow_reference_for_every_type():
    # Distinct values in every field of every type, so a column taken from the wrong field
    # shows up (the real days have no C, Q, B, ... messages).
    rng = np.random.default_rng(5)
    bodies = []
    for code, layout in list(MESSAGES.items()) * 3:
        values = {}
        for f in layout.fields[1:]:
            if f.kind == "alpha":
                values[f.name] = "".join(chr(c) for c in rng.integers(65, 91, f.size))
            else:
                bits = 8 * f.size - (1 if f.kind in ("int", "price8") else 0)
                values[f.name] = int(rng.integers(0, 2**min(bits, 63)))
        bodies.append(encode(code, **values))
    raw = frame(*bodies)
    assert_events_equal(ItchDay.from_bytes(raw).events(), reference_events(raw))


def test_unknown_type_of_length_255_is_not_taken_for_a_message():
    # 255 is the placeholder size of non-types inside the vectorised split.
    raw = frame(encode("S", event_code="O"), b"Z" + bytes(254), encode("D", order_ref=3))
    day = ItchDay.from_bytes(raw)
    assert day.unknown == {"Z": 1}
    assert day.types.tobytes() == b"SZD"
