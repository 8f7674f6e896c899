"""Run market-data frames through the whole Verilated card, trading on, and collect everything.

:class:`VerilatedCard` uses the same model as :class:`sim.verilated_book.VerilatedBook`
(``hdl.top.TickToTrade``, built once into ``build/verilator/card``) and configures the
trading path too: the order-entry session (:class:`sim.order_session.Session`), take and
pairs triggers, risk limits and per-stock positions (:class:`TradeConfig`, from the
reference model's settings, through :mod:`sim.trade_regs`). A run records the book's
update records and verdicts, the risk gate's rejections, order entry's reports and the
transmit stream, and returns them as a :class:`CardResult`: the order frames as bytes,
each with the cycle of its first beat.

Cycles are the harness's (0 = the first rx beat); ``origin`` is the card's cycle counter in
that cycle, found from the first order frame (its report's ``time`` is the counter when its
first beat went out).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from hdl.strategy.layouts import SIM_TRADE, TradeParams
from sim.feed_model import FeedConfig
from sim.order_session import Session, session_writes
from sim.risk_model import RiskLimits, SlotRisk
from sim.strategy_model import PairConfig, TakeConfig
from sim.trade_frames import TxFrame, frames_from_beats
from sim.trade_regs import to_ops, trade_writes
from sim.verilated_book import BOOK_DRAIN_CYCLES, BookResult, VerilatedBook

__all__ = ["TradeConfig", "CardResult", "VerilatedCard", "CARD_STREAMS"]

#: The card's output streams a trading run records.
CARD_STREAMS = ("updates", "update_end", "rejects", "sent", "tx")


@dataclass
class TradeConfig:
    """Everything the host writes to trade: session, triggers, limits, positions."""

    takes: dict[int, TakeConfig] = field(default_factory=dict)
    pairs: list[PairConfig] = field(default_factory=list)
    limits: RiskLimits = field(default_factory=RiskLimits)
    slots: dict[int, SlotRisk] = field(default_factory=dict)
    session: Session = field(default_factory=Session)
    params: TradeParams = SIM_TRADE

    def writes(self) -> list[tuple[str, int]]:
        """Session first (it must settle), then triggers and limits, then enable."""
        return session_writes(self.session) + trade_writes(
            self.params, self.takes, self.pairs, self.limits, self.slots)


@dataclass
class CardResult:
    """What one trading run produced (see the module docstring)."""

    book: BookResult
    updates: dict[str, np.ndarray]          # every update record's fields, withdrawn too
    update_cycles: np.ndarray
    end_commits: np.ndarray
    end_cycles: np.ndarray
    rejects: dict[str, np.ndarray]
    reject_cycles: np.ndarray
    sent: dict[str, np.ndarray]
    sent_cycles: np.ndarray
    frames: list[TxFrame]
    origin: int | None

    @property
    def orders(self) -> int:
        """Frames that completed (not aborted)."""
        return sum(not f.error for f in self.frames)

    @property
    def aborted(self) -> int:
        return sum(f.error for f in self.frames)


class VerilatedCard:
    """The Verilated card, ready to trade frames."""

    def __init__(self):
        self.book = VerilatedBook()
        self.register_map = self.book.top.register_map

    def run(self, frames: Iterable, config: FeedConfig, tickers: dict[int, str],
            trade: TradeConfig, *, locates: dict[int, int] | None = None,
            drain: int = BOOK_DRAIN_CYCLES) -> CardResult:
        ops = to_ops(self.register_map, trade.writes(), settle=20)
        outputs = self.book.run_outputs(frames, config, tickers, locates=locates, drain=drain,
                                        ops=ops, record=CARD_STREAMS)
        frames_out = frames_from_beats(outputs.fields("tx"), outputs.record_cycles["tx"])
        sent = outputs.fields("sent")
        origin = None
        if frames_out:
            origin = int(sent["time"][0]) - frames_out[0].first_cycle
        return CardResult(
            self.book.book_result(outputs), outputs.fields("updates"),
            outputs.record_cycles["updates"], outputs.fields("update_end").get("commit",
                                                                              np.zeros(0)),
            outputs.record_cycles["update_end"], outputs.fields("rejects"),
            outputs.record_cycles["rejects"], sent, outputs.record_cycles["sent"], frames_out,
            origin)
