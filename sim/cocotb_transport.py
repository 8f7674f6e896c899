"""``CocotbTransport``: the host's ``Card`` API inside a cocotb testbench of the whole card.

cocotb is asynchronous and the ``Card`` API is not, so a testbench runs its host code in a
thread started with cocotb's ``bridge``; every register access, stream read and block of
market-data rows then resumes the simulator (``resume``) until it is done, exactly as the
harness transport runs the model's clock. Registers go through cocotbext-axi's
``AxiLiteMaster`` on ``s_axil``; commands are queued for a driver task that presents them
on ``h2c`` and waits for ``ready``; a monitor task keeps every ``c2h`` record (``ready``
held high, as the harness does), and :meth:`read_stream` returns them (running ``step``
idle cycles first if none are buffered). :meth:`run_rows` drives harness rows (per cycle,
each input stream's valid and payload words, :mod:`sim.harness_ports`) onto the inputs.
"""

from __future__ import annotations

from collections import deque

import numpy as np
from cocotb.task import resume
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge
from cocotbext.axi import AxiLiteBus, AxiLiteMaster, AxiResp

from hdl.host_if.events import RECORD_BITS

__all__ = ["CocotbTransport"]

_DATA_MASK = (1 << RECORD_BITS) - 1


def _words_value(words) -> int:
    return int.from_bytes(np.ascontiguousarray(words, "<u4").tobytes(), "little")


class CocotbTransport:
    """Parameters
    ----------
    dut
        The Verilated card (``clk``, ``rst``, ``s_axil_*``, ``h2c_*``, ``c2h_*``).
    ports : HarnessPorts
        The card's streams (:func:`sim.harness_ports.harness_ports`).
    """

    def __init__(self, dut, ports, step: int = 256):
        import cocotb

        self.dut, self.ports, self.step = dut, ports, step
        self.axil = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst)
        self._h2c: deque[int] = deque()
        self._c2h = bytearray()
        for port in ports.outputs:
            if not port.always_ready:
                getattr(dut, f"{port.name}_ready").value = 1
        dut.h2c_valid.value = 0
        self._tasks = [cocotb.start_soon(self._drive_h2c()), cocotb.start_soon(self._watch())]
        self.read32 = resume(self._read)
        self.write32 = resume(self._write)
        self.run_rows = resume(self._run_rows)
        self._idle = resume(self._idle_cycles)

    # --------------------------------------------------------------- tasks
    async def _drive_h2c(self):
        dut = self.dut
        while True:
            await RisingEdge(dut.clk)
            if dut.h2c_valid.value and dut.h2c_ready.value:
                self._h2c.popleft()
            if self._h2c:
                dut.h2c_payload.value = self._h2c[0]
                dut.h2c_valid.value = 1
            else:
                dut.h2c_valid.value = 0

    async def _watch(self):
        dut = self.dut
        while True:
            await RisingEdge(dut.clk)
            await ReadOnly()
            if dut.c2h_valid.value:
                value = int(dut.c2h_payload.value) & _DATA_MASK
                self._c2h += value.to_bytes(RECORD_BITS // 8, "little")

    # --------------------------------------------------------------- bridged
    async def _read(self, address: int) -> int:
        result = await self.axil.read(address, 4)
        if result.resp != AxiResp.OKAY:
            raise RuntimeError(f"register read at {address:#x} answered {result.resp}")
        return int.from_bytes(result.data, "little")

    async def _write(self, address: int, value: int) -> None:
        await self.axil.write(address, (value & 0xFFFF_FFFF).to_bytes(4, "little"))

    async def _idle_cycles(self, count: int) -> None:
        await ClockCycles(self.dut.clk, count)

    async def _run_rows(self, rows: np.ndarray) -> None:
        dut = self.dut
        inputs = []
        column = 0
        for port in self.ports.inputs:
            inputs.append((getattr(dut, f"{port.name}_valid"),
                           getattr(dut, f"{port.name}_payload"), column, port.words))
            column += 1 + port.words
        for row in np.asarray(rows, dtype=np.uint32):
            for valid, payload, at, words in inputs:
                valid.value = int(row[at])
                payload.value = _words_value(row[at + 1:at + 1 + words])
            await RisingEdge(dut.clk)
        for valid, *_ in inputs:
            valid.value = 0

    # --------------------------------------------------------------- transport
    def write_stream(self, data: bytes) -> None:
        from host.command_stream import h2c_beats

        for beat in h2c_beats(bytes(data)):
            self._h2c.append(_words_value(beat))

    def read_stream(self, size: int) -> bytes:
        if not self._c2h:
            self._idle(self.step)
        chunk = bytes(self._c2h[:size])
        del self._c2h[:size]
        return chunk

    def close(self) -> None:
        for task in self._tasks:
            task.cancel()
