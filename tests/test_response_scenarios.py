"""Random response flows: deterministic, cheap, covering, and ending where an independent
ledger (computed here from the frames' OUCH messages) says they must."""

from __future__ import annotations

from collections import Counter

import pytest

from hdl.response.layouts import LOSES_SYNC, Detail, OrderState, Outcome
from host.errors import DataError
from proto import ouch, soupbintcp
from proto.net_parse import parse_frame
from sim.order_session import Session
from sim.response_flow import random_flow, replay


def _messages(frame: bytes):
    """The OUCH messages of a frame, read with proto.net_parse/soupbintcp/ouch."""
    packets, _ = soupbintcp.split_stream(parse_frame(frame).payload)
    return [ouch.decode(p.data, inbound=False) for p in packets if p.type == "S"]


def _order_messages(payload: bytes) -> int:
    """A/E/C/J packets in a payload that proto.soupbintcp frames whole (any length)."""
    packets, _ = soupbintcp.split_stream(payload)
    return sum(p.type == "S" and p.data[:1] in (b"A", b"E", b"C", b"J") for p in packets)


def _ledger(steps, slots: int) -> dict:
    """The final ledger of a clean flow in closed form: pnl = sum(cash + position * mark)."""
    orders, remaining = {}, {}
    position, cash, mark = [0] * slots, [0] * slots, [0] * slots
    closed = {False: [0] * slots, True: [0] * slots}
    released = 0
    for step in steps:
        if step[0] == "sent":
            ref, slot, sell, price, shares = step[1:]
            orders[ref], remaining[ref] = (slot, sell, price), shares
        if step[0] != "frame":
            continue
        for m in _messages(step[1]):
            if m.layout.code not in "ECJ":
                continue
            ref = m.fields["user_ref_num"]
            slot, sell, price = orders[ref]
            q = remaining[ref] if m.layout.code == "J" else m.fields["quantity"]
            if m.layout.code == "E":
                px = m.fields["price"]
                position[slot] += -q if sell else q
                cash[slot] += q * px if sell else -q * px
                mark[slot] = px
            remaining[ref] -= q
            closed[sell][slot] += q
            released += q * price
    return {"position": position, "cash": cash, "mark": mark, "closed_buy": closed[False],
            "closed_sell": closed[True], "released": released % (1 << 64),
            "pnl": sum(c + p * k for c, p, k in zip(cash, position, mark, strict=True)),
            "position_value": sum(abs(p) * k for p, k in zip(position, mark, strict=True))}


def test_a_flow_depends_on_its_seed_alone():
    assert random_flow(3, orders=150, impair=0.4) == random_flow(3, orders=150, impair=0.4)
    assert random_flow(3, orders=150) != random_flow(4, orders=150)


@pytest.mark.parametrize("seed, table_size", [(0, 1024), (1, 8), (2, 2)])
def test_a_clean_flow_applies_every_frame_and_ends_at_the_closed_form_ledger(seed, table_size):
    steps = random_flow(seed, orders=400, slots=6, table_size=table_size)
    model, results = replay(steps, slots=6, table_size=table_size)
    assert {r.outcome for r in results} == {Outcome.APPLIED}
    refs = [s[1] for s in steps if s[0] == "sent"]
    assert refs == list(range(Session().user_ref, Session().user_ref + 400))
    assert all(e.state == OrderState.DEAD for e in model.orders if e.state != OrderState.FREE)
    want = _ledger(steps, 6)
    assert [s.position for s in model.slots] == want["position"]
    assert [s.cash for s in model.slots] == want["cash"]
    assert [s.mark for s in model.slots] == want["mark"]
    assert [s.closed_buy for s in model.slots] == want["closed_buy"]
    assert [s.closed_sell for s in model.slots] == want["closed_sell"]
    assert (model.card.pnl, model.card.position_value, model.card.released) == (
        want["pnl"], want["position_value"], want["released"])


def test_impaired_flows_cover_every_outcome_and_detail_and_end_as_the_clean_flow():
    outcomes, details = Counter(), Counter()
    for seed in range(3):
        clean, _ = replay(random_flow(seed, orders=300, table_size=16), table_size=16)
        steps = random_flow(seed, orders=300, table_size=16, impair=0.35)
        model, results = replay(steps, table_size=16)
        assert (model.orders, model.slots, model.card) == (clean.orders, clean.slots,
                                                           clean.card)
        assert not model.out_of_sync and steps[-1][0] != "sent"
        outcomes.update(r.outcome for r in results)
        details.update(r.detail for r in results)
        frames = iter(results)
        lost = False
        for step in steps:              # a resync comes between losing sync and applying
            if step[0] == "resync":
                lost = False
            elif step[0] == "frame":
                result = next(frames)
                assert not (lost and result.outcome == Outcome.APPLIED)
                lost = lost or result.outcome in LOSES_SYNC
    assert set(outcomes) == set(Outcome)
    assert set(details) == set(Detail) - {Detail.TOO_MANY}


def test_segments_carry_at_most_100_order_messages():
    steps = random_flow(5, orders=800, max_payload=20_000, impair=0.1)
    counts = [_order_messages(p) for p in map(_session_payload, steps) if p]
    assert max(counts) <= 100 and max(counts) > 40


def _session_payload(step) -> bytes:
    """The TCP payload of a frame step whose headers and SoupBinTCP framing hold."""
    if step[0] != "frame" or step[2]:
        return b""
    try:
        p = parse_frame(step[1])
        soupbintcp.split_stream(p.payload)
    except DataError:
        return b""
    return p.payload if p.tcp is not None and p.checksums_ok else b""


def test_positions_and_pnl_go_both_ways():
    _, results = replay(random_flow(11, orders=600, slots=4))
    positions = [r["position"] for res in results for r in res.responses]
    pnls = [r["pnl"] for res in results for r in res.responses]
    assert min(positions) < 0 < max(positions) and min(pnls) < 0 < max(pnls)
    kinds = Counter(r["kind"].name for res in results for r in res.responses)
    assert set(kinds) == {"ACCEPTED", "EXECUTED", "CANCELED", "REJECTED"}
    assert max(len(res.responses) for res in results) > 1


def test_the_stream_wraps_at_2_32():
    steps = random_flow(2, orders=100, first_seq=(1 << 32) - 200)
    _, results = replay(steps)
    seqs = [r.seq for r in results]
    assert {r.outcome for r in results} == {Outcome.APPLIED}
    assert any(b < a for a, b in zip(seqs, seqs[1:], strict=False))


def test_ten_thousand_impaired_responses_replay_through_the_model():
    # How fast the model runs is a figure for bench/responses.py, not a test.
    steps = random_flow(8, orders=3600, impair=0.05)
    _, results = replay(steps)
    assert sum(len(r.responses) for r in results) >= 10_000
