"""MoldItch in amaranth.sim against an expectation written here from the contract.

Stimulus: MoldUDP64 payloads from ``proto.moldudp64``, ITCH bodies from ``proto.itch.encode``,
beats from ``hdl.feed.mold_beats``. Expected events come from ``proto.itch.decode`` of the
same bodies and the contract's rules (:func:`expect`, independent of the gateware).
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

import pytest
from amaranth.sim import Simulator

from hdl.feed.layouts import EVENT_LAYOUT
from hdl.feed.mold_beats import payload_beats
from hdl.feed.mold_itch import MoldItch
from hdl.feed.mold_regs import COUNTER_NAMES, type_counter_name
from proto import itch, moldudp64
from proto.itch_event import EVENT_SOURCES

COLUMNS = [name for name, _ in EVENT_LAYOUT]
SESSION = "SESSION01"
MAX32 = (1 << 32) - 1


@dataclass
class Frame:
    payload: bytes              # the bytes the frame holds
    feed: int = 0
    channel: int = 0
    start_lane: int = 2
    good: bool = True
    length: int | None = None   # declared UDP payload length (default: len(payload))
    reject_beat: int | None = None
    idle_after: int = 0
    empty_last: bool = False    # `last` on an extra beat without payload lanes


def packet(sequence, messages, session=SESSION):
    return moldudp64.encode_packet(session, sequence, messages)


def block(body, length=None):
    return (len(body) if length is None else length).to_bytes(2, "big") + body


def raw_packet(sequence, blocks, count=None, session=SESSION):
    """A packet from pre-built blocks (to write wrong lengths)."""
    count = len(blocks) if count is None else count
    return moldudp64.HEADER.pack(session=session, sequence=sequence, count=count) + b"".join(blocks)


def delete(ref):
    return itch.encode("D", stock_locate=1, tracking_number=2, timestamp=3, order_ref=ref)


# --- the expectation -------------------------------------------------------------------

def expected_event(body, sequence, feed, channel):
    """The event the contract asks for, from the software decoder's view of ``body``."""
    code, fields = chr(body[0]), itch.decode(body)
    event = dict.fromkeys(COLUMNS, 0)
    event.update(type=body[0], locate=fields["stock_locate"],
                 tracking=fields["tracking_number"], timestamp=fields["timestamp"],
                 feed=feed, channel=channel, sequence=sequence)
    for column, name in EVENT_SOURCES.get(code, {}).items():
        value = fields[name]
        if column == "stock":     # wire bytes, first character least significant
            value = int.from_bytes(value.encode("latin-1").ljust(8), "little")
        elif column == "side":
            value = ord(value)
        elif column == "shares":  # Q's 8-byte shares saturate
            value = min(value, MAX32)
        event[column] = value
    return event


def expect(frames, sessions=None, expected=None):
    """Per the contract: events (as emitted, withdrawn included), frame_ends, gaps, counters.

    Each event also carries ``_frame`` and ``_last`` (payload offset of its last byte).
    """
    sessions = sessions or {}
    state = {ch: {"expected": (expected or {}).get(ch, 0), "learned": None, "ended": False}
             for ch in range(8)}
    counts = dict.fromkeys(list(COUNTER_NAMES) + [type_counter_name(c) for c in itch.MESSAGES], 0)
    trace = []
    for number, f in enumerate(frames):
        if f.reject_beat is not None:
            continue
        data, length = f.payload, len(f.payload) if f.length is None else f.length
        have = len(data)
        if have < 20:
            continue
        chan = state[f.channel]
        configured = sessions.get(f.channel)
        session = data[:10]
        learn = configured is None and chan["learned"] is None
        wanted = configured if configured is not None else chan["learned"]
        if not learn and session != wanted:
            counts["session"] += f.good
            continue
        before = dict(chan)
        if learn:
            chan["learned"] = session
        seq0 = int.from_bytes(data[10:18], "big")
        count = int.from_bytes(data[18:20], "big")
        gap = None
        if chan["expected"] == 0:
            chan["expected"] = seq0
        elif seq0 > chan["expected"]:
            gap = (f.channel, chan["expected"], min(seq0 - chan["expected"], MAX32))
            chan["expected"] = seq0
        events, at = [], 20
        for i in range(count if count not in (0, 0xFFFF) else 0):
            if at + 2 > length:
                counts["bad_length"] += have >= length
                break
            if at + 2 > have:
                break
            size = int.from_bytes(data[at:at + 2], "big")
            if size == 0 or at + 2 + size > length:
                counts["bad_length"] += 1
                break
            if at + 2 >= have:
                break
            code = chr(data[at + 2])
            known = code in itch.MESSAGES
            if size != itch.MESSAGES[code].size if known else size < 12:
                counts["bad_length"] += 1
                break
            if at + 2 + size > have:
                break
            sequence = seq0 + i
            if sequence < chan["expected"]:
                counts["duplicates"] += 1
            elif known:
                event = expected_event(data[at + 2:at + 2 + size], sequence, f.feed, f.channel)
                events.append({**event, "_frame": number, "_last": at + 1 + size})
                counts[type_counter_name(code)] += 1
                chan["expected"] = sequence + 1
            else:
                counts["unknown_type"] += 1
                chan["expected"] = sequence + 1
            at += 2 + size
        counts["messages"] += len(events)
        trace += [("event", e) for e in events]
        if events:
            trace.append(("frame_end", int(f.good)))
        if not f.good:
            chan.update(before)
            counts["withdrawn_frames"] += bool(events)
            continue
        if gap:
            trace.append(("gap", gap))
            counts["gaps"] += 1
            counts["gap_messages"] += gap[2]
        counts["heartbeats"] += count == 0
        counts["end_of_session"] += count == 0xFFFF
        chan["ended"] |= count == 0xFFFF
    return trace, counts, state


# --- the simulation --------------------------------------------------------------------

def run(frames, *, width=64, channels=4, sessions=None, expected=None, bench_extra=None):
    """Drive the frames back to back; returns (trace with cycles, counters, regs, beat cycles)."""
    dut = MoldItch(width, channels)
    schedule, first_cycle = [], []
    for f in frames:
        first_cycle.append(len(schedule))
        schedule += payload_beats(f.payload, start_lane=f.start_lane, width=width, feed=f.feed,
                                  channel=f.channel, good=f.good, length=f.length,
                                  reject_beat=f.reject_beat, empty_last=f.empty_last)
        schedule += [None] * f.idle_after
    trace, result = [], {}

    async def bench(ctx):
        regs = dut.regs
        for ch, raw in (sessions or {}).items():
            raw = raw.ljust(12, b"\0")
            for w in range(3):
                word = int.from_bytes(raw[4 * w:4 * w + 4], "big")
                ctx.set(getattr(regs, f"ch{ch}_session_{w}"), word)
        for ch, value in (expected or {}).items():
            ctx.set(getattr(regs, f"ch{ch}_start_lo"), value & MAX32)
            ctx.set(getattr(regs, f"ch{ch}_start_hi"), value >> 32)
            ctx.set(getattr(regs, f"ch{ch}_control").set_expected, 1)
            await ctx.tick()
            ctx.set(getattr(regs, f"ch{ch}_control").set_expected, 0)
        for cycle, beat in enumerate(schedule + [None] * 8):
            ctx.set(dut.payload.valid, beat is not None)
            if beat is not None:
                for name, value in beat.fields().items():
                    ctx.set(getattr(dut.payload.p, name), value)
            await ctx.tick()
            now = cycle + 1  # outputs sampled after the edge belong to the next cycle
            if ctx.get(dut.events.valid):
                event = {n: ctx.get(getattr(dut.events.p, n)) for n in COLUMNS}
                trace.append((now, "event", event))
            if ctx.get(dut.frame_end.valid):
                trace.append((now, "frame_end", ctx.get(dut.frame_end.p.commit)))
            if ctx.get(dut.gaps.valid):
                g = dut.gaps.p
                trace.append((now, "gap", (ctx.get(g.channel), ctx.get(g.first), ctx.get(g.count))))
        if bench_extra:
            await bench_extra(ctx, dut)
        result.update({name: ctx.get(getattr(regs, name)) for name in
                       list(COUNTER_NAMES) + [type_counter_name(c) for c in itch.MESSAGES]})
        for ch in range(channels):
            result[f"ch{ch}_expected"] = (ctx.get(getattr(regs, f"ch{ch}_expected_hi")) << 32 |
                                          ctx.get(getattr(regs, f"ch{ch}_expected_lo")))
            result[f"ch{ch}_ended"] = ctx.get(getattr(regs, f"ch{ch}_status").ended)
            result[f"ch{ch}_learned"] = ctx.get(getattr(regs, f"ch{ch}_status").session_learned)
            result[f"ch{ch}_current"] = b"".join(
                ctx.get(getattr(regs, f"ch{ch}_current_{w}")).to_bytes(4, "big") for w in range(3))

    sim = Simulator(dut)
    sim.add_clock(1e-8)
    sim.add_testbench(bench)
    sim.run()
    return trace, result, first_cycle


def check(frames, width=64, **config):
    """Run and compare everything with :func:`expect`; returns the run for more checks."""
    want, counts, state = expect(frames, config.get("sessions"), config.get("expected"))
    trace, regs, first_cycle = run(frames, width=width, **config)
    got = [(kind, item) for _, kind, item in trace]
    strip = [(kind, {k: v for k, v in item.items() if not k.startswith("_")}
              if kind == "event" else item) for kind, item in want]
    assert got == strip
    cycles = [cycle for cycle, _, _ in trace]
    assert len(set(cycles)) == len(cycles), "two records in one cycle: their order is unclear"
    assert {name: regs[name] for name in counts} == counts
    lanes = width // 8
    latencies = set()
    for (cycle, kind, _), (_, item) in zip(trace, want, strict=True):
        if kind == "event":
            f = frames[item["_frame"]]
            beat = first_cycle[item["_frame"]] + (item["_last"] + f.start_lane) // lanes
            latencies.add(cycle - beat)
    assert latencies <= {MoldItch.LATENCY}
    return trace, regs, state


def test_latency_is_exactly_the_declared_number_of_cycles():
    frames = [Frame(packet(1 + 5 * lane, [delete(n) for n in range(5)]), start_lane=lane)
              for lane in range(8)]
    trace, _, _ = check(frames)
    assert MoldItch.LATENCY == 3
    assert sum(kind == "event" for _, kind, _ in trace) == 40


def _random_message(code, rng):
    values = {}
    for field in itch.MESSAGES[code].fields[1:]:
        if field.kind == "alpha":
            size = rng.randint(1, field.size) if field.size > 1 else 1
            values[field.name] = "".join(rng.choice(string.ascii_uppercase) for _ in range(size))
        elif field.kind == "price8":
            values[field.name] = rng.randint(-(1 << 63), (1 << 63) - 1)
        else:
            values[field.name] = rng.randint(0, (1 << (8 * field.size)) - 1)
    return itch.encode(code, **values)


@pytest.mark.parametrize("lane", range(8))
def test_every_type_decodes_every_column_at_every_start_lane(lane):
    rng = random.Random(lane)
    bodies = [_random_message(code, rng) for code in itch.MESSAGES for _ in range(2)]
    rng.shuffle(bodies)
    check([Frame(packet(100, bodies), start_lane=lane)])


def test_an_add_order_decodes_to_hand_computed_columns():
    body = itch.encode("A", stock_locate=0x0102, tracking_number=3, timestamp=0x0A0B0C0D0E0F,
                       order_ref=0x1122334455667788, side="S", shares=500, stock="AAPL",
                       price=1_234_500)
    trace, _, _ = run([Frame(packet(7, [body]))])
    (_, kind, event), = trace[:1]
    assert kind == "event"
    assert event["type"] == 0x41 and event["locate"] == 0x0102 and event["tracking"] == 3
    assert event["timestamp"] == 0x0A0B0C0D0E0F and event["order_ref"] == 0x1122334455667788
    assert event["side"] == 0x53 and event["shares"] == 500 and event["price"] == 1_234_500
    assert event["stock"] == int.from_bytes(b"AAPL    ", "little") and event["sequence"] == 7


@pytest.mark.parametrize("lane", [0, 3])
def test_32_bit_beats_decode_the_same(lane):
    rng = random.Random(32 + lane)
    bodies = [_random_message(code, rng) for code in itch.MESSAGES]
    check([Frame(packet(5, bodies), start_lane=lane)], width=32)


def test_wider_than_64_bits_is_refused():
    with pytest.raises(ValueError):
        MoldItch(128)


def test_back_to_back_frames_of_d_messages_lose_nothing():
    frames, seq = [], 1
    for k in range(4):
        count = 66 + k % 3      # ~1400-byte payloads of 19-byte deletes
        frames.append(Frame(packet(seq, [delete(seq + n) for n in range(count)]),
                            start_lane=(2 + 4 * k) % 8))
        seq += count
    trace, regs, _ = check(frames)
    assert regs["messages"] == seq - 1 == regs["msgs_d"]
    assert regs["ch0_expected"] == seq


def test_duplicates_are_suppressed_and_counted():
    frames = [Frame(packet(1, [delete(n) for n in range(1, 6)])),
              Frame(packet(3, [delete(n) for n in range(3, 9)]))]
    trace, regs, _ = check(frames)
    assert regs["duplicates"] == 3
    assert [item["sequence"] for _, kind, item in trace if kind == "event"] == list(range(1, 9))


def test_a_gap_is_reported_after_the_frame_end_of_its_frame():
    frames = [Frame(packet(1, [delete(n) for n in range(3)])),
              Frame(packet(10, [delete(n) for n in range(3)]))]
    trace, regs, _ = check(frames)
    assert [item for _, kind, item in trace if kind == "gap"] == [(0, 4, 6)]
    assert [kind for _, kind, _ in trace][-2:] == ["frame_end", "gap"]
    assert regs["gaps"] == 1 and regs["gap_messages"] == 6 and regs["ch0_expected"] == 13


def test_a_and_b_feeds_of_one_channel_deliver_each_message_once():
    a, b = 0, 5
    frames = [Frame(packet(1, [delete(n) for n in range(3)]), feed=a),
              Frame(packet(1, [delete(n) for n in range(3)]), feed=b),
              Frame(packet(4, [delete(n) for n in range(3)]), feed=b),
              Frame(packet(2, [delete(n) for n in range(6)]), feed=a),
              Frame(packet(9, [delete(9)]), feed=a)]
    trace, regs, _ = check(frames)
    events = [item for _, kind, item in trace if kind == "event"]
    assert [(e["sequence"], e["feed"]) for e in events] == [(1, a), (2, a), (3, a), (4, b),
                                                           (5, b), (6, b), (7, a), (9, a)]
    assert regs["duplicates"] == 3 + 5 and regs["gaps"] == 1


def test_a_heartbeat_reveals_a_gap_without_a_frame_end():
    frames = [Frame(packet(1, [delete(1)])), Frame(moldudp64.encode_heartbeat(SESSION, 9))]
    trace, regs, _ = check(frames)
    assert [kind for _, kind, _ in trace] == ["event", "frame_end", "gap"]
    assert regs["heartbeats"] == 1 and regs["ch0_expected"] == 9


def test_end_of_session_sets_ended_and_is_counted():
    frames = [Frame(packet(1, [delete(1)]), channel=2),
              Frame(moldudp64.encode_end_of_session(SESSION, 2), channel=2)]
    _, regs, _ = check(frames)
    assert regs["end_of_session"] == 1 and regs["ch2_ended"] == 1 and regs["ch0_ended"] == 0


@pytest.mark.parametrize("bad", ["zero", "short_for_type", "unknown_short", "past_end",
                                 "missing_prefix"])
def test_a_bad_length_drops_the_rest_of_the_packet(bad):
    good = [block(delete(n)) for n in range(2)]
    tail = {"zero": [block(b"", 0), block(delete(7))],
            "short_for_type": [block(delete(9)[:-1]), block(delete(7))],
            "unknown_short": [block(b"Z" + bytes(10)), block(delete(7))],
            "past_end": [block(delete(9), 200)],
            "missing_prefix": []}[bad]
    frames = [Frame(raw_packet(1, good + tail, count=len(good) + max(len(tail), 1))),
              Frame(packet(5, [delete(5)]))]
    trace, regs, _ = check(frames)
    assert regs["bad_length"] == 1 and regs["messages"] == 3
    assert [item for _, kind, item in trace if kind == "gap"] == [(0, 3, 2)]


def test_an_unknown_type_is_skipped_but_consumes_its_sequence_number():
    unknown = b"z" + bytes(range(14))
    frames = [Frame(raw_packet(1, [block(delete(1)), block(unknown), block(delete(3))])),
              Frame(packet(4, [delete(4)]))]
    trace, regs, _ = check(frames)
    assert regs["unknown_type"] == 1 and regs["messages"] == 3 and regs["gaps"] == 0
    assert [item["sequence"] for _, kind, item in trace if kind == "event"] == [1, 3, 4]


@pytest.mark.parametrize("truncate", [False, True])
def test_a_bad_frame_is_withdrawn_and_rolls_back(truncate):
    body = packet(10, [delete(n) for n in range(4)])
    bad = Frame(body[:-5] if truncate else body, good=False,
                length=len(body) if truncate else None)
    frames = [Frame(packet(1, [delete(1)])), bad, Frame(packet(10, [delete(n) for n in range(2)]))]
    trace, regs, _ = check(frames)
    assert [item for _, kind, item in trace if kind == "frame_end"] == [1, 0, 1]
    assert regs["withdrawn_frames"] == 1 and regs["ch0_expected"] == 12
    # the gap revealed by the withdrawn frame is reported once, by the frame that commits
    assert [item for _, kind, item in trace if kind == "gap"] == [(0, 2, 8)]


@pytest.mark.parametrize("beat", [0, 1, 2, 3])
def test_a_frame_rejected_during_its_header_leaves_no_trace(beat):
    frames = [Frame(packet(1, [delete(1)]), start_lane=6, reject_beat=beat),
              Frame(packet(1, [delete(1)]), start_lane=6)]
    trace, regs, _ = check(frames)
    assert [kind for _, kind, _ in trace] == ["event", "frame_end"]


@pytest.mark.parametrize("good", [True, False])
def test_a_last_beat_without_payload_lanes_ends_the_frame(good):
    frames = [Frame(packet(1, [delete(n) for n in range(2)]), start_lane=lane, good=good,
                    empty_last=True, idle_after=lane) for lane in range(8)]
    check(frames)


def test_the_session_is_learned_then_enforced():
    frames = [Frame(packet(1, [delete(1)], session="FIRST")),
              Frame(packet(2, [delete(2)], session="OTHER")),
              Frame(packet(2, [delete(2)], session="FIRST"))]
    _, regs, _ = check(frames)
    assert regs["session"] == 1 and regs["ch0_learned"] == 1
    assert regs["ch0_current"] == b"FIRST     \0\0"


def test_a_configured_session_drops_other_sessions():
    frames = [Frame(packet(1, [delete(1)], session="WRONG")),
              Frame(packet(1, [delete(1)], session="RIGHT"))]
    _, regs, _ = check(frames, sessions={0: b"RIGHT     "})
    assert regs["session"] == 1 and regs["ch0_learned"] == 0


def test_a_session_learned_by_a_withdrawn_frame_is_forgotten():
    frames = [Frame(packet(1, [delete(1)], session="FIRST"), good=False),
              Frame(packet(1, [delete(1)], session="OTHER"))]
    _, regs, _ = check(frames)
    assert regs["ch0_current"] == b"OTHER     \0\0" and regs["session"] == 0


def test_the_host_sets_expected_and_resets_a_channel():
    async def later(ctx, dut):
        control = dut.regs.ch1_control
        ctx.set(control.reset, 1)
        await ctx.tick()
        ctx.set(control.reset, 0)
        await ctx.tick()

    frames = [Frame(packet(50, [delete(n) for n in range(3)]), channel=1)]
    _, regs, _ = check(frames, expected={1: 52})
    assert regs["duplicates"] == 2 and regs["ch1_expected"] == 53
    _, regs, _ = run(frames, expected={1: 52}, bench_extra=later)
    assert regs["ch1_expected"] == 0 and regs["ch1_learned"] == 0


def test_a_channel_beyond_the_configured_number_is_ignored():
    frames = [Frame(packet(1, [delete(1)]), channel=3), Frame(packet(1, [delete(1)]), channel=1)]
    trace, regs, _ = run(frames, channels=2)
    assert [(kind, item["channel"]) for _, kind, item in trace[:1]] == [("event", 1)]
    assert regs["messages"] == 1 and regs["session"] == 0
    assert regs["ch0_expected"] == 0 and regs["ch1_expected"] == 2


def _random_frame(rng, seq):
    """A packet of random messages, sometimes damaged: what the contract's rules must sort."""
    codes = list(itch.MESSAGES)
    bodies = [_random_message(rng.choice(codes), rng) for _ in range(rng.randint(1, 6))]
    blocks = [block(body) for body in bodies]
    damage = rng.choice(["none"] * 6 + ["length", "unknown", "truncate", "mac", "count"])
    if damage == "length":
        at = rng.randrange(len(blocks))
        blocks[at] = block(bodies[at], rng.choice([0, 5, len(bodies[at]) + 1, 3000]))
    elif damage == "unknown":
        blocks.insert(rng.randrange(len(blocks) + 1), block(b"z" + bytes(rng.randint(5, 60))))
    count = len(blocks) + (rng.randint(1, 3) if damage == "count" else 0)
    start = seq + rng.randint(-4, 3)
    payload = raw_packet(max(start, 1), blocks, count=count)
    if damage == "truncate":
        return Frame(payload[:rng.randint(15, len(payload) - 1)], good=False,
                     length=len(payload), start_lane=rng.randrange(8), feed=rng.randrange(2))
    return Frame(payload, good=damage != "mac", start_lane=rng.randrange(8),
                 feed=rng.randrange(2), idle_after=rng.choice([0, 0, 1, 3]))


@pytest.mark.parametrize("seed", range(4))
def test_random_damaged_traffic_matches_the_expectation(seed):
    rng = random.Random(1000 + seed)
    frames, seq = [], 1
    for _ in range(25):
        frame = _random_frame(rng, seq)
        frames.append(frame)
        seq = int.from_bytes(frame.payload[10:18], "big") + 3
    check(frames)


# --- edges of the timing-driven structure (slot states, saturation bounds) ---------------

def _smallest_blocks(rng):
    """Bodies of 12 and 13 bytes (the smallest good ones) among a 50-byte I and a 19-byte D:
    length prefixes in consecutive beats, and type bytes at every lane of the next beat."""
    unknown12 = b"z" + bytes(rng.randrange(256) for _ in range(11))
    unknown13 = b"~" + bytes(rng.randrange(256) for _ in range(12))
    system = itch.encode("S", stock_locate=1, tracking_number=2, timestamp=3, event_code="O")
    bodies = [system, unknown12, system, unknown13, _random_message("I", rng), delete(9),
              unknown12, unknown13, system]
    return bodies * 3


@pytest.mark.parametrize("lane", range(8))
def test_the_smallest_blocks_back_to_back_at_every_start_lane(lane):
    rng = random.Random(100 + lane)
    _, regs, _ = check([Frame(packet(1, _smallest_blocks(rng)), start_lane=lane)])
    assert regs["unknown_type"] == 12 and regs["msgs_s"] == 9


@pytest.mark.parametrize("lane", [1, 2])
def test_the_smallest_blocks_in_32_bit_beats(lane):
    rng = random.Random(200 + lane)
    check([Frame(packet(1, _smallest_blocks(rng)), start_lane=lane)], width=32)


@pytest.mark.parametrize("behind", [(1 << 17) - 1, 1 << 17, (1 << 17) + 1, 1 << 40])
def test_a_packet_far_behind_expected_is_all_duplicates(behind):
    start = 1_000
    frames = [Frame(packet(start, [delete(n) for n in range(3)]))]
    _, regs, _ = check(frames, expected={0: start + behind})
    assert regs["duplicates"] == 3 and regs["messages"] == 0
    assert regs["ch0_expected"] == start + behind


@pytest.mark.parametrize("ahead", [MAX32 - 1, MAX32, MAX32 + 1, 1 << 50])
def test_a_gap_count_saturates_at_32_bits(ahead):
    start = 77
    frames = [Frame(packet(start + ahead, [delete(1)]))]
    trace, regs, _ = check(frames, expected={0: start})
    gaps = [item for _, kind, item in trace if kind == "gap"]
    assert gaps == [(0, start, min(ahead, MAX32))]
    assert regs["gap_messages"] == min(ahead, MAX32) and regs["gaps"] == 1


@pytest.mark.parametrize("start", [MAX32 - 2, MAX32, (5 << 32) + MAX32 - 1])
def test_sequence_numbers_carry_across_a_32_bit_boundary(start):
    # The gateware increments the sequence in two 32-bit halves: messages whose numbers
    # cross 2**32 (from the header's or an increment's all-ones low half) keep counting.
    frames = [Frame(packet(start, [delete(n) for n in range(4)])),
              Frame(packet(start + 4, [delete(n) for n in range(2)]))]
    trace, regs, _ = check(frames)
    sequences = [item["sequence"] for _, kind, item in trace if kind == "event"]
    assert sequences == list(range(start, start + 6))
    assert regs["ch0_expected"] == start + 6
