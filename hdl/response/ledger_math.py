"""Products as registered partial products, and sums of them with other terms.

A 32 x 32-bit product on ECP5 is four 18 x 18 multipliers and adders in the fabric; a
multiplier alone takes most of a 6.4 ns cycle from registers to registers. So the four 16 x
16 partial products are registered as they are, and added, in the next cycle, into
whatever sum the product is a term of (mod 2**64): one multi-operand sum instead of a
product, then a sum.
"""

from __future__ import annotations

from amaranth import Cat, Signal, signed

__all__ = ["Product", "carry_save_sum"]


class Product:
    """``a * b`` (``a`` 32 bits, signed or not; ``b`` 32 bits unsigned) computed from the
    operands' values in the current cycle, available from the next as :attr:`terms`:
    three 64-bit values whose sum is the product mod 2**64 (the low and high partial
    products side by side, the two middle ones shifted)."""

    def __init__(self, m, name: str, a, b):
        a_signed = a.shape().signed
        a_lo, a_hi = a[:16], a[16:32].as_signed() if a_signed else a[16:32]
        b_lo, b_hi = b[:16], b[16:32]
        lo_lo, lo_hi = Signal(32, name=f"{name}_ll"), Signal(32, name=f"{name}_lh")
        hi_shape = signed(33) if a_signed else 32
        hi_lo, hi_hi = Signal(hi_shape, name=f"{name}_hl"), Signal(hi_shape, name=f"{name}_hh")
        m.d.sync += [lo_lo.eq(a_lo * b_lo), lo_hi.eq(a_lo * b_hi), hi_lo.eq(a_hi * b_lo),
                     hi_hi.eq(a_hi * b_hi)]
        self.terms = [Signal(64, name=f"{name}_t{i}") for i in range(3)]
        m.d.comb += [self.terms[0].eq(Cat(lo_lo, hi_hi[:32])),
                     self.terms[1].eq(hi_lo << 16), self.terms[2].eq(lo_hi << 16)]

    def sum(self, *extra, flip=None):
        """The terms (each inverted if ``flip``: add 3 for their negation) plus ``extra``,
        mod 2**64."""
        terms = self.terms if flip is None else [t ^ flip.replicate(64) for t in self.terms]
        return carry_save_sum([*terms, *extra], 64)


def carry_save_sum(terms, width: int):
    """The sum of ``terms`` mod 2**width: 3:2 compressors (a LUT level each) down to two
    terms, then one adder, where a chain of adders would put a carry chain per term."""
    terms = [t[:width] if len(t) > width else t for t in terms]
    while len(terms) > 2:
        a, b, c, *rest = terms
        total = (a ^ b ^ c)[:width]
        carry = (((a & b) | (a & c) | (b & c)) << 1)[:width]
        terms = [*rest, total, carry]
    return (terms[0] + terms[1])[:width] if len(terms) == 2 else terms[0]
