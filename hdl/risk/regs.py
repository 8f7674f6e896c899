"""The ``risk`` register block: limits, the kill switch, per-stock positions, counters.

Limits are plain RW registers; 64-bit ones are ``_lo``/``_hi`` pairs. Change limits while
trading is disabled (``control.enable = 0``): a check reads them as they are in its cycle.

State that the hardware also changes is loaded through windows, so a load is one atomic
command: a stock's opened shares and limit (``slot_sel``, ``slot_open_buy``,
``slot_open_sell``, ``slot_limit``, then ``command.load_slot``, which also ends the stock's
suspension after a loss of sync) and the opened notional (``exposure_load_*``,
``command.load_exposure``). Opened shares and notional count every accepted order; the
exchange responses (:mod:`hdl.response`, the ``response`` block) count what closed and
keep positions and the P&L, so open orders are opened - closed and the gross exposure is
opened notional - released + position value. ``command.refill`` fills every rate bucket
to its burst (they start empty, so nothing trades until the host has set the rates).
``read_*`` show slot ``slot_sel``.

Units: prices 1/10,000 dollar; notional, exposure, P&L and the loss limit in price units x
shares (``price * shares``); the collar in price units, or in basis points of the book's
midpoint with ``control.collar_bps``; rates as a burst and one token every ``2 ** *_refill.log2``
cycles; ``dup_window`` in cycles. Counters are 32-bit and wrap; each
``reason_*`` counts the legs rejected with that bit set.
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
from hdl.risk.reasons import REASON_DOCS, Reason
from hdl.strategy.layouts import TradeParams

__all__ = ["RISK_TYPE_ID", "RISK_COUNTERS", "RISK_COMMANDS", "risk_block"]

RISK_TYPE_ID = int.from_bytes(b"RISK", "big")

RISK_COMMANDS = {
    "kill": "Set the kill switch: nothing passes until rearm.",
    "rearm": "Clear the kill switch (refused while the loss limit is breached).",
    "load_slot": "Load slot_open_buy, slot_open_sell and slot_limit into slot slot_sel and "
                 "end its suspension.",
    "load_exposure": "Load exposure_load_lo/hi into the opened notional.",
    "refill": "Fill every rate bucket to its burst.",
}

_COUNTERS = {
    "groups": "Groups checked (a take is one leg, a pairs trigger two).",
    "accepted_legs": "Legs passed to order entry.",
    "rejected_legs": "Legs rejected.",
    **{f"reason_{r.name.lower()}": f"Legs rejected with {r.name.lower()} set: {doc}."
       for r, doc in REASON_DOCS.items()},
}
RISK_COUNTERS = tuple(_COUNTERS)


def _refill(name: str, what: str) -> Register:
    return Register(name, Access.RW, f"Refill of {what}: one token in every cycle whose "
                    "cycle counter is a multiple of 2 ** log2.", fields=(
                        BitField("log2", 0, 5, 0, "Period exponent."),
                        BitField("enable", 8, 1, 0, "Refill at all."),
                    ))


def risk_block(params: TradeParams) -> Block:
    """The block for a trading path with ``params``' capacities."""
    registers = [
        Register("control", Access.RW, "Switches.", fields=(
            BitField("enable", 0, 1, 0, "Orders may pass (0: every leg is rejected)."),
            BitField("collar_bps", 1, 1, 0, "collar is in basis points of the midpoint, "
                     "not in price units."),
        )),
        command_register(RISK_COMMANDS),
        Register("status", Access.RO, "Kill switch.", fields=(
            BitField("killed", 0, 1, 0, "The kill switch is set."),
            BitField("loss_breached", 1, 1, 0, "The P&L (response.pnl, the lower of its "
                     "working and committed values) is below -loss_limit."),
            BitField("by_host", 2, 1, 0, "The host set it (command.kill)."),
            BitField("by_loss", 3, 1, 0, "The loss limit tripped it."),
        )),
        rw_word("max_shares", "Largest order, shares."),
        *word_pair("max_notional", "Largest order, price x shares"),
        rw_word("collar", "Furthest an order may be through the book's midpoint: price units, "
              "or basis points with control.collar_bps."),
        *word_pair("gross_limit", "Largest gross exposure after an order, price x shares"),
        rw_word("stock_burst", "Tokens of each stock's rate bucket (orders in a burst)."),
        _refill("stock_refill", "each stock's bucket"),
        rw_word("global_burst", "Tokens of the card's rate bucket."),
        _refill("global_refill", "the card's bucket"),
        rw_word("dup_window", "Cycles in which an order with the stock, side and price of an "
              "accepted one is a duplicate."),
        *word_pair("loss_limit", "Daily realised loss that trips the kill switch"),
        Register("slot_sel", Access.RW, "Slot of the load_slot window and read_* registers.",
                 reset=0),
        rw_word("slot_open_buy", "Opened buy shares to load."),
        rw_word("slot_open_sell", "Opened sell shares to load."),
        rw_word("slot_limit", "Position limit to load: |position + open orders| after an "
              "order, shares."),
        *word_pair("exposure_load", "Opened notional to load"),
        Register("read_open_buy", Access.RO, "Opened buy shares of slot_sel."),
        Register("read_open_sell", Access.RO, "Opened sell shares of slot_sel."),
        Register("read_limit", Access.RO, "Position limit of slot_sel."),
        Register("read_tokens", Access.RO, "Tokens in slot_sel's rate bucket."),
        Register("global_tokens", Access.RO, "Tokens in the card's rate bucket."),
        *word_pair("exposure", "Opened notional now", Access.RO),
        Register("suspended", Access.RO, "Slots suspended since a loss of sync, one bit "
                 "each (bit k: slot k)."),
        Register("cap_trade_slots", Access.RO, "Capacity: slots with risk state.",
                 reset=params.trade_slots, constant=True),
        *counters(_COUNTERS),
    ]
    assert len(Reason) <= 32
    return Block(name="risk", type_id=RISK_TYPE_ID, version=1,
                 doc="Pre-trade risk checks (SEC 15c3-5): limits, kill switch, positions.",
                 registers=tuple(registers))
