"""The ``response`` register block: receive sequence, resync, the ledger and the orders.

Resynchronising (the path starts out of sync, so this is also how the host starts it;
:mod:`host.resync` does it from the event stream after a loss of sync):

1. wait for ``status.restoring`` to be 0 (a rolled-back segment's orders are being put
   back, at most :data:`hdl.response.layouts.UNDO_DEPTH` cycles);
2. load what the card missed: a slot's ledger (``slot_sel``, ``slot_position``,
   ``slot_cash_*``, ``slot_mark``, then ``command.load_slot``, which also zeroes its
   closed shares: load the risk gate's opened shares to match), the card's P&L and position
   value (``pnl_load_*``, ``position_value_load_*``, ``command.load_card``, which zeroes
   ``released``), and orders (``order_sel`` = UserRefNum mod ``cap_orders``,
   ``order_remaining_load``, ``order_state_load``, ``command.load_order``; the entry must
   hold that order);
3. write the next sequence number the card is to apply to ``rcv_next_load`` and
   ``command.resync``: segments from that number on are applied again.

Loads write both the working and the committed copies; do them while out of sync, when no
segment is applied. The ``read_*`` registers show the working values of ``slot_sel`` and
``order_sel``. Units as in :mod:`hdl.response.layouts`; counters are 32-bit and wrap.
"""

from __future__ import annotations

from hdl.host_if.regs import (
    Access,
    BitField,
    Block,
    Register,
    command_register,
    counters,
    rw_word,
    word_pair,
)
from hdl.response.layouts import Detail, Kind, OrderState, Outcome

__all__ = ["RESPONSE_TYPE_ID", "RESPONSE_COMMANDS", "RESPONSE_COUNTERS", "response_block"]

RESPONSE_TYPE_ID = int.from_bytes(b"RESP", "big")

RESPONSE_COMMANDS = {
    "resync": "Set rcv_next from rcv_next_load and apply segments again (ignored while "
              "status.restoring).",
    "load_slot": "Load slot_position, slot_cash and slot_mark into slot slot_sel; zero its "
                 "closed shares.",
    "load_card": "Load pnl_load and position_value_load; zero released.",
    "load_order": "Load order_remaining_load and order_state_load into entry order_sel.",
}

_COUNTERS = {
    **{f"frames_{o.name.lower()}": f"Frames judged {o.name}." for o in Outcome},
    **{f"detail_{d.name.lower()}": f"UNPARSEABLE segments for {d.name}." for d in Detail
       if d is not Detail.NONE},
    **{f"messages_{k.name.lower()}": f"{k.name} messages applied (committed segments)."
       for k in Kind},
    "overflow": "Orders sent whose table entry was still busy: not tracked (the risk gate's "
                "orders_full check keeps this 0).",
    "payload_bytes": "TCP payload bytes of applied segments.",
}
RESPONSE_COUNTERS = tuple(_COUNTERS)


def response_block(table_size: int) -> Block:
    """The block for an open-order table of ``table_size`` entries."""
    registers = [
        command_register(RESPONSE_COMMANDS),
        Register("status", Access.RO, "Receive state.", fields=(
            BitField("out_of_sync", 0, 1, 1, "Segments are not applied (until resync)."),
            BitField("restoring", 1, 1, 0, "A rolled-back segment's orders are being put "
                     "back."),
        )),
        rw_word("rcv_next_load", "TCP sequence number that resync sets."),
        Register("rcv_next", Access.RO, "Sequence number of the next segment to apply."),
        Register("slot_sel", Access.RW, "Slot of the load_slot window and read_* registers.",
                 reset=0),
        rw_word("slot_position", "Position to load, shares, signed."),
        *word_pair("slot_cash", "Cash to load, signed, price x shares"),
        rw_word("slot_mark", "Last fill price to load."),
        *word_pair("pnl_load", "P&L to load, signed"),
        *word_pair("position_value_load", "Position value to load"),
        Register("order_sel", Access.RW, "Open-order table entry of load_order and "
                 "read_order_* (UserRefNum mod cap_orders).", reset=0),
        rw_word("order_remaining_load", "Remaining shares to load."),
        Register("order_state_load", Access.RW, "State to load.", fields=(
            BitField("state", 0, 2, 0, "; ".join(f"{s.value} {s.name}" for s in OrderState)
                     + "."),
        )),
        Register("read_position", Access.RO, "Position of slot_sel (signed)."),
        Register("read_closed_buy", Access.RO, "Closed buy shares of slot_sel."),
        Register("read_closed_sell", Access.RO, "Closed sell shares of slot_sel."),
        *word_pair("read_cash", "Cash of slot_sel", Access.RO),
        Register("read_mark", Access.RO, "Last fill price of slot_sel."),
        *word_pair("pnl", "P&L now (signed)", Access.RO),
        *word_pair("released", "Notional released by fills, cancels and rejects", Access.RO),
        *word_pair("position_value", "Positions at their last fill price", Access.RO),
        Register("read_order_ref", Access.RO, "UserRefNum in entry order_sel."),
        Register("read_order_info", Access.RO, "Entry order_sel.", fields=(
            BitField("slot", 0, 8, 0, "Stock slot."),
            BitField("sell", 8, 1, 0, "Sell order."),
            BitField("state", 9, 2, 0, "OrderState."),
        )),
        Register("read_order_price", Access.RO, "Price of entry order_sel."),
        Register("read_order_shares", Access.RO, "Shares sent in entry order_sel."),
        Register("read_order_remaining", Access.RO, "Remaining shares of entry order_sel."),
        Register("cap_orders", Access.RO, "Capacity: open-order table entries.",
                 reset=table_size, constant=True),
        *counters(_COUNTERS),
    ]
    return Block(name="response", type_id=RESPONSE_TYPE_ID, version=1,
                 doc="Exchange responses: OUCH over the session's receive side, open orders, "
                     "positions, P&L.", registers=tuple(registers))
