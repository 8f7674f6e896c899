"""The host's command stream (:class:`hdl.host_if.commands.CommandStream`) in amaranth.sim,
with the commands packed by the host's own encoder (:mod:`host.command_stream`).

Hand-computed cases: an order waits for the strategy and passes through field for field;
a cancel goes out only for an open order of the live window and only with the session the
card's; a mass cancel walks the open-order table and asks for exactly the busy entries'
UserRefNums, in table order, holding other commands back but not a kill; malformed beats
are counted and dropped; every command is counted once.
"""

from __future__ import annotations

import numpy as np
from amaranth.sim import Simulator

from hdl.host_if.commands import CommandStream
from host import command_stream as hc

TABLE = 16
SLOTS = 4


def _beat(command: bytes, keep_all: bool = True) -> tuple[int, int]:
    words = hc.h2c_beats(command)[0]
    data = int.from_bytes(np.ascontiguousarray(words[:16], "<u4").tobytes(), "little")
    keep = (1 << 64) - 1 if keep_all else (1 << 63) - 1
    return data, keep


def run(commands, *, busy=0, next_ref=1, session=True, cancel_ready=lambda cycle: True,
        order_ready=lambda cycle: True, cycles=80):
    """Offer ``commands`` (bytes, or (bytes, keep_all)) in order; returns what came out:
    ``orders``/``cancels`` as (cycle, fields), ``kills`` cycles, and the counters."""
    dut = CommandStream(SLOTS, TABLE)
    out = {"orders": [], "cancels": [], "kills": []}

    async def bench(ctx):
        ctx.set(dut.busy, busy)
        ctx.set(dut.next_ref, next_ref)
        ctx.set(dut.session_active, int(session))
        queue = [c if isinstance(c, tuple) else (c, True) for c in commands]
        for cycle in range(cycles):
            ctx.set(dut.cancel.ready, int(cancel_ready(cycle)))
            ctx.set(dut.host_order.ready, int(order_ready(cycle)))
            if queue:
                data, keep = _beat(*queue[0])
                ctx.set(dut.h2c.valid, 1)
                ctx.set(dut.h2c.payload.data, data)
                ctx.set(dut.h2c.payload.keep, keep)
            else:
                ctx.set(dut.h2c.valid, 0)
            if queue and ctx.get(dut.h2c.ready):
                queue.pop(0)
            if ctx.get(dut.host_order.valid) and ctx.get(dut.host_order.ready):
                p = dut.host_order.payload
                out["orders"].append((cycle, {n: ctx.get(getattr(p, n)) for n in
                                              ("slot", "sell", "price", "shares", "tag")}))
            if ctx.get(dut.cancel.valid) and ctx.get(dut.cancel.ready):
                p = dut.cancel.payload
                out["cancels"].append((cycle, {n: ctx.get(getattr(p, n)) for n in
                                               ("user_ref_num", "quantity", "tag")}))
            if ctx.get(dut.kill):
                out["kills"].append(cycle)
            await ctx.tick()
        out["counters"] = {n: ctx.get(getattr(dut.regs, n)) for n in
                           ("commands", "orders", "cancels", "mass_cancels", "kills",
                            "malformed", "cancel_not_open", "cancel_no_session")}

    sim = Simulator(dut)
    sim.add_clock(1e-8)
    sim.add_testbench(bench)
    sim.run()
    return out


def _counts(**nonzero):
    names = ("commands", "orders", "cancels", "mass_cancels", "kills", "malformed",
             "cancel_not_open", "cancel_no_session")
    return {name: nonzero.get(name, 0) for name in names}


def test_an_order_waits_for_the_strategy_and_passes_field_for_field():
    out = run([hc.order(3, True, 1_234_500, 700, tag=0xABCDEF0123)],
              order_ready=lambda cycle: cycle >= 10)
    [(cycle, fields)] = out["orders"]
    assert cycle == 10
    assert fields == {"slot": 3, "sell": 1, "price": 1_234_500, "shares": 700,
                      "tag": 0xABCDEF0123}
    assert out["counters"] == _counts(commands=1, orders=1)


def test_a_cancel_goes_out_only_for_an_open_order_with_the_session():
    busy = 1 << (21 % TABLE)                     # UserRefNum 21 is open (entry 5)
    out = run([hc.cancel(21, quantity=40, tag=7),       # open: goes
               hc.cancel(5, tag=8),                     # entry 5 busy, but 5 is not 21
               hc.cancel(22, tag=9),                    # not sent yet (next_ref 23 -> ok
                                                        # window) and entry 6 idle
               hc.cancel(40, tag=10)], busy=busy, next_ref=23)
    assert [f for _, f in out["cancels"]] == [{"user_ref_num": 21, "quantity": 40, "tag": 7}]
    assert out["counters"] == _counts(commands=4, cancels=1, cancel_not_open=3)
    out = run([hc.cancel(21, tag=7)], busy=busy, next_ref=23, session=False)
    assert out["cancels"] == []
    assert out["counters"] == _counts(commands=1, cancel_no_session=1)


def test_a_mass_cancel_asks_for_exactly_the_busy_entries_and_a_kill_passes_it():
    next_ref = 40                                # live window: UserRefNums 24 .. 39
    live = [25, 30, 31, 39]
    busy = sum(1 << (ref % TABLE) for ref in live)
    out = run([hc.mass_cancel(tag=3), hc.kill(tag=4), hc.order(0, False, 100, 1, tag=5)],
              busy=busy, next_ref=next_ref, cancel_ready=lambda cycle: cycle % 3 == 0)
    refs = [f["user_ref_num"] for _, f in out["cancels"]]
    assert sorted(refs) == live
    assert refs == sorted(live, key=lambda ref: ref % TABLE)         # table order
    assert {f["tag"] for _, f in out["cancels"]} == {3}
    assert all(f["quantity"] == 0 for _, f in out["cancels"])
    [kill] = out["kills"]
    [(order_cycle, _)] = out["orders"]
    assert kill < out["cancels"][-1][0] < order_cycle      # the kill did not wait; the order did
    assert out["counters"] == _counts(commands=3, orders=1, cancels=4, mass_cancels=1,
                                      kills=1)


def test_malformed_commands_are_counted_and_dropped():
    out = run([bytes([9]) + bytes(63),                       # no such kind
               (hc.kill(), False),                           # keep not all ones
               hc.order(SLOTS, False, 100, 1),               # no trading state there
               hc.order(1, False, 100, 1, tag=2)])
    assert out["kills"] == []
    assert [f["slot"] for _, f in out["orders"]] == [1]
    assert out["counters"] == _counts(commands=4, orders=1, malformed=3)
