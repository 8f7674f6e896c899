"""Run frames through the Verilated feed handler, at millions of cycles a second.

The C++ harness (``sim/harness/feed_tb.cpp``) is built once per design into
``build/verilator/<name>/`` and reused while the Verilog, the harness source and the
Verilator version are unchanged (a stamp file holds their hash). A run writes one job file
(register writes, rx beats one per cycle, registers to read back), the harness streams it
and writes every output record with its cycle; this module unpacks them with the layouts
of :mod:`hdl.feed.layouts`, applies the ``frame_end`` verdicts and returns a
:class:`sim.feed_model.FeedResult`, the model's own result shape.

Register addresses come from the design's register map (:mod:`sim.feed_regs`).

Example
-------
>>> handler = VerilatedFeed()                         # builds hdl.feed.top.FeedTop once
>>> result = handler.run(frames, FeedConfig.for_feeds(DEFAULT_FEEDS))
"""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hdl.feed.layouts import EVENT_LAYOUT, FRAME_END_LAYOUT, GAP_LAYOUT, rx_beat_layout
from hdl.host_if.generate import to_dict
from sim import toolchain
from sim.feed_bits import pack_words, unpack_words, word_count
from sim.feed_events import FEED_EVENT_DTYPE, GAP_DTYPE
from sim.feed_model import FeedConfig, FeedResult
from sim.feed_regs import FeedRegisters
from sim.verilate import ROOT, build_lock, to_verilog, write_if_changed

__all__ = ["HARNESS_SOURCE", "VERILATOR_BUILD", "top_verilog", "build_harness", "rx_records",
           "Outputs", "run_harness", "VerilatedFeed", "apply_verdicts"]

HARNESS_SOURCE = ROOT / "sim" / "harness" / "feed_tb.cpp"
VERILATOR_BUILD = ROOT / "build" / "verilator"
TOPLEVEL = "feed_top"
#: Idle cycles after the last beat so the pipeline's last records come out.
DRAIN_CYCLES = 64
_JOB_MAGIC, _OUT_MAGIC = 0x424A4654, 0x554F4654      # "TFJB", "TFOU" little-endian
_KINDS = {1: EVENT_LAYOUT, 2: FRAME_END_LAYOUT, 3: GAP_LAYOUT}
_OPTIONS = ("--cc", "--exe", "--build", "-j", "2", "-O3", "--x-assign", "fast",
            "--x-initial", "fast", "--prefix", "Vfeed", "-Wno-fatal", "-CFLAGS", "-std=c++17")


def _default_top():
    from hdl.feed.top import FeedTop

    return FeedTop()


def top_verilog(component, name: str = TOPLEVEL) -> str:
    """Verilog of the feed top, ports joined with ``_`` (see :func:`sim.verilate.to_verilog`)."""
    return to_verilog(component, name, separator="_")


def build_harness(top=None, name: str = "feed") -> tuple[Path, object]:
    """Build (or reuse) the harness for ``top``; returns ``(executable, top)``.

    ``top`` is a component with the feed top's ports or a factory; default
    :class:`hdl.feed.top.FeedTop`.
    """
    component = top() if callable(top) and not hasattr(top, "signature") else \
        (top if top is not None else _default_top())
    build_dir = VERILATOR_BUILD / name
    with build_lock(build_dir):
        verilog_path = build_dir / f"{TOPLEVEL}.v"
        verilog = top_verilog(component)
        write_if_changed(verilog_path, verilog)
        toolchain.prepare_environment()
        version = subprocess.run(["verilator", "--version"], capture_output=True, text=True,
                                 check=True).stdout
        digest = hashlib.sha256("\0".join([verilog, HARNESS_SOURCE.read_text(), version,
                                           *_OPTIONS]).encode()).hexdigest()
        exe, stamp = build_dir / "obj" / "feed_tb", build_dir / "stamp"
        if exe.exists() and stamp.exists() and stamp.read_text() == digest:
            return exe, component
        command = ["verilator", *_OPTIONS, "--top-module", TOPLEVEL, "-Mdir", str(exe.parent),
                   "-o", "feed_tb", str(verilog_path), str(HARNESS_SOURCE)]
        log = build_dir / "build.log"
        with open(log, "w") as out:
            done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, cwd=build_dir)
        if done.returncode != 0 or not exe.exists():
            raise RuntimeError(f"Verilator build of the feed harness failed; see {log}")
        stamp.write_text(digest)
        return exe, component


def rx_records(frames: Iterable, width: int = 64, idle: int = 0) -> np.ndarray:
    """One ``(valid, rx_payload words...)`` uint32 row per cycle, frames back to back.

    ``frames`` are :class:`sim.packetise.Frame` objects or ``(bytes, mac_error)`` pairs;
    ``idle`` cycles follow every frame. Built with numpy, so a day takes a second or so.
    """
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
    if width > 64:
        raise ValueError("the harness packs beats of at most 64 bits")
    values = {"data": raw.copy().view(f"<u{lanes}")[:, 0].astype(np.uint64),
              "keep": np.concatenate(keeps), "first": np.concatenate(firsts),
              "last": np.concatenate(lasts), "error": np.concatenate(errors)}
    words = pack_words(values, layout, len(raw))
    return np.column_stack([np.concatenate(valid), words]).astype(np.uint32)


@dataclass
class Outputs:
    """Raw harness output: records by kind (unpacked field columns and their cycles)."""

    events: dict[str, np.ndarray]
    event_cycles: np.ndarray
    frame_ends: dict[str, np.ndarray]
    frame_end_cycles: np.ndarray
    gaps: dict[str, np.ndarray]
    gap_cycles: np.ndarray
    order: np.ndarray               # kind of every record, in output order
    readback: dict[int, tuple[int, int]]
    cycles: int


def run_harness(exe: Path, records: np.ndarray, writes: Sequence[tuple[int, int]] = (),
                reads: Sequence[int] = (), drain: int = DRAIN_CYCLES) -> Outputs:
    """Stream ``records`` (from :func:`rx_records`) through the built harness."""
    with tempfile.TemporaryDirectory(prefix="feed_tb_") as tmp:
        job, out, back = (Path(tmp) / n for n in ("job.bin", "out.bin", "readback.bin"))
        header = [_JOB_MAGIC, 1, len(writes), *[w for pair in writes for w in pair],
                  len(reads), *reads, records.shape[1] - 1, drain,
                  len(records) & 0xFFFF_FFFF, len(records) >> 32]
        with open(job, "wb") as f:
            f.write(np.asarray(header, dtype="<u4").tobytes())
            f.write(np.ascontiguousarray(records, dtype="<u4").tobytes())
        done = subprocess.run([str(exe), str(job), str(out), str(back)], capture_output=True,
                              text=True)
        if done.returncode != 0:
            raise RuntimeError(f"feed harness failed: {done.stderr.strip()}")
        raw = np.fromfile(out, dtype="<u4")
        back_raw = back.read_bytes()
    if raw[0] != _OUT_MAGIC or raw[1] != 1:
        raise RuntimeError("feed harness output has an unknown format")
    record_words = int(raw[2])
    for kind, layout in _KINDS.items():
        if raw[2 + kind] != word_count(layout):
            raise RuntimeError(f"port of output kind {kind} has {raw[2 + kind]} words, the "
                               f"layout needs {word_count(layout)}: rebuild the harness")
    table = raw[6:].reshape(-1, record_words)
    cycles = table[:, 0].astype(np.int64) | (table[:, 1].astype(np.int64) << 32)
    kinds = table[:, 2]
    unpacked = {}
    for kind, layout in _KINDS.items():
        rows = kinds == kind
        unpacked[kind] = (unpack_words(table[rows, 4:4 + word_count(layout)], layout),
                          cycles[rows])
    n_reads = len(reads)
    triples = np.frombuffer(back_raw[:12 * n_reads], dtype="<u4").reshape(-1, 3)
    readback = {int(a): (int(v), int(r)) for a, v, r in triples}
    total = int.from_bytes(back_raw[12 * n_reads:12 * n_reads + 8], "little")
    return Outputs(*unpacked[1], *unpacked[2], *unpacked[3], kinds, readback, total)


def apply_verdicts(outputs: Outputs) -> tuple[np.ndarray, int]:
    """Indices of the committed events, and how many were left with no ``frame_end``.

    Events since the previous ``frame_end`` become final on ``commit = 1`` and are dropped
    on ``commit = 0``; records of one cycle are taken in the order events, frame_end, gaps.
    """
    committed, pending = [], []
    event_index, end_index = 0, 0
    commits = outputs.frame_ends.get("commit", np.zeros(0, np.uint64))
    for kind in outputs.order.tolist():
        if kind == 1:
            pending.append(event_index)
            event_index += 1
        elif kind == 2:
            if commits[end_index]:
                committed += pending
            pending = []
            end_index += 1
    return np.asarray(committed, dtype=np.int64), len(pending)


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
        register_map = register_map or getattr(self.top, "register_map", None)
        if register_map is None:
            raise ValueError("the feed top exposes no register_map; pass one")
        self.registers = FeedRegisters(to_dict(register_map))

    def run_raw(self, frames: Iterable, config: FeedConfig, *, idle: int = 0,
                reads: Sequence[int] = ()) -> Outputs:
        """Outputs as they came, with the counters (and ``reads``) read back at the end."""
        writes = self.registers.config_writes(config)
        all_reads = [*self.registers.counter_reads(), *reads]
        return run_harness(self.exe, rx_records(frames, idle=idle), writes, all_reads)

    def run(self, frames: Iterable, config: FeedConfig, *, idle: int = 0) -> FeedResult:
        """Committed events, gaps and counters, in the model's result shape."""
        outputs = self.run_raw(frames, config, idle=idle)
        keep, pending = apply_verdicts(outputs)
        if pending:
            raise RuntimeError(f"{pending} events were never followed by a frame_end")
        events = _events_array(outputs.events, keep)
        gaps = np.zeros(len(outputs.gap_cycles), dtype=GAP_DTYPE)
        for name in GAP_DTYPE.names:
            gaps[name] = outputs.gaps[name]
        counters, by_type = self.registers.counters(outputs.readback)
        return FeedResult(events, gaps, counters, by_type)
