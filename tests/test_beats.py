"""Frames to AXI-Stream-style beats and back, and line-rate pacing with exact idle counts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from host.errors import DataError
from sim.beats import (
    IDLE,
    Cycle,
    Pacing,
    beats_to_frames,
    frame_beats,
    frames_to_beats,
    idle_counts,
    wire_bytes,
)
from sim.packetise import Frame


def test_byte_zero_is_the_least_significant_byte():
    beats = frame_beats(bytes(range(16)), 64)
    assert [hex(b.data) for b in beats] == ["0x706050403020100", "0xf0e0d0c0b0a0908"]
    assert [(b.first, b.last, b.keep) for b in beats] == [(True, False, 0xFF),
                                                          (False, True, 0xFF)]


def test_last_beat_keep_and_error_only_on_last():
    beats = frame_beats(bytes(61), 64, error=True)
    assert len(beats) == 8  # 7 full beats + 5 bytes
    assert beats[-1].keep == 0b11111 and all(b.keep == 0xFF for b in beats[:-1])
    assert [b.error for b in beats] == [False] * 7 + [True]


def test_frame_mac_error_flag_becomes_beat_error():
    frame = Frame(bytes(60), "A", 1, 1, mac_error=True)
    cycles = frames_to_beats([frame])
    assert [c.error for c in cycles] == [False] * 7 + [True]


def test_odd_width_of_three_bytes():
    beats = frame_beats(b"abcdefg", 24)
    assert [b.keep for b in beats] == [0b111, 0b111, 0b1]
    assert beats[0].data == int.from_bytes(b"abc", "little")


def test_width_must_be_multiple_of_8():
    with pytest.raises(ValueError):
        frame_beats(b"abc", 12)


def test_unpaced_frames_are_back_to_back():
    cycles = frames_to_beats([bytes(60)] * 3)
    assert len(cycles) == 24 and idle_counts(cycles) == [0, 0, 0]


def test_wire_bytes_count_preamble_fcs_gap_and_padding():
    assert wire_bytes(60) == 8 + 60 + 4 + 12 == 84
    assert wire_bytes(20) == 84          # padded to the 60-byte minimum
    assert wire_bytes(1514) == 1538


def test_10g_at_156_25_mhz_minimum_frames():
    # 10e9 / 8 / 156.25e6 = 8 bytes per cycle. A 60-byte frame: 8 beats, 84 wire bytes =
    # 10.5 cycles. Starts at 0, ceil(10.5) = 11, 21, ceil(31.5) = 32: idles 0, 3, 2, 3.
    cycles = frames_to_beats([bytes(60)] * 4, 64, Pacing("10g", 156.25e6))
    assert idle_counts(cycles) == [0, 3, 2, 3]
    assert len(cycles) == 32 + 8


def test_10g_61_byte_frames():
    # 85 wire bytes = 10.625 cycles: starts at 0, 11 (10.625), 22 (21.25), 32 (31.875).
    cycles = frames_to_beats([bytes(61)] * 4, 64, Pacing(10_000_000_000, 156.25e6))
    assert idle_counts(cycles) == [0, 3, 3, 2]


def test_25g_at_390_625_mhz_matches_10g_at_156_25():
    # 25e9 / 8 / 390.625e6 = 8 bytes per cycle too.
    assert idle_counts(frames_to_beats([bytes(60)] * 4, 64, Pacing("25g", 390.625e6))) == \
        [0, 3, 2, 3]


def test_25g_on_a_narrow_slow_bus_needs_no_idles():
    # 25e9 / 8 / 156.25e6 = 20 bytes per cycle: the 8-byte bus is the bottleneck.
    assert idle_counts(frames_to_beats([bytes(60)] * 3, 64, Pacing("25g", 156.25e6))) == [0, 0, 0]


def test_10g_32_bit_bus_at_312_5_mhz():
    # 4 bytes per cycle: 15 beats, 84 / 4 = 21 cycles per slot, so 6 idle cycles each time.
    cycles = frames_to_beats([bytes(60)] * 3, 32, Pacing("10g", 312.5e6))
    assert idle_counts(cycles) == [0, 6, 6]


@given(frames=st.lists(st.tuples(st.binary(min_size=1, max_size=200), st.booleans()),
                       max_size=8),
       width=st.sampled_from([8, 24, 32, 64, 128, 512]), paced=st.booleans())
def test_beats_round_trip(frames, width, paced):
    objects = [Frame(data, "A", 0, 0, mac_error=error) for data, error in frames]
    pacing = Pacing("10g", 156.25e6) if paced else None
    assert beats_to_frames(frames_to_beats(objects, width, pacing), width) == frames


def test_non_contiguous_keep_raises():
    with pytest.raises(DataError, match="cycle 1: keep 0x5"):
        beats_to_frames([IDLE, Cycle(True, 0, 0b101, True, True)])


def test_beat_outside_frame_raises():
    with pytest.raises(DataError, match="cycle 0: beat outside a frame"):
        beats_to_frames([Cycle(True, 0, 0xFF, False, True)])


def test_partial_keep_before_last_raises():
    with pytest.raises(DataError, match="partial keep"):
        beats_to_frames([Cycle(True, 0, 0x0F, True, False), Cycle(True, 0, 0xFF, False, True)])


def test_stream_ending_mid_frame_raises():
    with pytest.raises(DataError, match="ended inside a frame"):
        beats_to_frames(frame_beats(bytes(20))[:-1])
