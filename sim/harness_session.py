"""A Verilator harness kept running (``feed_tb --serve``), driven a chunk at a time.

The batch harness (:func:`sim.verilated_harness.run_harness`) runs one job from reset to
the end; a replay with an exchange simulator must react to what the card sent, so
:class:`HarnessSession` keeps one harness process and talks to it over pipes: register
writes and reads at any time, and :meth:`HarnessSession.run` streams a block of input rows
(one per cycle, every input stream of the top: :attr:`HarnessPorts.row_words`) and returns
the records of the chosen output streams those cycles produced, with their cycles (counted
from the end of reset). Inputs with a ``ready`` (the host's command stream) are not in the
rows: :meth:`HarnessSession.queue` hands payloads to the harness, which presents them in
order from the next cycle run, each until the top takes it.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.feed_bits import unpack_words
from sim.harness_ports import HarnessPorts, flat_layout

__all__ = ["Records", "HarnessSession"]

_WRITE, _READ, _RUN, _RECORD, _QUEUE, _QUEUED, _QUIT = 1, 2, 3, 4, 5, 6, 0


@dataclass
class Records:
    """One stream's records from a :meth:`HarnessSession.run`."""

    cycles: np.ndarray          # int64
    words: np.ndarray           # uint32, one row per record
    layout: object

    def __len__(self) -> int:
        return len(self.cycles)

    def fields(self) -> dict[str, np.ndarray]:
        """Field columns (uint64), nested names joined with ``_``."""
        return unpack_words(self.words, flat_layout(self.layout))


class HarnessSession:
    """One harness process in serve mode.

    Parameters
    ----------
    exe : Path
        From :func:`sim.verilated_harness.build_harness`.
    ports : HarnessPorts
        Of the same top.
    record : iterable of str
        Output streams whose records :meth:`run` returns (default all).
    """

    def __init__(self, exe: Path, ports: HarnessPorts, record=None):
        self.ports = ports
        self.names = [p.name for p in ports.outputs]
        wanted = self.names if record is None else list(record)
        unknown = set(wanted) - set(self.names)
        if unknown:
            raise KeyError(f"the top has no output streams {sorted(unknown)}")
        self._process = subprocess.Popen([str(exe), "--serve"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, bufsize=0)
        width = self._u32(1)[0]
        if width != ports.row_words:
            self.close()
            raise RuntimeError(f"the harness takes rows of {width} words, the top's ports "
                               f"{ports.row_words}: rebuild it")
        self.cycle = 0
        self._send([_RECORD, sum(1 << self.names.index(n) for n in wanted)])
        self._u32(1)

    # --------------------------------------------------------------- pipe
    def _send(self, words) -> None:
        self._process.stdin.write(np.asarray(words, dtype="<u4").tobytes())

    def _read(self, size: int) -> bytes:
        chunks, left = [], size
        while left:
            chunk = self._process.stdout.read(left)
            if not chunk:
                raise RuntimeError("the harness stopped (see its stderr)")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def _u32(self, count: int) -> np.ndarray:
        return np.frombuffer(self._read(4 * count), dtype="<u4")

    # --------------------------------------------------------------- commands
    def write(self, address: int, value: int) -> None:
        self._send([_WRITE, address, value & 0xFFFF_FFFF])
        self._u32(1)

    def read(self, address: int) -> int:
        """The register's value; raises if the bus answered with an error."""
        self._send([_READ, address])
        value, resp = (int(v) for v in self._u32(2))
        if resp:
            raise RuntimeError(f"register read at {address:#x} answered with an error")
        return value

    def queue(self, name: str, payloads: np.ndarray) -> None:
        """Queue payloads (one row of the input's payload words each) for queued input
        ``name``."""
        index = self.ports.queued_index(name)
        words = self.ports.queued[index].words
        payloads = np.ascontiguousarray(payloads, dtype="<u4").reshape(-1, words)
        self._send([_QUEUE, index, len(payloads)])
        self._process.stdin.write(payloads.tobytes())
        self._u32(1)

    def queued(self, name: str) -> int:
        """Payloads of queued input ``name`` not yet taken by the top."""
        self._send([_QUEUED, self.ports.queued_index(name)])
        return int(self._u32(1)[0])

    def run(self, rows: np.ndarray) -> dict[str, Records]:
        """Stream ``rows`` (one per cycle) and return the records they produced."""
        rows = np.ascontiguousarray(rows, dtype="<u4")
        if rows.ndim != 2 or rows.shape[1] != self.ports.row_words:
            raise ValueError(f"rows must be (n, {self.ports.row_words}), not {rows.shape}")
        n = len(rows)
        self._send([_RUN, n & 0xFFFF_FFFF, n >> 32])
        self._process.stdin.write(rows.tobytes())
        self.cycle = int(np.frombuffer(self._read(8), dtype="<u8")[0])
        out = {}
        for port in self.ports.outputs:
            count = int(np.frombuffer(self._read(8), dtype="<u8")[0])
            width = 2 + port.words
            table = self._u32(count * width).reshape(count, width)
            out[port.name] = Records(table[:, :2].copy().view("<i8")[:, 0],
                                     table[:, 2:].copy(), port.layout)
        return out

    def close(self) -> None:
        if self._process.poll() is None:
            try:
                self._send([_QUIT])
                self._process.stdin.close()
            except BrokenPipeError:
                pass
            self._process.wait(timeout=10)

    def __enter__(self) -> HarnessSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
