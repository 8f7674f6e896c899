"""bench/book_pages.py: events into level deltas, and a side that outgrows its pages."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from proto.itch_event import EVENT_DTYPE

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import book_pages  # noqa: E402


def _events(rows):
    events = np.zeros(len(rows), dtype=EVENT_DTYPE)
    for event, (kind, ref, side, shares, price, new_ref) in zip(events, rows, strict=True):
        event["type"], event["locate"], event["order_ref"] = ord(kind), 7, ref
        event["side"], event["shares"], event["price"] = ord(side), shares, price
        event["new_order_ref"] = new_ref
    return events


def test_each_message_becomes_the_level_deltas_of_its_order():
    events = _events([
        ("A", 1, "B", 300, 100_000, 0),
        ("E", 1, " ", 100, 0, 0),          # partial: the order stays
        ("U", 1, " ", 500, 101_000, 2),    # replace: old level out, new level in
        ("X", 2, " ", 500, 0, 0),          # cancels the rest: the order goes
        ("D", 9, " ", 0, 0, 0),            # unknown reference: nothing
        ("A", 3, "S", 50, 102_000, 0),
        ("D", 3, " ", 0, 0, 0),
    ])
    assert list(book_pages.level_deltas(events)) == [
        (7, ord("B"), [(100_000, 300, 1)]),
        (7, ord("B"), [(100_000, -100, 0)]),
        (7, ord("B"), [(100_000, -200, -1), (101_000, 500, 1)]),
        (7, ord("B"), [(101_000, -500, -1)]),
        (7, ord("S"), [(102_000, 50, 1)]),
        (7, ord("S"), [(102_000, -50, -1)]),
    ]


def test_a_side_deeper_than_its_pages_hold_drops_operations():
    # 30 bid levels: 2 pages of 7 hold at most 14, 8 pages of 7 hold them all.
    events = _events([("A", n + 1, "B", 100, 100_000 + 100 * n, 0) for n in range(30)])
    figures = book_pages.measure(events, [(2, 7), (8, 7)], top=2)
    assert figures[(2, 7)]["overflows"] > 0 and figures[(2, 7)]["max_levels"] <= 14
    assert figures[(8, 7)] == {"max_pages": figures[(8, 7)]["max_pages"], "max_levels": 30,
                               "overflows": 0}
    assert 30 / 7 < figures[(8, 7)]["max_pages"] <= 8
