"""``MacTx`` in amaranth.sim: beats in, byte times on the wire out.

The wire is taken apart by :func:`eth_sim_helpers.parse_wire` and checked against the
standard: 7 x 0x55 and 0xD5, the frame padded with zeros to 60 bytes, the FCS equal to
``zlib.crc32``, at least 12 idle byte times between frames.
"""

from __future__ import annotations

import random

from eth_sim_helpers import fcs, padded, parse_wire, run

from hdl.eth.layouts import LANES, TX_DOMAIN
from hdl.eth.mac_tx import MacTx
from proto.net import MIN_IFG

PREAMBLE = bytes([0x55] * 7 + [0xD5])


def beats_of(frame: bytes, abort: bool = False, empty_last: bool = False):
    """The beats of a frame as the core writes them: ``(data, keep, last, error)``."""
    chunks = [frame[i:i + LANES] for i in range(0, len(frame), LANES)]
    out = [(int.from_bytes(c, "little"), (1 << len(c)) - 1, 0, 0) for c in chunks]
    if empty_last:
        out.append((0, 0, 1, int(abort)))
    else:
        data, keep, _, _ = out[-1]
        out[-1] = (data, keep, 1, int(abort))
    return out


def transmit(schedule, cycles: int = 3000):
    """``schedule``: beats, or None for a cycle with nothing offered (a stall). Returns
    the byte times and the pulses ``{name: count}``."""
    dut = MacTx()
    times, pulses = [], {"sent": 0, "aborted": 0, "underrun": 0}

    async def bench(ctx):
        queue = list(schedule)
        for _ in range(cycles):
            item = queue[0] if queue else None
            ctx.set(dut.beats.valid, item is not None)
            if item is not None:
                for name, value in zip(("data", "keep", "last", "error"), item, strict=True):
                    ctx.set(getattr(dut.beats.payload, name), value)
            taken = item is not None and ctx.get(dut.beats.ready)
            await ctx.tick(TX_DOMAIN)
            if taken or (queue and item is None):
                queue.pop(0)
            times.append((ctx.get(dut.gmii.data), ctx.get(dut.gmii.en), ctx.get(dut.gmii.er)))
            for name in pulses:
                pulses[name] += ctx.get(getattr(dut, name))

    run(dut, {TX_DOMAIN: 8e-9}, bench, until=bench)
    return times, pulses


def test_frames_get_preamble_padding_fcs_and_the_gap():
    rng = random.Random(1)
    frames = [bytes(rng.randrange(256) for _ in range(n)) for n in (14, 59, 60, 61, 64, 200)]
    times, pulses = transmit([b for f in frames for b in beats_of(f)])
    wire = parse_wire(times)
    assert [w.preamble for w in wire] == [PREAMBLE] * len(frames)
    assert [w.frame for w in wire] == [padded(f) for f in frames]
    assert all(w.fcs_ok and not any(w.er) for w in wire)
    gaps = [b.start - a.end for a, b in zip(wire, wire[1:], strict=False)]
    assert min(gaps) >= MIN_IFG
    assert max(gaps) <= MIN_IFG + 2       # back to back: no more than the gap and a cycle
    assert pulses == {"sent": len(frames), "aborted": 0, "underrun": 0}


def test_an_aborted_frame_has_tx_er_and_a_bad_fcs():
    frame = bytes(range(100))
    times, pulses = transmit(beats_of(frame, abort=True) + beats_of(frame))
    bad, good = parse_wire(times)
    assert bad.frame == frame and bad.body[-4:] != fcs(frame) and any(bad.er)
    assert good.frame == frame and good.fcs_ok and not any(good.er)
    assert pulses == {"sent": 1, "aborted": 1, "underrun": 0}


def test_an_aborted_short_frame_is_padded_then_marked():
    times, pulses = transmit(beats_of(b"\x01" * 20, abort=True))
    (bad,) = parse_wire(times)
    assert bad.frame == padded(b"\x01" * 20) and not bad.fcs_ok and bad.er[-4:] == [1] * 4


def test_an_empty_last_beat_ends_the_frame_at_the_byte_before():
    frame = bytes(range(64))
    times, pulses = transmit(beats_of(frame, empty_last=True) +
                             beats_of(frame, abort=True, empty_last=True))
    good, bad = parse_wire(times)
    assert good.frame == frame and good.fcs_ok
    assert bad.frame == frame and not bad.fcs_ok and any(bad.er)
    assert pulses["sent"] == 1 and pulses["aborted"] == 1


def test_an_underrun_cuts_the_frame_with_tx_er_and_drains_the_rest():
    frame = bytes(range(80))
    beats = beats_of(frame)
    times, pulses = transmit(beats[:3] + [None] * 12 + beats[3:] + beats_of(frame))
    cut, whole = parse_wire(times)
    assert cut.er[-1] == 1 and len(cut.body) == 3 * LANES + 1
    assert whole.frame == frame and whole.fcs_ok
    assert pulses == {"sent": 1, "aborted": 0, "underrun": 1}
