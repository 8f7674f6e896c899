"""``PageBanks``: the level store's page memory, two banks of true-dual-port block RAM.

A pass of the level store reads at most two pages (A and B) in its S2 cycle and writes at
most three in its S3 cycle (A, B and the new page N of a split). Passes are at least two
cycles apart, so no cycle both reads and writes: each bank port serves one read *or* one
write a cycle, which is what a true-dual-port block RAM (ECP5 DP16KD, Xilinx RAMB36 in TDP
mode) offers. Two such banks, by physical page parity (:func:`sim.level_pages.bank`), give
four write ports for the three writes, provided that N does not fall in a bank whose two
ports A and B already take: the level store picks N's physical page so
(:func:`hdl.book.directory.free_entry`).

Ports of bank ``k``: port 0 reads A's address and writes A (when A is in bank ``k``) or N;
port 1 reads B's address and writes B (when B is in bank ``k``) or N. N uses port 0 unless
A does.

Why each port is written as it is: Yosys maps a memory to DP16KD only if every read port
and write port pair up into read-write ports, which needs one address signal for both
(the write address in write cycles, the read address otherwise), and only if no read can
collide with a write of the other port (the cross-port collision of a TDP RAM is
undefined, while Amaranth promises the old data): reads are disabled in write cycles,
which also holds the read data through them, as the S3 logic needs.

Interface attributes
--------------------
read_a, read_b : In(address_layout(params))
    The pages to read, in a read cycle (``write`` low); their data is on ``data_a`` and
    ``data_b`` from the next cycle on, until the next read cycle.
write : In(1)
    This is a write cycle (the level store's S3): reads are disabled.
write_a, write_b, write_n : In(write_layout(params))
    The pages to write in a write cycle.
data_a, data_b : Out(page_layout(params))
"""

from __future__ import annotations

from amaranth import Cat, Module, Mux, Signal
from amaranth.lib import data, wiring
from amaranth.lib.memory import Memory
from amaranth.lib.wiring import In, Out
from amaranth.utils import ceil_log2

from hdl.book.layouts import BookParams
from hdl.book.pages import page_layout

__all__ = ["PageBanks", "address_layout", "write_layout"]


def address_layout(params: BookParams) -> data.StructLayout:
    """A page of one side: ``phys`` (its bank is bit 0) and ``side`` (``Cat(ask, slot)``)."""
    return data.StructLayout({"phys": ceil_log2(params.pages), "side": params.slot_bits + 1})


def write_layout(params: BookParams) -> data.StructLayout:
    return data.StructLayout({"en": 1, "addr": address_layout(params),
                              "data": page_layout(params)})


class PageBanks(wiring.Component):
    def __init__(self, params: BookParams):
        self.params = params
        address, write = address_layout(params), write_layout(params)
        super().__init__({
            "read_a": In(address), "read_b": In(address), "write": In(1),
            "write_a": In(write), "write_b": In(write), "write_n": In(write),
            "data_a": Out(page_layout(params)), "data_b": Out(page_layout(params)),
        })

    def elaborate(self, platform):
        m = Module()
        p = self.params
        depth = p.slots * p.pages            # half of the 2 * slots * pages pages
        wa, wb, wn = self.write_a, self.write_b, self.write_n

        def row(address):
            """The address of a page inside its bank."""
            return Cat(address.phys[1:], address.side)

        bank_data = []
        for k in range(2):
            mem = Memory(shape=page_layout(p), depth=depth, init=[])
            m.submodules[f"bank{k}"] = mem
            a_here = wa.en & (wa.addr.phys[0] == k)
            b_here = wb.en & (wb.addr.phys[0] == k)
            n_here = wn.en & (wn.addr.phys[0] == k)
            ports = []
            for read, own, own_here, n_port in ((self.read_a, wa, a_here, ~a_here),
                                                (self.read_b, wb, b_here, a_here)):
                rd, wr = mem.read_port(), mem.write_port()
                address = Signal(len(rd.addr), name=f"bank{k}_addr{len(ports)}")
                m.d.comb += [
                    address.eq(Mux(self.write, Mux(own_here, row(own.addr), row(wn.addr)),
                                   row(read))),
                    rd.addr.eq(address), wr.addr.eq(address),
                    rd.en.eq(~self.write),
                    wr.data.eq(Mux(own_here, own.data, wn.data)),
                    wr.en.eq(self.write & (own_here | (n_here & n_port))),
                ]
                ports.append(rd)
            bank_data.append(ports)

        # The bank each read came from, for the cycles its data is used in.
        bank_a, bank_b = Signal(), Signal()
        with m.If(~self.write):
            m.d.sync += [bank_a.eq(self.read_a.phys[0]), bank_b.eq(self.read_b.phys[0])]
        m.d.comb += [
            self.data_a.eq(Mux(bank_a, bank_data[1][0].data, bank_data[0][0].data)),
            self.data_b.eq(Mux(bank_b, bank_data[1][1].data, bank_data[0][1].data)),
        ]
        return m
