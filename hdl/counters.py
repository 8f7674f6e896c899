"""Event counters behind read-only registers, the way every block counts."""

from __future__ import annotations

from amaranth import Module, Signal

__all__ = ["counter_bank"]


def counter_bank(m: Module, regs, names):
    """32-bit wrapping counters, one per name, each driving the RO register of that name
    in ``regs``; returns ``count(name, amount)``, which adds ``amount`` (a condition counts
    1) at the next edge."""
    counters = {name: Signal(32, name=f"count_{name}") for name in names}
    for name, counter in counters.items():
        m.d.comb += getattr(regs, name).eq(counter)

    def count(name, amount) -> None:
        m.d.sync += counters[name].eq(counters[name] + amount)

    return count
