"""Register writes that configure the trading path, from the reference model's settings.

One function per kind of setting, each returning ``[("block.register", value), ...]`` in
the order the windows need (window registers first, then the ``command`` bit), so the same
lists drive the Verilator harness (:func:`to_ops`), the amaranth.sim tests and, later,
the host. Field positions come from the register declarations; no address or bit number
is typed here.
"""

from __future__ import annotations

from collections.abc import Iterable

from hdl.host_if.regs import RegisterMap
from hdl.response.regs import RESPONSE_COMMANDS, response_block
from hdl.risk.regs import RISK_COMMANDS, risk_block
from hdl.strategy.layouts import TradeParams
from hdl.strategy.regs import strategy_block
from sim.book_regs import ticker_words
from sim.risk_model import RiskLimits, SlotRisk
from sim.strategy_model import PairConfig, TakeConfig
from sim.verilated_harness import OP_IDLE, OP_WRITE

__all__ = ["Write", "field_value", "response_command", "resync_writes", "take_writes",
           "pair_writes", "strategy_enable",
           "risk_writes", "slot_risk_writes", "risk_command", "trade_writes",
           "to_ops"]

Write = tuple[str, int]
_U32 = (1 << 32) - 1


def field_value(block, register: str, **fields: int) -> int:
    """The word that sets ``fields`` of ``register`` in ``block`` (others 0)."""
    declared = next(r for r in block.registers if r.name == register)
    value = 0
    for name, field_value_ in fields.items():
        field = declared.field(name)
        if not 0 <= int(field_value_) < 1 << field.width:
            raise ValueError(f"{register}.{name} = {field_value_} does not fit {field.width} bits")
        value |= int(field_value_) << field.offset
    return value


def _lo_hi(name: str, value: int) -> list[Write]:
    value &= (1 << 64) - 1
    return [(f"{name}_lo", value & _U32), (f"{name}_hi", value >> 32)]


def _symbol_words(symbol: bytes) -> list[int]:
    return ticker_words(symbol.decode("ascii").rstrip() or " ")


def take_writes(params: TradeParams, slot: int, take: TakeConfig) -> list[Write]:
    block = strategy_block(params)
    words = _symbol_words(take.symbol)
    regs = [("slot_sel", slot), ("take_mode", field_value(block, "take_mode",
                                                          enable=take.enable)),
            ("take_buy_limit", take.buy_limit), ("take_sell_limit", take.sell_limit),
            ("take_max_shares", take.max_shares), ("cooldown", take.cooldown),
            ("symbol_0", words[0]), ("symbol_1", words[1]),
            ("command", field_value(block, "command", load_slot=1))]
    return [(f"strategy.{name}", value) for name, value in regs]


def pair_writes(params: TradeParams, index: int, pair: PairConfig) -> list[Write]:
    block = strategy_block(params)
    regs = [("pair_sel", index),
            ("pair_slots", field_value(block, "pair_slots", a=pair.a, b=pair.b,
                                       enable=pair.enable)),
            ("pair_ratio", pair.ratio), ("pair_band_lo", pair.band_lo & _U32),
            ("pair_band_hi", pair.band_hi & _U32), ("pair_qty", pair.qty),
            ("command", field_value(block, "command", load_pair=1))]
    return [(f"strategy.{name}", value) for name, value in regs]


def strategy_enable(params: TradeParams, enable: bool = True) -> list[Write]:
    return [("strategy.control", field_value(strategy_block(params), "control",
                                              enable=enable))]


def _refill(block, name: str, log2: int | None) -> Write:
    if log2 is None:
        return (name, 0)
    return (name, field_value(block, name, log2=log2, enable=1))


def risk_writes(params: TradeParams, limits: RiskLimits) -> list[Write]:
    """Every limit register, then ``command.refill`` (buckets start full)."""
    block = risk_block(params)
    regs = [
        ("control", field_value(block, "control", enable=limits.enable,
                                collar_bps=limits.collar_bps)),
        ("max_shares", limits.max_shares), *_lo_hi("max_notional", limits.max_notional),
        ("collar", limits.collar), *_lo_hi("gross_limit", limits.gross_limit),
        ("stock_burst", limits.stock_burst),
        _refill(block, "stock_refill", limits.stock_refill_log2),
        ("global_burst", limits.global_burst),
        _refill(block, "global_refill", limits.global_refill_log2),
        ("dup_window", limits.dup_window), *_lo_hi("loss_limit", limits.loss_limit),
    ]
    return [(f"risk.{name}", value) for name, value in regs] + risk_command(params, "refill")


def slot_risk_writes(params: TradeParams, slot: int, state: SlotRisk) -> list[Write]:
    """The slot's opened shares and limit (``risk``), and its position (``response``)."""
    regs = [("slot_sel", slot), ("slot_open_buy", state.open_buy),
            ("slot_open_sell", state.open_sell), ("slot_limit", state.limit)]
    ledger = [("slot_sel", slot), ("slot_position", state.position & _U32)]
    return [(f"risk.{name}", value) for name, value in regs] + \
        risk_command(params, "load_slot") + \
        [(f"response.{name}", value) for name, value in ledger] + \
        response_command(params, "load_slot")


def response_command(params: TradeParams, name: str) -> list[Write]:
    if name not in RESPONSE_COMMANDS:
        raise KeyError(f"no response command {name!r}; there are {list(RESPONSE_COMMANDS)}")
    return [("response.command",
             field_value(response_block(params.order_table), "command", **{name: 1}))]


def resync_writes(params: TradeParams, rcv_next: int = 0) -> list[Write]:
    """Start applying exchange responses from sequence number ``rcv_next``."""
    return [("response.rcv_next_load", rcv_next & _U32)] + response_command(params, "resync")


def risk_command(params: TradeParams, name: str) -> list[Write]:
    if name not in RISK_COMMANDS:
        raise KeyError(f"no risk command {name!r}; there are {list(RISK_COMMANDS)}")
    return [("risk.command", field_value(risk_block(params), "command", **{name: 1}))]


def trade_writes(params: TradeParams, takes: dict[int, TakeConfig], pairs: list[PairConfig],
                 limits: RiskLimits, slots: dict[int, SlotRisk]) -> list[Write]:
    """Triggers, limits and positions, then ``strategy.control.enable``."""
    out = []
    for slot, take in takes.items():
        out += take_writes(params, slot, take)
    for index, pair in enumerate(pairs):
        out += pair_writes(params, index, pair)
    out += risk_writes(params, limits)
    for slot, state in slots.items():
        out += slot_risk_writes(params, slot, state)
    return out + resync_writes(params) + strategy_enable(params)


def to_ops(register_map: RegisterMap, writes: Iterable[Write], settle: int = 2
           ) -> list[tuple[int, ...]]:
    """Harness operations for ``writes``, then ``settle`` idle cycles."""
    ops = [(OP_WRITE, register_map.address(path), value) for path, value in writes]
    return ops + [(OP_IDLE, settle)]
