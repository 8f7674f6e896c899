"""Microseconds in a configuration file to the card's cycles, and what each one became.

The card counts time in cycles of its core clock (``[card].clock_mhz``). Two rules:

- a duration register (cool-down, duplicate window, the replay's round trip) takes the
  nearest whole number of cycles (halves round up); a non-zero duration shorter than half
  a cycle would become 0, which switches the feature off, so it is an error instead;
- a rate bucket refills once every ``2 ** log2`` cycles (a 5-bit field), so the period is
  the power of two nearest to the asked one (a tie takes the longer, slower period). It may
  differ from the request by up to a third: every conversion is kept as a
  :class:`Converted` so the report shows the effective value, never silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from host.config_values import Problems

__all__ = ["Converted", "to_cycles", "to_refill_log2"]


@dataclass(frozen=True)
class Converted:
    """One duration as asked (``path`` = ``asked_us`` microseconds) and as the card has it."""

    path: str
    asked_us: Decimal
    cycles: int
    clock_mhz: Decimal
    log2: int | None = None          # set for a refill period (cycles = 2 ** log2)

    @property
    def effective_us(self) -> Decimal:
        return Decimal(self.cycles) / self.clock_mhz

    def __str__(self) -> str:
        cycles = f"{self.cycles:,} cycles"
        if self.log2 is not None:
            cycles = f"2**{self.log2} = {cycles}"
        return (f"{self.path} = {self.asked_us} us -> {cycles} = {float(self.effective_us):.6g} us "
                f"at {self.clock_mhz} MHz")


def _too_short(problems: Problems, path: str, us: Decimal, clock_mhz: Decimal, fix: str
               ) -> None:
    problems.add(path, f"{us} us is 0 cycles at {clock_mhz} MHz (one cycle is "
                 f"{Decimal(1000) / clock_mhz:.4g} ns); {fix}")


def to_cycles(problems: Problems, path: str, us: Decimal | None, clock_mhz: Decimal | None,
              bits: int = 32) -> Converted | None:
    """``us`` as the nearest whole number of cycles, for a ``bits``-wide register."""
    if us is None or clock_mhz is None:
        return None
    cycles = int((us * clock_mhz).to_integral_value(ROUND_HALF_UP))
    if us and not cycles:
        _too_short(problems, path, us, clock_mhz, "give 0 to switch it off, or a longer time")
        return None
    if cycles >> bits:
        longest = int(Decimal((1 << bits) - 1) / clock_mhz)
        problems.add(path, f"{us} us is {cycles:,} cycles at {clock_mhz} MHz; the register "
                     f"holds at most {(1 << bits) - 1:,} ({longest:,} us)")
        return None
    return Converted(path, us, cycles, clock_mhz)


def to_refill_log2(problems: Problems, path: str, us: Decimal | None,
                   clock_mhz: Decimal | None, bits: int) -> Converted | None:
    """``us`` as the nearest power-of-two period whose exponent fits ``bits`` bits."""
    if us is None or clock_mhz is None:
        return None
    exact = us * clock_mhz
    if exact < Decimal("0.5"):
        _too_short(problems, path, us, clock_mhz, "give a longer period")
        return None
    below = max(0, int(exact).bit_length() - 1)        # 2 ** below <= exact (or exact < 1)
    log2 = below if exact < Decimal(3 << below) / 2 else below + 1
    if log2 >> bits:
        longest = int(Decimal(1 << ((1 << bits) - 1)) / clock_mhz)
        problems.add(path, f"{us} us is longer than the longest refill period, "
                     f"2**{(1 << bits) - 1} cycles ({longest:,} us at {clock_mhz} MHz)")
        return None
    return Converted(path, us, 1 << log2, clock_mhz, log2)
