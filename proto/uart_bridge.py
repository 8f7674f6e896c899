"""The UART register bridge: 32-bit register reads and writes over a serial line.

The ECPIX-5 has no PCIe, so its host link is the board's FTDI UART (8N1) into a small
bridge that masters the card's AXI4-Lite register bank (``hdl.host_if.uart_bridge``). The
host sends one request and waits for its response before sending the next.

- A **request** starts with :data:`REQUEST_SYNC`, then the operation, a sequence byte the
  response echoes, the byte address and, for a write, the data. A **response** starts with
  :data:`RESPONSE_SYNC`, then the status, the echoed sequence byte and the data read (0 for
  a write or an error). Integers are big-endian.
- Every frame ends with the CRC-8 (:data:`CRC`, CRC-8/SMBUS: polynomial 0x07, initial 0,
  no reflection) of every byte before it, sync byte included.
- **Status**: an access that reached the bus answers the AXI response code (OKAY, or SLVERR
  for an address with no register). A request whose CRC is wrong, or whose operation is
  unknown, is answered with :attr:`Status.BAD_CRC` / :attr:`Status.BAD_OP` and *not*
  performed, so the host may safely send it again.
- **Resynchronisation**: between frames the bridge hunts for :data:`REQUEST_SYNC` and
  ignores anything else. A request whose bytes stop for more than :data:`IDLE_BITS` bit
  times is abandoned, so after garbage (or a frame cut short) the host stays quiet that
  long and the next request is parsed from its first byte. The sequence byte lets the host
  discard a late response to an earlier request.

The gateware parser takes its byte positions from these layouts, and the host encodes and
decodes with them; nothing about the framing is written down twice.
"""

from __future__ import annotations

import enum

from amaranth.lib.crc.catalog import CRC8_SMBUS

from proto.layout import Layout, LayoutError

__all__ = ["REQUEST_SYNC", "RESPONSE_SYNC", "Op", "Status", "READ_REQUEST", "WRITE_REQUEST",
           "RESPONSE", "REQUESTS", "CRC", "IDLE_BITS", "DEFAULT_BAUD", "crc8",
           "encode_request", "decode_response", "encode_response", "FrameError"]

REQUEST_SYNC = 0xA5
RESPONSE_SYNC = 0x5A
#: CRC-8/SMBUS over bytes (``CRC.compute(data)``); the gateware builds its checker from it.
CRC = CRC8_SMBUS(data_width=8)
#: A request whose next byte is later than this many bit times is abandoned (16 byte times).
IDLE_BITS = 160
#: What the board's bitstream and the host use unless told otherwise.
DEFAULT_BAUD = 115_200


class Op(enum.IntEnum):
    """The request's operation byte (ASCII, so a capture reads)."""

    READ = ord("R")
    WRITE = ord("W")


class Status(enum.IntEnum):
    """The response's status byte: AXI response codes below 0x80, frame errors above."""

    OKAY = 0b00
    SLVERR = 0b10     # no register at that address (the CSR bank's answer)
    DECERR = 0b11     # the address is beyond the bridge's bus
    BAD_CRC = 0x81    # the request's CRC did not match: nothing was done
    BAD_OP = 0x82     # unknown operation byte: nothing was done

    @property
    def performed(self) -> bool:
        return self < 0x80


READ_REQUEST = Layout.sequential("UART bridge read request", [
    ("sync", 1, "uint", "0xA5"),
    ("op", 1, "uint", "0x52 (ASCII R)"),
    ("seq", 1, "uint", "any value; the response echoes it"),
    ("address", 4, "uint", "byte address in the card's register space"),
    ("crc", 1, "uint", "CRC-8/SMBUS of the bytes before it"),
], code="R", doc="Host to card: read one 32-bit register.")

WRITE_REQUEST = Layout.sequential("UART bridge write request", [
    ("sync", 1, "uint", "0xA5"),
    ("op", 1, "uint", "0x57 (ASCII W)"),
    ("seq", 1, "uint", "any value; the response echoes it"),
    ("address", 4, "uint", "byte address in the card's register space"),
    ("data", 4, "uint", "the word to write (all four byte lanes)"),
    ("crc", 1, "uint", "CRC-8/SMBUS of the bytes before it"),
], code="W", doc="Host to card: write one 32-bit register.")

RESPONSE = Layout.sequential("UART bridge response", [
    ("sync", 1, "uint", "0x5A"),
    ("status", 1, "uint", "0 OKAY, 2 SLVERR, 3 DECERR, 0x81 bad CRC, 0x82 bad operation"),
    ("seq", 1, "uint", "the request's seq"),
    ("data", 4, "uint", "the word read; 0 for writes and errors"),
    ("crc", 1, "uint", "CRC-8/SMBUS of the bytes before it"),
], doc="Card to host: one per request, including requests with a bad CRC or operation.")

#: Request layout by operation.
REQUESTS = {Op.READ: READ_REQUEST, Op.WRITE: WRITE_REQUEST}


class FrameError(LayoutError):
    """Bytes that are not a well-formed response (wrong sync byte or CRC)."""


def crc8(data: bytes) -> int:
    return CRC.compute(data)


def _seal(layout: Layout, **values) -> bytes:
    body = layout.pack(crc=0, **values)[:-1]
    return body + bytes([crc8(body)])


def encode_request(op: Op, seq: int, address: int, data: int = 0) -> bytes:
    """The bytes of one request (``data`` only for a write)."""
    op = Op(op)
    extra = {"data": data} if op is Op.WRITE else {}
    return _seal(REQUESTS[op], sync=REQUEST_SYNC, op=op, seq=seq, address=address, **extra)


def encode_response(status: Status, seq: int, data: int = 0) -> bytes:
    """The bytes the bridge answers with (for models of the bridge)."""
    return _seal(RESPONSE, sync=RESPONSE_SYNC, status=status, seq=seq, data=data)


def decode_response(raw: bytes) -> dict:
    """``{"status": Status or int, "seq", "data"}`` of one response; raises
    :class:`FrameError` if the sync byte or the CRC is wrong."""
    fields = RESPONSE.unpack(raw)
    if fields["sync"] != RESPONSE_SYNC:
        raise FrameError(f"response starts with {fields['sync']:#04x}, not "
                         f"{RESPONSE_SYNC:#04x}")
    if crc8(bytes(raw[:RESPONSE.size - 1])) != fields["crc"]:
        raise FrameError("response CRC does not match")
    status = fields["status"]
    fields["status"] = Status(status) if status in Status._value2member_map_ else status
    return fields
