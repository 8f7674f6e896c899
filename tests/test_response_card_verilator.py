"""Exchange responses reaching the risk checks: the Verilated trading path with its response
path (``TradeInjectTop``), exact cycles.

Orders come from the strategy's take trigger on injected book records; the exchange's
responses are injected on the order-entry receive port. A record in every cycle around a
response makes the risk gate decide a group in every cycle, so the first decision that sees
the response is found exactly: the response's last byte on the receive bus in cycle t, the
risk checks see the new state in t + ``ResponsePath.LATENCY`` (4).
"""

from __future__ import annotations

import numpy as np
import pytest
import trade_inject_top
from trade_inject_top import INJECT_BOOK, inject_layout

from hdl.response.layouts import Outcome
from hdl.response.path import ResponsePath
from hdl.risk.reasons import Reason
from hdl.strategy.layouts import SIM_TRADE
from sim import response_frames as rf
from sim import response_impairments as ri
from sim.harness_ports import flat_layout, harness_ports
from sim.order_session import Session, session_writes
from sim.risk_model import RiskLimits, SlotRisk
from sim.strategy_model import TakeConfig
from sim.trade_model import DECISION_DELAY
from sim.trade_regs import to_ops, trade_writes
from sim.verilated_harness import payload_rows, run_harness

pytestmark = pytest.mark.slow

SESSION = Session()
PRICE = 100_000                    # $10.00
SYMBOL = b"TEST    "
_LANES = 8


@pytest.fixture(scope="module")
def harness():
    return trade_inject_top.build()


def _limits(**overrides) -> RiskLimits:
    values = dict(enable=True, max_shares=1_000, max_notional=10**12, collar=10_000,
                  gross_limit=10**15, stock_burst=10_000, stock_refill_log2=0,
                  global_burst=10_000, global_refill_log2=0, dup_window=0, loss_limit=10**12)
    values.update(overrides)
    return RiskLimits(**values)


def _run(harness, cycles, records, frames, *, limit, limits, reads=()):
    """``records``: rows with a buy-triggering book record of slot 0; ``frames``:
    ``{first row: frame bytes}`` on the order-entry port. Returns the outputs and the row
    of each frame's last beat."""
    exe, top = harness
    layout = flat_layout(inject_layout(INJECT_BOOK))
    cols = {name: np.zeros(cycles, np.uint64) for name, _ in layout}
    for row in records:
        for name, value in {"has_update": 1, "has_end": 1, "commit": 1, "update_slot": 0,
                            "update_bids_0_price": PRICE - 100, "update_bids_0_shares": 100,
                            "update_bids_0_orders": 1, "update_asks_0_price": PRICE,
                            "update_asks_0_shares": 100, "update_asks_0_orders": 1}.items():
            cols[name][row] = value
    last_beats = {}
    for start, data in frames.items():
        beats = -(-len(data) // _LANES)
        for b in range(beats):
            chunk = data[b * _LANES:(b + 1) * _LANES]
            row = start + b
            assert not cols["has_oe"][row], "frames overlap"
            cols["has_oe"][row] = 1
            cols["oe_data"][row] = int.from_bytes(chunk.ljust(_LANES, b"\0"), "little")
            cols["oe_keep"][row] = (1 << len(chunk)) - 1
            cols["oe_first"][row] = int(b == 0)
            cols["oe_last"][row] = int(b == beats - 1)
        last_beats[start] = start + beats - 1
    take = TakeConfig(enable=True, buy_limit=PRICE, max_shares=100, symbol=SYMBOL)
    writes = session_writes(SESSION) + trade_writes(SIM_TRADE, {0: take}, [], limits,
                                                    {0: SlotRisk(limit=limit)})
    ops = to_ops(top.register_map, writes, settle=20)
    valid = np.ones(cycles, np.uint32)
    rows = payload_rows(cols, flat_layout(inject_layout(INJECT_BOOK)), cycles, valid)
    addresses = [top.register_map.address(path) for path in reads]
    out = run_harness(exe, rows, ops=ops, reads=addresses, layouts=harness_ports(top).layouts,
                      drain=200)
    values = {path: out.readback[a][0] for path, a in zip(reads, addresses, strict=True)}
    return out, last_beats, values


def _reasons(out, records):
    """``{decision cycle: reasons of leg 0}`` (0: accepted) for the groups of ``records``:
    the take trigger fires on every one, decided ``DECISION_DELAY`` cycles later."""
    decided = {row + DECISION_DELAY: 0 for row in records}
    rejects = out.fields("rejects")
    for i, c in enumerate(out.record_cycles["rejects"]):
        assert int(c) in decided
        decided[int(c)] = int(rejects["reasons_0"][i])
    return decided


def _outcomes(out):
    return [Outcome(int(o)) for o in out.fields("segments")["outcome"]]


def test_loss_limit_trips_the_kill_switch_on_the_crossing_execution_4_cycles_after_it(harness):
    exchange = rf.ExchangeStream(SESSION, seq=0)
    ref = SESSION.user_ref
    frames = {
        100: exchange.segment(rf.accepted(ref, "B", 100, SYMBOL, PRICE)),
        200: exchange.segment(rf.executed(ref, 50, PRICE, 1)),            # P&L 0
        400: exchange.segment(rf.executed(ref, 50, PRICE - 1_000, 2)),    # P&L -50,000
    }
    # the first order (row 10), then a group in every cycle around each execution
    records = [10, *range(195, 230), *range(395, 430)]
    out, last, values = _run(harness, 600, records, frames, limit=10**6,
                             limits=_limits(loss_limit=40_000),
                             reads=["response.pnl_lo", "response.pnl_hi", "risk.status"])
    assert _outcomes(out) == [Outcome.APPLIED] * 3
    decided = _reasons(out, records)
    killed = sorted(c for c, reasons in decided.items() if reasons >> Reason.KILLED & 1)
    crossing = last[400]
    seen = crossing + ResponsePath.LATENCY
    assert killed == [c for c in sorted(decided) if c >= seen]
    assert seen - 1 in decided and seen in decided
    # the first execution (P&L 0) killed nothing: groups after it passed
    assert any(decided[c] == 0 for c in decided if last[200] < c < 300)
    pnl = values["response.pnl_lo"] | values["response.pnl_hi"] << 32
    assert pnl - (1 << 64) == -50 * 1_000
    assert values["risk.status"] & 0b1011 == 0b1011            # killed, breached, by loss


def test_a_cancel_frees_the_position_limit_4_cycles_after_its_last_byte(harness):
    exchange = rf.ExchangeStream(SESSION, seq=0)
    ref = SESSION.user_ref
    payload = rf.accepted(ref, "B", 100, SYMBOL, PRICE) + rf.canceled(ref, 100)
    frames = {200: exchange.segment(payload)}
    records = [10, *range(190, 240)]
    out, last, _ = _run(harness, 400, records, frames, limit=100, limits=_limits())
    assert _outcomes(out) == [Outcome.APPLIED]
    decided = _reasons(out, records)
    freed = last[200] + ResponsePath.LATENCY
    # every buy before is over the limit (100 open + 100 > 100); the one decided at
    # `freed` is accepted, and then the limit is reached again
    over = [c for c in sorted(decided) if c > 190 and decided[c] >> Reason.POSITION & 1]
    assert [c for c in sorted(decided) if c > 190 and decided[c] == 0] == [freed]
    assert over == [c for c in sorted(decided) if c > 190 and c != freed]
    assert len(out.fields("sent")["time"]) == 2


def test_out_of_order_and_corrupt_segments_reach_the_host_and_stop_the_stock(harness):
    """An applied accept, then a segment from ahead of the stream: from its verdict on,
    every leg is refused (``resync``), the stock with the open order is suspended, and a
    corrupted execution after it changes nothing. Every frame reaches the host on
    ``host_rx`` byte for byte."""
    exchange = rf.ExchangeStream(SESSION, seq=0)
    ref = SESSION.user_ref
    accept = exchange.segment(rf.accepted(ref, "B", 100, SYMBOL, PRICE))
    ahead = exchange.segment(rf.executed(ref, 10, PRICE, 1), seq=exchange.seq + 39)
    corrupt, _ = ri.corrupt_payload(exchange.segment(rf.executed(ref, 10, PRICE, 2)))
    frames = {100: accept, 200: ahead, 300: corrupt}
    records = [10, *range(195, 240)]
    out, last, values = _run(harness, 500, records, frames, limit=10**6, limits=_limits(),
                             reads=["risk.suspended", "response.status",
                                    "response.read_position", "response.rcv_next"])
    assert _outcomes(out) == [Outcome.APPLIED, Outcome.OUT_OF_ORDER, Outcome.CORRUPT]
    decided = _reasons(out, records)
    refused = [c for c in sorted(decided) if decided[c] >> Reason.RESYNC & 1]
    assert refused == [c for c in sorted(decided) if c >= last[200] + ResponsePath.LATENCY]
    assert values["risk.suspended"] == 0b1
    assert values["response.status"] & 1 == 1                       # out of sync
    assert values["response.read_position"] == 0                    # slot 0: no fill
    assert values["response.rcv_next"] == len(accept) - 54          # the accept only
    beats = out.fields("host_rx")
    data = b"".join(int(d).to_bytes(8, "little")[:bin(int(k)).count("1")]
                    for d, k in zip(beats["data"], beats["keep"], strict=True))
    assert data == accept + ahead + corrupt
    assert int(beats["last"].sum()) == 3


def test_a_full_order_table_refuses_orders_until_a_response_frees_an_entry(harness):
    """1,024 orders fill the table (none answered); every later leg is ``orders_full``
    until the first order's cancel frees its entry: then exactly one more is sent."""
    table = SIM_TRADE.order_table
    exchange = rf.ExchangeStream(SESSION, seq=0)
    ref = SESSION.user_ref
    cancel_at = 16_500
    frames = {cancel_at: exchange.segment(rf.accepted(ref, "B", 100, SYMBOL, PRICE) +
                                          rf.canceled(ref, 100))}
    records = list(range(10, cancel_at + 200))
    out, last, values = _run(harness, cancel_at + 400, records, frames, limit=10**9,
                             limits=_limits(), reads=["response.overflow"])
    sent = out.fields("sent")
    assert len(sent["user_ref_num"]) == table + 1
    assert list(sent["user_ref_num"]) == list(range(ref, ref + table + 1))
    decided = _reasons(out, records)
    full = [c for c in sorted(decided) if decided[c] >> Reason.ORDERS_FULL & 1]
    freed = last[cancel_at] + ResponsePath.LATENCY
    assert freed not in full and freed - 1 in full
    assert int(out.record_cycles["sent"][table]) > freed             # the one sent after
    assert values["response.overflow"] == 0
