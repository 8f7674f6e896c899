"""Frames to cycle-by-cycle bus beats (and back), optionally paced at 10/25 GbE line rate.

Byte order follows AXI-Stream: byte 0 of the frame (first destination-MAC byte) sits in
``data[7:0]``, byte *k* of a beat in ``data[8k+7:8k]``, and bit *k* of ``keep`` says byte
*k* is valid. Only the last beat of a frame may have ``keep`` short of all ones, and its
valid bytes are always the low ones.

The 4-byte FCS is *not* in the beats: a MAC checks and strips it, and reports a bad one as
``error`` on the frame's last beat (which is what :attr:`sim.packetise.Frame.mac_error`
becomes). It still takes wire time, so pacing counts it.

Pacing: on the wire each frame occupies preamble + SFD (8 bytes) + frame (padded to 60)
+ FCS (4) + minimum inter-frame gap (12). With ``bytes_per_cycle`` = line rate / 8 / clock,
the frame's wire slot lasts ``wire_bytes / bytes_per_cycle`` cycles. A frame starts at the
first cycle at or after both the end of the previous frame's beats and the end of the
previous wire slot; slots are tracked exactly (fractions), so the long-run beat rate equals
the line rate and never exceeds it. Example: 10 GbE at 156.25 MHz is 8 bytes a cycle; a
60-byte frame is 84 wire bytes = 10.5 cycles, so back-to-back minimum frames start at
cycles 0, 11, 21, 32, ... with 8 beats each.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from host.errors import DataError
from proto import net

#: Preamble and start-of-frame delimiter, FCS, minimum inter-frame gap, in bytes.
PREAMBLE_SFD = net.PREAMBLE_BYTES + 1
FCS = net.FCS_BYTES
MIN_IFG = net.MIN_IFG
MIN_FRAME = net.MIN_FRAME
LINE_RATES = {"10g": 10_000_000_000, "25g": 25_000_000_000}


@dataclass(frozen=True)
class Cycle:
    """One bus cycle. When ``valid`` is false the other fields are zero/false."""

    valid: bool = False
    data: int = 0
    keep: int = 0
    first: bool = False
    last: bool = False
    error: bool = False


IDLE = Cycle()


@dataclass(frozen=True)
class Pacing:
    """Line rate (bits/s, or ``"10g"``/``"25g"``) and bus clock (Hz)."""

    line_rate: int | str
    clock_hz: float

    @property
    def bytes_per_cycle(self) -> Fraction:
        rate = LINE_RATES[self.line_rate] if isinstance(self.line_rate, str) else self.line_rate
        return Fraction(rate) / 8 / Fraction(self.clock_hz)


def wire_bytes(frame_len: int) -> int:
    """Bytes a frame (without FCS) occupies on the wire, gap included."""
    return PREAMBLE_SFD + max(frame_len, MIN_FRAME) + FCS + MIN_IFG


def _width_bytes(width: int) -> int:
    if width <= 0 or width % 8:
        raise ValueError(f"bus width {width} is not a positive multiple of 8")
    return width // 8


def frame_beats(data: bytes, width: int = 64, error: bool = False) -> list[Cycle]:
    """The beats of one frame, back to back."""
    lanes = _width_bytes(width)
    if not data:
        raise ValueError("an empty frame has no beats")
    chunks = [data[i:i + lanes] for i in range(0, len(data), lanes)]
    return [Cycle(True, int.from_bytes(chunk, "little"), (1 << len(chunk)) - 1,
                  first=(i == 0), last=(i == len(chunks) - 1),
                  error=error and i == len(chunks) - 1)
            for i, chunk in enumerate(chunks)]


def frames_to_beats(frames: Iterable, width: int = 64, pacing: Pacing | None = None
                    ) -> list[Cycle]:
    """Cycle-indexed beats for ``frames`` (``Frame`` objects or ``bytes``).

    Without ``pacing`` frames follow each other with no idle cycles; with it, idle cycles
    keep the rate at or below the line rate (see the module docstring).
    """
    cycles: list[Cycle] = []
    wire_free = Fraction(0)
    for frame in frames:
        data = bytes(frame) if isinstance(frame, bytes | bytearray) else frame.data
        beats = frame_beats(data, width, getattr(frame, "mac_error", False))
        if pacing is not None:
            wire_start = max(wire_free, Fraction(len(cycles)))
            start = math.ceil(wire_start)
            cycles.extend([IDLE] * (start - len(cycles)))
            wire_free = wire_start + wire_bytes(len(data)) / pacing.bytes_per_cycle
        cycles.extend(beats)
    return cycles


def idle_counts(cycles: Sequence[Cycle]) -> list[int]:
    """Idle cycles before each frame's first beat (since the previous frame's last)."""
    counts, gap = [], 0
    for cycle in cycles:
        if not cycle.valid:
            gap += 1
        elif cycle.first:
            counts.append(gap)
            gap = 0
    return counts


def beats_to_frames(cycles: Iterable[Cycle], width: int = 64) -> list[tuple[bytes, bool]]:
    """Reassemble ``(frame_bytes, error)`` from cycles; idle cycles are skipped.

    Raises :class:`DataError` (naming the cycle) for a beat outside a frame, a new frame
    before the last one ended, a ``keep`` that is not low-contiguous or short before the
    last beat, or a stream that ends mid-frame.
    """
    lanes = _width_bytes(width)
    full = (1 << lanes) - 1
    frames, current = [], None
    for index, cycle in enumerate(cycles):
        if not cycle.valid:
            continue
        if cycle.first != (current is None):
            state = "first beat inside a frame" if cycle.first else "beat outside a frame"
            raise DataError(f"cycle {index}: {state}")
        count = cycle.keep.bit_length()
        if cycle.keep == 0 or cycle.keep != (1 << count) - 1 or cycle.keep & ~full:
            raise DataError(f"cycle {index}: keep {cycle.keep:#x} is not low-contiguous")
        if count != lanes and not cycle.last:
            raise DataError(f"cycle {index}: partial keep {cycle.keep:#x} before the last beat")
        current = (current or b"") + (cycle.data & ((1 << 8 * count) - 1)).to_bytes(
            count, "little")
        if cycle.last:
            frames.append((current, cycle.error))
            current = None
    if current is not None:
        raise DataError("stream ended inside a frame")
    return frames
