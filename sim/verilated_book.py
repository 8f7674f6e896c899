"""Run frames through the Verilated feed handler + book builder and collect committed book updates.

:class:`VerilatedBook` builds the card (``hdl.top.TickToTrade``, trading idle until
configured) once (``build/verilator/<name>/``,
reused while unchanged, see :mod:`sim.verilated_harness`). A run programs the feed handler
(:mod:`sim.feed_regs`), subscribes tickers to slots (:mod:`sim.book_regs`), streams the
frames' beats one per cycle and records only the builder's ``updates`` and ``update_end``
streams (a whole day of the feed's own events is not needed). The ``update_end`` verdicts
are applied: records of a withdrawn frame are dropped. The committed records come back as
numpy columns, each level field as a ``(rows, top)`` array, best level first:

``slot, locate, type, channel, sequence, invalid, halted`` (one value per record) and
``bid_price, bid_shares, bid_orders, ask_price, ask_shares, ask_orders``.

An empty level is all zeros (``orders == 0``).

Example
-------
>>> book = VerilatedBook()                                     # doctest: +SKIP
>>> result = book.run(frames, FeedConfig.for_feeds(DEFAULT_FEEDS[:1]), {0: "AAPL"})
>>> result.columns["bid_price"][-1]                            # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from amaranth import Shape

from hdl.book.layouts import SIM_PARAMS, BookParams, update_layout
from hdl.host_if.generate import to_dict
from sim.book_regs import BookRegisters
from sim.feed_bits import unpack_words
from sim.feed_model import FeedConfig
from sim.feed_regs import FeedRegisters
from sim.harness_ports import flat_layout, harness_ports, idle_inputs
from sim.verilate import ROOT
from sim.verilated_feed import rx_records
from sim.verilated_harness import build_harness, run_harness, source_key, verdicts

__all__ = ["BookResult", "VerilatedBook", "unpack_updates", "SIDES", "LEVEL_FIELDS"]

#: The feed handler's register blocks (the frame parser's and MoldUDP64's).
FEED_BLOCKS = ("system", "frame", "mold")
#: Records unpacked at a time: bounds the uint64 temporaries of a whole day.
UNPACK_CHUNK = 1 << 15
#: Idle cycles after the last beat: the builder's input buffer drains at one event every
#: 2 cycles, faster than the feed handler can deliver them, so little is left by then.
BOOK_DRAIN_CYCLES = 256
#: Update record side names -> column prefixes.
SIDES = {"bids": "bid", "asks": "ask"}
LEVEL_FIELDS = ("price", "shares", "orders")


def _dtype(width: int) -> np.dtype:
    return np.dtype(bool) if width == 1 else np.min_scalar_type((1 << width) - 1)


def unpack_updates(words: np.ndarray, params: BookParams) -> dict[str, np.ndarray]:
    """Columns of update records from their payload words (see the module docstring)."""
    flat = flat_layout(update_layout(params))
    widths = {name: Shape.cast(f.shape).width for name, f in flat}
    rows = len(words)
    columns = {name: np.zeros(rows, _dtype(width)) for name, width in widths.items()
               if not name.startswith(tuple(SIDES))}
    for prefix in SIDES.values():
        for level_field in LEVEL_FIELDS:
            width = widths[f"bids_0_{level_field}"]
            columns[f"{prefix}_{level_field}"] = np.zeros((rows, params.top), _dtype(width))
    for start in range(0, rows, UNPACK_CHUNK):
        part = slice(start, start + UNPACK_CHUNK)
        fields = unpack_words(words[part], flat)
        for name, values in fields.items():
            head = name.split("_")[0]
            if head in SIDES:
                _, level, level_field = name.split("_")
                columns[f"{SIDES[head]}_{level_field}"][part, int(level)] = values
            else:
                columns[name][part] = values
    return columns


@dataclass
class BookResult:
    """Committed book updates and the counters read back after the run.

    Attributes
    ----------
    columns : dict of str to numpy.ndarray
        Committed update records, in output order (see the module docstring).
    counters : dict of str to int
        The book block's counters (:data:`hdl.book.regs.COUNTER_NAMES`).
    feed_counters : dict of str to int
        The feed handler's counters (:data:`sim.feed_model.COUNTER_NAMES`).
    withdrawn : int
        Update records dropped by ``update_end`` verdicts with ``commit = 0``.
    pending : int
        Update records with no ``update_end`` after them (dropped; 0 on a healthy run).
    cycles : int
        Cycles the harness ran, reset and register traffic included.
    """

    columns: dict[str, np.ndarray]
    counters: dict[str, int]
    feed_counters: dict[str, int]
    withdrawn: int
    pending: int
    cycles: int

    def __len__(self) -> int:
        return len(self.columns["sequence"])


class VerilatedBook:
    """The Verilated card (feed handler + book builder, trading idle), ready to run frames
    with subscriptions.

    Parameters
    ----------
    params : BookParams
        Capacities of the book builder (default :data:`hdl.book.layouts.SIM_PARAMS`).
    name : str
        Build directory ``build/verilator/<name>``.
    top : component or factory, optional
        Default ``hdl.top.TickToTrade(params)``.
    """

    def __init__(self, params: BookParams = SIM_PARAMS, name: str = "card", top=None):
        design_key = None
        if top is None:
            from hdl.top import TickToTrade

            # The whole card: one model serves the book and the tick-to-trade tests (the
            # trading path idles until the host enables it).
            top = TickToTrade(params)
            # Generating the Verilog of the book builder takes minutes: reuse the model
            # while no source of the gateware (or the parameters) changed.
            design_key = source_key(ROOT / "hdl", ROOT / "proto", extra=repr(params))
        self.params = params
        self.exe, self.top = build_harness(top, name, design_key)
        self.ports = harness_ports(self.top)
        self.layouts = self.ports.layouts
        regs = to_dict(self.top.register_map)
        feed_only = {**regs, "blocks": [b for b in regs["blocks"]
                                        if b["name"] in FEED_BLOCKS]}
        self.feed_registers = FeedRegisters(feed_only)
        self.book_registers = BookRegisters(regs)

    def run(self, frames: Iterable, config: FeedConfig, tickers: dict[int, str], *,
            locates: dict[int, int] | None = None, idle: int = 0,
            drain: int = BOOK_DRAIN_CYCLES) -> BookResult:
        """Program ``config``, subscribe ``{slot: ticker}``, stream ``frames``; see above.

        ``locates`` (``{slot: locate}``) maps locates directly instead of learning them
        from the day's R messages: a stock's messages before its R are then followed too.
        """
        outputs = self.run_outputs(frames, config, tickers, locates=locates, idle=idle,
                                   drain=drain)
        return self.book_result(outputs)

    def run_outputs(self, frames: Iterable, config: FeedConfig, tickers: dict[int, str], *,
                    locates: dict[int, int] | None = None, idle: int = 0,
                    drain: int = BOOK_DRAIN_CYCLES, ops=(), extra_reads=(),
                    record=("updates", "update_end")):
        """:meth:`run`'s harness run, with more register operations after the
        subscriptions (``ops``), more registers read back and more streams recorded."""
        for slot in tickers:
            if not 0 <= slot < self.params.slots:
                raise ValueError(f"slot {slot} outside 0..{self.params.slots - 1}")
        feed_reads = self.feed_registers.counter_reads()
        return run_harness(
            self.exe, idle_inputs(rx_records(frames, idle=idle), self.ports),
            self.feed_registers.config_writes(config),
            [*feed_reads, *self.book_registers.counter_reads(), *extra_reads], drain,
            ops=[*self.book_registers.subscribe_ops(tickers, locates), *ops],
            layouts=self.layouts, record=record)

    def book_result(self, outputs) -> BookResult:
        """The committed updates and counters of a run's outputs."""
        keep, pending = verdicts(outputs, "updates", "update_end")
        total = len(outputs.record_cycles["updates"])
        feed_counters, _ = self.feed_registers.counters(outputs.readback)
        return BookResult(unpack_updates(outputs.words["updates"][keep], self.params),
                          self.book_registers.counters(outputs.readback), feed_counters,
                          total - len(keep) - pending, pending, outputs.cycles)
