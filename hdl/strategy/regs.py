"""The ``strategy`` register block: the take and pairs triggers, configured per stock.

A stock's trigger is written through a window: put the book slot in ``slot_sel``, the
settings in the ``take_*``/``cooldown``/``symbol_*`` registers, then write
``command.load_slot``. A pairs entry likewise: ``pair_sel``, the ``pair_*`` registers,
``command.load_pair``. Loading takes effect in the cycle after the command; the window
registers can then be reused for the next stock. ``control.enable`` gates every trigger.

Prices are ITCH/OUCH prices (4 implied decimals). ``pair_band_lo``/``_hi`` are signed and
in units of a doubled price, because the spread is computed on doubled mid prices so it
stays an integer: ``(bid_a + ask_a) - ratio * (bid_b + ask_b)``. Counters are 32-bit and
wrap.
"""

from __future__ import annotations

from hdl.host_if.regs import Access, BitField, Block, Register, counters
from hdl.strategy.layouts import TradeParams

__all__ = ["STRATEGY_TYPE_ID", "STRATEGY_COUNTERS", "strategy_block"]

STRATEGY_TYPE_ID = int.from_bytes(b"STRT", "big")

_COUNTERS = {
    "records": "Book-update records seen.",
    "untracked": "Records of slots without trading state (slot >= trade_slots).",
    "take_fired": "Groups proposed by take triggers.",
    "pairs_fired": "Groups proposed by pairs triggers.",
    "suppressed_flags": "Triggers that held because a stock was halted or its book invalid.",
    "suppressed_cooldown": "Triggers that held because a stock was cooling down.",
    "withdrawn": "Verdicts that withdrew a frame (strategy state rolled back).",
}
STRATEGY_COUNTERS = tuple(_COUNTERS)


def strategy_block(params: TradeParams) -> Block:
    """The block for a trading path with ``params``' capacities."""
    registers = [
        Register("control", Access.RW, "Global switches.", fields=(
            BitField("enable", 0, 1, 0, "Triggers may fire."),
        )),
        Register("command", Access.W1S, "Window commands; write 1 to a bit.", fields=(
            BitField("load_slot", 0, 1, 0, "Load the take_*, cooldown and symbol registers "
                     "into slot slot_sel."),
            BitField("load_pair", 1, 1, 0, "Load the pair_* registers into entry pair_sel."),
        )),
        Register("slot_sel", Access.RW, "Book slot that load_slot writes.", reset=0),
        Register("take_mode", Access.RW, "Take trigger of the slot.", fields=(
            BitField("enable", 0, 1, 0, "The slot's take trigger may fire."),
        )),
        Register("take_buy_limit", Access.RW, "Buy when the best offer is at or below this "
                 "price (0: never buy).", reset=0),
        Register("take_sell_limit", Access.RW, "Sell when the best bid is at or above this "
                 "price (0: never sell).", reset=0),
        Register("take_max_shares", Access.RW, "Shares of a take order: the touched level's "
                 "size, capped at this (0: never fire).", reset=0),
        Register("cooldown", Access.RW, "Cycles after a trigger fires on the stock before "
                 "another may.", reset=0),
        *[Register(f"symbol_{w}", Access.RW, f"OUCH symbol bytes {4 * w}..{4 * w + 3} "
                   f"(byte {4 * w} in bits 31..24), space padded.", reset=0)
          for w in range(2)],
        Register("pair_sel", Access.RW, "Pairs entry that load_pair writes.", reset=0),
        Register("pair_slots", Access.RW, "Members of the pair.", fields=(
            BitField("a", 0, 8, 0, "Book slot of stock A (the leg sized pair_qty)."),
            BitField("b", 8, 8, 0, "Book slot of stock B (the hedge)."),
            BitField("enable", 16, 1, 0, "The entry may fire."),
        )),
        Register("pair_ratio", Access.RW, "Hedge ratio: B shares per A share (1..65535).",
                 reset=1),
        Register("pair_band_lo", Access.RW, "Buy A, sell B when the doubled spread is below "
                 "this (signed).", reset=0),
        Register("pair_band_hi", Access.RW, "Sell A, buy B when the doubled spread is above "
                 "this (signed).", reset=0),
        Register("pair_qty", Access.RW, "Shares of the A leg (0: never fire).", reset=0),
        Register("cap_trade_slots", Access.RO, "Capacity: slots with trading state.",
                 reset=params.trade_slots, constant=True),
        Register("cap_pairs", Access.RO, "Capacity: pairs entries.", reset=params.pairs,
                 constant=True),
        *counters(_COUNTERS),
    ]
    return Block(name="strategy", type_id=STRATEGY_TYPE_ID, version=1,
                 doc="Strategy triggers: take per stock, pairs on two stocks' mid prices.",
                 registers=tuple(registers))
