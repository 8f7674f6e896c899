"""The response path in amaranth.sim: the host's loads and read-back, and a rollback.

Directed cases the random flows (``test_response_verilator``) do not reach: the windows
``load_slot``, ``load_card`` and ``load_order`` and the ``read_*`` registers, executions
on a loaded slot (its P&L and position value from the loaded position and mark, the
position wrapping at 32 bits both ways), and a segment rolled back after changing orders
(``status.restoring`` until the table is put back, ``resync`` ignored meanwhile).
"""

from __future__ import annotations

import pytest
from amaranth.sim import Simulator
from regs_sim import apply_writes

from hdl.response.layouts import OrderState, Outcome
from hdl.response.path import ResponsePath
from proto.net import ip_bytes
from sim import response_frames as rf
from sim import response_impairments as ri
from sim.order_session import Session
from sim.response_ledger import CardLedger, OrderEntry, SlotLedger, execute, wrap_signed
from sim.trade_regs import field_value

SESSION = Session()
SLOTS, TABLE = 4, 16


def _dut():
    return ResponsePath(SLOTS, TABLE)


def _command(dut, **bits):
    return ("response.command", field_value(dut.block, "command", **bits))


async def _session(ctx, dut):
    s = dut.session
    ctx.set(s.card_ip, int.from_bytes(ip_bytes(SESSION.src_ip), "big"))
    ctx.set(s.exchange_ip, int.from_bytes(ip_bytes(SESSION.dst_ip), "big"))
    ctx.set(s.card_port, SESSION.src_port)
    ctx.set(s.exchange_port, SESSION.dst_port)


async def _send(ctx, dut, ref, slot, sell, price, shares):
    sent = dut.sent.payload
    ctx.set(dut.sent.valid, 1)
    for name, value in (("user_ref_num", ref), ("slot", slot), ("sell", sell),
                        ("price", price), ("shares", shares)):
        ctx.set(getattr(sent, name), value)
    await ctx.tick()
    ctx.set(dut.sent.valid, 0)


async def _beats(ctx, dut, data, error=False):
    """Stream one frame's beats, back to back."""
    beats = [data[i:i + 8] for i in range(0, len(data), 8)]
    for i, beat in enumerate(beats):
        ctx.set(dut.rx.valid, 1)
        ctx.set(dut.rx.payload.data, int.from_bytes(beat.ljust(8, b"\0"), "little"))
        ctx.set(dut.rx.payload.keep, (1 << len(beat)) - 1)
        ctx.set(dut.rx.payload.first, i == 0)
        ctx.set(dut.rx.payload.last, i == len(beats) - 1)
        ctx.set(dut.rx.payload.error, error and i == len(beats) - 1)
        await ctx.tick()
    ctx.set(dut.rx.valid, 0)


async def _frame(ctx, dut, data, error=False):
    """Stream one frame; returns the segment record's outcome."""
    outcome = None
    await _beats(ctx, dut, data, error)
    for _ in range(6):
        if ctx.get(dut.segments.valid):
            outcome = Outcome(ctx.get(dut.segments.payload.outcome))
        await ctx.tick()
    return outcome


def _run(bench):
    dut = _dut()
    sim = Simulator(dut)
    sim.add_clock(1e-8)

    async def testbench(ctx):
        await bench(ctx, dut)

    sim.add_testbench(testbench)
    sim.run()


def test_host_loads_and_reads_back_the_ledger_and_an_order():
    seen = {}

    async def bench(ctx, dut):
        await _session(ctx, dut)
        await _send(ctx, dut, 5, 2, True, 123_400, 300)
        writes = [("response.slot_sel", 2), ("response.slot_position", (-700) & 0xFFFF_FFFF),
                  ("response.slot_cash_lo", 5_000), ("response.slot_cash_hi", 1),
                  ("response.slot_mark", 123_000), _command(dut, load_slot=1),
                  ("response.pnl_load_lo", (-42) & 0xFFFF_FFFF),
                  ("response.pnl_load_hi", 0xFFFF_FFFF),
                  ("response.position_value_load_lo", 86_100_000), _command(dut, load_card=1),
                  ("response.order_sel", 5), ("response.order_remaining_load", 120),
                  ("response.order_state_load", OrderState.LIVE), _command(dut, load_order=1)]
        for _ in apply_writes(ctx, dut.regs, dut.block, writes):
            await ctx.tick()
        for _ in range(4):      # an order's load is taken two cycles late
            await ctx.tick()
        r = dut.regs
        seen["slot"] = (ctx.get(r.read_position), ctx.get(r.read_cash_lo), ctx.get(r.read_cash_hi),
                        ctx.get(r.read_mark), ctx.get(r.read_closed_sell))
        seen["card"] = (ctx.get(r.pnl_lo), ctx.get(r.pnl_hi), ctx.get(r.position_value_lo),
                        ctx.get(r.released_lo))
        info = ctx.get(r.read_order_info)
        seen["order"] = (ctx.get(r.read_order_ref), info.slot, info.sell, info.state,
                         ctx.get(r.read_order_price), ctx.get(r.read_order_shares),
                         ctx.get(r.read_order_remaining))
        seen["busy"] = ctx.get(dut.busy)

    _run(bench)
    assert seen["slot"] == ((-700) & 0xFFFF_FFFF, 5_000, 1, 123_000, 0)
    assert seen["card"] == ((-42) & 0xFFFF_FFFF, 0xFFFF_FFFF, 86_100_000, 0)
    assert seen["order"] == (5, 2, 1, OrderState.LIVE, 123_400, 300, 120)
    assert seen["busy"] == 1 << 5


def test_a_rolled_back_segment_puts_the_orders_back_and_resync_waits_for_it():
    seen = {}

    async def bench(ctx, dut):
        await _session(ctx, dut)
        for _ in apply_writes(ctx, dut.regs, dut.block, [("response.rcv_next_load", 1_000),
                                                         _command(dut, resync=1)]):
            await ctx.tick()
        await _send(ctx, dut, 1, 0, False, 10_000, 100)
        await _send(ctx, dut, 2, 1, True, 20_000, 50)
        exchange = rf.ExchangeStream(SESSION, seq=1_000)
        seen["accept"] = await _frame(ctx, dut, exchange.segment(rf.accepted(1, "B", 100, "A",
                                                                             10_000)))
        payload = (rf.executed(1, 100, 10_000, 7) + rf.accepted(2, "S", 50, "B", 20_000) +
                   rf.executed(2, 20, 20_000, 8))
        # a match number byte of the last message: every message parses, the checksum fails
        bad, _ = ri.corrupt_payload(exchange.segment(payload), at=len(payload) - 5)
        outcome = None
        await _beats(ctx, dut, bad)
        restoring = []
        for cycle in range(12):
            if ctx.get(dut.segments.valid):
                outcome = Outcome(ctx.get(dut.segments.payload.outcome))
            restoring.append(ctx.get(dut.regs.status.restoring))
            if cycle == 4:       # a resync while the table is being put back: ignored
                ctx.set(dut.regs.rcv_next_load, 5)
                ctx.set(dut.regs.command.resync, 1)
            else:
                ctx.set(dut.regs.command.resync, 0)
            await ctx.tick()
        seen["corrupt"] = outcome
        seen["restoring"] = restoring
        seen["out_of_sync"] = ctx.get(dut.out_of_sync)
        states = []
        for index in (1, 2):
            ctx.set(dut.regs.order_sel, index)
            await ctx.tick()
            states.append((ctx.get(dut.regs.read_order_info).state,
                           ctx.get(dut.regs.read_order_remaining)))
        seen["orders"] = states
        seen["busy"] = ctx.get(dut.busy)
        ctx.set(dut.regs.slot_sel, 0)
        seen["position"] = ctx.get(dut.regs.read_position)

    _run(bench)
    assert seen["accept"] is Outcome.APPLIED
    assert seen["corrupt"] is Outcome.CORRUPT
    # three table changes to put back, one a cycle, from the cycle after the verdict
    assert seen["restoring"][4] == 1 and sum(seen["restoring"]) == 3
    assert seen["out_of_sync"] == 1
    assert seen["orders"] == [(OrderState.LIVE, 100), (OrderState.SENT, 50)]
    assert seen["busy"] == 0b110
    assert seen["position"] == 0


@pytest.mark.parametrize(("position", "sell", "fills"), [
    (-700, True, [(120, 123_500), (80, 2_000_000)]),
    ((1 << 31) - 50, False, [(30, 99_000), (100, 4_294_967_295)]),     # wraps to negative
    (-(1 << 31) + 10, True, [(100, 1), (5, 77_777)]),                  # wraps to positive
])
def test_executions_on_a_loaded_slot_follow_the_reference_ledger(position, sell, fills):
    """The loaded position and mark (and the card's P&L and position value) are where the
    P&L and position value of the next executions start from."""
    slot, mark, cash, pnl, value = 3, 123_000, -5_000_000_007, -42, 86_100_000
    price, shares = 100_000, sum(q for q, _ in fills)
    records, seen = [], {}
    dut = _dut()

    async def bench(ctx):
        await _session(ctx, dut)
        writes = [("response.slot_sel", slot), ("response.slot_position", position & 0xFFFF_FFFF),
                  ("response.slot_cash_lo", cash & 0xFFFF_FFFF),
                  ("response.slot_cash_hi", (cash >> 32) & 0xFFFF_FFFF),
                  ("response.slot_mark", mark), _command(dut, load_slot=1),
                  ("response.pnl_load_lo", pnl & 0xFFFF_FFFF),
                  ("response.pnl_load_hi", (pnl >> 32) & 0xFFFF_FFFF),
                  ("response.position_value_load_lo", value), _command(dut, load_card=1),
                  ("response.rcv_next_load", 1_000), _command(dut, resync=1)]
        for _ in apply_writes(ctx, dut.regs, dut.block, writes):
            await ctx.tick()
        await _send(ctx, dut, 9, slot, sell, price, shares)
        exchange = rf.ExchangeStream(SESSION, seq=1_000)
        payload = rf.accepted(9, "S" if sell else "B", shares, "A", price) + b"".join(
            rf.executed(9, q, px, 70 + i) for i, (q, px) in enumerate(fills))
        seen["outcome"] = await _frame(ctx, dut, exchange.segment(payload))
        r = dut.regs
        seen["card"] = tuple(ctx.get(getattr(r, f"{name}_lo")) |
                             ctx.get(getattr(r, f"{name}_hi")) << 32
                             for name in ("pnl", "position_value", "released"))

    async def monitor(ctx):
        # the responses leave while the frame's later beats stream in
        while True:
            await ctx.tick()
            if ctx.get(dut.responses.valid):
                r = dut.responses.payload
                records.append((ctx.get(r.position), ctx.get(r.pnl)))

    sim = Simulator(dut)
    sim.add_clock(1e-8)
    sim.add_testbench(bench)
    sim.add_testbench(monitor, background=True)
    sim.run()

    order = OrderEntry(9, slot, sell, price, shares, shares, OrderState.LIVE)
    ledger = SlotLedger(position=position, cash=cash, mark=mark)
    card = CardLedger(pnl=pnl, released=0, position_value=value)
    want = [(position, pnl)]                      # the accept changes neither
    for quantity, px in fills:
        order, ledger, card = execute(order, ledger, card, quantity, px)
        want.append((ledger.position, card.pnl))
    assert seen["outcome"] is Outcome.APPLIED
    assert [(wrap_signed(p, 32), wrap_signed(q, 64)) for p, q in records] == want
    assert seen["card"] == (card.pnl % (1 << 64), card.position_value, card.released)
