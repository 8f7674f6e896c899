"""Which stocks the book builder follows: tickers by slot, locate codes, halted flags.

The host names a ticker per slot (``subscribe``). The locate code that ITCH uses for the
stock on the day is learned from the stock directory (R) message whose ticker matches a
subscribed slot, or set by the host (``set_locate``). A locate-indexed memory then turns
each event's locate into its slot in one read; events whose locate maps to nothing are
discarded.

Every slot's ticker is held in registers and compared with an R message's ticker at once
(one comparator per slot: R messages are few, but come back to back at the start of the
day, so a search over several cycles would fall behind). A slot that already has a locate
ignores later R messages for its ticker until it is unsubscribed. The locate each slot is
mapped from lives in a small memory, not in registers: written from two places (R
learning, host commands), a register array became a copy of all the control logic per
slot.
"""

from __future__ import annotations

from amaranth import Array, Cat, Signal, Value
from amaranth.lib import data
from amaranth.lib.memory import Memory

from hdl.book.layouts import LOCATE_BITS, BookParams

__all__ = ["Subscriptions", "ticker_from_words"]


def ticker_from_words(words) -> Value:
    """The 8 ticker bytes of ``sub_ticker_0/1`` (byte 0 in bits 31..24 of word 0) in the
    event's ``stock`` order (byte 0 in bits 7..0)."""
    chars = []
    for word in words:
        chars += [word[24:32], word[16:24], word[8:16], word[0:8]]
    return Cat(*chars)


class Subscriptions:
    """The subscription state, built into the caller's module ``m``.

    Attributes
    ----------
    tickers, subscribed, mapped, halted : Array / Signal
        Per slot: the ticker (event ``stock`` byte order), a ticker is set, a locate maps to
        the slot, the last H said anything but ``T``. Write tickers with
        :meth:`write_ticker`.
    slot_locate_write : WritePort
        The locate a slot is mapped from (R learning and host commands, never in the same
        cycle).
    slot_locate_reads : (ReadPort, ReadPort)
        Sync reads of it, for the host command and for ``slot_status``.
    locate_read : ReadPort
        Sync read of the locate memory (``data.valid``, ``data.slot``), transparent for
        :attr:`locate_write`.
    locate_write : WritePort
        The one write port: R learning, host commands and roll-back share it.
    """

    def __init__(self, m, params: BookParams):
        slots = params.slots
        self.entry_layout = data.StructLayout({"valid": 1, "slot": params.slot_bits})
        self.tickers = Array(Signal(64, name=f"ticker_{i}") for i in range(slots))
        self.subscribed = Signal(slots)
        self.mapped = Signal(slots)
        self.halted = Signal(slots)
        m.submodules.slot_locates = slot_locates = Memory(shape=LOCATE_BITS, depth=slots,
                                                          init=[])
        self.slot_locate_write = slot_locates.write_port()
        self.slot_locate_reads = (slot_locates.read_port(), slot_locates.read_port())
        self._ticker_enable = Signal()
        self._ticker_slot = Signal(params.slot_bits)
        self._ticker_value = Signal(64)
        for i in range(slots):
            with m.If(self._ticker_enable & (self._ticker_slot == i)):
                m.d.sync += self.tickers[i].eq(self._ticker_value)
        m.submodules.locates = memory = Memory(shape=self.entry_layout,
                                               depth=1 << LOCATE_BITS, init=[])
        self.locate_write = memory.write_port()
        self.locate_read = memory.read_port(transparent_for=(self.locate_write,))

    def write_ticker(self, m, slot, ticker) -> None:
        """Set ``slot``'s ticker at the end of this cycle (call under the condition)."""
        m.d.comb += [self._ticker_enable.eq(1), self._ticker_slot.eq(slot),
                     self._ticker_value.eq(ticker)]

    def match(self, m, stock, params: BookParams):
        """``(found, slot)``: the subscribed slot whose ticker is ``stock`` (combinational)."""
        hits = Signal(params.slots, name="ticker_hits")
        for i in range(params.slots):
            m.d.comb += hits[i].eq(self.subscribed[i] & (self.tickers[i] == stock))
        # The lowest matching slot (a ticker subscribed twice maps to its first slot),
        # encoded bit by bit: a chain of 'slots' priority muxes would be too deep.
        lowest = Signal(params.slots, name="ticker_lowest")
        m.d.comb += lowest.eq(hits & -hits)
        slot = Signal(params.slot_bits, name="ticker_slot")
        for b in range(params.slot_bits):
            mask = sum(1 << i for i in range(params.slots) if i >> b & 1)
            m.d.comb += slot[b].eq((lowest & mask).any())
        return hits.any(), slot
