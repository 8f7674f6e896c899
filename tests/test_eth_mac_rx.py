"""``MacRx`` in amaranth.sim: byte times in, frame bytes and verdicts out.

Frames come from scapy and random bytes, their FCS from ``zlib.crc32``; what the MAC must
deliver is the frame itself (FCS stripped), so every expectation is independent of the
design.
"""

from __future__ import annotations

import random

import pytest
from eth_sim_helpers import fcs, idle, run, scapy_frame, wire

from hdl.eth.layouts import RX_DOMAIN
from hdl.eth.mac_rx import MacRx
from proto.net import MAX_TAGGED_FRAME, MIN_FRAME


def receive(times, max_frame: int = MAX_TAGGED_FRAME):
    """Run byte times through a MacRx: ``[(bytes, end flags dict), ...]`` per ``end``."""
    dut = MacRx(max_frame)
    frames, current = [], bytearray()

    async def bench(ctx):
        for data, en, er in [*times, *idle(4)]:
            ctx.set(dut.gmii.data, data)
            ctx.set(dut.gmii.en, en)
            ctx.set(dut.gmii.er, er)
            await ctx.tick(RX_DOMAIN)
            if ctx.get(dut.bytes.valid):
                current.append(ctx.get(dut.bytes.payload))
            if ctx.get(dut.end.valid):
                end = ctx.get(dut.end.payload)
                frames.append((bytes(current), {name: getattr(end, name) for name in
                                                ("error", "fcs", "phy", "runt", "oversize")}))
                current.clear()
        assert not current, "bytes after the last end"

    run(dut, {RX_DOMAIN: 8e-9}, bench, until=bench)
    return frames


GOOD = {"error": 0, "fcs": 0, "phy": 0, "runt": 0, "oversize": 0}


def test_good_frames_come_out_without_preamble_and_fcs():
    rng = random.Random(1)
    frames = [scapy_frame(n, rng) for n in (60, 61, 64, 67, 100, 333)]
    frames.append(scapy_frame(200, rng, vlan=7))
    times = [t for f in frames for t in wire(f) + idle()]
    assert receive(times) == [(f, GOOD) for f in frames]


def test_a_bad_fcs_is_flagged_and_the_bytes_still_delivered():
    frame = scapy_frame(90, random.Random(2))
    assert receive(wire(frame, good_fcs=False)) == [(frame, {**GOOD, "error": 1, "fcs": 1})]


def test_rx_er_inside_a_frame_is_a_phy_error():
    frame = scapy_frame(80, random.Random(3))
    got = receive(wire(frame, er_at=40) + idle() + wire(frame))
    assert got == [(frame, {**GOOD, "error": 1, "phy": 1}), (frame, GOOD)]


def test_a_runt_is_flagged():
    short = bytes(range(40))
    assert receive(wire(short)) == [(short, {**GOOD, "error": 1, "runt": 1})]
    # 60 bytes + FCS is the shortest frame that is not a runt
    assert receive(wire(bytes(MIN_FRAME))) == [(bytes(MIN_FRAME), GOOD)]


def test_a_frame_shorter_than_its_fcs_ends_without_bytes():
    # three bytes after the delimiter: nothing leaves the four-byte delay line
    times = [(0x55, 1, 0)] * 7 + [(0xD5, 1, 0), (1, 1, 0), (2, 1, 0), (3, 1, 0)]
    assert receive(times) == [(b"", {**GOOD, "error": 1, "fcs": 1, "runt": 1})]


@pytest.mark.parametrize("preamble", [0, 1, 3, 7, 10])
def test_any_preamble_length_is_accepted(preamble):
    frame = scapy_frame(64, random.Random(preamble))
    assert receive(wire(frame, preamble=preamble)) == [(frame, GOOD)]


def test_a_burst_that_does_not_start_with_a_preamble_is_ignored():
    frame = scapy_frame(64, random.Random(5))
    garbage = [(0x12, 1, 0)] + wire(frame)          # no gap: one burst starting with 0x12
    assert receive(garbage + idle() + wire(frame)) == [(frame, GOOD)]


def test_an_oversize_frame_is_cut_at_the_maximum():
    frame = bytes(random.Random(6).randrange(256) for _ in range(150))
    got = receive(wire(frame) + idle() + wire(frame[:100]), max_frame=100)
    assert got == [(frame[:100], {**GOOD, "error": 1, "oversize": 1}), (frame[:100], GOOD)]


def test_the_fcs_is_zlib_crc32_least_significant_byte_first():
    # The worked example every CRC-32 table quotes: "123456789" -> 0xCBF43926.
    assert fcs(b"123456789") == bytes([0x26, 0x39, 0xF4, 0xCB])
    frame = b"123456789".ljust(60, b"\0")
    assert receive(wire(frame)) == [(frame, GOOD)]
