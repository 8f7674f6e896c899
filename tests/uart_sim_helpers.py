"""A serial line in amaranth.sim: bytes to bits on the bridge's ``rx``, bits to bytes off ``tx``.

This is the testbench's own UART, written from the 8N1 definition (start bit 0, eight data
bits least significant first, stop bit 1), not from the gateware's, so the gateware's
receiver and transmitter are checked against it.
"""

from __future__ import annotations

from amaranth.sim import Simulator

from hdl.host_if.uart_bridge import UartSystemTop

DIVISOR = 6          # clock cycles per bit: small, so a request is a few hundred cycles


def bits_of(byte: int, stop: int = 1) -> list[int]:
    return [0, *((byte >> i) & 1 for i in range(8)), stop]


async def send(ctx, pin, data: bytes, divisor: int = DIVISOR, stop: int = 1) -> None:
    """Drive ``data`` onto ``pin`` back to back; ``stop=0`` makes framing errors."""
    for byte in data:
        for bit in bits_of(byte, stop):
            ctx.set(pin, bit)
            await ctx.tick().repeat(divisor)
    ctx.set(pin, 1)


async def idle(ctx, pin, bits: int, divisor: int = DIVISOR) -> None:
    ctx.set(pin, 1)
    await ctx.tick().repeat(bits * divisor)


class LineMonitor:
    """Decodes every byte on a ``tx`` pin into :attr:`received` (a background testbench)."""

    def __init__(self, pin, divisor: int = DIVISOR):
        self.pin, self.divisor = pin, divisor
        self.received = bytearray()
        self.framing_errors = 0
        self.pin_idle = True                 # between bytes

    async def run(self, ctx) -> None:
        while True:
            # A plain loop rather than ``until``: the simulator closes this testbench
            # mid-wait when the test ends, which ``until`` reports as an error.
            self.pin_idle = True
            while ctx.get(self.pin):
                await ctx.tick()
            self.pin_idle = False
            # The middle of the start bit, then one sample per bit time.
            await ctx.tick().repeat(self.divisor // 2)
            assert ctx.get(self.pin) == 0, "start bit shorter than half a bit"
            byte = 0
            for i in range(8):
                await ctx.tick().repeat(self.divisor)
                byte |= ctx.get(self.pin) << i
            await ctx.tick().repeat(self.divisor)
            if ctx.get(self.pin) != 1:
                self.framing_errors += 1
            self.received.append(byte)

    async def take(self, ctx, count: int, limit: int = 20_000) -> bytes:
        """Wait until ``count`` bytes have arrived (at most ``limit`` cycles); pop them."""
        for _ in range(limit):
            if len(self.received) >= count:
                out = bytes(self.received[:count])
                del self.received[:count]
                return out
            await ctx.tick()
        raise AssertionError(f"only {len(self.received)} of {count} bytes in {limit} cycles")


def simulate(testbench, divisor: int = DIVISOR):
    """Run ``testbench(ctx, dut, monitor)`` against a :class:`UartSystemTop`."""
    dut = UartSystemTop(divisor)
    monitor = LineMonitor(dut.tx, divisor)
    sim = Simulator(dut)
    sim.add_clock(1e-6)
    sim.add_testbench(monitor.run, background=True)

    async def bench(ctx):
        ctx.set(dut.rx, 1)
        await ctx.tick().repeat(4)
        await testbench(ctx, dut, monitor)

    sim.add_testbench(bench)
    sim.run()


class SimulatedBridge:
    """The gateware bridge (:class:`UartSystemTop`) as a ``respond(bytes) -> bytes`` for
    :class:`sim.uart_bridge_model.PtyBridge`: each call drives the bytes onto ``rx`` bit by
    bit, runs the simulation until the line has been quiet long enough for any response to
    be complete, and returns the bytes decoded off ``tx``."""

    PERIOD = 1e-6

    def __init__(self, divisor: int = DIVISOR):
        self.divisor = divisor
        self.dut = UartSystemTop(divisor)
        self.monitor = LineMonitor(self.dut.tx, divisor)
        self.queue = bytearray()
        self.sim = Simulator(self.dut)
        self.sim.add_clock(self.PERIOD)
        self.sim.add_testbench(self.monitor.run, background=True)
        self.sim.add_testbench(self._drive, background=True)
        self.now = 0.0

    async def _drive(self, ctx) -> None:
        ctx.set(self.dut.rx, 1)
        while True:
            if self.queue:
                byte = self.queue.pop(0)
                await send(ctx, self.dut.rx, bytes([byte]), self.divisor)
            else:
                await ctx.tick()

    def _run(self, cycles: int) -> None:
        self.now += cycles * self.PERIOD
        self.sim.run_until(self.now)

    def respond(self, data: bytes) -> bytes:
        self.queue += data
        self._run(len(data) * 10 * self.divisor)
        # The request is in; its access and a whole response (8 bytes) take less than this.
        while True:
            seen = len(self.monitor.received)
            self._run(40 * self.divisor)
            if len(self.monitor.received) == seen and self.monitor.pin_idle:
                break
        out = bytes(self.monitor.received)
        self.monitor.received.clear()
        return out

    def idle(self) -> None:
        from proto.uart_bridge import IDLE_BITS

        self._run((IDLE_BITS + 10) * self.divisor)
