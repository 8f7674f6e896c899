"""cocotb tests of the Verilated book builder (``BookInjectTop``) against the reference book.

Run through ``tests/test_book_cocotb.py``, which builds the model with small capacities and
passes in the environment: ``TICKFORGE_REGS_JSON`` (the design's regs.json),
``TICKFORGE_BOOK_LATENCY`` (``BookBuilder.LATENCY``) and ``TICKFORGE_BOOK_PARAMS`` (the
``BookParams`` as JSON).

Stocks are subscribed through the AXI4-Lite bus (cocotbext-axi), with every address and
field taken from regs.json. The ``inject`` stream carries the events of
:func:`sim.book_flow.random_flow` (kept inside the small order table by its
:class:`~sim.book_flow.OrderSets` guard) and frame verdicts, one beat a cycle as a schedule
says. Every ``updates`` record and ``update_end`` verdict is compared with
:class:`book_sim_helpers.ExpectedUpdates`, record cycles with the input cycles plus the
latency, and the counters read back over the bus with the reference's counts.

Each test needs a design fresh from the simulator's start: the builder's tables are
memories, which keep their contents across reset. The pytest side runs one test per
simulator run.
"""

from __future__ import annotations

import json
import os
import random
from itertools import chain

import cocotb
from amaranth.lib import data
from book_inject_top import INJECT_LAYOUT
from book_schedules import (
    END_COMMIT,
    END_WITHDRAW,
    IDLE,
    ZERO_COUNTERS,
    order_sets,
    paced_schedule,
    withdraw_schedule,
)
from book_sim_helpers import (
    ExpectedUpdates,
    Update,
    event_payload,
    update_from_view,
)
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, FallingEdge
from cocotbext.axi import AxiLiteBus, AxiLiteMaster, AxiResp

from hdl.book.layouts import BookParams, update_layout
from sim.book_flow import random_flow
from sim.book_regs import BookRegisters, ticker_words

TICKERS = {0: "AAPL", 1: "AMZN", 3: "MSFT"}
FLOW_TICKERS = ("AAPL", "AMZN", "MSFT", "NVDA", "QQQ")     # NVDA and QQQ: never subscribed
BOOK_CHANGING = "AFECXDU"
#: Register reads before a command that is still busy fails the test.
BUSY_POLLS = 50

_started = False


class TB:
    """Clock, reset, the AXI4-Lite master, and the ``inject``/``updates`` ports."""

    def __init__(self, dut):
        global _started
        if _started:
            raise RuntimeError("tb_book needs a fresh simulator per test (the builder's "
                               "memories survive reset): run one testcase per run, as "
                               "tests/test_book_cocotb.py does")
        _started = True
        self.dut = dut
        self.regs = BookRegisters(json.loads(open(os.environ["TICKFORGE_REGS_JSON"]).read()))
        self.latency = int(os.environ["TICKFORGE_BOOK_LATENCY"])
        self.params = BookParams(**json.loads(os.environ["TICKFORGE_BOOK_PARAMS"]))
        self.record_layout = update_layout(self.params)
        Clock(dut.clk, 10, unit="ns").start()
        self.axil = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst)

    async def start(self, tickers: dict[int, str]):
        """Reset, then subscribe ``{slot: ticker}`` through the bus."""
        self.dut.inject_valid.value = 0
        self.dut.rst.value = 1
        await ClockCycles(self.dut.clk, 4)
        self.dut.rst.value = 0
        await ClockCycles(self.dut.clk, 2)
        for slot, ticker in tickers.items():
            await self.write("sub_slot", slot)
            for index, word in enumerate(ticker_words(ticker)):
                await self.write(f"sub_ticker_{index}", word)
            await self.command("subscribe")
            status = await self.slot_status(slot)
            assert status["subscribed"] and not status["mapped"], (slot, status)

    # --- registers, by name from regs.json ------------------------------------------------

    async def write(self, name: str, value: int):
        result = await self.axil.write(self.regs.find(name)["address"],
                                       value.to_bytes(4, "little"))
        assert result.resp == AxiResp.OKAY, (name, result.resp)

    async def read(self, name: str) -> int:
        result = await self.axil.read(self.regs.find(name)["address"], 4)
        assert result.resp == AxiResp.OKAY, (name, result.resp)
        return int.from_bytes(result.data, "little")

    async def command(self, name: str):
        """Write one ``command`` bit, then poll ``slot_status`` until it is not busy."""
        await self.write("command", self.regs.field_mask("command", name))
        busy = self.regs.field_mask("slot_status", "busy")
        for _ in range(BUSY_POLLS):
            if not await self.read("slot_status") & busy:
                return
        raise AssertionError(f"command {name} still busy after {BUSY_POLLS} reads")

    async def slot_status(self, slot: int) -> dict[str, int]:
        """The fields of ``slot_status`` for ``slot``."""
        await self.write("sub_slot", slot)
        value = await self.read("slot_status")
        return {f["name"]: value >> f["offset"] & ((1 << f["width"]) - 1)
                for f in self.regs.find("slot_status")["fields"]}

    async def counters(self, names) -> dict[str, int]:
        return {name: await self.read(name) for name in names}

    # --- the streams ----------------------------------------------------------------------

    async def play(self, flow, schedule: list[int], drain: int = 64) -> list[tuple]:
        """Drive ``schedule`` (an event index, IDLE or END_* per cycle), then ``drain`` idle
        cycles; every output in order as ``(cycle, Update)`` or ``(cycle, ("end", commit))``,
        cycle 0 being the schedule's first entry.

        Inputs change and outputs are sampled on the falling edge: an input of cycle ``t``
        is taken by the rising edge that ends it, and a record seen in cycle ``t + n`` was
        registered ``n`` rising edges after its event was taken.
        """
        dut, outputs = self.dut, []
        beats = [self._beat(flow, entry) for entry in schedule]
        for cycle, beat in enumerate(chain(beats, [None] * drain)):
            await FallingEdge(dut.clk)
            if int(dut.updates_valid.value):
                record = data.Const(self.record_layout, int(dut.updates_payload.value))
                outputs.append((cycle, update_from_view(record)))
            if int(dut.update_end_valid.value):
                outputs.append((cycle, ("end", int(dut.update_end_payload.value))))
            dut.inject_valid.value = beat is not None
            if beat is not None:
                dut.inject_payload.value = beat
        return outputs

    @staticmethod
    def _beat(flow, entry: int) -> int | None:
        """The packed ``INJECT_LAYOUT`` beat of a schedule entry (None: idle). Event
        ``i`` carries channel ``i % 8`` and sequence ``i + 1``."""
        if entry == IDLE:
            return None
        if entry >= 0:
            beat = {"event": event_payload(flow.events[entry], entry % 8, entry + 1)}
        else:
            beat = {"end": 1, "commit": int(entry == END_COMMIT)}
        return INJECT_LAYOUT.const(beat).as_value().value


# --- what the reference says ----------------------------------------------------------------

def make_flow(params: BookParams, events: int, seed: int, deep: bool):
    """Few orders and prices (hazards), or books deeper than ``top`` (hidden levels)."""
    shape = dict(live_orders=40, price_levels=params.levels) if deep else \
        dict(live_orders=6, price_levels=6)
    return random_flow(events, seed=seed, tickers=FLOW_TICKERS, order_sets=order_sets(params),
                       **shape)


def expected_outputs(flow, schedule: list[int], top: int) -> tuple[list, ExpectedUpdates]:
    """``(input cycle, Update)`` and ``(input cycle, ("end", commit))`` in output order."""
    expect, items = ExpectedUpdates(TICKERS, top), []
    for cycle, entry in enumerate(schedule):
        if entry >= 0:
            record = expect.apply(flow.events[entry:entry + 1], entry % 8, entry + 1)
            if record is not None:
                items.append((cycle, record))
        elif entry != IDLE:
            expect.frame_end(entry == END_COMMIT)
            items.append((cycle, ("end", int(entry == END_COMMIT))))
    return items, expect


def assert_same(got: list, want: list):
    """Every output equal, in order; the first difference named field by field."""
    for index, (a, b) in enumerate(zip(got, want, strict=False)):
        if a != b:
            if isinstance(a, Update) and isinstance(b, Update):
                fields = {f: (getattr(a, f), getattr(b, f)) for f in Update._fields
                          if getattr(a, f) != getattr(b, f)}
                raise AssertionError(f"output {index} of {len(want)} ({b.type} seq "
                                     f"{b.sequence}): (got, want) {fields}")
            raise AssertionError(f"output {index} of {len(want)}: got {a}, want {b}")
    assert len(got) == len(want), f"{len(got)} outputs, want {len(want)}"


def record_cycles(items: list) -> list[int]:
    return [cycle for cycle, item in items if isinstance(item, Update)]


async def check_counters(tb: TB, expect: ExpectedUpdates, events: int, records: int):
    """The bus's counters after a flow with every frame committed."""
    stats = expect.books.stats
    got = await tb.counters(("events", "updates", "discarded", "unknown_refs",
                             "overexecutions", "crossed", "live_orders", *ZERO_COUNTERS))
    want = {"events": events, "updates": records, "discarded": events - records,
            "unknown_refs": stats.unknown_refs, "overexecutions": stats.overexecutions,
            "crossed": stats.crossed, "live_orders": expect.live_orders(),
            **dict.fromkeys(ZERO_COUNTERS, 0)}
    assert got == want


async def check_slots(tb: TB, flow, expect: ExpectedUpdates):
    """Every subscribed slot mapped to its ticker's locate, valid, halted as the reference."""
    for slot, ticker in TICKERS.items():
        status = await tb.slot_status(slot)
        assert status["mapped"] and status["locate"] == flow.locates[ticker], (slot, status)
        assert not status["invalid"] and not status["busy"], (slot, status)
        assert status["halted"] == int(slot in expect.halted), (slot, status)


# --- schedules -----------------------------------------------------------------------------

# --- the tests -----------------------------------------------------------------------------

@cocotb.test()
async def each_record_comes_latency_cycles_after_its_event(dut):
    """Events alone on an idle builder, each in its own committed frame."""
    tb = TB(dut)
    await tb.start(TICKERS)
    flow = make_flow(tb.params, 400, seed=41, deep=False)
    schedule = []
    for index in range(len(flow)):
        schedule += [index, END_COMMIT] + [IDLE] * 6
    got = await tb.play(flow, schedule)
    want, expect = expected_outputs(flow, schedule, tb.params.top)
    assert_same([item for _, item in got], [item for _, item in want])
    assert record_cycles(got) == [cycle + tb.latency for cycle in record_cycles(want)]
    types = {item.type for _, item in got if isinstance(item, Update)}
    assert set(BOOK_CHANGING) <= types, f"no record of {set(BOOK_CHANGING) - types}"
    await check_counters(tb, expect, len(flow), len(record_cycles(got)))
    await check_slots(tb, flow, expect)


@cocotb.test()
async def random_flow_one_event_every_two_cycles(dut):
    """The builder's full rate (one book event every 2 cycles): hazards on every event."""
    tb = TB(dut)
    await tb.start(TICKERS)
    flow = make_flow(tb.params, 3000, seed=42, deep=False)
    schedule = paced_schedule(len(flow), random.Random(42))
    got = await tb.play(flow, schedule)
    want, expect = expected_outputs(flow, schedule, tb.params.top)
    assert_same([item for _, item in got], [item for _, item in want])
    # At this rate no event waits: every record is still exactly LATENCY cycles late.
    assert record_cycles(got) == [cycle + tb.latency for cycle in record_cycles(want)]
    await check_counters(tb, expect, len(flow), len(record_cycles(got)))
    await check_slots(tb, flow, expect)


@cocotb.test()
async def withdrawn_frames_on_deep_books_roll_back(dut):
    """A third of the frames withdrawn, then sent again; books deeper than ``top``."""
    tb = TB(dut)
    await tb.start(TICKERS)
    flow = make_flow(tb.params, 1500, seed=43, deep=True)
    schedule = withdraw_schedule(len(flow), random.Random(43))
    got = await tb.play(flow, schedule)
    want, expect = expected_outputs(flow, schedule, tb.params.top)
    assert_same([item for _, item in got], [item for _, item in want])
    records = [item for _, item in want if isinstance(item, Update)]
    # the top was full, so levels beyond it had to come back up into it
    assert sum(record.bids[-1][2] > 0 for record in records) > 100
    events = sum(entry >= 0 for entry in schedule)
    withdrawn = schedule.count(END_WITHDRAW)
    got_counters = await tb.counters(("events", "updates", "withdrawn", "rolled_back",
                                      "live_orders", *ZERO_COUNTERS))
    assert got_counters == {"events": events, "updates": len(records), "withdrawn": withdrawn,
                            "rolled_back": expect.rolled_back,
                            "live_orders": expect.live_orders(),
                            **dict.fromkeys(ZERO_COUNTERS, 0)}
    assert withdrawn > 100 and expect.rolled_back > 100
    await check_slots(tb, flow, expect)
