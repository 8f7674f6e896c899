"""Seeded per-feed impairments, each checked against the log of what was done."""

from __future__ import annotations

import pytest

from sim.impair import Impairments, impair
from sim.packetise import DEFAULT_FEEDS, packetise


@pytest.fixture
def frames():
    bodies = [b"A" + bytes([i]) * 40 for i in range(8)]
    return packetise(bodies, feeds=DEFAULT_FEEDS, max_messages=2, end_of_session=False)


def test_same_seed_same_damage(frames):
    config = {"A": Impairments(drop=0.3, duplicate=0.3, reorder=0.3, truncate=0.2,
                               corrupt=0.2)}
    assert impair(frames, config, seed=5) == impair(frames, config, seed=5)
    assert impair(frames, config, seed=5) != impair(frames, config, seed=6)


def test_drop_every_frame_of_one_feed(frames):
    out, log = impair(frames, {"B": Impairments(drop=1.0)})
    assert out == [f for f in frames if f.feed == "A"]
    assert [(e.action, e.index) for e in log] == [("drop", i) for i in (1, 3, 5, 7)]


def test_corrupt_flips_logged_bytes_and_sets_mac_error(frames):
    out, log = impair(frames, {"A": Impairments(corrupt=1.0, corrupt_bytes=3)}, seed=1)
    assert len(out) == len(frames)
    for event in log:
        original, damaged = frames[event.index], out[event.index]
        assert damaged.mac_error and not original.mac_error
        expected = bytearray(original.data)
        for at, mask in zip(event.detail["positions"], event.detail["masks"], strict=True):
            assert mask != 0
            expected[at] ^= mask
        assert damaged.data == bytes(expected)
        assert sum(a != b for a, b in zip(original.data, damaged.data, strict=True)) == 3
    assert [e.index for e in log] == [0, 2, 4, 6]
    assert all(not out[i].mac_error for i in (1, 3, 5, 7))


def test_truncate_cuts_to_logged_length(frames):
    out, log = impair(frames, {"A": Impairments(truncate=1.0)}, seed=2)
    for event in log:
        assert len(out[event.index].data) == event.detail["length"]
        assert 14 <= event.detail["length"] < event.detail["original"]
        assert out[event.index].data == frames[event.index].data[:event.detail["length"]]
        assert not out[event.index].mac_error


def test_duplicate_sends_each_frame_twice(frames):
    out, log = impair(frames, {"A": Impairments(duplicate=1.0)})
    a = [f for f in frames if f.feed == "A"]
    assert [f for f in out if f.feed == "A"] == [f for f in a for _ in (0, 1)]
    assert len(log) == 4


def test_reorder_swaps_neighbouring_frames_of_the_feed(frames):
    only_a = [f for f in frames if f.feed == "A"]
    out, log = impair(only_a, {"A": Impairments(reorder=1.0)})
    # Frame 0 is held and sent after frame 1; frame 1 cannot be held (0 is waiting);
    # frame 2 is held and sent after 3.
    assert out == [only_a[1], only_a[0], only_a[3], only_a[2]]
    assert [(e.action, e.index) for e in log] == [("reorder", 0), ("reorder", 2)]


def test_held_frame_at_the_end_is_sent_last(frames):
    only_a = [f for f in frames if f.feed == "A"][:3]
    out, _ = impair(only_a, {"A": Impairments(reorder=1.0)})
    assert out == [only_a[1], only_a[0], only_a[2]]


def test_mixed_impairments_account_for_every_frame(frames):
    config = {name: Impairments(drop=0.2, duplicate=0.2, reorder=0.2) for name in "AB"}
    out, log = impair(frames * 5, config, seed=11)
    drops = sum(e.action == "drop" for e in log)
    dups = sum(e.action == "duplicate" for e in log)
    assert len(out) == len(frames) * 5 - drops + dups
    assert drops and dups


def test_probability_outside_range_is_refused():
    with pytest.raises(ValueError):
        Impairments(drop=1.5)
