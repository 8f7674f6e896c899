"""What the book builder must emit, from the reference book; and its records in one shape.

:class:`ExpectedUpdates` replays events through :class:`sim.book.Books` one at a time and
says, after each event of a subscribed stock, which update record the contract asks for:
the stock's top levels of both sides (price, shares, order count, best first, empty levels
all zero) and its ``halted`` flag. It follows the contract's subscription rules (a slot
learns its locate from the first R message with its ticker) and its frame verdicts: a
withdrawn frame's events are undone (books, learned locates, halted flags).

Records from the gateware (amaranth.sim views, or the Verilator harness's numpy columns)
and from the expectation are both turned into :class:`Update` tuples, so a mismatch prints
field by field.

:func:`simulate` drives a :class:`BookBuilder` in amaranth.sim one :class:`Step` per cycle
(the ``regs`` port is the bank's side of the ``book`` block, so the testbench sets its
members; commands are one-cycle W1S pulses) and records every output with its cycle: an
input set in step ``t`` is on the ports in cycle ``t``, and outputs are sampled in the same
cycle, so an event in step ``t`` has its record at ``t + LATENCY``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from amaranth.sim import Simulator

from hdl.book.builder import BookBuilder
from hdl.book.layouts import BookParams
from hdl.book.regs import COUNTER_NAMES, book_block
from sim.book import Books
from sim.book_regs import ticker_words

__all__ = ["Update", "ExpectedUpdates", "update_from_view", "updates_from_columns",
           "fold_set_index", "event_payload", "Step", "Run", "simulate",
           "numbered", "frame_steps", "event_steps", "input_cycles"]


class Update(NamedTuple):
    """One book-update record; ``bids``/``asks`` are ``top`` ``(price, shares, orders)``."""

    slot: int
    locate: int
    type: str
    channel: int
    sequence: int
    invalid: int
    halted: int
    bids: tuple
    asks: tuple


def _padded(levels, top: int) -> tuple:
    rows = [(lv.price, lv.shares, lv.orders) for lv in levels[:top]]
    return tuple(rows + [(0, 0, 0)] * (top - len(rows)))


class ExpectedUpdates:
    """The reference's view of a book builder with ``tickers`` subscribed.

    Parameters
    ----------
    tickers : dict of int to str
        Slot -> ticker, as subscribed by the host before the first event.
    top : int
        Levels per side in a record.
    """

    def __init__(self, tickers: dict[int, str], top: int):
        self.top = top
        self.slot_of_ticker = {t.encode(): slot for slot, t in tickers.items()}
        self.books = Books()
        self.slot_of_locate: dict[int, int] = {}
        self.halted: set[int] = set()
        self.invalid: set[int] = set()
        self.rolled_back = 0             # book changes undone by withdrawn frames
        self._frame_changes = 0
        self._before_frame = None

    def apply(self, event: np.ndarray, channel: int = 0, sequence: int = 0) -> Update | None:
        """Replay one event (a length-1 ``EVENT_DTYPE`` array); its record, or None."""
        if self._before_frame is None:
            self._before_frame = copy.deepcopy(
                (self.books, self.slot_of_locate, self.halted, self.invalid))
        row = event[0]
        kind, locate = chr(row["type"]), int(row["locate"])
        if kind == "R":
            slot = self.slot_of_ticker.get(bytes(row["stock"]))
            if slot is not None and slot not in self.slot_of_locate.values():
                self.slot_of_locate[locate] = slot
        slot = self.slot_of_locate.get(locate)
        if slot is None:
            # Discarded, as the gateware does: the books (and their counts) only ever see
            # the subscribed stocks, so ``books.stats`` is what the builder should count.
            return None
        unknown = self.books.stats.unknown_refs
        self.books.apply(event)
        if kind in "AFECXDU" and self.books.stats.unknown_refs == unknown:
            self._frame_changes += 1
        if kind == "H":
            (self.halted.add if row["side"] != ord("T") else self.halted.discard)(slot)
        top = self.books.top(locate, self.top)
        return Update(slot, locate, kind, channel, sequence, int(slot in self.invalid),
                      int(slot in self.halted), _padded(top["bids"], self.top),
                      _padded(top["asks"], self.top))

    def live_orders(self) -> int:
        """Orders resting in the books of subscribed stocks."""
        return len(self.books)

    def frame_end(self, commit: bool) -> None:
        """A frame's verdict: keep its events, or undo them."""
        if not commit and self._before_frame is not None:
            self.books, self.slot_of_locate, self.halted, self.invalid = self._before_frame
            self.rolled_back += self._frame_changes
        self._before_frame = None
        self._frame_changes = 0

    def run(self, events: np.ndarray, channels=None, sequences=None) -> list[Update]:
        """Records for ``events`` (all committed); channel 0 and sequence 0 by default."""
        out = []
        for i in range(len(events)):
            record = self.apply(events[i:i + 1], 0 if channels is None else int(channels[i]),
                                0 if sequences is None else int(sequences[i]))
            if record is not None:
                out.append(record)
        self.frame_end(True)
        return out


def update_from_view(record: dict) -> Update:
    """An :class:`Update` from a record read in amaranth.sim (``ctx.get`` of the payload)."""
    def side(levels):
        return tuple((lv.price, lv.shares, lv.orders) for lv in levels)

    return Update(record.slot, record.locate, chr(record.type), record.channel,
                  record.sequence, record.invalid, record.halted, side(record.bids),
                  side(record.asks))


def updates_from_columns(columns: dict[str, np.ndarray]) -> list[Update]:
    """:class:`Update` rows from numpy columns: scalar fields, and ``bid_price`` ... arrays
    of shape ``(rows, top)`` (``bid_``/``ask_`` + ``price``/``shares``/``orders``)."""
    def side(prefix, i):
        return tuple(zip(*(columns[f"{prefix}_{name}"][i].tolist()
                           for name in ("price", "shares", "orders")), strict=True))

    return [Update(int(columns["slot"][i]), int(columns["locate"][i]),
                   chr(int(columns["type"][i])), int(columns["channel"][i]),
                   int(columns["sequence"][i]), int(columns["invalid"][i]),
                   int(columns["halted"][i]), side("bid", i), side("ask", i))
            for i in range(len(columns["slot"]))]


def fold_set_index(ref: int, sets_log2: int) -> int:
    """The order-table set of ``ref``: its ``sets_log2``-bit chunks XORed, as
    :func:`hdl.book.orders.set_index` computes it."""
    folded, mask = 0, (1 << sets_log2) - 1
    while ref:
        folded ^= ref & mask
        ref >>= sets_log2
    return folded


def event_payload(row, channel: int = 0, sequence: int = 0) -> dict[str, int]:
    """Field values of an ``EVENT_LAYOUT`` payload for one ``EVENT_DTYPE`` row, as the feed
    handler would emit it (``stock`` space padded, first character least significant)."""
    out = {name: int(row[name]) for name in row.dtype.names if name != "stock"}
    out["stock"] = int.from_bytes(bytes(row["stock"]).ljust(8), "little")
    return out | {"feed": 0, "channel": channel, "sequence": sequence}


# --- driving a BookBuilder in amaranth.sim ----------------------------------------------

@dataclass
class Step:
    """What the testbench puts on the ports in one cycle."""

    event: dict | None = None       # EVENT_LAYOUT field values
    end: bool | None = None         # a frame_end with this commit bit
    command: str | None = None      # a W1S command on slot `slot`
    slot: int = 0


@dataclass
class Run:
    """What :func:`simulate` saw."""

    outputs: list                   # (cycle, Update) and (cycle, ("end", commit)), in order
    counters: dict
    invalid: int
    halted: int

    @property
    def updates(self):
        return [(c, u) for c, u in self.outputs if isinstance(u, Update)]

    @property
    def ends(self):
        return [(c, u[1]) for c, u in self.outputs if not isinstance(u, Update)]


def command_bits(params: BookParams, name: str) -> int:
    """The ``command`` register bit of a command, from the register declaration."""
    command = next(r for r in book_block(params).registers if r.name == "command")
    return 1 << command.field(name).offset


def simulate(params: BookParams, steps: list[Step], tickers: dict[int, str],
             tail: int = 64) -> Run:
    """Subscribe ``tickers`` ({slot: ticker}), then play ``steps`` and ``tail`` idle cycles
    on a :class:`BookBuilder`; every output record with its cycle, then the counters."""
    dut = BookBuilder(params)
    outputs, result = [], {}

    async def bench(ctx):
        for slot, ticker in tickers.items():
            for register, word in zip(("sub_ticker_0", "sub_ticker_1"), ticker_words(ticker),
                                      strict=True):
                ctx.set(getattr(dut.regs, register), word)
            ctx.set(dut.regs.sub_slot, slot)
            ctx.set(dut.regs.command.as_value(), command_bits(params, "subscribe"))
            await ctx.tick()
            ctx.set(dut.regs.command.as_value(), 0)
            for _ in range(20):
                await ctx.tick()
            assert not ctx.get(dut.regs.slot_status).busy
        for cycle, step in enumerate(steps + [Step()] * tail):
            ctx.set(dut.events.valid, step.event is not None)
            if step.event is not None:
                ctx.set(dut.events.payload, step.event)
            ctx.set(dut.frame_end.valid, step.end is not None)
            ctx.set(dut.frame_end.payload.commit, bool(step.end))
            ctx.set(dut.regs.sub_slot, step.slot)
            ctx.set(dut.regs.command.as_value(),
                    command_bits(params, step.command) if step.command else 0)
            if ctx.get(dut.updates.valid):
                outputs.append((cycle, update_from_view(ctx.get(dut.updates.payload))))
            if ctx.get(dut.update_end.valid):
                outputs.append((cycle, ("end", ctx.get(dut.update_end.payload.commit))))
            await ctx.tick()
        result["counters"] = {name: ctx.get(getattr(dut.regs, name)) for name in COUNTER_NAMES}
        result["invalid"], result["halted"] = ctx.get(dut.invalid), ctx.get(dut.halted)

    sim = Simulator(dut)
    sim.add_clock(1e-8)
    sim.add_testbench(bench)
    sim.run()
    return Run(outputs, **result)


def numbered(events, indices) -> list[tuple]:
    """``(event, channel, sequence)`` for ``events[i]``: sequence i + 1, channel i % 8."""
    return [(events[i:i + 1], i % 8, i + 1) for i in indices]


def frame_steps(rows: list[tuple], commit: bool = True, spacing: int = 2) -> list[Step]:
    """The events of ``rows`` (see :func:`numbered`) one every ``spacing`` (>= 2) cycles,
    their frame_end in the cycle after the last one.

    The frame_end takes the input stage in the cycle in which a book event may not follow
    the previous one, so the next frame's first event still comes ``spacing`` cycles after
    the last one: a frame boundary costs the builder nothing.
    """
    steps = []
    for event, channel, sequence in rows:
        steps.append(Step(event=event_payload(event[0], channel, sequence)))
        steps += [Step() for _ in range(spacing - 1)]
    steps[-1].end = commit
    return steps


def event_steps(events, spacing: int = 2, frames: list[int] | None = None) -> list[Step]:
    """Every event in committed frames of lengths ``frames`` (default: one frame)."""
    steps, first = [], 0
    for length in frames or [len(events)]:
        steps += frame_steps(numbered(events, range(first, first + length)), True, spacing)
        first += length
    return steps


def input_cycles(steps: list[Step]) -> list[int]:
    return [cycle for cycle, step in enumerate(steps) if step.event is not None]
