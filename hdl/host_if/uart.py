"""8N1 UART receiver and transmitter, one bit every ``divisor`` clock cycles.

The receiver has no ``ready``: a serial line cannot be held back, so a byte is offered for
one cycle and whoever listens must take it. A stop bit that reads 0 (a framing error, a
break, or a baud-rate mismatch) drops the byte and pulses ``framing_error``; the receiver
then waits for the line to return high before it looks for the next start bit, so a break
is one error, not a stream of zero bytes.
"""

from __future__ import annotations

from amaranth import Cat, Module, Signal
from amaranth.lib import cdc, stream, wiring
from amaranth.lib.wiring import In, Out
from amaranth.utils import ceil_log2

__all__ = ["UartRx", "UartTx"]


def _check_divisor(divisor: int) -> None:
    if divisor < 4:
        raise ValueError(f"divisor must be at least 4 clock cycles per bit, not {divisor}")


class UartRx(wiring.Component):
    """Parameters
    ----------
    divisor : int
        Clock cycles per bit (clock frequency / baud rate).

    Interface attributes
    --------------------
    rx : In(1)
        The serial line (idle high); synchronised here, so it may come straight from a pin.
    data : Out(stream.Signature(8, always_ready=True))
        One beat per byte received with a good stop bit.
    framing_error : Out(1)
        One-cycle pulse per byte whose stop bit was 0 (the byte is dropped).
    """

    def __init__(self, divisor: int):
        _check_divisor(divisor)
        self.divisor = divisor
        super().__init__({
            "rx": In(1, init=1),
            "data": Out(stream.Signature(8, always_ready=True)),
            "framing_error": Out(1),
        })

    def elaborate(self, platform):
        m = Module()
        line = Signal(init=1)
        m.submodules.sync = cdc.FFSynchronizer(self.rx, line, init=1)

        timer = Signal(ceil_log2(self.divisor + 1))
        bit = Signal(range(9))
        shift = Signal(8)
        m.d.comb += self.data.payload.eq(shift)
        with m.If(timer != 0):
            m.d.sync += timer.eq(timer - 1)

        with m.FSM():
            with m.State("IDLE"):
                with m.If(~line):
                    # Half a bit to the middle of the start bit; every later sample is a
                    # whole bit after the previous one.
                    m.d.sync += timer.eq(self.divisor // 2 - 1)
                    m.next = "START"
            with m.State("START"):
                with m.If(timer == 0):
                    with m.If(line):
                        m.next = "IDLE"          # a glitch, not a start bit
                    with m.Else():
                        m.d.sync += [timer.eq(self.divisor - 1), bit.eq(0)]
                        m.next = "DATA"
            with m.State("DATA"):
                with m.If(timer == 0):
                    m.d.sync += [shift.eq(Cat(shift[1:], line)),   # LSB first
                                 timer.eq(self.divisor - 1), bit.eq(bit + 1)]
                    with m.If(bit == 7):
                        m.next = "STOP"
            with m.State("STOP"):
                with m.If(timer == 0):
                    with m.If(line):
                        m.d.comb += self.data.valid.eq(1)
                        m.next = "IDLE"
                    with m.Else():
                        m.d.comb += self.framing_error.eq(1)
                        m.next = "BREAK"
            with m.State("BREAK"):
                with m.If(line):
                    m.next = "IDLE"
        return m


class UartTx(wiring.Component):
    """Parameters
    ----------
    divisor : int
        Clock cycles per bit.

    Interface attributes
    --------------------
    data : In(stream.Signature(8))
        Bytes to send; ``ready`` while the transmitter is idle.
    tx : Out(1)
        The serial line (idle high).
    """

    def __init__(self, divisor: int):
        _check_divisor(divisor)
        self.divisor = divisor
        super().__init__({
            "data": In(stream.Signature(8)),
            "tx": Out(1, init=1),
        })

    def elaborate(self, platform):
        m = Module()
        timer = Signal(ceil_log2(self.divisor + 1))
        bits_left = Signal(range(11))
        # Start bit, 8 data bits LSB first, stop bit; shifted out from bit 0.
        frame = Signal(10, init=1)
        m.d.comb += [self.tx.eq(frame[0]), self.data.ready.eq(bits_left == 0)]
        with m.If(self.data.valid & self.data.ready):
            m.d.sync += [frame.eq(1 << 9 | self.data.payload << 1),
                         timer.eq(self.divisor - 1), bits_left.eq(10)]
        with m.Elif(bits_left != 0):
            with m.If(timer == 0):
                m.d.sync += [frame.eq(1 << 9 | frame >> 1), timer.eq(self.divisor - 1),
                             bits_left.eq(bits_left - 1)]
            with m.Else():
                m.d.sync += timer.eq(timer - 1)
        return m
