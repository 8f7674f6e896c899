"""A Python model of the UART register bridge, and a pseudo-terminal to reach it through.

:class:`BridgeModel` answers request bytes the way ``hdl.host_if.uart_bridge`` does (hunt
for the sync byte, check the CRC, perform the access on a register transport, answer with
the status), so host code can be run against a whole card's registers
(:class:`host.fake_transport.FakeTransport`) through a real serial port. :class:`PtyBridge`
runs any responder behind ``os.openpty()`` in a thread: the host opens the pty's name as it
would ``/dev/ttyUSB1``.
"""

from __future__ import annotations

import os
import select
import threading
import time
import tty
from collections.abc import Callable

from host.regs import BusError
from proto.uart_bridge import (
    IDLE_BITS,
    READ_REQUEST,
    REQUEST_SYNC,
    REQUESTS,
    Op,
    Status,
    crc8,
    encode_response,
)

__all__ = ["BridgeModel", "PtyBridge"]


class BridgeModel:
    """Parameters
    ----------
    transport
        ``read32``/``write32`` of the registers behind the bridge; :class:`BusError` is
        answered as SLVERR.
    addr_width : int
        Addresses at or beyond ``2 ** addr_width`` are answered DECERR.
    """

    def __init__(self, transport, addr_width: int = 16):
        self.transport, self.addr_width = transport, addr_width
        self.pending = bytearray()
        self.requests = 0

    def idle(self) -> None:
        """The line was quiet for the idle limit: a half-received request is dropped."""
        self.pending.clear()

    def feed(self, data: bytes) -> bytes:
        """Bytes from the host; returns the bridge's answer to every request completed."""
        self.pending += data
        out = b""
        while True:
            start = self.pending.find(REQUEST_SYNC)
            if start < 0:
                self.pending.clear()
                return out
            del self.pending[:start]
            op_at, seq_at = READ_REQUEST["op"].offset, READ_REQUEST["seq"].offset
            if len(self.pending) <= seq_at:
                return out
            op, seq = self.pending[op_at], self.pending[seq_at]
            if op not in REQUESTS:
                del self.pending[:seq_at + 1]
                out += encode_response(Status.BAD_OP, seq)
                continue
            layout = REQUESTS[Op(op)]
            if len(self.pending) < layout.size:
                return out
            raw = bytes(self.pending[:layout.size])
            del self.pending[:layout.size]
            out += self._perform(layout, raw)

    def _perform(self, layout, raw: bytes) -> bytes:
        fields = layout.unpack(raw)
        if crc8(raw[:-1]) != fields["crc"]:
            return encode_response(Status.BAD_CRC, fields["seq"])
        address = fields["address"]
        if address >> self.addr_width:
            return encode_response(Status.DECERR, fields["seq"])
        self.requests += 1
        try:
            if fields["op"] == Op.WRITE:
                self.transport.write32(address, fields["data"])
                return encode_response(Status.OKAY, fields["seq"])
            return encode_response(Status.OKAY, fields["seq"], self.transport.read32(address))
        except BusError:
            return encode_response(Status.SLVERR, fields["seq"])


class PtyBridge:
    """``respond(bytes) -> bytes`` behind a pseudo-terminal, in a thread.

    Parameters
    ----------
    respond : callable
        Given what arrived, returns what to send back (a :meth:`BridgeModel.feed`).
    on_idle : callable, optional
        Called when the line has been quiet for the bridge's idle limit after some bytes.
    baud : int
        Only to time the idle limit as the gateware would.
    """

    def __init__(self, respond: Callable[[bytes], bytes], on_idle: Callable[[], None] = None,
                 baud: int = 115_200):
        self.respond, self.on_idle = respond, on_idle
        self.idle_s = IDLE_BITS / baud
        self.master, slave = os.openpty()
        tty.setraw(slave)                      # no echo, no newline translation
        self.name = os.ttyname(slave)
        self._slave = slave
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> PtyBridge:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        os.close(self.master)
        os.close(self._slave)

    def _serve(self) -> None:
        last = None
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], self.idle_s)
            if not ready:
                if last is not None and time.monotonic() - last >= self.idle_s:
                    last = None
                    if self.on_idle:
                        self.on_idle()
                continue
            try:
                data = os.read(self.master, 4096)
            except OSError:                    # the host side closed: wait for the next
                time.sleep(0.01)
                continue
            last = time.monotonic()
            answer = self.respond(data)
            if answer:
                os.write(self.master, answer)
