"""Input schedules for the book builder's Verilator tests (C++ harness and cocotb).

A schedule is a list with one entry per input cycle: an event's index in the flow, or one
of :data:`IDLE`, :data:`END_COMMIT`, :data:`END_WITHDRAW` (a frame verdict).
"""

from __future__ import annotations

import random

from book_sim_helpers import fold_set_index

from hdl.book.layouts import BookParams
from sim.book_flow import OrderSets

__all__ = ["IDLE", "END_COMMIT", "END_WITHDRAW", "ZERO_COUNTERS", "order_sets",
           "frame_entries", "paced_schedule", "withdraw_schedule"]

IDLE, END_COMMIT, END_WITHDRAW = -1, -2, -3
#: Counters that must stay 0 on flows that respect the capacities.
ZERO_COUNTERS = ("duplicate_adds", "order_overflow", "level_overflow", "missing_level",
                 "bad_side", "invalidations", "undo_overflow", "input_overflow")


def order_sets(params: BookParams) -> OrderSets:
    """The flow generator's guard against filling one of the design's order-table sets."""
    return OrderSets(lambda ref: fold_set_index(ref, params.order_sets_log2), params.order_ways)


def frame_entries(indices, end: int = END_COMMIT) -> list[int]:
    """Events ``indices`` one every 2 cycles, the frame_end in the cycle after the last
    (where no book event may follow anyway: a frame boundary costs no cycle)."""
    out = []
    for index in indices:
        out += [index, IDLE]
    out[-1] = end
    return out


def paced_schedule(count: int, rng: random.Random, frame_max: int = 8) -> list[int]:
    """Every event, one every 2 cycles, in committed frames of 1..frame_max events."""
    out, index = [], 0
    while index < count:
        size = min(rng.randint(1, frame_max), count - index)
        out += frame_entries(range(index, index + size))
        index += size
    return out


def withdraw_schedule(count: int, rng: random.Random) -> list[int]:
    """Frames of 1..6 events every 2 cycles; a third are withdrawn and then sent again (as
    the other line of a feed would), after idle cycles for the roll-back."""
    out, index = [], 0
    while index < count:
        frame = range(index, min(index + rng.randint(1, 6), count))
        if rng.random() < 0.33:
            out += frame_entries(frame, END_WITHDRAW) + [IDLE] * (6 * len(frame) + 8)
        out += frame_entries(frame)
        index = frame.stop
    return out
