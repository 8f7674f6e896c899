"""The streaming Verilator harness, for any top with one input stream and some output streams.

One C++ source (``sim/harness/feed_tb.cpp``) serves every top: its input and output
streams come from a header generated from the component's signature
(:mod:`sim.harness_ports`). It is built once per design into ``build/verilator/<name>/``
and reused while the Verilog, the header, the harness source and the Verilator version are
unchanged (a stamp file holds their hash); a design whose Verilog takes minutes to
generate (the book builder) is keyed on its Python sources instead (:func:`source_key`).
A run writes one job file (register operations,
input rows one per cycle, registers to read back); the harness writes the records of each
recorded output stream with their cycles, one file per stream, which this module unpacks
with the payload layouts. :func:`verdicts` applies speculation verdicts (``frame_end`` for
the feed's events, ``update_end`` for the book's updates).

Users: :mod:`sim.verilated_feed` (the feed handler) and :mod:`sim.verilated_book` (feed
handler + book builder).
"""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hdl.feed.layouts import EVENT_LAYOUT, FRAME_END_LAYOUT, GAP_LAYOUT
from sim import toolchain
from sim.feed_bits import pack_words, unpack_words, word_count
from sim.harness_ports import flat_layout, harness_ports
from sim.verilate import ROOT, build_lock, to_verilog, write_if_changed

__all__ = ["HARNESS_SOURCE", "VERILATOR_BUILD", "TOPLEVEL", "DRAIN_CYCLES", "FEED_LAYOUTS",
           "OP_WRITE", "OP_WAIT", "OP_IDLE", "top_verilog", "source_key", "build_harness",
           "payload_rows", "with_idle_cycles", "Outputs", "run_harness", "verdicts"]

HARNESS_SOURCE = ROOT / "sim" / "harness" / "feed_tb.cpp"
VERILATOR_BUILD = ROOT / "build" / "verilator"
TOPLEVEL = "feed_top"
#: Idle cycles after the last input row so the pipeline's last records come out.
DRAIN_CYCLES = 64
#: Output streams of the feed handler's top, in kind order (what run_harness assumes
#: when it is given no layouts).
FEED_LAYOUTS = {"events": EVENT_LAYOUT, "frame_end": FRAME_END_LAYOUT, "gaps": GAP_LAYOUT}
#: Register operations before the stream: write (address, value), wait until
#: ``read(address) & mask == value`` (address, mask, value), idle (cycles).
OP_WRITE, OP_WAIT, OP_IDLE = 1, 2, 3
_JOB_MAGIC, _OUT_MAGIC = 0x424A4654, 0x554F4654                  # "TFJB", "TFOU"
_JOB_VERSION, _OUT_VERSION = 3, 2
_OPTIONS = ("--cc", "--exe", "--build", "-j", "2", "-O3", "--x-assign", "fast",
            "--x-initial", "fast", "--prefix", "Vtop", "-Wno-fatal", "-CFLAGS", "-std=c++17")


def _default_top():
    from hdl.feed.top import FeedTop

    return FeedTop()


def top_verilog(component, name: str = TOPLEVEL) -> str:
    """Verilog of a top, ports joined with ``_`` (see :func:`sim.verilate.to_verilog`)."""
    return to_verilog(component, name, separator="_")


def source_key(*directories: Path, extra: str = "") -> str:
    """Hash of every ``.py`` file under ``directories`` plus ``extra`` (e.g. parameters).

    Lets :func:`build_harness` skip turning a large design into Verilog (minutes for the
    book builder) when none of the sources it is made from changed.
    """
    import amaranth

    digest = hashlib.sha256(f"{amaranth.__version__}\0{extra}".encode())
    for directory in directories:
        for path in sorted(Path(directory).rglob("*.py")):
            digest.update(f"\0{path.relative_to(directory)}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _never_elaborated(component) -> None:
    """Silence Amaranth's "created but never used" warning for a top (and its parts) that
    is kept only for its signature and register map because the model was reused."""
    seen, todo = set(), [component]
    while todo:
        item = todo.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if hasattr(item, "_MustUse__silence"):
            item._MustUse__silence = True
            todo += [v for v in vars(item).values() if hasattr(v, "_MustUse__silence")]


def build_harness(top=None, name: str = "feed", design_key: str | None = None
                  ) -> tuple[Path, object]:
    """Build (or reuse) the harness for ``top``; returns ``(executable, top)``.

    ``top`` is a component with one input stream and some output streams (see
    :mod:`sim.harness_ports`), or a factory; default :class:`hdl.feed.top.FeedTop`.
    With ``design_key`` (:func:`source_key` of everything the design is made from), an
    executable built from the same key is reused without generating the Verilog again;
    without it the Verilog is generated and compared every time.
    """
    component = top() if callable(top) and not hasattr(top, "signature") else \
        (top if top is not None else _default_top())
    header = harness_ports(component).header()
    build_dir = VERILATOR_BUILD / name
    with build_lock(build_dir):
        write_if_changed(build_dir / "tb_ports.h", header)
        toolchain.prepare_environment()
        version = subprocess.run(["verilator", "--version"], capture_output=True, text=True,
                                 check=True).stdout
        harness = "\0".join([header, HARNESS_SOURCE.read_text(), version, *_OPTIONS])
        exe, stamp = build_dir / "obj" / "feed_tb", build_dir / "stamp"
        quick, quick_stamp = None, build_dir / "design_stamp"
        if design_key is not None:
            quick = hashlib.sha256(f"{design_key}\0{harness}".encode()).hexdigest()
            if exe.exists() and quick_stamp.exists() and quick_stamp.read_text() == quick:
                _never_elaborated(component)
                return exe, component
        verilog_path = build_dir / f"{TOPLEVEL}.v"
        verilog = top_verilog(component)
        write_if_changed(verilog_path, verilog)
        digest = hashlib.sha256(f"{verilog}\0{harness}".encode()).hexdigest()
        if not (exe.exists() and stamp.exists() and stamp.read_text() == digest):
            _verilate(build_dir, verilog_path, exe, name)
            stamp.write_text(digest)
        if quick is not None:
            quick_stamp.write_text(quick)
        return exe, component


def _verilate(build_dir: Path, verilog_path: Path, exe: Path, name: str) -> None:
    command = ["verilator", *_OPTIONS, "-CFLAGS", f"-I{build_dir.resolve()}",
               "--top-module", TOPLEVEL, "-Mdir", str(exe.parent), "-o", exe.name,
               str(verilog_path), str(HARNESS_SOURCE)]
    log = build_dir / "build.log"
    with open(log, "w") as out:
        done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, cwd=build_dir)
    if done.returncode != 0 or not exe.exists():
        raise RuntimeError(f"Verilator build of the {name} harness failed; see {log}")


def with_idle_cycles(rows: np.ndarray, fraction: float, seed: int = 0,
                     longest: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """``rows`` with idle cycles (all-zero rows: nothing valid) after a random ``fraction``
    of them, 1 to ``longest`` each, frames' insides included: a MAC whose clock is slower
    than the core's delivers a frame's beats that way. Returns the rows and, for every
    original row, its index in the new ones."""
    rng = np.random.default_rng(seed)
    extra = np.where(rng.random(len(rows)) < fraction,
                     rng.integers(1, longest + 1, len(rows)), 0)
    where = np.arange(len(rows)) + np.concatenate(([0], np.cumsum(extra)[:-1]))
    out = np.zeros((len(rows) + int(extra.sum()), rows.shape[1]), dtype=rows.dtype)
    out[where] = rows
    return out, where


def payload_rows(values: dict[str, np.ndarray], layout, count: int,
                 valid: np.ndarray | None = None) -> np.ndarray:
    """One ``(valid, payload words...)`` uint32 row per cycle for any input stream.

    ``values`` holds a column per field of ``layout`` (missing fields are 0); ``valid``
    defaults to 1 on every row.
    """
    words = pack_words(values, layout, count)
    valid = np.ones(count, np.uint32) if valid is None else np.asarray(valid, np.uint32)
    return np.column_stack([valid, words]).astype(np.uint32)


@dataclass
class Outputs:
    """Raw harness output: payload words and write cycles of every recorded stream.

    ``kinds`` names every output stream of the top in kind order, recorded or not;
    ``words[name]`` holds a recorded stream's payload words (one row per record),
    ``record_cycles[name]`` the cycle each record was written in, and :meth:`fields` its
    unpacked field columns (nested layouts flattened with ``_``, e.g. ``bids_0_price``).
    The feed's streams are also reachable under their old names (``events``,
    ``event_cycles``, ``frame_ends``, ``frame_end_cycles``, ``gaps``, ``gap_cycles``).
    """

    kinds: tuple[str, ...]
    layouts: dict[str, object]
    words: dict[str, np.ndarray]
    record_cycles: dict[str, np.ndarray]
    readback: dict[int, tuple[int, int]]
    cycles: int
    _unpacked: dict = field(default_factory=dict, init=False, repr=False)

    def fields(self, name: str) -> dict[str, np.ndarray]:
        """Field columns (uint64) of stream ``name``; empty if it was not recorded."""
        if name not in self._unpacked:
            words = self.words.get(name)
            self._unpacked[name] = {} if words is None else \
                unpack_words(words, flat_layout(self.layouts[name]))
        return self._unpacked[name]

    @property
    def records(self) -> dict[str, dict[str, np.ndarray]]:
        """:meth:`fields` of every recorded stream."""
        return {name: self.fields(name) for name in self.words}

    def _cycles(self, name):
        return self.record_cycles.get(name, np.zeros(0, np.int64))

    events = property(lambda self: self.fields("events"))
    event_cycles = property(lambda self: self._cycles("events"))
    frame_ends = property(lambda self: self.fields("frame_end"))
    frame_end_cycles = property(lambda self: self._cycles("frame_end"))
    gaps = property(lambda self: self.fields("gaps"))
    gap_cycles = property(lambda self: self._cycles("gaps"))

    def keys(self, name: str) -> np.ndarray:
        """Sort keys of one stream's records: output order is the order of these keys."""
        return self._cycles(name) * len(self.kinds) + self.kinds.index(name)

    @property
    def order(self) -> np.ndarray:
        """Kind number of every recorded record, in output order."""
        keys = [self.keys(name) for name in self.record_cycles]
        return np.sort(np.concatenate(keys or [np.zeros(0, np.int64)])) % len(self.kinds)


def _parse_header(raw: bytes) -> list[tuple[str, int, int]]:
    words = np.frombuffer(raw, dtype="<u4")
    if len(words) < 3 or words[0] != _OUT_MAGIC or words[1] != _OUT_VERSION:
        raise RuntimeError("harness output has an unknown format: rebuild the harness")
    kinds, at = [], 3
    for _ in range(int(words[2])):
        size, count_lo, count_hi, length = (int(w) for w in words[at:at + 4])
        name = raw[4 * (at + 4):4 * (at + 4) + length].decode()
        kinds.append((name, size, count_hi << 32 | count_lo))
        at += 4 + -(-length // 4)
    return kinds


def run_harness(exe: Path, records: np.ndarray, writes: Sequence[tuple[int, int]] = (),
                reads: Sequence[int] = (), drain: int = DRAIN_CYCLES, *,
                ops: Sequence[tuple[int, ...]] = (), layouts: dict | None = None,
                record: Iterable[str] | None = None) -> Outputs:
    """Stream ``records`` (from :func:`rx_records` or :func:`payload_rows`) through a harness.

    Parameters
    ----------
    exe : Path
        From :func:`build_harness`.
    records : numpy.ndarray
        One row per cycle: ``(valid, payload words...)`` per input stream of the top
        (:attr:`sim.harness_ports.HarnessPorts.row_words`; :func:`sim.harness_ports.
        idle_inputs` widens rows made for the first input alone).
    writes : sequence of (address, value)
        Register writes after reset, before the stream.
    reads : sequence of int
        Registers read after the drain (``Outputs.readback``).
    drain : int
        Idle cycles after the last row.
    ops : sequence of tuple
        More register operations after ``writes``: ``(OP_WRITE, address, value)``,
        ``(OP_WAIT, address, mask, value)``, ``(OP_IDLE, cycles)``.
    layouts : dict, optional
        Payload layout of each output stream in kind order
        (``harness_ports(top).layouts``); default :data:`FEED_LAYOUTS`.
    record : iterable of str, optional
        Output streams to record (default all): a day of the feed + book need not write
        the feed handler's events.
    """
    layouts = dict(FEED_LAYOUTS if layouts is None else layouts)
    names = list(layouts)
    wanted = names if record is None else list(record)
    mask = sum(1 << names.index(name) for name in wanted)
    all_ops = [(OP_WRITE, a, v) for a, v in writes] + [tuple(op) for op in ops]
    with tempfile.TemporaryDirectory(prefix="feed_tb_") as tmp:
        job = Path(tmp) / "job.bin"
        header = [_JOB_MAGIC, _JOB_VERSION, mask, len(all_ops),
                  *[w for op in all_ops for w in (*op, 0, 0, 0)[:4]],
                  len(reads), *reads, records.shape[1], drain,
                  len(records) & 0xFFFF_FFFF, len(records) >> 32]
        with open(job, "wb") as f:
            f.write(np.asarray(header, dtype="<u4").tobytes())
            f.write(np.ascontiguousarray(records, dtype="<u4").tobytes())
        done = subprocess.run([str(exe), str(job), tmp], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"harness {exe} failed: {done.stderr.strip()}")
        kinds = _parse_header((Path(tmp) / "header.bin").read_bytes())
        if [k[0] for k in kinds] != names:
            raise RuntimeError(f"the harness records {[k[0] for k in kinds]}, expected "
                               f"{names}: pass the top's layouts or rebuild the harness")
        words, cycles = {}, {}
        for (name, size, count), layout in zip(kinds, layouts.values(), strict=True):
            if size != word_count(layout):
                raise RuntimeError(f"stream {name} has {size} words, its layout needs "
                                   f"{word_count(layout)}: rebuild the harness")
            if name not in wanted:
                continue
            table = np.fromfile(Path(tmp) / f"{name}.bin", dtype="<u4").reshape(-1, 2 + size)
            if len(table) != count:
                raise RuntimeError(f"stream {name}: {len(table)} records read, {count} written")
            cycles[name] = table[:, :2].copy().view("<i8")[:, 0]
            words[name] = table[:, 2:]
        back_raw = (Path(tmp) / "readback.bin").read_bytes()
    triples = np.frombuffer(back_raw[:12 * len(reads)], dtype="<u4").reshape(-1, 3)
    readback = {int(a): (int(v), int(r)) for a, v, r in triples}
    total = int.from_bytes(back_raw[12 * len(reads):12 * len(reads) + 8], "little")
    return Outputs(tuple(names), layouts, words, cycles, readback, total)


def verdicts(outputs: Outputs, data: str = "events", end: str = "frame_end"
             ) -> tuple[np.ndarray, int]:
    """Indices of the committed ``data`` records, and how many had no ``end`` record after.

    Records since the previous ``end`` record become final on ``commit = 1`` and are
    dropped on ``commit = 0``. Both contracts (feed events and ``frame_end``, book updates
    and ``update_end``) put a data record before an end record of the same cycle, so the
    record that decides is the first end written in the same cycle or later.
    """
    data_cycles, end_cycles = outputs.record_cycles[data], outputs.record_cycles[end]
    deciding = np.searchsorted(end_cycles, data_cycles, side="left")
    decided = deciding < len(end_cycles)
    commits = outputs.fields(end)["commit"].astype(bool) if len(end_cycles) else \
        np.zeros(0, bool)
    committed = np.zeros(len(data_cycles), bool)
    committed[decided] = commits[deciding[decided]]
    return np.flatnonzero(committed).astype(np.int64), int((~decided).sum())
