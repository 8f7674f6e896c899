"""Run frames through the Verilated feed handler, at millions of cycles a second.

The streaming harness (:mod:`sim.verilated_harness`, C++ in ``sim/harness/feed_tb.cpp``)
is built once per design into ``build/verilator/<name>/`` and reused while nothing it is
built from changed. A run streams rx beats one per cycle, records the output streams with
their cycles, and this module applies the ``frame_end`` verdicts and returns a
:class:`sim.feed_model.FeedResult`, the model's own result shape.

Register addresses come from the design's register map (:mod:`sim.feed_regs`). The
harness API (:func:`build_harness`, :func:`run_harness`, :class:`Outputs`) is re-exported
here, where the feed tests and benches have always found it.

Example
-------
>>> handler = VerilatedFeed()                         # builds hdl.feed.top.FeedTop once
>>> result = handler.run(frames, FeedConfig.for_feeds(DEFAULT_FEEDS))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from hdl.feed.layouts import rx_beat_layout
from hdl.host_if.generate import to_dict
from sim.feed_bits import word_count
from sim.feed_events import FEED_EVENT_DTYPE, GAP_DTYPE
from sim.feed_model import FeedConfig, FeedResult
from sim.feed_regs import FeedRegisters
from sim.harness_ports import harness_ports
from sim.verilated_harness import (
    DRAIN_CYCLES,
    HARNESS_SOURCE,
    TOPLEVEL,
    VERILATOR_BUILD,
    Outputs,
    build_harness,
    payload_rows,
    run_harness,
    top_verilog,
    verdicts,
    with_idle_cycles,
)

__all__ = ["HARNESS_SOURCE", "VERILATOR_BUILD", "TOPLEVEL", "DRAIN_CYCLES", "top_verilog",
           "build_harness", "rx_records", "Outputs", "run_harness", "VerilatedFeed",
           "apply_verdicts"]


def rx_records(frames: Iterable, width: int = 64, idle: int = 0) -> np.ndarray:
    """One ``(valid, rx_payload words...)`` uint32 row per cycle, frames back to back.

    ``frames`` are :class:`sim.packetise.Frame` objects or ``(bytes, mac_error)`` pairs;
    ``idle`` cycles follow every frame. Built with numpy, so a day takes a second or so.
    """
    if width > 64:
        raise ValueError("the harness packs beats of at most 64 bits")
    lanes = width // 8
    layout = rx_beat_layout(width)
    chunks, keeps, firsts, lasts, errors, valid = [], [], [], [], [], []
    for frame in frames:
        data, error = (frame.data, frame.mac_error) if hasattr(frame, "data") else frame
        beats = -(-len(data) // lanes)
        if beats == 0:
            raise ValueError("an empty frame has no beats")
        chunks.append(bytes(data).ljust(beats * lanes, b"\0") + bytes(idle * lanes))
        keep = np.full(beats + idle, (1 << lanes) - 1, dtype=np.uint64)
        keep[beats - 1] = (1 << (len(data) - (beats - 1) * lanes)) - 1
        keep[beats:] = 0
        flags = np.zeros((3, beats + idle), dtype=np.uint64)
        flags[0, 0] = 1
        flags[1, beats - 1] = 1
        flags[2, beats - 1] = bool(error)
        on = np.zeros(beats + idle, dtype=np.uint32)
        on[:beats] = 1
        keeps.append(keep)
        firsts.append(flags[0])
        lasts.append(flags[1])
        errors.append(flags[2])
        valid.append(on)
    if not chunks:
        return np.zeros((0, 1 + word_count(layout)), dtype=np.uint32)
    raw = np.frombuffer(b"".join(chunks), dtype=np.uint8).reshape(-1, lanes)
    values = {"data": raw.copy().view(f"<u{lanes}")[:, 0].astype(np.uint64),
              "keep": np.concatenate(keeps), "first": np.concatenate(firsts),
              "last": np.concatenate(lasts), "error": np.concatenate(errors)}
    return payload_rows(values, layout, len(raw), np.concatenate(valid))


def apply_verdicts(outputs: Outputs) -> tuple[np.ndarray, int]:
    """Indices of the committed events, and how many were left with no ``frame_end``.

    Events since the previous ``frame_end`` become final on ``commit = 1`` and are dropped
    on ``commit = 0``; records of one cycle are taken in the order events, frame_end, gaps.
    """
    return verdicts(outputs, "events", "frame_end")


def _events_array(columns: dict[str, np.ndarray], keep: np.ndarray) -> np.ndarray:
    out = np.zeros(len(keep), dtype=FEED_EVENT_DTYPE)
    for name in FEED_EVENT_DTYPE.names:
        column = columns[name][keep]
        # stock: first character in the least significant byte, i.e. little-endian bytes
        out[name] = column.astype("<u8").view("S8") if name == "stock" else column
    return out


class VerilatedFeed:
    """The Verilated feed top, ready to run frames; mirrors :func:`sim.feed_model.run_model`.

    Parameters
    ----------
    top : component or factory, optional
        Default :class:`hdl.feed.top.FeedTop`; tests pass stand-ins.
    name : str
        Build directory ``build/verilator/<name>``.
    register_map : RegisterMap, optional
        Default: the top's ``register_map`` attribute.
    """

    def __init__(self, top: object | Callable | None = None, name: str = "feed",
                 register_map=None):
        self.exe, self.top = build_harness(top, name)
        self.layouts = harness_ports(self.top).layouts
        register_map = register_map or getattr(self.top, "register_map", None)
        if register_map is None:
            raise ValueError("the feed top exposes no register_map; pass one")
        self.registers = FeedRegisters(to_dict(register_map))

    def run_raw(self, frames: Iterable, config: FeedConfig, *, idle: int = 0,
                reads: Sequence[int] = (), idle_inside: float = 0.0) -> Outputs:
        """Outputs as they came, with the counters (and ``reads``) read back at the end.

        ``idle_inside``: the fraction of beats followed by idle cycles, inside frames too
        (:func:`sim.verilated_harness.with_idle_cycles`)."""
        writes = self.registers.config_writes(config)
        all_reads = [*self.registers.counter_reads(), *reads]
        rows = rx_records(frames, idle=idle)
        if idle_inside:
            rows, _ = with_idle_cycles(rows, idle_inside)
        return run_harness(self.exe, rows, writes, all_reads, layouts=self.layouts)

    def run(self, frames: Iterable, config: FeedConfig, *, idle: int = 0,
            idle_inside: float = 0.0) -> FeedResult:
        """Committed events, gaps and counters, in the model's result shape."""
        outputs = self.run_raw(frames, config, idle=idle, idle_inside=idle_inside)
        keep, pending = apply_verdicts(outputs)
        if pending:
            raise RuntimeError(f"{pending} events were never followed by a frame_end")
        events = _events_array(outputs.events, keep)
        gaps = np.zeros(len(outputs.gap_cycles), dtype=GAP_DTYPE)
        for name in GAP_DTYPE.names:
            gaps[name] = outputs.gaps[name]
        counters, by_type = self.registers.counters(outputs.readback)
        return FeedResult(events, gaps, counters, by_type)
