"""Where a :class:`host.card.Card`'s register words go: the card's PCIe BAR, or a model.

- :class:`XdmaTransport`: AMD's XDMA Linux driver (``dma_ip_drivers/XDMA/linux-kernel``)
  exposes the user BAR as ``/dev/xdma<N>_user``: a 4-byte ``pread``/``pwrite`` at a byte
  offset is one AXI4-Lite read or write at that address (little-endian, as the host sees
  the BAR). The streaming channels are ``/dev/xdma<N>_c2h_<C>`` (card to host: read
  whole records) and ``/dev/xdma<N>_h2c_<C>`` (host to card: write whole records); this
  transport opens them on demand. No card is here: the tests run it against a regular
  file (the BAR) and named pipes (the channels), which take the same calls.
- :class:`HarnessTransport`: the Verilated card in a kept-running harness
  (:class:`sim.harness_session.HarnessSession`); register accesses run the model's clock,
  commands are queued on the card's ``h2c`` input (taken as the card is ready), and a
  stream read with nothing buffered runs the card ``step`` idle cycles and returns the
  ``c2h`` records they produced (the session must record ``c2h``).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from host.errors import EXIT_NOT_FOUND, UserError

__all__ = ["XdmaTransport", "HarnessTransport"]


class XdmaTransport:
    """Parameters
    ----------
    device : str
        The driver's device prefix, ``/dev/xdma0``; ``<device>_user``, ``<device>_c2h_<C>``
        and ``<device>_h2c_<C>`` are used.
    channel : int
        The streaming channel.
    """

    def __init__(self, device: str = "/dev/xdma0", channel: int = 0):
        self.device = device
        self.user = Path(f"{device}_user")
        self.c2h = Path(f"{device}_c2h_{channel}")
        self.h2c = Path(f"{device}_h2c_{channel}")
        try:
            self._fd = os.open(self.user, os.O_RDWR)
        except FileNotFoundError:
            raise UserError(f"{self.user}: no such device (is the XDMA driver loaded and the "
                            "card's bitstream programmed?)", EXIT_NOT_FOUND) from None
        except PermissionError:
            raise UserError(f"{self.user}: permission denied (run as a member of the "
                            "device's group)") from None
        self._c2h = None
        self._h2c = None

    def read32(self, address: int) -> int:
        raw = os.pread(self._fd, 4, address)
        if len(raw) != 4:
            raise UserError(f"{self.user}: short read at {address:#x}")
        return int.from_bytes(raw, "little")

    def write32(self, address: int, value: int) -> None:
        if os.pwrite(self._fd, (value & 0xFFFF_FFFF).to_bytes(4, "little"), address) != 4:
            raise UserError(f"{self.user}: short write at {address:#x}")

    def read_stream(self, size: int) -> bytes:
        """Up to ``size`` bytes from the card-to-host channel (blocks until some arrive)."""
        if self._c2h is None:
            self._c2h = os.open(self.c2h, os.O_RDONLY)
        return os.read(self._c2h, size)

    def write_stream(self, data: bytes) -> None:
        """All of ``data`` to the host-to-card channel."""
        if self._h2c is None:
            self._h2c = os.open(self.h2c, os.O_WRONLY)
        view = memoryview(data)
        while view:
            view = view[os.write(self._h2c, view):]

    def close(self) -> None:
        for fd in (self._fd, self._c2h, self._h2c):
            if fd is not None:
                os.close(fd)
        self._fd = self._c2h = self._h2c = None


class HarnessTransport:
    """Register words and streams through a running harness (each register access takes a
    few model cycles)."""

    def __init__(self, session, step: int = 256):
        self.session = session
        self.step = step
        self._c2h = b""

    def write_stream(self, data: bytes) -> None:
        from host.command_stream import h2c_beats

        self.session.queue("h2c", h2c_beats(bytes(data)))

    def run_rows(self, rows) -> None:
        """Harness rows (market data and order-entry beats) through the card; the
        ``c2h`` records they produce are kept for :meth:`read_stream`."""
        from hdl.host_if.events import RECORD_BITS

        records = self.session.run(rows).get("c2h")
        if records is not None and len(records):
            data = np.ascontiguousarray(records.words[:, :RECORD_BITS // 32], "<u4")
            self._c2h += data.tobytes()

    def read_stream(self, size: int) -> bytes:
        if not self._c2h:
            self.run_rows(np.zeros((self.step, self.session.ports.row_words), np.uint32))
        chunk, self._c2h = self._c2h[:size], self._c2h[size:]
        return chunk

    def read32(self, address: int) -> int:
        return self.session.read(address)

    def write32(self, address: int, value: int) -> None:
        self.session.write(address, value)
