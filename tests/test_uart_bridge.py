"""The UART register bridge in amaranth.sim, bit by bit on its pins, with the host's encoder.

Requests are made by :mod:`proto.uart_bridge` (what the host sends); responses are read off
the ``tx`` pin by the testbench's own UART and checked against values known independently:
the system block's magic is ASCII ``TKFG``, a scratch register reads back what was written,
the AXI response codes are the spec's, and the CRC is recomputed bit by bit here.
"""

from __future__ import annotations

from hdl.host_if.uart_bridge import UART_COUNTERS
from proto.uart_bridge import (
    IDLE_BITS,
    READ_REQUEST,
    RESPONSE,
    Op,
    Status,
    decode_response,
    encode_request,
)
from tests.uart_sim_helpers import idle, send, simulate

MAGIC = int.from_bytes(b"TKFG", "big")
OKAY, SLVERR, DECERR = 0b00, 0b10, 0b11           # AXI4 BRESP/RRESP encodings


def crc8_bitwise(data: bytes) -> int:
    """CRC-8/SMBUS from its definition (poly x^8 + x^2 + x + 1, init 0, MSB first)."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def addr(dut, path):
    return dut.register_map.address(path)


async def access(ctx, dut, monitor, op, seq, address, data=0):
    await send(ctx, dut.rx, encode_request(op, seq, address, data))
    return decode_response(await monitor.take(ctx, RESPONSE.size))


async def counters(ctx, dut, monitor):
    out = {}
    for seq, name in enumerate(UART_COUNTERS):
        r = await access(ctx, dut, monitor, Op.READ, 200 + seq, addr(dut, f"uart.{name}"))
        out[name] = r["data"]
    return out


def test_read_magic_byte_exact():
    """The whole response, byte for byte, for a read of the magic."""
    async def bench(ctx, dut, monitor):
        await send(ctx, dut.rx, encode_request(Op.READ, 0x3C, addr(dut, "system.magic")))
        raw = await monitor.take(ctx, RESPONSE.size)
        body = bytes([0x5A, 0x00, 0x3C]) + b"TKFG"
        assert raw == body + bytes([crc8_bitwise(body)])
        assert monitor.framing_errors == 0
    simulate(bench)


def test_write_read_and_bus_errors():
    async def bench(ctx, dut, monitor):
        scratch = addr(dut, "system.scratch")
        r = await access(ctx, dut, monitor, Op.WRITE, 1, scratch, 0xDEADBEEF)
        assert (r["status"], r["seq"], r["data"]) == (OKAY, 1, 0)
        r = await access(ctx, dut, monitor, Op.READ, 2, scratch)
        assert (r["status"], r["seq"], r["data"]) == (OKAY, 2, 0xDEADBEEF)
        # Inside the bus, no register: the CSR bank answers SLVERR, for reads and writes.
        hole = dut.register_map.size
        r = await access(ctx, dut, monitor, Op.READ, 3, hole)
        assert (r["status"], r["seq"]) == (SLVERR, 3)
        r = await access(ctx, dut, monitor, Op.WRITE, 4, hole, 1)
        assert (r["status"], r["seq"]) == (SLVERR, 4)
        # Beyond the bus's address bits: DECERR, nothing reaches the bank.
        r = await access(ctx, dut, monitor, Op.WRITE, 5, 1 << dut.bridge.addr_width, 7)
        assert (r["status"], r["seq"]) == (DECERR, 5)
        r = await access(ctx, dut, monitor, Op.READ, 6, scratch)
        assert r["data"] == 0xDEADBEEF
        c = await counters(ctx, dut, monitor)
        # 2 + 2 + 1 + 1 requests above; the counter reads themselves come after.
        assert c["requests"] == 5 and c["bus_errors"] == 3
        assert c["bad_crc"] == c["bad_op"] == c["abandoned"] == c["overruns"] == 0
    simulate(bench)


def test_corrupted_request_is_refused_and_not_performed():
    async def bench(ctx, dut, monitor):
        scratch = addr(dut, "system.scratch")
        await access(ctx, dut, monitor, Op.WRITE, 1, scratch, 0x11111111)
        frame = bytearray(encode_request(Op.WRITE, 2, scratch, 0x22222222))
        frame[8] ^= 0x40                             # one data bit flipped on the line
        await send(ctx, dut.rx, bytes(frame))
        r = decode_response(await monitor.take(ctx, RESPONSE.size))
        assert (r["status"], r["seq"]) == (Status.BAD_CRC, 2)
        r = await access(ctx, dut, monitor, Op.READ, 3, scratch)
        assert r["data"] == 0x11111111
        assert (await counters(ctx, dut, monitor))["bad_crc"] == 1
    simulate(bench)


def test_unknown_operation():
    async def bench(ctx, dut, monitor):
        frame = bytes([0xA5, ord("X"), 0x77])
        await send(ctx, dut.rx, frame)
        r = decode_response(await monitor.take(ctx, RESPONSE.size))
        assert (r["status"], r["seq"], r["data"]) == (Status.BAD_OP, 0x77, 0)
        assert (await counters(ctx, dut, monitor))["bad_op"] == 1
    simulate(bench)


def test_garbage_then_resync():
    """Noise, a request cut short, and a broken byte; after the idle time, all is well."""
    async def bench(ctx, dut, monitor):
        scratch = addr(dut, "system.scratch")
        await send(ctx, dut.rx, bytes([0x00, 0xFF, 0x13, 0x5A]))       # no sync byte: ignored
        cut = encode_request(Op.WRITE, 9, scratch, 0x33333333)[:6]
        await send(ctx, dut.rx, cut)                                    # stops mid-request
        await idle(ctx, dut.rx, IDLE_BITS + 20)
        await send(ctx, dut.rx, b"\x42", stop=0)                        # a framing error
        await idle(ctx, dut.rx, 2)
        r = await access(ctx, dut, monitor, Op.READ, 10, addr(dut, "system.magic"))
        assert (r["status"], r["seq"], r["data"]) == (OKAY, 10, MAGIC)
        r = await access(ctx, dut, monitor, Op.READ, 11, scratch)
        assert r["data"] == 0                       # the cut write was never performed
        c = await counters(ctx, dut, monitor)
        assert c["abandoned"] == 1 and c["framing_errors"] == 1
        assert c["requests"] == 2
        assert monitor.received == b""              # nothing answered the garbage
    simulate(bench)


def test_sync_byte_inside_garbage_costs_one_error_response():
    """A stray sync byte starts a bogus request; the bridge answers BAD_CRC or BAD_OP for
    it, never performs it, and the next request after the idle time is parsed whole."""
    async def bench(ctx, dut, monitor):
        scratch = addr(dut, "system.scratch")
        await send(ctx, dut.rx, bytes([0xA5, ord("W")]) + bytes(READ_REQUEST.size + 3))
        r = decode_response(await monitor.take(ctx, RESPONSE.size))
        assert r["status"] == Status.BAD_CRC
        await idle(ctx, dut.rx, IDLE_BITS + 20)
        r = await access(ctx, dut, monitor, Op.READ, 12, scratch)
        assert (r["status"], r["seq"], r["data"]) == (OKAY, 12, 0)
    simulate(bench)
