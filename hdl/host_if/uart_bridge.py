"""The UART register bridge: serial requests in, AXI4-Lite accesses to the register bank out.

A board without PCIe (the ECPIX-5) reaches the card's registers through its FTDI UART. The
framing is :mod:`proto.uart_bridge`; this component is the card's end of it:

    rx pin -> UartRx -> RequestParser -> one AXI4-Lite access -> response -> UartTx -> tx pin

One request is performed at a time, and every recognised request is answered: with the bus's
response code (OKAY, or SLVERR from the CSR bank for an address with no register), DECERR for
an address beyond the bus, or the parser's reason for not performing it. The bridge counts
what it did and what it lost in the ``uart`` register block (:func:`uart_block`), so a host
can read how healthy its own link is.
"""

from __future__ import annotations

from amaranth import Const, Module, Signal, Value
from amaranth.lib import crc, wiring
from amaranth.lib.wiring import In, Out

from hdl.counters import counter_bank
from hdl.host_if.axil import AXI4LiteSignature
from hdl.host_if.csr_bank import block_signature
from hdl.host_if.regs import Access, Block, Register, counters
from hdl.host_if.uart import UartRx, UartTx
from hdl.host_if.uart_frames import PARSED_LAYOUT, RequestParser
from proto.uart_bridge import CRC, IDLE_BITS, RESPONSE, RESPONSE_SYNC, Status

__all__ = ["UART_TYPE_ID", "UART_COUNTERS", "uart_block", "UartBridge", "UartSystemTop"]

#: ASCII "UART": the block's TYPE.
UART_TYPE_ID = int.from_bytes(b"UART", "big")

_COUNTERS = {
    "requests": "Requests performed on the bus (reads and writes).",
    "bus_errors": "Requests the bus answered with an error (SLVERR, or DECERR beyond it).",
    "bad_crc": "Requests refused because their CRC did not match.",
    "bad_op": "Requests refused because their operation byte was unknown.",
    "abandoned": "Requests whose bytes stopped for longer than the idle limit.",
    "overruns": "Requests dropped because they arrived while another was performed.",
    "framing_errors": "Bytes dropped because their stop bit was 0 (noise, break, baud).",
}
UART_COUNTERS = tuple(_COUNTERS)


def uart_block(divisor: int) -> Block:
    """The bridge's block; ``divisor`` is read back so a host can check its baud rate."""
    return Block(
        name="uart", type_id=UART_TYPE_ID, version=1,
        doc="The UART register bridge's own counters (proto/uart_bridge.py is the framing).",
        registers=(
            Register("divisor", Access.RO, "Clock cycles per bit: the core clock divided by "
                     "the baud rate.", reset=divisor, constant=True),
            *counters(_COUNTERS),
        ))


def _response_bytes(status, seq, word) -> list:
    """The response's bytes before its CRC, in wire order, placed by the layout."""
    values = {"sync": Const(RESPONSE_SYNC, 8), "status": status, "seq": seq, "data": word}
    out = []
    for field in RESPONSE.fields[:-1]:
        value = Value.cast(values[field.name])
        assert len(value) == 8 * field.size, field.name
        out += [value.word_select(i, 8) for i in reversed(range(field.size))]   # big-endian
    return out


class UartBridge(wiring.Component):
    """Parameters
    ----------
    divisor : int
        Clock cycles per bit.
    addr_width : int
        Byte address bits of the register bank's AXI4-Lite port.

    Interface attributes
    --------------------
    rx : In(1)
        From the host's UART (idle high).
    tx : Out(1)
        To the host's UART.
    bus : Out(AXI4LiteSignature(addr_width))
        Master port, to the register bank's ``s_axil``.
    regs : In(block_signature(uart_block(divisor)))
        The bridge's counters, to the bank's ``uart`` port.
    """

    def __init__(self, divisor: int, addr_width: int):
        self.divisor = divisor
        self.addr_width = addr_width
        self.block = uart_block(divisor)
        super().__init__({
            "rx": In(1, init=1),
            "tx": Out(1, init=1),
            "bus": Out(AXI4LiteSignature(addr_width)),
            "regs": In(block_signature(self.block)),
        })

    def elaborate(self, platform):
        m = Module()
        m.submodules.rx = rx = UartRx(self.divisor)
        m.submodules.tx = tx = UartTx(self.divisor)
        m.submodules.parser = parser = RequestParser(IDLE_BITS * self.divisor)
        m.submodules.crc = sealer = crc.Processor(CRC)
        m.d.comb += [rx.rx.eq(self.rx), self.tx.eq(tx.tx)]
        wiring.connect(m, rx.data, parser.bytes_in)
        count = counter_bank(m, self.regs, UART_COUNTERS)
        count("framing_errors", rx.framing_error)
        count("abandoned", parser.abandoned)
        count("overruns", parser.overrun)

        bus = self.bus
        req = Signal(PARSED_LAYOUT)
        status = Signal(8)
        word = Signal(32)
        index = Signal(range(RESPONSE.size))
        m.d.comb += [bus.awaddr.eq(req.address), bus.araddr.eq(req.address),
                     bus.wdata.eq(req.data), bus.wstrb.eq(0b1111)]

        with m.FSM():
            with m.State("IDLE"):
                m.d.comb += parser.request.ready.eq(1)
                with m.If(parser.request.valid):
                    p = parser.request.payload
                    m.d.sync += [req.eq(p), status.eq(p.status), word.eq(0), index.eq(0)]
                    beyond = (p.address >> self.addr_width) != 0
                    with m.If(p.status != Status.OKAY):
                        count("bad_crc", p.status == Status.BAD_CRC)
                        count("bad_op", p.status == Status.BAD_OP)
                        m.next = "RESPOND"
                    with m.Elif(beyond):
                        m.d.sync += status.eq(Status.DECERR)
                        count("bus_errors", 1)
                        m.next = "RESPOND"
                    with m.Elif(p.write):
                        m.d.sync += [bus.awvalid.eq(1), bus.wvalid.eq(1)]
                        m.next = "WRITE"
                    with m.Else():
                        m.d.sync += bus.arvalid.eq(1)
                        m.next = "READ"
            with m.State("WRITE"):
                # Address and data are offered together; each drops on its own handshake.
                with m.If(bus.awready):
                    m.d.sync += bus.awvalid.eq(0)
                with m.If(bus.wready):
                    m.d.sync += bus.wvalid.eq(0)
                m.d.comb += bus.bready.eq(~bus.awvalid & ~bus.wvalid)
                with m.If(bus.bready & bus.bvalid):
                    self._finish(m, count, status, bus.bresp)
            with m.State("READ"):
                with m.If(bus.arready):
                    m.d.sync += bus.arvalid.eq(0)
                m.d.comb += bus.rready.eq(~bus.arvalid)
                with m.If(bus.rready & bus.rvalid):
                    m.d.sync += word.eq(bus.rdata)
                    self._finish(m, count, status, bus.rresp)
            with m.State("RESPOND"):
                body = _response_bytes(status, req.seq, word)
                byte = Signal(8)
                for i, value in enumerate(body):
                    with m.If(index == i):
                        m.d.comb += byte.eq(value)
                with m.If(index == len(body)):
                    m.d.comb += byte.eq(sealer.crc)
                m.d.comb += [tx.data.valid.eq(1), tx.data.payload.eq(byte),
                             sealer.data.eq(byte), sealer.start.eq(index == 0),
                             sealer.valid.eq(tx.data.ready & (index != len(body)))]
                with m.If(tx.data.ready):
                    m.d.sync += index.eq(index + 1)
                    with m.If(index == len(body)):
                        m.next = "IDLE"
        return m

    @staticmethod
    def _finish(m, count, status, resp) -> None:
        m.d.sync += status.eq(resp)
        count("requests", 1)
        count("bus_errors", resp != 0)
        m.next = "RESPOND"


class UartSystemTop(wiring.Component):
    """The smallest whole host link: the ``system`` and ``uart`` blocks behind the bridge.

    For the bridge's tests and the synthesis smoke test; a board top puts the bridge in
    front of the whole card's bank instead.

    Parameters
    ----------
    divisor : int
        Clock cycles per bit.

    Interface attributes
    --------------------
    rx, tx
        As in :class:`UartBridge`.
    """

    def __init__(self, divisor: int):
        from hdl.host_if.regs import RegisterMap
        from hdl.host_if.system import SYSTEM_BLOCK, SystemTop

        self.register_map = RegisterMap("tickforge", [SYSTEM_BLOCK, uart_block(divisor)])
        self.system = SystemTop(self.register_map)
        self.bridge = UartBridge(divisor, self.system.csr.bank.addr_width)
        super().__init__({"rx": In(1, init=1), "tx": Out(1, init=1)})

    def elaborate(self, platform):
        m = Module()
        m.submodules.system = system = self.system
        m.submodules.bridge = bridge = self.bridge
        wiring.connect(m, bridge.bus, system.s_axil)
        wiring.connect(m, bridge.regs, system.uart)
        m.d.comb += [bridge.rx.eq(self.rx), self.tx.eq(bridge.tx), system.status_event.eq(0)]
        return m
