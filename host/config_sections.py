"""Each section of a configuration file, read into the settings the card holds.

:class:`Reader` makes one pass over a parsed TOML document (the schema and units are in
:mod:`host.config`): it reads every section in the order the conversions need (``[card]``
first, for the clock; ``[risk]`` before ``[[stock]]``, for the default position limit;
``[[stock]]`` before ``[[pair]]``, for the symbols' slots), records every problem, and
keeps each microsecond value it converted. Widths come from the ``risk`` and ``strategy``
register declarations, so a range check is never a number typed twice.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hdl.book.layouts import SHARES_BITS
from hdl.host_if.regs import DATA_WIDTH, Block
from hdl.risk.regs import risk_block
from hdl.strategy.layouts import SYMBOL_BITS, TradeParams
from hdl.strategy.regs import strategy_block
from host.config_time import Converted, to_cycles, to_refill_log2
from host.config_values import Problems, Section, closest, tables
from sim.order_session import Session
from sim.risk_model import RiskLimits, SlotRisk
from sim.strategy_model import PairConfig, TakeConfig

__all__ = ["Reader", "KEYS", "SECTIONS"]

#: Every section and the keys it may have (``stock.take`` is the inline take table).
KEYS = {
    "card": ("clock_mhz",),
    "risk": ("enable", "max_shares", "max_notional", "collar", "collar_bps", "gross_limit",
             "loss_limit", "position_limit", "stock_burst", "stock_refill_us", "global_burst",
             "global_refill_us", "dup_window_us"),
    "stock": ("symbol", "position_limit", "position", "take"),
    "stock.take": ("enable", "buy_limit", "sell_limit", "max_shares", "cooldown_us"),
    "pair": ("a", "b", "ratio", "band_lo", "band_hi", "qty", "enable"),
    "order": ("firm", "clordid_prefix"),
    "exchange": ("round_trip_us",),
}
SECTIONS = ("card", "risk", "stock", "pair", "order", "exchange")
_SYMBOL_LENGTH = SYMBOL_BITS // 8
_RATIO_BITS = 16                 # pair_ratio is declared 1..65535: the gateware keeps 16 bits
_SHARES_MAX = (1 << SHARES_BITS) - 1
_FIRM_LENGTH = DATA_WIDTH // 8   # the firm register: 4 ASCII bytes
_PREFIX_LENGTH = 6               # cl_ord_prefix_0 and the top half of cl_ord_prefix_1
_MICROS = "a number of microseconds"


def _bits(block: Block, name: str, field_name: str | None = None) -> int:
    """Width of a register (64 for a ``_lo``/``_hi`` pair) or of one of its fields."""
    registers = {r.name: r for r in block.registers}
    if f"{name}_lo" in registers and f"{name}_hi" in registers:
        return 2 * DATA_WIDTH
    return registers[name].field(field_name).width if field_name else DATA_WIDTH


def _misplaced(name: str) -> str:
    """What to say about a top-level name that is not a section."""
    homes = [section for section, keys in KEYS.items() if name in keys]
    if homes:
        where = " or ".join(f"[[{h}]]" if h in ("stock", "pair") else f"[{h}]" for h in homes)
        return f"not a section but a key of {where}: put it under that header"
    return f"unknown section; {closest(name, SECTIONS)}"


class Reader:
    """One pass over a parsed file, recording problems and the conversions it made."""

    def __init__(self, doc: dict, params: TradeParams):
        self.problems, self.doc, self.params = Problems(), doc, params
        self.risk_regs, self.strategy_regs = risk_block(params), strategy_block(params)
        self.conversions: list[Converted] = []
        self.clock: Decimal | None = None
        self.named: set[str] = set()         # every stock symbol string given, valid or not
        for name in doc:
            if name not in SECTIONS:
                self.problems.add(name, _misplaced(name))

    def section(self, name: str) -> Section:
        return Section(self.problems, name, self.doc.get(name, {}), KEYS[name])

    def _kept(self, done: Converted | None) -> Converted | None:
        if done:
            self.conversions.append(done)
        return done

    def duration(self, sec: Section, key: str, default, bits: int = DATA_WIDTH,
                 positive: bool = False) -> Converted | None:
        us = sec.number(key, default, unit=_MICROS, positive=positive)
        return self._kept(to_cycles(self.problems, sec.at(key), us, self.clock, bits))

    def cycles(self, sec: Section, key: str, default, bits: int) -> int | None:
        done = self.duration(sec, key, default, bits)
        return done and done.cycles

    def refill(self, sec: Section, key: str, default, register: str) -> int | None:
        us = sec.number(key, default, unit=_MICROS, positive=True)
        done = self._kept(to_refill_log2(self.problems, sec.at(key), us, self.clock,
                                         _bits(self.risk_regs, register, "log2")))
        return done and done.log2

    def card(self) -> None:
        card = self.section("card")
        self.clock = card.number("clock_mhz", 156.25, unit="a frequency in MHz", positive=True)

    def risk(self) -> tuple[RiskLimits, int | None]:
        """The limits, and the default position limit of the stocks."""
        sec = self.section("risk")
        regs = self.risk_regs
        collar_bits = _bits(regs, "collar")
        if sec.has("collar") and sec.has("collar_bps"):
            self.problems.add(sec.at("collar"), "given with risk.collar_bps too; give the "
                              "collar in dollars or in basis points, not both")
        in_bps = not sec.has("collar")
        collar = sec.integer("collar_bps", 50, bits=collar_bits) if in_bps else \
            sec.price("collar", bits=collar_bits)
        limits = RiskLimits(
            enable=sec.boolean("enable", True), collar_bps=in_bps,
            max_shares=sec.integer("max_shares", 100, bits=_bits(regs, "max_shares")),
            max_notional=sec.price("max_notional", "10000.00", bits=_bits(regs, "max_notional")),
            collar=collar,
            gross_limit=sec.price("gross_limit", "100000.00", bits=_bits(regs, "gross_limit")),
            stock_burst=sec.integer("stock_burst", 2, bits=_bits(regs, "stock_burst")),
            stock_refill_log2=self.refill(sec, "stock_refill_us", 1000, "stock_refill"),
            global_burst=sec.integer("global_burst", 4, bits=_bits(regs, "global_burst")),
            global_refill_log2=self.refill(sec, "global_refill_us", 100, "global_refill"),
            dup_window=self.cycles(sec, "dup_window_us", 1000, _bits(regs, "dup_window")),
            loss_limit=sec.price("loss_limit", "1000.00", bits=_bits(regs, "loss_limit")))
        return limits, sec.integer("position_limit", 100, bits=_bits(regs, "slot_limit"))

    def take(self, raw, path: str, symbol: bytes) -> TakeConfig:
        sec = Section(self.problems, path, raw, KEYS["stock.take"])
        regs = self.strategy_regs
        buy = sec.price("buy_limit", 0, bits=_bits(regs, "take_buy_limit"))
        sell = sec.price("sell_limit", 0, bits=_bits(regs, "take_sell_limit"))
        if buy and sell and buy >= sell:
            self.problems.add(sec.at("sell_limit"), f"must be above buy_limit ({raw['buy_limit']})"
                              ": otherwise the stock trades on every book update")
        return TakeConfig(
            enable=sec.boolean("enable", True), buy_limit=buy, sell_limit=sell,
            max_shares=sec.integer("max_shares", bits=_bits(regs, "take_max_shares"), low=1),
            cooldown=self.cycles(sec, "cooldown_us", 100, _bits(regs, "cooldown")),
            symbol=symbol)

    def stocks(self, default_limit: int | None):
        """Symbols, take triggers and per-stock risk by slot, and each symbol's slot."""
        entries = tables(self.problems, "stock", self.doc.get("stock", []), "[[stock]]")
        count = self.params.trade_slots
        if len(entries) > count:
            self.problems.add(f"stock[{count}]", f"{len(entries)} stocks, but the card has "
                              f"{count} trading slots (stock[0] to stock[{count - 1}])")
        symbols, takes, slots, where = [], {}, {}, {}
        for index, raw in enumerate(entries):
            if not isinstance(raw, dict):
                continue
            sec = Section(self.problems, f"stock[{index}]", raw, KEYS["stock"])
            symbol = sec.symbol("symbol", _SYMBOL_LENGTH)
            if isinstance(raw.get("symbol"), str):
                self.named.add(raw["symbol"])
            if symbol in where:
                self.problems.add(sec.at("symbol"), f"{symbol!r} is the symbol of "
                                  f"stock[{where[symbol]}] too; a stock has one slot")
            elif symbol:
                where[symbol] = index
            padded = (symbol or "").encode("ascii").ljust(_SYMBOL_LENGTH)
            takes[index] = self.take(raw["take"], sec.at("take"), padded) if "take" in raw \
                else TakeConfig(symbol=padded)
            slots[index] = SlotRisk(
                position=sec.integer("position", 0, signed=True),
                limit=sec.integer("position_limit", default_limit,
                                  bits=_bits(self.risk_regs, "slot_limit")))
            symbols.append(symbol)
        return symbols, takes, slots, where

    def member(self, sec: Section, key: str, where: dict[str, int]) -> int | None:
        """The slot of the stock a pair names."""
        symbol = sec.text(key)
        if symbol is None or symbol in self.named and symbol not in where:
            return None                 # wrong already: reported at the stock or the key
        if symbol not in where:
            self.problems.add(sec.at(key), f"{symbol!r} is not the symbol of any [[stock]]; "
                              f"{closest(symbol, list(where))}")
            return None
        return where[symbol] if where[symbol] < self.params.trade_slots else None

    def pairs(self, where: dict[str, int]) -> list[PairConfig]:
        entries = tables(self.problems, "pair", self.doc.get("pair", []), "[[pair]]")
        count, regs = self.params.pairs, self.strategy_regs
        if len(entries) > count:
            self.problems.add(f"pair[{count}]", f"{len(entries)} pairs, but the card has "
                              f"{count} pairs entries (pair[0] to pair[{count - 1}])")
        pairs = []
        for index, raw in enumerate(entries):
            if not isinstance(raw, dict):
                continue
            sec = Section(self.problems, f"pair[{index}]", raw, KEYS["pair"])
            a, b = self.member(sec, "a", where), self.member(sec, "b", where)
            if a is not None and a == b:
                self.problems.add(sec.at("b"), "is the same stock as a; a pair needs two")
            ratio = sec.integer("ratio", 1, bits=_RATIO_BITS, low=1)
            low = sec.price("band_lo", bits=_bits(regs, "pair_band_lo"), signed=True)
            high = sec.price("band_hi", bits=_bits(regs, "pair_band_hi"), signed=True)
            if low is not None and high is not None and low > high:
                self.problems.add(sec.at("band_lo"), f"{raw['band_lo']} is above band_hi "
                                  f"({raw['band_hi']})")
            qty = sec.integer("qty", bits=_bits(regs, "pair_qty"), low=1)
            if qty and ratio and qty * ratio > _SHARES_MAX:
                self.problems.add(sec.at("qty"), f"qty x ratio = {qty * ratio:,} hedge shares "
                                  f"is more than an order can carry ({_SHARES_MAX:,})")
            pairs.append(PairConfig(a, b, sec.boolean("enable", True), ratio, low, high, qty))
        return pairs

    def session(self) -> Session:
        sec, base = self.section("order"), Session()
        return replace(base,
                       firm=sec.symbol("firm", _FIRM_LENGTH, base.firm, exact=True),
                       prefix=sec.symbol("clordid_prefix", _PREFIX_LENGTH, base.prefix,
                                         exact=True))

    def round_trip(self) -> Converted | None:
        return self.duration(self.section("exchange"), "round_trip_us", 20, positive=True)
