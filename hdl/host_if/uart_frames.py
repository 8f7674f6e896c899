"""Requests of the UART register bridge, parsed from the receiver's bytes.

Byte positions come from the request layouts of :mod:`proto.uart_bridge`; the CRC checker is
built from the same CRC definition the host encodes with. The parser hunts for the sync byte,
collects the rest of the request, and hands on one :data:`PARSED_LAYOUT` per request: a good
one to be performed, or one whose ``status`` says why it must not be (bad CRC, unknown
operation), so that the bridge answers every request it recognised.

Losses are counted, never silent: a request whose bytes stop for ``idle_cycles`` is
abandoned (``abandoned``), and a request completed while the previous one is still being
performed is dropped (``overrun``; a host that waits for each response never causes one).
"""

from __future__ import annotations

from amaranth import Module, Mux, Signal
from amaranth.lib import crc, data, stream, wiring
from amaranth.lib.wiring import In, Out
from amaranth.utils import ceil_log2

from proto.uart_bridge import CRC, READ_REQUEST, REQUEST_SYNC, WRITE_REQUEST, Op, Status

__all__ = ["PARSED_LAYOUT", "RequestParser"]

PARSED_LAYOUT = data.StructLayout({
    "write": 1,
    "seq": 8,
    "address": 32,
    "data": 32,
    "status": 8,      # Status.OKAY: perform it; anything else: answer with this, do nothing
})

# Both requests share their head; only the write carries data before the CRC.
_HEAD = ("sync", "op", "seq", "address")
assert all((READ_REQUEST[n].offset, READ_REQUEST[n].size) ==
           (WRITE_REQUEST[n].offset, WRITE_REQUEST[n].size) for n in _HEAD)


class RequestParser(wiring.Component):
    """Parameters
    ----------
    idle_cycles : int
        A request whose next byte takes longer than this is abandoned.

    Interface attributes
    --------------------
    bytes_in : In(stream.Signature(8, always_ready=True))
        From the UART receiver.
    request : Out(stream.Signature(PARSED_LAYOUT))
        One per recognised request, held until taken.
    abandoned, overrun : Out(1)
        One-cycle pulses per request lost (see the module docs).
    """

    def __init__(self, idle_cycles: int):
        self.idle_cycles = idle_cycles
        super().__init__({
            "bytes_in": In(stream.Signature(8, always_ready=True)),
            "request": Out(stream.Signature(PARSED_LAYOUT)),
            "abandoned": Out(1),
            "overrun": Out(1),
        })

    def elaborate(self, platform):
        m = Module()
        m.submodules.crc = checker = crc.Processor(CRC)
        byte, got = self.bytes_in.payload, self.bytes_in.valid

        pos = Signal(range(WRITE_REQUEST.size))      # next byte's offset; 0 = hunting
        write = Signal()
        known = Signal()
        seq = Signal(8)
        address = Signal(32)
        word = Signal(32)
        last = Signal.like(pos)                      # offset of the CRC byte
        m.d.comb += [checker.data.eq(byte),
                     checker.start.eq(got & (pos == 0)),
                     # the sync byte counts; the CRC byte is compared, not added
                     checker.valid.eq(got & ((pos == 0) | (pos != last)))]

        idle = Signal(ceil_log2(self.idle_cycles + 1))
        with m.If(got):
            m.d.sync += idle.eq(0)
        with m.Elif(pos != 0):
            m.d.sync += idle.eq(idle + 1)
            with m.If(idle == self.idle_cycles - 1):
                m.d.sync += pos.eq(0)
                m.d.comb += self.abandoned.eq(1)

        def at(layout, name):
            f = layout[name]
            return (pos >= f.offset) & (pos < f.end)

        with m.If(got):
            m.d.sync += pos.eq(pos + 1)
            with m.If(pos == 0):
                with m.If(byte != REQUEST_SYNC):
                    m.d.sync += pos.eq(0)            # hunting: anything else is ignored
            with m.If(pos == READ_REQUEST["op"].offset):
                is_write, is_read = byte == Op.WRITE, byte == Op.READ
                m.d.sync += [write.eq(is_write), known.eq(is_write | is_read),
                             last.eq(Mux(is_write, WRITE_REQUEST.size, READ_REQUEST.size) - 1)]
            with m.If(pos == READ_REQUEST["seq"].offset):
                m.d.sync += seq.eq(byte)
            with m.If(at(READ_REQUEST, "address")):
                m.d.sync += address.eq(address << 8 | byte)     # big-endian
            with m.If(write & at(WRITE_REQUEST, "data")):
                m.d.sync += word.eq(word << 8 | byte)
            # An unknown operation has no known length: answer once its seq is in.
            done_bad_op = (pos == READ_REQUEST["seq"].offset) & ~known
            done = (pos == last) & (pos != 0) & known
            with m.If(done | done_bad_op):
                m.d.sync += pos.eq(0)
                with m.If(self.request.valid):
                    m.d.comb += self.overrun.eq(1)
                with m.Else():
                    status = Signal(8)
                    with m.If(done_bad_op):
                        m.d.comb += status.eq(Status.BAD_OP)
                    with m.Elif(checker.crc != byte):
                        m.d.comb += status.eq(Status.BAD_CRC)
                    with m.Else():
                        m.d.comb += status.eq(Status.OKAY)
                    payload = self.request.payload
                    m.d.sync += [self.request.valid.eq(1), payload.status.eq(status),
                                 payload.write.eq(write), payload.address.eq(address),
                                 payload.data.eq(word),
                                 payload.seq.eq(Mux(done_bad_op, byte, seq))]
        with m.If(self.request.valid & self.request.ready):
            m.d.sync += self.request.valid.eq(0)
        return m
