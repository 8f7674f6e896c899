"""The segment parser alone in amaranth.sim, against the reference rules.

Every frame's judgement must be what :func:`sim.response_headers.judge_headers` (rules
1-6) and the sync state (rules 7-8) say, and its live payload lanes exactly the segment's
payload when the frame is ``APPLIED`` (the payload's content is the scan's business, so
``UNPARSEABLE`` segments are ``APPLIED`` here), none for a frame that is neither that nor
``CORRUPT`` (a corrupt frame's payload may be applied speculatively: it is rolled back).
Frames: every truncation of a tagged frame with IPv4 and TCP options, the header faults
and foreign traffic of :mod:`sim.response_impairments`, and a random impaired flow.
"""

from __future__ import annotations

import pytest
from amaranth.sim import Simulator

from hdl.response.layouts import Outcome
from hdl.response.segment import SegmentParser
from proto.net import ip_bytes
from sim import response_frames as rf
from sim import response_impairments as ri
from sim.order_session import Session
from sim.response_flow import random_flow
from sim.response_headers import judge_headers

SESSION = Session()
_LANES = 8


def _expected(data: bytes, error: bool, rcv_next: int, out_of_sync: bool):
    """(outcome, seq, length, payload or None)."""
    verdict = judge_headers(data, error, SESSION)
    if verdict.outcome is not None:
        return verdict.outcome, verdict.seq, verdict.length, None
    if out_of_sync:
        return Outcome.OUT_OF_SYNC, verdict.seq, verdict.length, None
    if verdict.seq != rcv_next:
        return Outcome.OUT_OF_ORDER, verdict.seq, verdict.length, None
    return Outcome.APPLIED, verdict.seq, verdict.length, verdict.payload


def _run(frames, fill):
    """``frames``: (data, mac_error, rcv_next, out_of_sync), streamed back to back, ``fill``
    in the lanes past a frame's end. Returns the judgements and, per frame, the payload
    beats seen (bytes, first, last)."""
    dut = SegmentParser()
    judged, payloads = [], [[] for _ in frames]

    def sample(ctx, frame):
        if ctx.get(dut.payload.valid):
            p = dut.payload.payload
            lanes, data = ctx.get(p.lanes), ctx.get(p.data)
            chunk = bytes((data >> 8 * i) & 0xFF for i in range(_LANES) if lanes >> i & 1)
            payloads[frame].append((chunk, ctx.get(p.first), ctx.get(p.last)))
        if ctx.get(dut.judged.valid):
            j = dut.judged.payload
            judged.append((Outcome(ctx.get(j.outcome)), ctx.get(j.seq), ctx.get(j.length)))

    async def bench(ctx):
        s = dut.session
        ctx.set(s.card_ip, int.from_bytes(ip_bytes(SESSION.src_ip), "big"))
        ctx.set(s.exchange_ip, int.from_bytes(ip_bytes(SESSION.dst_ip), "big"))
        ctx.set(s.card_port, SESSION.src_port)
        ctx.set(s.exchange_port, SESSION.dst_port)
        for index, (data, error, rcv_next, out_of_sync) in enumerate(frames):
            ctx.set(dut.rcv_next, rcv_next)
            ctx.set(dut.out_of_sync, out_of_sync)
            beats = [data[i:i + _LANES] for i in range(0, len(data), _LANES)]
            for b, beat in enumerate(beats):
                ctx.set(dut.rx.valid, 1)
                ctx.set(dut.rx.payload.data, int.from_bytes(beat.ljust(_LANES, fill),
                                                            "little"))
                ctx.set(dut.rx.payload.keep, (1 << len(beat)) - 1)
                ctx.set(dut.rx.payload.first, b == 0)
                ctx.set(dut.rx.payload.last, b == len(beats) - 1)
                ctx.set(dut.rx.payload.error, error and b == len(beats) - 1)
                sample(ctx, index)
                await ctx.tick()
        ctx.set(dut.rx.valid, 0)
        for _ in range(SegmentParser.JUDGED + 2):
            sample(ctx, len(frames) - 1)
            await ctx.tick()

    sim = Simulator(dut)
    sim.add_clock(1e-8)
    sim.add_testbench(bench)
    sim.run()
    return judged, payloads


def _check(frames, fill=b"\xa5"):
    judged, payloads = _run(frames, fill)
    assert len(judged) == len(frames)
    for index, (frame, got, beats) in enumerate(zip(frames, judged, payloads, strict=True)):
        outcome, seq, length, payload = _expected(*frame)
        assert got == (outcome, seq, length), f"frame {index} ({len(frame[0])} bytes)"
        if payload is not None:
            assert b"".join(chunk for chunk, _, _ in beats) == payload, f"frame {index}"
            assert [first for _, first, _ in beats] == [1] + [0] * (len(beats) - 1)
            assert [last for _, _, last in beats] == [0] * (len(beats) - 1) + [1]
        elif outcome is not Outcome.CORRUPT:
            assert beats == [], f"frame {index}: {outcome.name} sent payload"
    return judged


def test_every_truncation_of_a_tagged_frame_with_options_is_judged_by_the_rules():
    stream = rf.ExchangeStream(SESSION, 5_000)
    payload = rf.executed(7, 100, 123_400, 9) + rf.heartbeat() + rf.canceled(7, 1)
    whole = stream.segment(payload, vlan=12, options=rf.timestamp_option(1, 2),
                           ip_options=bytes(4))
    frames = [(whole[:n], False, 5_000, False) for n in range(1, len(whole) + 1)]
    judged = _check(frames)
    assert judged[-1][0] is Outcome.APPLIED
    assert {o for o, _, _ in judged} >= {Outcome.CORRUPT, Outcome.OTHER}


@pytest.mark.parametrize("vlan", [None, 3])
def test_header_faults_foreign_traffic_and_sync_state(vlan):
    stream = rf.ExchangeStream(SESSION, 0xFFFF_FFF0)
    good = stream.segment(rf.accepted(3, "B", 100, "AAPL", 10_000), vlan=vlan, advance=False)
    frames = [(good, False, 0xFFFF_FFF0, False), (good, False, 0xFFFF_FFF0, True),
              (good, False, 0xFFFF_FFF1, False), (good, True, 0xFFFF_FFF0, False),
              (ri.corrupt_ip_checksum(good)[0], False, 0xFFFF_FFF0, False),
              (ri.corrupt_payload(good, at=5)[0], False, 0xFFFF_FFF0, False),
              (ri.fragmented(good)[0], False, 0xFFFF_FFF0, False),
              (ri.fragmented(good, more=False, offset=3)[0], False, 0xFFFF_FFF0, False),
              (stream.segment(b"", vlan=vlan, advance=False), False, 0xFFFF_FFF0, False),
              (stream.segment(rf.heartbeat(), vlan=vlan, advance=False,
                              flags=rf.ACK | rf.FIN), False, 0xFFFF_FFF0, False),
              # an odd payload in a frame padded to the minimum: padding is not payload
              (stream.segment(b"\x00\x01H", vlan=vlan, advance=False), False, 0xFFFF_FFF0,
               False)]
    # cut short by zero bytes: the checksums still hold, the IPv4 total length does not
    zeros = stream.segment(rf.debug(b"truncated" + bytes(3)), vlan=vlan, advance=False)
    frames += [(ri.truncate(zeros, len(zeros) - cut)[0], False, 0xFFFF_FFF0, False)
               for cut in (0, 1, 2, 3)]
    frames += [(ri.malformed(good, fault)[0], False, 0xFFFF_FFF0, False)
               for fault in ri.MALFORMED]
    frames += [(ri.foreign(SESSION, kind)[0], False, 1, False) for kind in ri.FOREIGN]
    # zeros past the end, as a MAC leaves them: a cut in zero bytes keeps the checksums
    _check(frames, fill=b"\0")


def test_a_random_impaired_flow_is_judged_by_the_rules():
    state = {"rcv_next": 0, "out_of_sync": True}
    frames = []
    from sim.response_model import ResponseModel

    model = ResponseModel(SESSION)
    for step in random_flow(11, orders=40, impair=0.4):
        if step[0] == "resync":
            model.resync(step[1])
            state = {"rcv_next": model.rcv_next, "out_of_sync": False}
        elif step[0] == "sent":
            model.sent(*step[1:])
        else:
            frames.append((step[1], step[2], state["rcv_next"], state["out_of_sync"]))
            model.frame(step[1], step[2])
            state = {"rcv_next": model.rcv_next, "out_of_sync": model.out_of_sync}
    judged = _check(frames)
    assert len({o for o, _, _ in judged}) >= 6
