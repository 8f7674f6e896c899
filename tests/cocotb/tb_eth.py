"""cocotb tests of the MAC through its RGMII pins (Verilated ``EthSimTop``), cocotbext-eth as
the PHY.

Run through ``tests/test_eth_cocotb.py``, which passes the core clock's period in
``TICKFORGE_CORE_PS``. The RGMII clocks run at 125 MHz, receive and transmit a little
apart (two oscillators), the core at an unrelated frequency, so every crossing is
exercised. Frames come from scapy; expectations from the frames and zlib, never from the
design: received frames must reach the core byte for byte without their FCS, with the
error flag exactly on the bad ones; frames the core sends must appear on the pins with
preamble, padding and a zlib-correct FCS, the aborted one with TX_ER and a bad FCS.
"""

from __future__ import annotations

import os
import random
import struct
import zlib

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge, Timer
from cocotbext.eth import GmiiFrame, RgmiiSink, RgmiiSource

from hdl.eth.layouts import LANES
from hdl.feed.layouts import rx_beat_layout
from proto.net import MAX_TAGGED_FRAME, MIN_FRAME, PREAMBLE_BYTE, PREAMBLE_BYTES, SFD

RX_PS, TX_PS = 8_008, 8_000           # 125 MHz, 1000 ppm apart
BEAT = rx_beat_layout(8 * LANES)
PREAMBLE = bytes([PREAMBLE_BYTE] * PREAMBLE_BYTES + [SFD])


def fcs(frame: bytes) -> bytes:
    return struct.pack("<I", zlib.crc32(frame))


def field(value: int, name: str) -> int:
    """A field of a flattened rx_beat_layout value, at the layout's own offset."""
    f = BEAT[name]
    return value >> f.offset & ((1 << f.width) - 1)


def scapy_frame(length: int, rng: random.Random, vlan: int | None = None) -> bytes:
    from scapy.layers.inet import IP, UDP
    from scapy.layers.l2 import Dot1Q, Ether

    head = Ether(dst="01:00:5e:36:0c:01", src="02:00:00:00:00:01")
    if vlan is not None:
        head = head / Dot1Q(vlan=vlan)
    head = head / IP(src="10.0.0.1", dst="233.54.12.1") / UDP(sport=1234, dport=26400)
    return bytes(head / bytes(rng.randrange(256) for _ in range(length - len(bytes(head)))))


class TB:
    """Clocks, resets, the PHY models and a monitor of the core's receive stream."""

    def __init__(self, dut):
        self.dut = dut
        core_ps = int(os.environ.get("TICKFORGE_CORE_PS", "16000"))
        Clock(dut.eth_rx_clk, RX_PS, unit="ps").start()
        Clock(dut.eth_tx_clk, TX_PS, unit="ps").start()
        Clock(dut.clk, core_ps, unit="ps").start()
        cocotb.start_soon(self._forwarded_clock())
        self.source = RgmiiSource(dut.rgmii_rxd, dut.rgmii_rx_ctl, dut.eth_rx_clk)
        self.sink = RgmiiSink(dut.rgmii_txd, dut.rgmii_tx_ctl, dut.rgmii_tx_clk)
        self.received: list[tuple[bytes, int]] = []
        self.beat_rules: list[str] = []

    async def _forwarded_clock(self):
        """TX_CLK as the board forwards it: 90 degrees after the clock of TXD/TX_CTL."""
        await Timer(TX_PS // 4, unit="ps")
        Clock(self.dut.eth_tx90_clk, TX_PS, unit="ps").start()

    async def reset(self):
        dut = self.dut
        dut.tx_valid.value = 0
        dut.tx_payload.value = 0
        dut.eth_tx90_rst.value = 0          # nothing is clocked by it: it only clocks a pin
        for rst in (dut.rst, dut.eth_rx_rst, dut.eth_tx_rst):
            rst.value = 1
        await Timer(100, unit="ns")
        for rst in (dut.rst, dut.eth_rx_rst, dut.eth_tx_rst):
            rst.value = 0
        await ClockCycles(dut.clk, 4)
        cocotb.start_soon(self._monitor())

    async def _monitor(self):
        """Rebuild frames from the core's beats, noting any beat that breaks the rules."""
        current, first_expected = bytearray(), True
        while True:
            await RisingEdge(self.dut.clk)
            if not int(self.dut.rx_valid.value):
                continue
            value = int(self.dut.rx_payload.value)
            keep, last = field(value, "keep"), field(value, "last")
            if field(value, "first") != first_expected:
                self.beat_rules.append(f"first={field(value, 'first')} at byte {len(current)}")
            if not keep or keep & (keep + 1) or (not last and keep != 0xFF):
                self.beat_rules.append(f"keep {keep:#x} (last={last})")
            current += field(value, "data").to_bytes(LANES, "little")[:keep.bit_length()]
            first_expected = bool(last)
            if last:
                self.received.append((bytes(current), field(value, "error")))
                current = bytearray()

    def counter(self, name: str) -> int:
        return int(getattr(self.dut, f"regs_{name}").value)


@cocotb.test()
async def received_frames_reach_the_core_with_error_exactly_on_the_bad_ones(dut):
    tb = TB(dut)
    await tb.reset()
    rng = random.Random(int(os.environ.get("TICKFORGE_SEED", "1")))
    expected, counts = [], {"rx_frames": 0, "rx_fcs_errors": 0, "rx_phy_errors": 0,
                            "rx_runts": 0, "rx_oversize": 0, "rx_overflows": 0}
    kinds = ["good"] * 6 + ["vlan", "bad_fcs", "phy_error"]
    plan = [rng.choice(kinds) for _ in range(36)] + ["runt", "oversize", "good", "vlan"]
    for kind in plan:
        length = rng.randrange(MIN_FRAME, 1515)
        frame = scapy_frame(length, rng, vlan=rng.randrange(1, 4095) if kind == "vlan" else None)
        check, error = fcs(frame), None
        counts["rx_frames"] += 1
        if kind == "bad_fcs":
            check = bytes([check[0] ^ 0x80]) + check[1:]
            counts["rx_fcs_errors"] += 1
        elif kind == "phy_error":
            error = [0] * (len(PREAMBLE) + rng.randrange(len(frame))) + [1, 0]
            counts["rx_phy_errors"] += 1
        elif kind == "runt":
            frame = frame[:rng.randrange(20, MIN_FRAME)]
            check = fcs(frame)
            counts["rx_runts"] += 1
        elif kind == "oversize":
            frame = scapy_frame(MAX_TAGGED_FRAME + 50, rng)
            check = fcs(frame)
            counts["rx_oversize"] += 1
        await tb.source.send(GmiiFrame(PREAMBLE + frame + check, error))
        delivered = frame[:MAX_TAGGED_FRAME]
        expected.append((delivered, int(kind not in ("good", "vlan"))))
    await tb.source.wait()
    await ClockCycles(dut.clk, 200)
    assert not tb.beat_rules, tb.beat_rules[:5]
    assert len(tb.received) == len(expected)
    for index, (got, want) in enumerate(zip(tb.received, expected, strict=True)):
        assert got == want, f"frame {index} ({plan[index]}): {len(got[0])} bytes, " \
                            f"error {got[1]}; want {len(want[0])} bytes, error {want[1]}"
    assert {name: tb.counter(name) for name in counts} == counts


def beats(frame: bytes, abort: bool = False) -> list[tuple[int, int, int, int, int]]:
    """The frame as order entry writes it: ``(data, keep, first, last, error)``."""
    chunks = [frame[i:i + LANES] for i in range(0, len(frame), LANES)]
    return [(int.from_bytes(c, "little"), (1 << len(c)) - 1, int(i == 0),
             int(i == len(chunks) - 1), int(abort and i == len(chunks) - 1))
            for i, c in enumerate(chunks)]


def pack(beat) -> int:
    value = 0
    for name, item in zip(("data", "keep", "first", "last", "error"), beat, strict=True):
        value |= item << BEAT[name].offset
    return value


@cocotb.test()
async def core_frames_leave_with_preamble_padding_fcs_and_the_abort_marked(dut):
    tb = TB(dut)
    await tb.reset()
    rng = random.Random(2)
    frames = [(scapy_frame(n, rng), False) for n in (60, 100, 1514, 333)]
    frames[1:1] = [(bytes(rng.randrange(256) for _ in range(n)), False) for n in (14, 42, 59)]
    frames.insert(4, (scapy_frame(120, rng), True))           # order entry's abort
    for frame, abort in frames:
        for beat in beats(frame, abort):                      # never pausing inside a frame
            dut.tx_valid.value = 1
            dut.tx_payload.value = pack(beat)
            while True:
                await ReadOnly()                              # ready as the edge sees it
                taken = int(dut.tx_ready.value)
                await RisingEdge(dut.clk)
                if taken:
                    break
        dut.tx_valid.value = 0
        for _ in range(rng.choice([0, 0, 3, 40])):
            await RisingEdge(dut.clk)
    dut.tx_valid.value = 0
    for index, (frame, abort) in enumerate(frames):
        wire = await tb.sink.recv(compact=False)
        assert wire.get_preamble() == PREAMBLE, f"frame {index}: preamble"
        payload = wire.get_payload(strip_fcs=True)
        assert payload == frame.ljust(MIN_FRAME, b"\0"), f"frame {index}: bytes"
        fcs_ok = wire.get_fcs() == fcs(bytes(payload))
        assert fcs_ok == (not abort), f"frame {index}: FCS good {fcs_ok}, abort {abort}"
        assert any(wire.error or []) == abort, f"frame {index}: TX_ER"
    await ClockCycles(dut.clk, 50)
    sent = sum(not abort for _, abort in frames)
    assert (tb.counter("tx_frames"), tb.counter("tx_aborted"), tb.counter("tx_underruns")) \
        == (sent, 1, 0)
