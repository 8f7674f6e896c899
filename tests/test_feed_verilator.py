"""The Verilated feed handler through the C++ streaming harness, against the golden model.

The harness plumbing (beat packing, output records and their cycles, frame_end verdicts,
AXI4-Lite writes and reads) is checked against a stand-in top whose behaviour is worked out
by hand (tests/feed_standin.py). The volume tests run the real ``hdl.feed.top.FeedTop``
and compare everything with :func:`sim.feed_model.run_model`; they skip until it exists.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from feed_standin import STANDIN_MAP, StandinTop

from proto import itch
from sim.feed_model import FeedConfig, run_model
from sim.impair import Impairments, impair
from sim.itch_file import read_day
from sim.packetise import DEFAULT_FEEDS, packetise
from sim.verilated_feed import apply_verdicts, build_harness, run_harness, rx_records

pytestmark = pytest.mark.slow


# --- the harness itself, on the stand-in ---------------------------------------------------

@pytest.fixture(scope="module")
def standin():
    exe, _ = build_harness(StandinTop(), "feed_standin")
    return exe


FRAMES = [(bytes(range(1, 21)), False), (bytes(range(100, 109)), True),
          (bytes(range(50, 53)), False)]


def test_rx_records_pack_beats_by_the_layout():
    rows = rx_records(FRAMES[:1])
    # 20 bytes: beats of 8, 8, 4; data little-endian, keep 0xFF/0xFF/0x0F, first, last
    assert rows[:, 0].tolist() == [1, 1, 1]
    assert rows[0, 1] == 0x04030201 and rows[0, 2] == 0x08070605
    assert rows[2, 1] == 0x14131211 and rows[2, 2] == 0
    # word 2 holds bit 64 up: keep (8 bits), first (bit 72), last (73), error (74)
    assert rows[:, 3].tolist() == [0xFF | 1 << 8, 0xFF, 0x0F | 1 << 9]


def test_outputs_come_back_with_their_fields_and_cycles(standin):
    out = run_harness(standin, rx_records(FRAMES, idle=1))
    # beats at cycles 0-2, 4-5, 7: events one cycle after each last beat
    assert out.event_cycles.tolist() == [3, 6, 8]
    assert out.events["sequence"].tolist() == [0x14131211, 0x6C, 0x343332]
    assert out.events["locate"].tolist() == [0x0F, 0x01, 0x07]
    assert out.events["feed"].tolist() == [5, 5, 5] and out.events["channel"].tolist() == [6] * 3
    assert out.frame_end_cycles.tolist() == [4, 7, 9]
    assert out.frame_ends["commit"].tolist() == [1, 0, 1]
    assert out.gap_cycles.tolist() == [1, 5, 8]
    assert out.gaps["first"].tolist() == [0x0807060504030201, 0x6B6A696867666564, 0x343332]
    assert out.gaps["count"].tolist() == [0, 1, 2]


def test_withdrawn_events_are_dropped(standin):
    keep, pending = apply_verdicts(run_harness(standin, rx_records(FRAMES, idle=1)))
    assert keep.tolist() == [0, 2] and pending == 0


def test_register_writes_then_reads(standin):
    knob, frames = STANDIN_MAP.address("stub.knob"), STANDIN_MAP.address("stub.frames")
    hole = STANDIN_MAP.size - 4
    out = run_harness(standin, rx_records(FRAMES), [(knob, 0x1234)], [knob, frames, hole])
    assert out.readback[knob] == (0x1234, 0)
    assert out.readback[frames] == (3, 0)
    assert out.readback[hole][1] == 0b10             # SLVERR: nothing mapped there


def test_a_million_cycles_run_in_seconds(standin):
    import time

    rows = rx_records([(bytes(1000), False)] * 8000)     # 1,000,000 beats
    start = time.perf_counter()
    out = run_harness(standin, rows)
    assert len(out.event_cycles) == 8000
    assert time.perf_counter() - start < 5


def _run_tb(monkeypatch, top, name: str, latency: int, program: bool, testcase=None):
    """The cocotb module tests/cocotb/tb_feed.py against ``top`` (Verilog via top_verilog)."""
    import json

    from hdl.host_if.generate import to_dict
    from sim.verilate import SIM_BUILD, run_cocotb, write_if_changed
    from sim.verilated_feed import TOPLEVEL, top_verilog

    build = SIM_BUILD / name
    source, regs = build / f"{TOPLEVEL}.v", build / "regs.json"
    write_if_changed(source, top_verilog(top))
    write_if_changed(regs, json.dumps(to_dict(top.register_map)))
    run_cocotb(source, TOPLEVEL, "tb_feed", name, testcase=testcase, extra_env={
        "TICKFORGE_REGS_JSON": str(regs), "TICKFORGE_FEED_LATENCY": str(latency),
        "TICKFORGE_FEED_PROGRAM": "1" if program else "0"})


def test_cocotb_latency_check_on_the_standin(monkeypatch):
    # The stand-in answers one cycle after a frame's last beat, which for a one-message
    # frame is the beat holding the message's last byte.
    _run_tb(monkeypatch, StandinTop(), "feed_standin_cocotb", latency=1, program=False,
            testcase="event_latency_is_exact")


# --- the real handler against the model ----------------------------------------------------

def test_cocotb_latency_line_rate_and_registers(handler, monkeypatch):
    from hdl.feed.handler import FeedHandler

    _run_tb(monkeypatch, handler.top, "feed_cocotb", latency=FeedHandler.LATENCY, program=True)


def test_stats_engines_print_the_same(handler, bundled_data, capsys):
    from host.cli import main

    path = str(bundled_data / "itch" / "ritch_20101224.itch50")
    outputs = []
    for engine in ("reference", "verilator"):
        assert main(["stats", path, "--json", "--engine", engine]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]

@pytest.fixture(scope="module")
def handler():
    pytest.importorskip("hdl.feed.top", reason="hdl.feed.top (FeedTop) not written yet")
    from sim.verilated_feed import VerilatedFeed

    return VerilatedFeed()


def assert_same(hardware, model):
    assert len(hardware.events) == len(model.events)
    for name in model.events.dtype.names:
        np.testing.assert_array_equal(hardware.events[name], model.events[name], err_msg=name)
    assert hardware.gaps.tolist() == model.gaps.tolist()
    assert hardware.counters == model.counters
    assert hardware.by_type == model.by_type


def _bodies(path):
    day = read_day(path)
    return day, [bytes(day.buf[o:o + n]) for o, n in zip(day.offsets, day.lengths, strict=True)]


def test_ritch_day_equals_the_model(handler, bundled_data):
    day, bodies = _bodies(bundled_data / "itch" / "ritch_20101224.itch50")
    frames = packetise(bodies, feeds=DEFAULT_FEEDS[:1], heartbeat_every=5)
    config = FeedConfig.for_feeds(DEFAULT_FEEDS[:1])
    hardware, model = handler.run(frames, config), run_model(frames, config)
    assert_same(hardware, model)
    assert len(hardware.events) == len(day) == 12012


@pytest.mark.shared_data
def test_aapl_amzn_day_equals_the_model(handler, shared_data):
    _, bodies = _bodies(shared_data / "lobster" / "AAPL_AMZN_2012-06-21.itch50.gz")
    frames = packetise(bodies, feeds=DEFAULT_FEEDS[:1])
    config = FeedConfig.for_feeds(DEFAULT_FEEDS[:1])
    hardware = handler.run(frames, config)
    assert len(hardware.events) == 331_242
    assert_same(hardware, run_model(frames, config))


def _small_day(count: int = 3000, seed: int = 1) -> list[bytes]:
    """Adds and deletes (36- and 19-byte bodies, so blocks end at every lane)."""
    rng = random.Random(seed)
    return [itch.encode("A", stock_locate=1, timestamp=i, order_ref=i, side="B", stock="AB",
                        shares=rng.randrange(1, 1000), price=rng.randrange(1, 10**6))
            if rng.random() < 0.5 else itch.encode("D", stock_locate=1, timestamp=i, order_ref=i)
            for i in range(count)]


def test_random_drops_give_exactly_the_expected_gaps(handler):
    frames = packetise(_small_day(), feeds=DEFAULT_FEEDS[:1], max_messages=5)
    damaged, log = impair(frames, {"A": Impairments(drop=0.1)}, seed=3)
    config = FeedConfig.for_feeds(DEFAULT_FEEDS[:1])
    hardware = handler.run(damaged, config)
    assert_same(hardware, run_model(damaged, config))
    dropped = {frames[e.index].first_seq for e in log if e.action == "drop"}
    # every lost data packet not at the very start shows up inside a reported gap
    reported = {s for _, first, count in hardware.gaps.tolist()
                for s in range(first, first + count)}
    assert {s for s in dropped if s > 1} <= reported | {frames[-1].first_seq}


def test_duplicates_and_reordering_deliver_each_message_once(handler):
    frames = packetise(_small_day(), feeds=DEFAULT_FEEDS[:1], max_messages=4)
    damaged, _ = impair(frames, {"A": Impairments(duplicate=0.2, reorder=0.2)}, seed=5)
    config = FeedConfig.for_feeds(DEFAULT_FEEDS[:1])
    hardware = handler.run(damaged, config)
    assert_same(hardware, run_model(damaged, config))
    assert len(set(hardware.events["sequence"].tolist())) == len(hardware.events)


def test_a_b_with_independent_loss_delivers_every_carried_message_once(handler):
    frames = packetise(_small_day(), feeds=DEFAULT_FEEDS, max_messages=6)
    config = {"A": Impairments(drop=0.2), "B": Impairments(drop=0.2)}
    damaged, log = impair(frames, config, seed=7)
    feeds = FeedConfig.for_feeds(DEFAULT_FEEDS)
    hardware = handler.run(damaged, feeds)
    assert_same(hardware, run_model(damaged, feeds))
    lost = {e.index for e in log if e.action == "drop"}
    carried = {s for i, f in enumerate(frames) if i not in lost and f.kind == "data"
               for s in range(f.first_seq, f.first_seq + f.count)}
    sequences = hardware.events["sequence"].tolist()
    assert len(sequences) == len(set(sequences))
    assert set(sequences) == carried


def mutated_frames(count: int, seed: int = 11) -> list[tuple[bytes, bool]]:
    """Good frames and frames broken every way the contract names, shuffled together."""
    rng = random.Random(seed)
    bodies = _small_day(4 * count, seed)
    base = packetise(bodies, feeds=DEFAULT_FEEDS, max_messages=7, heartbeat_every=3)
    # Flips spare the sequence number's high bytes: a packet claiming sequence 2**60 is
    # legal, but it would turn every later message into a duplicate and hide the rest.
    spared = range(42 + 10, 42 + 16)
    out = []
    for index in range(count):
        data = bytearray(base[index % len(base)].data)
        error = False
        kind = rng.randrange(8)
        if kind == 0:
            data = data[:rng.randrange(14, len(data))]                 # truncated
        elif kind == 1:
            at = rng.choice([16, 38, 42 + 18, 42 + 20])                # IP/UDP/Mold lengths
            data[at:at + 2] = rng.randrange(0, 2000).to_bytes(2, "big")
        elif kind == 2:
            data[24] ^= 1 << rng.randrange(8)                          # IPv4 checksum
        elif kind == 3:
            error = True                                               # MAC error flag
        elif kind in (4, 5):
            for _ in range(rng.randrange(1, 4)):                       # random flips
                at = rng.randrange(len(data))
                if at not in spared:
                    data[at] ^= rng.randrange(1, 256)
        out.append((bytes(data), error))
    return out


def test_ten_thousand_mutated_frames_agree_with_the_model(handler):
    frames = mutated_frames(10_000)
    config = FeedConfig.for_feeds(DEFAULT_FEEDS)
    assert_same(handler.run(frames, config), run_model(frames, config))


def test_back_to_back_minimum_d_frames_lose_nothing(handler):
    bodies = [itch.encode("D", order_ref=i, timestamp=i) for i in range(20_000)]
    frames = packetise(bodies, feeds=DEFAULT_FEEDS[:1], end_of_session=False)
    config = FeedConfig.for_feeds(DEFAULT_FEEDS[:1])
    hardware = handler.run(frames, config)
    assert hardware.events["order_ref"].tolist() == list(range(20_000))
    assert hardware.counters["messages"] == 20_000
