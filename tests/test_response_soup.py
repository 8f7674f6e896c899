"""The SoupBinTCP/OUCH scan alone in amaranth.sim, against :mod:`sim.response_payload`.

Random payloads of every packet the card meets (heartbeats, debug packets of any length,
system events, the four order-changing messages with and without appendages), often
several to a beat, sometimes ending in a fault (each of
:data:`sim.response_impairments.BAD_PACKETS`, unknown types, wrong lengths, packets running
past the end), streamed from payload byte 0 at lane 2 or 6 as the parser delivers them.
Up to a segment's first fault, its order-changing messages must come out in order with
their fields, the cycle after the beat holding their last byte, with ``lookup_ref``
showing their UserRefNum in that beat; the first fault must be the reference's detail.
"""

from __future__ import annotations

import random

from amaranth.sim import Simulator

from hdl.response.layouts import Detail, Kind
from hdl.response.soup import SoupScan
from proto.ouch import FIRM_TAG
from sim import response_frames as rf
from sim import response_impairments as ri
from sim.response_payload import Unparseable, order_message, sequenced_messages

_LANES = 8
_PRICES = [1, 1_000_000, (1 << 32) - 1, 0, 1 << 32, -1]


def _good_packet(rng: random.Random) -> bytes:
    ref = rng.randrange(1 << 32)
    quantity = rng.choice([0, 1, 77, (1 << 32) - 1])
    appendage = [(FIRM_TAG, b"TKFG")] if rng.random() < 0.3 else b""
    return rng.choice([
        rf.heartbeat, rf.heartbeat,
        lambda: rf.debug(bytes(rng.randrange(256) for _ in range(rng.randrange(13)))),
        lambda: rf.system_event("S"),
        lambda: rf.accepted(ref, "B", 100, "X", 1_000_000, appendage=appendage),
        lambda: rf.executed(ref, quantity, rng.choice(_PRICES), rng.randrange(1 << 64),
                            appendage=appendage),
        lambda: rf.canceled(ref, quantity),
        lambda: rf.rejected(ref),
    ])()


def _fault(rng: random.Random) -> bytes:
    return rng.choice([
        lambda: rng.choice(list(ri.BAD_PACKETS.values())),
        lambda: ri.unknown_message(rng.randrange(1 << 20)),
        lambda: rf.sequenced(rng.choice(b"AECJS").to_bytes(1, "big") + bytes(rng.randrange(8))),
        lambda: ri.wrong_length(rng.choice([rf.canceled(1, 1), rf.rejected(1),
                                            rf.executed(1, 1, 5, 9), rf.system_event("E")]),
                                rng.choice([-3, -1, 1, 2])),
        lambda: ri.overrunning(rf.canceled(1, 1), rng.randint(1, 20)),
    ])()


def _payloads(seed: int, count: int) -> list[bytes]:
    rng = random.Random(seed)
    payloads = []
    for _ in range(count):
        payload = b"".join(_good_packet(rng) for _ in range(rng.randint(1, 12)))
        if rng.random() < 0.35:
            payload += _fault(rng)
            if rng.random() < 0.5:      # what follows a fault must not change the detail
                payload += rng.choice([_good_packet, _fault])(rng)
        payloads.append(payload)
    return payloads


def _reference(payload: bytes):
    """The order-changing messages before the first fault, and its Detail (or NONE)."""
    messages = []
    try:
        for raw in sequenced_messages(payload):
            message = order_message(raw)
            if message is not None:
                messages.append(message)
    except Unparseable as fault:
        return messages, fault.detail
    return messages, Detail.NONE


def _run(payloads, seed):
    """Each payload from lane 2 or 6, back to back; per payload the scan's events in
    order: ("message", fields, ref seen in its beat) and ("fault", detail)."""
    rng = random.Random(seed)
    dut = SoupScan()
    events = [[] for _ in payloads]
    owner, refs = {}, {}

    async def bench(ctx):
        cycle = 0
        beats = []
        for index, payload in enumerate(payloads):
            data = bytes(rng.choice([2, 6])) + payload
            count = -(-len(data) // _LANES)
            for b in range(count):
                chunk = data[b * _LANES:(b + 1) * _LANES]
                lanes = (1 << len(chunk)) - 1
                if b == 0:
                    lanes &= ~((1 << (len(data) - len(payload))) - 1)
                beats.append((index, chunk, lanes, b == 0, b == count - 1))
        for index, chunk, lanes, first, last in beats + [(None, b"", 0, 0, 0)] * 3:
            p = dut.payload
            ctx.set(p.valid, index is not None)
            if index is not None:
                ctx.set(p.payload.data, int.from_bytes(chunk.ljust(_LANES, b"\x5a"), "little"))
                ctx.set(p.payload.lanes, lanes)
                ctx.set(p.payload.first, first)
                ctx.set(p.payload.last, last)
                owner[cycle] = index
            refs[cycle] = ctx.get(dut.lookup_ref)
            if ctx.get(dut.messages.valid):
                msg = dut.messages.payload
                fields = {name: ctx.get(getattr(msg, name)) for name in
                          ("kind", "user_ref_num", "quantity", "price", "match_number",
                           "error", "price_bad")}
                events[owner[cycle - 1]].append(("message", fields, refs[cycle - 1]))
            if ctx.get(dut.faults.valid):
                events[owner[cycle - 2]].append(("fault", ctx.get(dut.faults.payload)))
            await ctx.tick()
            cycle += 1

    sim = Simulator(dut)
    sim.add_clock(1e-8)
    sim.add_testbench(bench)
    sim.run()
    return events


def _first_fault(events):
    """The scan's messages before its first fault, and that fault's Detail."""
    messages = []
    for event in events:
        if event[0] == "fault":
            return messages, event[1]
        if event[1]["error"] != Detail.NONE:
            return messages, event[1]["error"]
        messages.append(event)
    return messages, Detail.NONE


def test_random_payloads_match_the_reference():
    payloads = _payloads(3, 300)
    seen = _run(payloads, 4)
    details, kinds = set(), set()
    for index, (payload, events) in enumerate(zip(payloads, seen, strict=True)):
        want, detail = _reference(payload)
        got, got_detail = _first_fault(events)
        assert got_detail == detail, f"payload {index}: {payload.hex()}"
        assert len(got) == len(want), f"payload {index}"
        for (_, fields, ref), message in zip(got, want, strict=True):
            assert ref == message.user_ref_num
            # the fields a kind has (the others are not read)
            expected = {"kind": message.kind, "user_ref_num": message.user_ref_num,
                        "error": Detail.NONE, "price_bad": 0}
            if message.kind in (Kind.EXECUTED, Kind.CANCELED):
                expected["quantity"] = message.quantity
            if message.kind == Kind.EXECUTED:
                expected.update(price=message.price % (1 << 32),
                                price_bad=not 1 <= message.price < 1 << 32,
                                match_number=message.match_number)
            assert {k: fields[k] for k in expected} == expected, f"payload {index}"
            kinds.add(message.kind)
        details.add(detail)
    assert details == {Detail.NONE, Detail.BAD_PACKET, Detail.UNKNOWN_MESSAGE,
                       Detail.BAD_LENGTH}
    assert kinds == set(Kind)
