"""The host-to-card command stream: manual orders, cancels, mass cancel, kill.

The host writes 64-byte commands (:data:`COMMAND_LAYOUT`, little-endian, one per beat) to
``h2c``, an AXI4-Stream in the shape AMD's XDMA/QDMA bridges give in streaming mode
(512-bit ``data``, ``keep``, ``last``, with ``ready``: the same :data:`C2H_LAYOUT` as the
event stream). ``last`` is ignored (a DMA transfer of many commands is many beats); a beat
whose ``keep`` is not all ones is malformed. :class:`CommandStream` takes a beat whenever
the previous command has gone where it goes:

- ``ORDER``: one leg (slot, side, price, shares) to the strategy, which proposes it to the
  risk gate as a group of :attr:`hdl.strategy.layouts.Source.HOST` between feed frames
  (:class:`hdl.strategy.strategy.Strategy`): every pre-trade check applies, a refusal is a
  ``reject`` record with its reasons, an acceptance a ``sent`` record. The command's
  ``tag`` is the group's ``sequence``, so the host finds its order in both.
- ``CANCEL``: an OUCH Cancel Order for ``user_ref_num`` leaving ``quantity`` shares
  (0: all). Refused and counted if the order is not open (its open-order table entry is
  not busy, or the UserRefNum is not one of the last ``order_table`` sent) or the session
  is not the card's. Cancels are not refused by the kill switch: cancelling is what a
  kill wants.
- ``MASS_CANCEL``: a Cancel Order for every open order, found by walking the open-order
  table one entry a cycle (an entry ``i`` that is busy holds the UserRefNum ``r`` with
  ``r mod order_table == i`` among the last ``order_table`` sent). Other commands but
  ``KILL`` wait until the walk is done; with the session not the card's the walk counts
  each open order as ``cancel_no_session``.
- ``KILL``: trips the kill switch (as ``risk.command.kill``), in the cycle it is taken.

Anything else (an unknown kind, an order for a slot without trading state) is malformed:
dropped and counted. Every command is counted once, by what became of it.
"""

from __future__ import annotations

import enum

from amaranth import Module, Signal
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

from hdl.book.layouts import PRICE_BITS, SHARES_BITS
from hdl.counters import counter_bank
from hdl.host_if.csr_bank import block_signature
from hdl.host_if.events import C2H_LAYOUT, RECORD_BITS
from hdl.host_if.regs import Access, BitField, Block, Register, counters
from hdl.order.layouts import CANCEL_LAYOUT
from hdl.strategy.layouts import HOST_ORDER_LAYOUT

__all__ = ["CommandKind", "COMMAND_LAYOUT", "COMMAND_BYTES", "COMMANDS_BLOCK",
           "COMMAND_COUNTERS", "CommandStream"]


class CommandKind(enum.IntEnum):
    ORDER = 1
    CANCEL = 2
    MASS_CANCEL = 3
    KILL = 4


_FIELDS = {
    "kind": 8,                   # CommandKind
    "sell": 1,                   # ORDER: 0 buy, 1 sell
    "reserved_0": 7,
    "slot": 8,                   # ORDER: book slot (< trade_slots)
    "reserved_1": 8,
    "shares": SHARES_BITS,       # ORDER
    "price": PRICE_BITS,         # ORDER: limit price, 4 implied decimals
    "user_ref_num": 32,          # CANCEL: the order's
    "quantity": 32,              # CANCEL: shares to leave on it (0: cancel it)
    "tag": 64,                   # any: the host's, carried in the records it causes
}
#: One command: a 64-byte record (bits past these fields are reserved, zero), the first
#: field in the least significant bits.
COMMAND_LAYOUT = data.StructLayout(_FIELDS)
COMMAND_BYTES = RECORD_BITS // 8
assert COMMAND_LAYOUT.size <= RECORD_BITS

_COUNTERS = {
    "commands": "Command beats taken.",
    "orders": "Manual orders passed to the risk checks.",
    "cancels": "Cancel Orders passed to order entry (single and mass cancel).",
    "mass_cancels": "Mass cancels walked.",
    "kills": "Kill commands.",
    "malformed": "Commands dropped: unknown kind, keep not all ones, or an order for a slot "
                 "without trading state.",
    "cancel_not_open": "Cancels dropped: the UserRefNum is not an open order.",
    "cancel_no_session": "Cancels dropped: the order-entry session is not the card's.",
}
COMMAND_COUNTERS = tuple(_COUNTERS)

COMMANDS_BLOCK = Block(
    name="commands", type_id=int.from_bytes(b"HCMD", "big"), version=1,
    doc="Host-to-card command stream: what became of every command.",
    registers=(
        Register("status", Access.RO, "Command stream state.", fields=(
            BitField("walking", 0, 1, 0, "A mass cancel is walking the open-order table."),
            BitField("pending", 1, 1, 0, "A command is waiting for its destination."),
        )),
        *counters(_COUNTERS),
    ))


class CommandStream(wiring.Component):
    """Parameters
    ----------
    trade_slots, order_table : int
        As in :class:`hdl.strategy.layouts.TradeParams`.

    Interface attributes
    --------------------
    h2c : In(stream.Signature(C2H_LAYOUT))
        From the XDMA bridge.
    host_order : Out(stream.Signature(HOST_ORDER_LAYOUT))
        To the strategy.
    cancel : Out(stream.Signature(CANCEL_LAYOUT))
        To order entry.
    kill : Out(1)
        A kill command taken this cycle.
    busy : In(order_table)
        The open-order table's busy entries.
    next_ref : In(32)
        Order entry's next UserRefNum (every order sent has a lower one).
    session_active : In(1)
    regs : In(block_signature(COMMANDS_BLOCK))
    """

    def __init__(self, trade_slots: int, order_table: int):
        self.trade_slots = trade_slots
        self.order_table = order_table
        super().__init__({
            "h2c": In(stream.Signature(C2H_LAYOUT)),
            "host_order": Out(stream.Signature(HOST_ORDER_LAYOUT)),
            "cancel": Out(stream.Signature(CANCEL_LAYOUT)),
            "kill": Out(1),
            "busy": In(order_table),
            "next_ref": In(32),
            "session_active": In(1),
            "regs": In(block_signature(COMMANDS_BLOCK)),
        })

    def _open(self, m: Module, ref):
        """``ref`` is among the last ``order_table`` sent and its entry is busy."""
        age = Signal(32)
        m.d.comb += age.eq(self.next_ref - 1 - ref)
        return (age < self.order_table) & self.busy.bit_select(
            ref[:(self.order_table - 1).bit_length()], 1)

    def elaborate(self, platform):
        m = Module()
        regs, table = self.regs, self.order_table
        index_bits = (table - 1).bit_length()
        count = counter_bank(m, regs, COMMAND_COUNTERS)

        # ------------------------------------------------------------- the held command
        held = Signal()
        command = Signal(COMMAND_LAYOUT)
        whole = Signal()
        consume = Signal()
        with m.If(self.h2c.valid & self.h2c.ready):
            m.d.sync += [held.eq(1), command.eq(self.h2c.payload.data[:COMMAND_LAYOUT.size]),
                         whole.eq(self.h2c.payload.keep == (1 << RECORD_BITS // 8) - 1)]
        with m.Elif(consume):
            m.d.sync += held.eq(0)
        m.d.comb += self.h2c.ready.eq(~held | consume)

        # ------------------------------------------------------------- the walk
        walking = Signal()
        index = Signal(index_bits)
        walk_tag = Signal(64)
        # the UserRefNum that entry `index` holds if it is busy
        walk_ref = Signal(32)
        m.d.comb += walk_ref.eq(self.next_ref - 1 - ((self.next_ref - 1 - index)[:index_bits]))
        walk_open = walking & self.busy.bit_select(index, 1)
        walk_step = Signal()
        m.d.comb += walk_step.eq(walking & (~walk_open | ~self.session_active |
                                            self.cancel.ready))
        with m.If(walk_step):
            m.d.sync += index.eq(index + 1)
            with m.If(index == table - 1):
                m.d.sync += walking.eq(0)

        # ------------------------------------------------------------- decode
        kind = command.kind
        known = (kind == CommandKind.ORDER) | (kind == CommandKind.CANCEL) | \
            (kind == CommandKind.MASS_CANCEL) | (kind == CommandKind.KILL)
        bad = held & (~whole | ~known |
                      ((kind == CommandKind.ORDER) & (command.slot >= self.trade_slots)))
        ok = held & ~bad
        is_order = ok & (kind == CommandKind.ORDER) & ~walking
        is_cancel = ok & (kind == CommandKind.CANCEL) & ~walking
        is_mass = ok & (kind == CommandKind.MASS_CANCEL) & ~walking
        is_kill = ok & (kind == CommandKind.KILL)
        cancel_open = self._open(m, command.user_ref_num)
        cancel_go = is_cancel & cancel_open & self.session_active

        order = self.host_order.payload
        m.d.comb += [
            self.host_order.valid.eq(is_order),
            order.slot.eq(command.slot), order.sell.eq(command.sell),
            order.price.eq(command.price), order.shares.eq(command.shares),
            order.tag.eq(command.tag),
            self.kill.eq(is_kill),
        ]
        cancel = self.cancel.payload
        with m.If(walking):
            m.d.comb += [self.cancel.valid.eq(walk_open & self.session_active),
                         cancel.user_ref_num.eq(walk_ref), cancel.quantity.eq(0),
                         cancel.tag.eq(walk_tag)]
        with m.Else():
            m.d.comb += [self.cancel.valid.eq(cancel_go),
                         cancel.user_ref_num.eq(command.user_ref_num),
                         cancel.quantity.eq(command.quantity), cancel.tag.eq(command.tag)]
        with m.If(is_mass):
            m.d.sync += [walking.eq(1), index.eq(0), walk_tag.eq(command.tag)]

        m.d.comb += consume.eq(
            bad | is_kill | is_mass | (is_order & self.host_order.ready) |
            (is_cancel & (~cancel_open | ~self.session_active | self.cancel.ready)))
        m.d.comb += [regs.status.walking.eq(walking), regs.status.pending.eq(held)]
        count("commands", self.h2c.valid & self.h2c.ready)
        count("orders", is_order & self.host_order.ready)
        count("cancels", self.cancel.valid & self.cancel.ready)
        count("mass_cancels", is_mass)
        count("kills", is_kill)
        count("malformed", bad)
        count("cancel_not_open", is_cancel & ~cancel_open)
        count("cancel_no_session", (walk_open | (is_cancel & cancel_open)) &
              ~self.session_active)
        return m
