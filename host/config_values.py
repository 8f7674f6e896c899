"""Reading TOML values into the integers registers hold, recording every problem, not the first.

A :class:`Section` is one TOML table at a path (``risk``, ``stock[2].take``). Creating it
reports its unknown keys (with the closest known key as a suggestion); its getters return
the converted value, or the default when the key is absent, or None after recording what
is wrong in :class:`Problems`. Nothing here raises for bad input, so one pass over a file
finds all of its mistakes.

The rules every getter applies:

- a key has exactly the TOML type its getter reads (``true`` is not an integer, ``100.0``
  and ``"100"`` are not integers); numbers are never NaN or infinite;
- an integer fits its register: ``0 .. 2**bits - 1``, or two's complement when signed;
- a price or dollar amount is a string (``"580.00"``, exact) or a number, and must be a
  whole number of 1/10,000 dollar, the unit of ITCH and OUCH prices; it is returned in
  those units.
"""

from __future__ import annotations

import difflib
import math
import string
from decimal import Decimal, InvalidOperation

__all__ = ["Problems", "Section", "closest", "describe", "dollars", "tables", "PRICE_SCALE"]

#: Price units per dollar (ITCH/OUCH prices carry 4 implied decimals).
PRICE_SCALE = 10_000
_MISSING = object()
_SYMBOL_CHARS = frozenset(string.ascii_letters + string.digits + string.punctuation)


class Problems:
    """Everything wrong with one configuration: ``(toml_path, what)`` in the order found."""

    def __init__(self):
        self.items: list[tuple[str, str]] = []

    def add(self, path: str, what: str) -> None:
        self.items.append((path, what))

    def __bool__(self) -> bool:
        return bool(self.items)


def describe(value) -> str:
    """``value``'s TOML type, for "expected X, got Y" messages."""
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    kinds = {int: "an integer", float: "a number", str: "a string", dict: "a table",
             list: "an array"}
    for kind, name in kinds.items():
        if isinstance(value, kind):
            shown = "" if kind in (dict, list) else f" ({value!r})"
            return name + shown
    return f"a date/time ({value})"


def dollars(units: int) -> str:
    """Price units as a dollar amount with all four decimals: ``5800000`` -> ``"580.0000"``."""
    return f"{Decimal(units) / PRICE_SCALE:,.4f}"


def _signed_dollars(units: int) -> str:
    return f"-${dollars(-units)}" if units < 0 else f"${dollars(units)}"


def _range(bits: int, signed: bool, low: int | None) -> tuple[int, int]:
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    return (lo if low is None else max(lo, low)), hi


def closest(name: str, known) -> str:
    """A hint for a name that is not ``known``: the closest one, or the short list."""
    known = list(known)
    match = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if match:
        return f"did you mean {match[0]!r}?"
    if not known:
        return "there are none"
    if len(known) > 12:
        return f"none of the {len(known):,} is close"
    return f"known: {', '.join(known)}"


def tables(problems: Problems, path: str, value, what: str) -> list[dict]:
    """An array of tables (``[[stock]]``); anything else is one problem and no tables."""
    if not isinstance(value, list):
        problems.add(path, f"expected an array of tables ({what}), got {describe(value)}")
        return []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            problems.add(f"{path}[{index}]", f"expected a table, got {describe(item)}")
    return value


class Section:
    """The TOML table ``raw`` at ``path``, whose only keys may be ``known``.

    A ``raw`` that is not a table is one problem and reads as empty, so the defaults apply
    and no further problem is reported about its keys.
    """

    def __init__(self, problems: Problems, path: str, raw, known):
        self.problems, self.path = problems, path
        if not isinstance(raw, dict):
            problems.add(path, f"expected a table, got {describe(raw)}")
            raw = {}
        self.raw = raw
        for key in raw:
            if key not in known:
                problems.add(self.at(key), f"unknown key; {closest(key, known)}")

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return key in self.raw

    def _value(self, key: str, default, kinds: tuple, expected: str):
        """The raw value of ``key`` if it has one of ``kinds``; the default if absent."""
        value = self.raw.get(key, _MISSING)
        if value is _MISSING:
            if default is _MISSING:
                self.problems.add(self.at(key), f"missing; expected {expected}")
            return None if default is _MISSING else default
        if isinstance(value, bool) != (bool in kinds) or not isinstance(value, kinds):
            self.problems.add(self.at(key), f"expected {expected}, got {describe(value)}")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.problems.add(self.at(key), f"expected {expected}, got {value}")
            return None
        return value

    def _fits(self, key: str, value: int, lo: int, hi: int, show=str) -> int | None:
        if lo <= value <= hi:
            return value
        if lo == 0 and value < 0:
            self.problems.add(self.at(key), f"must not be negative, got {show(value)}")
        else:
            self.problems.add(self.at(key), f"must be {show(lo)} to {show(hi)}, "
                              f"got {show(value)}")
        return None

    def boolean(self, key: str, default=_MISSING) -> bool | None:
        return self._value(key, default, (bool,), "true or false")

    def text(self, key: str, default=_MISSING) -> str | None:
        return self._value(key, default, (str,), "a string")

    def integer(self, key: str, default=_MISSING, *, bits: int = 32, signed: bool = False,
                low: int | None = None) -> int | None:
        """A whole number that fits a ``bits``-wide register (and is at least ``low``)."""
        value = self._value(key, default, (int,), "an integer")
        if value is None:
            return None
        return self._fits(key, value, *_range(bits, signed, low), show=lambda v: f"{v:,}")

    def price(self, key: str, default=_MISSING, *, bits: int = 32, signed: bool = False
              ) -> int | None:
        """A dollar amount in price units, whole and within a ``bits``-wide register."""
        value = self._value(key, default, (str, int, float), "a dollar amount (\"580.00\")")
        if value is None:
            return None
        try:
            amount = Decimal(value if isinstance(value, str) else repr(value))
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            self.problems.add(self.at(key), f"expected a dollar amount (\"580.00\"), got "
                              f"{describe(value)}")
            return None
        units = amount * PRICE_SCALE
        if units != units.to_integral_value():
            self.problems.add(self.at(key), f"{value} is not a whole number of 1/10,000 "
                              "dollar (prices have four decimals at most)")
            return None
        return self._fits(key, int(units), *_range(bits, signed, None), show=_signed_dollars)

    def number(self, key: str, default=_MISSING, *, unit: str = "a number",
               positive: bool = False) -> Decimal | None:
        """A non-negative (or positive) number, exact as written."""
        value = self._value(key, default, (int, float), unit)
        if value is None:
            return None
        if value < 0 or (positive and value == 0):
            need = "positive" if positive else "zero or more"
            self.problems.add(self.at(key), f"must be {need}, got {value}")
            return None
        return Decimal(repr(value))

    def symbol(self, key: str, length: int, default=_MISSING, *, exact: bool = False
               ) -> str | None:
        """1 to ``length`` (or exactly ``length``) printable ASCII characters, no spaces."""
        value = self.text(key, default)
        if value is None:
            return None
        if not value:
            self.problems.add(self.at(key), "is empty")
        elif not value.isascii():
            self.problems.add(self.at(key), f"{value!r} is not ASCII")
        elif not set(value) <= _SYMBOL_CHARS:
            self.problems.add(self.at(key), f"{value!r} has a space or control character "
                              "(the wire pads with spaces)")
        elif len(value) > length:
            self.problems.add(self.at(key), f"{value!r} is longer than {length} characters")
        elif exact and len(value) != length:
            self.problems.add(self.at(key), f"{value!r} must be exactly {length} characters")
        else:
            return value
        return None
