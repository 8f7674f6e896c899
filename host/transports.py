"""Where a :class:`host.card.Card`'s register words go: the card's PCIe BAR, or a model.

- :class:`XdmaTransport`: AMD's XDMA Linux driver (``dma_ip_drivers/XDMA/linux-kernel``)
  exposes the user BAR as ``/dev/xdma<N>_user``: a 4-byte ``pread``/``pwrite`` at a byte
  offset is one AXI4-Lite read or write at that address (little-endian, as the host sees
  the BAR). The streaming channels are ``/dev/xdma<N>_c2h_<C>`` (card to host: read
  whole records) and ``/dev/xdma<N>_h2c_<C>`` (host to card: write whole records); this
  transport opens them on demand. No card is here: the tests run it against a regular
  file (the BAR) and named pipes (the channels), which take the same calls.
- :class:`SerialTransport`: a board without PCIe (the ECPIX-5) through its UART register
  bridge (:mod:`proto.uart_bridge`): one request and its response per register access.
  Registers only: the UART link carries none of the card's streams.
- :class:`HarnessTransport`: the Verilated card in a kept-running harness
  (:class:`sim.harness_session.HarnessSession`); register accesses run the model's clock,
  commands are queued on the card's ``h2c`` input (taken as the card is ready), and a
  stream read with nothing buffered runs the card ``step`` idle cycles and returns the
  ``c2h`` records they produced (the session must record ``c2h``).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import serial

from host.errors import EXIT_NOT_FOUND, EXIT_USAGE, DataError, UserError
from host.regs import BusError
from proto import uart_bridge as uart

__all__ = ["XdmaTransport", "SerialTransport", "HarnessTransport", "NO_STREAMS"]

#: Why the stream verbs cannot run over a UART link (one line, for the CLI).
NO_STREAMS = ("the UART link carries the card's registers only, not its event and command "
              "streams (events, fills, order, cancel need the XDMA driver's channels); "
              "status, regs, load and kill work")


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


class SerialTransport:
    """Parameters
    ----------
    port : str
        The serial device (``/dev/ttyUSB1``: the ECPIX-5's FTDI exposes the FPGA's UART on
        its second channel).
    baud : int
        As the bitstream was built (``uart.divisor`` reads back the core clock / baud).
    timeout : float
        Seconds to wait for each response.
    retries : int
        Times a request the card refused as corrupted (``BAD_CRC``: not performed) is sent
        again before it is an error. Nothing else is retried: after a lost or corrupted
        response the access may have happened, and a write may not be repeated blindly.
    """

    def __init__(self, port: str, baud: int = uart.DEFAULT_BAUD, timeout: float = 0.5,
                 retries: int = 2):
        self.port, self.baud = port, baud
        self.timeout, self.retries = timeout, retries
        self._seq = 0
        try:
            self._serial = serial.Serial(port, baud, timeout=timeout, write_timeout=timeout)
        except (serial.SerialException, ValueError) as err:
            missing = not Path(port).exists()
            raise UserError(f"{port}: cannot open the serial port ({err})",
                            EXIT_NOT_FOUND if missing else EXIT_USAGE) from None

    def read32(self, address: int) -> int:
        return self._access(uart.Op.READ, address)

    def write32(self, address: int, value: int) -> None:
        self._access(uart.Op.WRITE, address, value & 0xFFFF_FFFF)

    def read_stream(self, size: int) -> bytes:
        raise UserError(NO_STREAMS)

    def write_stream(self, data: bytes) -> None:
        raise UserError(NO_STREAMS)

    def close(self) -> None:
        self._serial.close()

    def _access(self, op: uart.Op, address: int, data: int = 0) -> int:
        what = f"{op.name.lower()} at {address:#x}"
        for _attempt in range(1 + self.retries):
            self._seq = (self._seq + 1) & 0xFF
            self._serial.write(uart.encode_request(op, self._seq, address, data))
            status, word = self._response(self._seq, what)
            if status != uart.Status.BAD_CRC:
                break
            self._quiet()
        if status in (uart.Status.SLVERR, uart.Status.DECERR):
            raise BusError(f"bus error ({status.name}) at address {address:#x}")
        if status == uart.Status.BAD_CRC:
            raise DataError(f"{self.port}: the card received the {what} corrupted "
                            f"{1 + self.retries} times (noise on the line, or a baud rate "
                            f"other than {self.baud}?)")
        if status != uart.Status.OKAY:
            raise DataError(f"{self.port}: the card answered status {int(status):#04x} to "
                            f"the {what}")
        return word

    def _response(self, seq: int, what: str) -> tuple[int, int]:
        """The response to request ``seq``; a late response to an earlier one is skipped."""
        deadline = time.monotonic() + self.timeout
        while (left := deadline - time.monotonic()) > 0:
            self._serial.timeout = left
            first = self._serial.read(1)
            if not first or first[0] != uart.RESPONSE_SYNC:
                continue                       # between responses: hunt for the sync byte
            raw = first + self._serial.read(uart.RESPONSE.size - 1)
            if len(raw) < uart.RESPONSE.size:
                break                          # cut short by the deadline
            try:
                fields = uart.decode_response(raw)
            except uart.FrameError as err:
                self._quiet()
                raise DataError(f"{self.port}: corrupted response to the {what} ({err}); "
                                "the access may or may not have happened") from None
            if fields["seq"] == seq:
                return fields["status"], fields["data"]
        self._quiet()
        raise DataError(f"{self.port}: no response to the {what} within {self.timeout:g} s "
                        f"(is the tickforge bitstream loaded, and its UART at {self.baud} "
                        "baud?)")

    def _quiet(self) -> None:
        """Stay silent long enough for the bridge to drop a half-parsed request, and
        forget whatever is still arriving."""
        time.sleep(2 * uart.IDLE_BITS / self.baud + 0.005)
        self._serial.reset_input_buffer()


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
