"""The checks of one leg that need no state: its own fields against the limits.

Split from the stateful ones (:mod:`hdl.risk.gate`) because they hold the multipliers:
they run in the cycle the group arrives and are registered, so the cycle that decides
holds only adds and compares against the state it also updates.
"""

from __future__ import annotations

from amaranth import Cat, Module, Mux, Signal, signed
from amaranth.lib import data

from hdl.risk.reasons import REASON_BITS, Reason

__all__ = ["LEG_CHECKS_LAYOUT", "BPS", "check_leg"]

#: Basis points in one.
BPS = 10_000

LEG_CHECKS_LAYOUT = data.StructLayout({
    "reasons": REASON_BITS,      # the stateless reasons found
    "notional": 64,              # price x shares
})


def check_leg(m: Module, leg, regs, trade_slots: int, out) -> None:
    """Drive ``out`` (:data:`LEG_CHECKS_LAYOUT`) from ``leg`` and the ``risk`` registers.

    Collar: with ``mid2 = bid + ask`` (the doubled midpoint), a buy is ``2 * price - mid2``
    through it and a sell ``mid2 - 2 * price``; the leg fails if that exceeds
    ``2 * collar`` (price units) or, with ``collar_bps``, if ``through * 10_000`` exceeds
    ``collar * mid2``. A book without both sides has no midpoint: the leg fails.
    """
    notional = Signal(64)
    m.d.comb += notional.eq(leg.price * leg.shares)
    max_notional = Cat(regs.max_notional_lo, regs.max_notional_hi)
    mid2 = Signal(33)
    m.d.comb += mid2.eq(leg.bid + leg.ask)
    through = Signal(signed(35))
    m.d.comb += through.eq(Mux(leg.sell, mid2 - (leg.price << 1), (leg.price << 1) - mid2))
    collar = regs.collar
    beyond = Mux(regs.control.collar_bps,
                 through * BPS > collar * mid2,
                 through > (collar << 1))
    reasons = Signal(REASON_BITS)
    checks = {
        Reason.HALTED: leg.halted,
        Reason.INVALID_BOOK: leg.invalid,
        Reason.BAD_ORDER: (leg.shares == 0) | (leg.price == 0) | (leg.slot >= trade_slots),
        Reason.MAX_SHARES: leg.shares > regs.max_shares,
        Reason.MAX_NOTIONAL: notional > max_notional,
        Reason.COLLAR: ~(leg.has_bid & leg.has_ask) | beyond,
    }
    for reason, failed in checks.items():
        m.d.comb += reasons[reason].eq(failed)
    m.d.comb += [out.reasons.eq(reasons), out.notional.eq(notional)]
