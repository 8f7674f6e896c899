"""The strategy and risk configuration: a TOML file, validated whole before anything loads.

:func:`load_config` returns a complete :class:`CardConfig` or raises
:class:`host.errors.ConfigError` listing every problem, one per line, each naming the file,
the TOML path of the entry (``stock[2].take.buy_limit``) and what is wrong. Nothing is
returned half-checked, so a bad file never reaches the card half-applied.

Units. Prices and dollar amounts are strings (``"580.00"``, exact) or numbers, in dollars,
and must be whole numbers of 1/10,000 dollar; the card holds them as integers in that unit
(``"580.00"`` is 5,800,000). Notional amounts (``max_notional``, ``gross_limit``,
``loss_limit``) become price units x shares. Times are numbers of microseconds, converted
to cycles at ``[card].clock_mhz`` by the rules of :mod:`host.config_time` (nearest cycle;
refill periods to the nearest power of two, so the default 1000 us becomes 2**17 cycles,
839 us, at 156.25 MHz); :meth:`CardConfig.conversion_report` lists what each became.
Integers and prices must fit the register they go into (the ``risk`` and ``strategy``
register declarations give the widths: 32 bits unless marked 64). Exit code 2
(``EXIT_USAGE``) for every problem of the file, 4 (``EXIT_NOT_FOUND``) from
:func:`check_symbols`.

Schema. Unknown sections and keys are errors, with the closest known name suggested. In
``[card]``, ``[risk]``, ``[order]`` and ``[exchange]`` every key is optional and the value
shown is its default (the risk defaults are deliberately tight). In ``[[stock]]`` and
``[[pair]]`` the values are examples; keys are required unless a default is given::

    [card]
    clock_mhz = 156.25          # core clock, MHz (> 0): microseconds -> cycles

    [risk]
    enable = true               # false: every order is rejected
    max_shares = 100            # largest order, shares
    max_notional = "10000.00"   # largest order, dollars (64-bit)
    collar_bps = 50             # furthest an order may be through the midpoint: basis
    # collar = "0.05"           #   points of it, or dollars; one of the two, not both
    gross_limit = "100000.00"   # largest gross exposure after an order, dollars (64-bit)
    loss_limit = "1000.00"      # daily realised loss that trips the kill switch (64-bit)
    position_limit = 100        # shares, for every stock that does not set its own
    stock_burst = 2             # orders per stock in a burst (rate bucket tokens)
    stock_refill_us = 1000      # one token back per stock every so long (> 0)
    global_burst = 4            # orders of the whole card in a burst (a pair takes two)
    global_refill_us = 100      # one token back to the card's bucket every so long (> 0)
    dup_window_us = 1000        # same stock, side and price within this: rejected (0: off)

    [[stock]]                   # trading slot = place in this list, at most trade_slots (16)
    symbol = "AAPL"             # 1-8 printable ASCII characters, no spaces; unique
    position_limit = 10000      # |position + open orders| after an order, shares
                                #   (default: [risk].position_limit)
    position = 0                # shares held at the start of the session, signed (default 0)
    take = { buy_limit = "580.00", sell_limit = "590.00", max_shares = 100, cooldown_us = 5 }
    # take (optional; no take: the stock trades only in pairs) has the keys
    #   enable       default true
    #   buy_limit    buy when the best offer is at or below it; default "0": never buy
    #   sell_limit   sell when the best bid is at or above it; default "0": never sell;
    #                with both set, buy_limit must be below sell_limit
    #   max_shares   >= 1: an order takes the touched size, capped at this
    #   cooldown_us  default 100: no trigger on the stock this long after one (0: none)

    [[stock]]                   # slot 1
    symbol = "MSFT"

    [[pair]]                    # at most the card's pairs entries (4)
    a = "AAPL"                  # a [[stock]] symbol: the leg of qty shares
    b = "MSFT"                  # another [[stock]] symbol: the hedge, ratio x qty shares
    ratio = 2                   # B shares per A share, 1 .. 65535 (default 1)
    band_lo = "-0.50"           # dollars, signed, on the doubled spread
    band_hi = "0.50"            #   (bid_a + ask_a) - ratio * (bid_b + ask_b): below band_lo
                                #   buy A and sell B, above band_hi the opposite; lo <= hi
    qty = 100                   # >= 1: shares of the A leg
    enable = true               # default true

    [order]                     # the OUCH account fields of every order
    firm = "TKFG"               # Firm appendage, exactly 4 characters
    clordid_prefix = "TKFG00"   # first 6 characters of every ClOrdID, exactly 6

    [exchange]                  # the replay's exchange simulator
    round_trip_us = 20          # card -> exchange -> card (> 0)

:func:`check_symbols` is the one check that needs the day: every stock must be in its
stock directory.
"""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from hdl.strategy.layouts import SIM_TRADE, TradeParams
from host.config_sections import Reader
from host.config_time import Converted
from host.config_values import closest
from host.errors import EXIT_NOT_FOUND, ConfigError
from sim.verilated_card import TradeConfig

__all__ = ["CardConfig", "load_config", "parse_config", "check_symbols"]


@dataclass(frozen=True)
class CardConfig:
    """A validated configuration. ``trade`` and ``tickers`` are fresh copies on every read,
    so nothing a caller does to them changes this object."""

    source: str
    symbols: tuple[str, ...]                 # slot -> symbol
    clock_mhz: float
    round_trip_us: float
    round_trip_cycles: int
    conversions: tuple[Converted, ...]       # every microsecond value, as the card has it
    _trade: TradeConfig = field(repr=False)

    @property
    def trade(self) -> TradeConfig:
        return copy.deepcopy(self._trade)

    @property
    def tickers(self) -> dict[int, str]:
        return dict(enumerate(self.symbols))

    def conversion_report(self) -> list[str]:
        """One line per converted time: asked, cycles, effective (refills are powers of 2)."""
        return [str(c) for c in self.conversions]


def parse_config(text: str, source: str = "<string>", params: TradeParams = SIM_TRADE
                 ) -> CardConfig:
    """Validate the TOML ``text`` (named ``source`` in messages) for a card with ``params``.

    Raises
    ------
    host.errors.ConfigError
        Not TOML (with the line and column), or every problem of its content at once.
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(source, [("", _toml_message(err))]) from None
    reader = Reader(doc, params)
    reader.card()
    limits, position_limit = reader.risk()
    symbols, takes, slots, where = reader.stocks(position_limit)
    pairs = reader.pairs(where)
    session = reader.session()
    round_trip = reader.round_trip()
    if reader.problems:
        raise ConfigError(source, reader.problems.items)
    trade = TradeConfig(takes=takes, pairs=pairs, limits=limits, slots=slots, session=session,
                        params=params)
    return CardConfig(source, tuple(symbols), float(reader.clock), float(round_trip.asked_us),
                      round_trip.cycles, tuple(reader.conversions), trade)


def load_config(path: Path | str, params: TradeParams = SIM_TRADE) -> CardConfig:
    """Read and validate the configuration file ``path`` (see the module docstring)."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ConfigError(str(path), [("", "no such file")]) from None
    except OSError as err:
        raise ConfigError(str(path), [("", f"cannot read it: {err.strerror}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ConfigError(str(path), [("", f"not UTF-8 text (byte offset {err.start}); TOML "
                                       "files are UTF-8")]) from None
    return parse_config(text, str(path), params)


def check_symbols(config: CardConfig, symbols) -> None:
    """Every stock of ``config`` must be among ``symbols`` (the day's stock directory).

    Raises
    ------
    host.errors.ConfigError
        Naming each missing stock's ``stock[i].symbol``; exit code ``EXIT_NOT_FOUND``.
    """
    known = sorted(set(symbols))
    problems = [(f"stock[{slot}].symbol", f"{symbol!r} is not in the day's stock directory; "
                 f"{closest(symbol, known)}")
                for slot, symbol in enumerate(config.symbols) if symbol not in known]
    if problems:
        raise ConfigError(config.source, problems, EXIT_NOT_FOUND)


_TOML_AT = re.compile(r"\s*\(at (line \d+, column \d+|end of document)\)$")


def _toml_message(err: tomllib.TOMLDecodeError) -> str:
    """tomllib's message with its position first: ``line 3, column 7: not TOML: ...``."""
    text = str(err)
    found = _TOML_AT.search(text)
    if not found:
        return f"not valid TOML: {text}"
    return f"{found.group(1)}: not valid TOML: {text[:found.start()]}"
