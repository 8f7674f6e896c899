"""Reference book: the effect of each message type and each counted anomaly, by hand."""

from __future__ import annotations

import numpy as np

from proto.itch_event import EVENT_DTYPE
from sim.book import EMPTY_ASK_PRICE, EMPTY_BID_PRICE, Books, Level, build_books, lobster_columns


def events(*messages: dict) -> np.ndarray:
    """EVENT_DTYPE rows from dicts; ``type`` and ``side`` given as one-letter strings."""
    out = np.zeros(len(messages), dtype=EVENT_DTYPE)
    for row, message in zip(out, messages, strict=True):
        for name, value in message.items():
            row[name] = ord(value) if name in ("type", "side") else value
    return out


def add(ref, side, shares, price, locate=1, kind="A"):
    return {"type": kind, "locate": locate, "order_ref": ref, "side": side,
            "shares": shares, "price": price, "stock": b"ABC"}


def books_after(*messages: dict) -> Books:
    books = Books()
    books.apply(events(*messages))
    return books


def test_add_creates_a_level_on_its_side():
    books = books_after(add(1, "B", 100, 1_000_000))
    assert books.top(1, 5) == {"bids": [Level(1_000_000, 100, 1)], "asks": []}
    assert books.order(1) == (1, "B", 1_000_000, 100)


def test_adds_at_one_price_aggregate_shares_and_count():
    books = books_after(add(1, "S", 100, 500), add(2, "S", 30, 500))
    assert books.top(1, 5)["asks"] == [Level(500, 130, 2)]


def test_levels_are_best_first_on_both_sides():
    books = books_after(add(1, "B", 1, 100), add(2, "B", 2, 300), add(3, "B", 3, 200),
                        add(4, "S", 4, 900), add(5, "S", 5, 700), add(6, "S", 6, 800))
    top = books.top(1, 2)
    assert [lv.price for lv in top["bids"]] == [300, 200]
    assert [lv.price for lv in top["asks"]] == [700, 800]
    assert [lv.price for lv in books.depth(1)["bids"]] == [300, 200, 100]


def test_f_adds_like_a():
    books = books_after(add(7, "B", 50, 1234, kind="F"))
    assert books.top(1, 1)["bids"] == [Level(1234, 50, 1)]


def test_partial_execution_reduces_shares_but_not_count():
    books = books_after(add(1, "B", 100, 500), add(2, "B", 40, 500),
                        {"type": "E", "locate": 1, "order_ref": 1, "shares": 30})
    assert books.top(1, 1)["bids"] == [Level(500, 110, 2)]   # 70 + 40
    assert books.order(1) == (1, "B", 500, 70)


def test_full_execution_removes_order_and_empty_level():
    books = books_after(add(1, "S", 100, 500), add(2, "S", 10, 600),
                        {"type": "E", "locate": 1, "order_ref": 1, "shares": 100})
    assert books.top(1, 5)["asks"] == [Level(600, 10, 1)]
    assert books.order(1) is None
    assert len(books) == 1


def test_execution_with_price_reduces_like_e():
    books = books_after(add(1, "S", 100, 500),
                        {"type": "C", "locate": 1, "order_ref": 1, "shares": 25, "price": 499})
    assert books.top(1, 1)["asks"] == [Level(500, 75, 1)]   # the book keeps the limit price


def test_partial_cancel_reduces_shares():
    books = books_after(add(1, "B", 100, 500), add(2, "B", 5, 500),
                        {"type": "X", "locate": 1, "order_ref": 1, "shares": 60})
    assert books.order(1) == (1, "B", 500, 40)
    assert books.top(1, 1)["bids"] == [Level(500, 45, 2)]   # 40 + 5


def test_delete_removes_one_order_from_a_shared_level():
    books = books_after(add(1, "B", 100, 500), add(2, "B", 40, 500),
                        {"type": "D", "locate": 1, "order_ref": 1})
    assert books.top(1, 1)["bids"] == [Level(500, 40, 1)]
    assert books.order(1) is None


def test_replace_moves_order_to_new_ref_price_and_shares_same_side():
    books = books_after(add(1, "S", 100, 500), add(2, "S", 5, 500),
                        {"type": "U", "locate": 1, "order_ref": 1, "new_order_ref": 9,
                         "shares": 70, "price": 450})
    assert books.order(1) is None
    assert books.order(9) == (1, "S", 450, 70)
    assert books.top(1, 5)["asks"] == [Level(450, 70, 1), Level(500, 5, 1)]


def test_trades_halts_and_admin_messages_leave_the_book_alone():
    before = [add(1, "B", 100, 500), add(2, "S", 100, 600)]
    others = [
        {"type": "P", "locate": 1, "order_ref": 1, "side": "B", "shares": 100, "price": 500},
        {"type": "Q", "locate": 1, "shares": 1000, "price": 550},
        {"type": "B", "locate": 1, "match_number": 5},
        {"type": "H", "locate": 1, "side": "H", "stock": b"ABC"},
        {"type": "S", "locate": 0},
        {"type": "R", "locate": 1, "stock": b"ABC"},
    ]
    books = books_after(*before, *others)
    assert books.top(1, 5) == books_after(*before).top(1, 5)
    assert books.stats.messages == 8
    assert books.stats.unknown_refs == 0


def test_unknown_references_are_counted_and_change_nothing():
    books = books_after(add(1, "B", 100, 500),
                        {"type": "E", "locate": 1, "order_ref": 77, "shares": 1},
                        {"type": "C", "locate": 1, "order_ref": 77, "shares": 1, "price": 5},
                        {"type": "X", "locate": 1, "order_ref": 77, "shares": 1},
                        {"type": "D", "locate": 1, "order_ref": 77},
                        {"type": "U", "locate": 1, "order_ref": 77, "new_order_ref": 78,
                         "shares": 5, "price": 400})
    assert books.stats.unknown_refs == 5
    assert books.order(78) is None   # side unknown without the original: not guessed
    assert books.top(1, 5) == {"bids": [Level(500, 100, 1)], "asks": []}


def test_reference_already_gone_counts_as_unknown():
    books = books_after(add(1, "B", 100, 500), {"type": "D", "locate": 1, "order_ref": 1},
                        {"type": "D", "locate": 1, "order_ref": 1})
    assert books.stats.unknown_refs == 1


def test_overexecution_is_counted_and_removes_only_what_rested():
    books = books_after(add(1, "S", 100, 500), add(2, "S", 50, 500),
                        {"type": "E", "locate": 1, "order_ref": 1, "shares": 130})
    assert books.stats.overexecutions == 1
    assert books.order(1) is None
    assert books.top(1, 1)["asks"] == [Level(500, 50, 1)]   # 150 - 100, not 150 - 130


def test_duplicate_add_is_counted_and_the_new_order_replaces_the_live_one():
    books = books_after(add(1, "B", 100, 500), add(1, "S", 20, 700))
    assert books.stats.duplicate_adds == 1
    assert books.order(1) == (1, "S", 700, 20)
    assert books.top(1, 5) == {"bids": [], "asks": [Level(700, 20, 1)]}
    assert len(books) == 1


def test_replace_onto_a_live_reference_counts_a_duplicate():
    books = books_after(add(1, "B", 100, 500), add(2, "B", 10, 400),
                        {"type": "U", "locate": 1, "order_ref": 1, "new_order_ref": 2,
                         "shares": 30, "price": 450})
    assert books.stats.duplicate_adds == 1
    assert books.top(1, 5)["bids"] == [Level(450, 30, 1)]


def test_add_with_a_side_other_than_b_or_s_is_counted_and_dropped():
    books = Books()
    top = books.apply(events(add(1, "B", 10, 500), add(2, "X", 10, 400)), watch=1, levels=1)
    assert books.stats.bad_sides == 1
    assert books.order(2) is None
    assert books.top(1, 5) == {"bids": [Level(500, 10, 1)], "asks": []}
    assert top.itch_index.tolist() == [0, 1]   # still a row: the message may change the book


def test_crossed_and_locked_books_are_counted_per_update():
    books = books_after(add(1, "B", 10, 500),          # bid 500, no ask: not crossed
                        add(2, "S", 10, 510),          # 500 < 510
                        add(3, "S", 10, 500),          # locked 500 >= 500: 1
                        add(4, "B", 10, 520),          # crossed 520 >= 500: 2
                        {"type": "D", "locate": 1, "order_ref": 3},   # 520 >= 510: 3
                        {"type": "D", "locate": 1, "order_ref": 4})   # 500 < 510
    assert books.stats.crossed == 3
    assert books.best(1) == (500, 510)


def test_stocks_have_separate_books():
    books = books_after(add(1, "B", 10, 500, locate=1), add(2, "B", 20, 500, locate=2))
    assert books.top(1, 1)["bids"] == [Level(500, 10, 1)]
    assert books.top(2, 1)["bids"] == [Level(500, 20, 1)]
    assert list(books.snapshot()) == [1, 2]


def test_build_books_can_keep_only_some_stocks():
    books = build_books(events(add(1, "B", 10, 500, locate=1), add(2, "B", 20, 500, locate=2)),
                        locates=[2])
    assert books.locates() == [2]
    assert books.order(1) is None


def test_watched_rows_follow_every_message_of_that_stock():
    top = Books().apply(events(
        {"type": "S", "locate": 0},                                 # 0: no row (locate 0)
        {"type": "R", "locate": 1, "stock": b"ABC"},                # 1: directory, row
        add(1, "B", 10, 500),                                       # 2
        add(2, "S", 7, 600, locate=2),                              # 3: other stock
        add(3, "S", 5, 650),                                        # 4
        {"type": "P", "locate": 1, "shares": 3, "price": 640},      # 5: trade, row
        {"type": "D", "locate": 1, "order_ref": 1},                 # 6
    ), watch=1, levels=2)
    assert top.itch_index.tolist() == [1, 2, 4, 5, 6]
    e_ask, e_bid = EMPTY_ASK_PRICE, EMPTY_BID_PRICE
    assert top.values.tolist() == [
        [e_ask, 0, e_bid, 0, e_ask, 0, e_bid, 0],
        [e_ask, 0, 500, 10, e_ask, 0, e_bid, 0],
        [650, 5, 500, 10, e_ask, 0, e_bid, 0],
        [650, 5, 500, 10, e_ask, 0, e_bid, 0],
        [650, 5, e_bid, 0, e_ask, 0, e_bid, 0],
    ]


def test_row_indices_continue_across_chunks():
    books = Books()
    books.apply(events(add(1, "B", 10, 500), add(2, "B", 10, 501)), watch=1, levels=1)
    top = books.apply(events(add(3, "S", 1, 600)), watch=1, levels=1)
    assert top.itch_index.tolist() == [2]
    assert top.values.tolist() == [[600, 1, 501, 10]]


def test_lobster_columns_match_lobster_order():
    assert lobster_columns(2) == ["ask_price1", "ask_size1", "bid_price1", "bid_size1",
                                  "ask_price2", "ask_size2", "bid_price2", "bid_size2"]
