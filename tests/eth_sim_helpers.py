"""amaranth.sim helpers for the MAC: byte times on the wire, built independently of the design.

:func:`wire` builds what a PHY delivers for a frame (preamble, delimiter, frame, FCS from
``zlib.crc32``) as ``(data, en, er)`` byte times; :func:`parse_wire` takes byte times
apart into frames the same way a receiver would, checking preamble and FCS with zlib.
Frames themselves come from scapy (:func:`scapy_frame`), so neither side of a comparison
is the design's own output.
"""

from __future__ import annotations

import random
import struct
import zlib
from dataclasses import dataclass

from proto.net import MIN_FRAME, PREAMBLE_BYTE, PREAMBLE_BYTES, SFD

__all__ = ["fcs", "wire", "idle", "scapy_frame", "WireFrame", "parse_wire", "run"]


def fcs(frame: bytes) -> bytes:
    """The Ethernet FCS of ``frame``: CRC-32 (zlib's), least significant byte first."""
    return struct.pack("<I", zlib.crc32(frame))


def wire(frame: bytes, *, good_fcs: bool = True, preamble: int = PREAMBLE_BYTES,
         er_at: int | None = None) -> list[tuple[int, int, int]]:
    """Byte times of one frame as a PHY delivers it: ``(data, en, er)``.

    ``er_at`` raises RX_ER on that byte of the frame (counted after the delimiter).
    """
    check = fcs(frame)
    if not good_fcs:
        check = bytes([check[0] ^ 0x01]) + check[1:]
    body = frame + check
    times = [(PREAMBLE_BYTE, 1, 0)] * preamble + [(SFD, 1, 0)]
    times += [(b, 1, int(i == er_at)) for i, b in enumerate(body)]
    return times


def idle(n: int = 12) -> list[tuple[int, int, int]]:
    return [(0, 0, 0)] * n


def scapy_frame(length: int, rng: random.Random, vlan: int | None = None) -> bytes:
    """A UDP/IPv4 frame of exactly ``length`` bytes (no FCS), built by scapy."""
    from scapy.layers.inet import IP, UDP
    from scapy.layers.l2 import Dot1Q, Ether

    head = Ether(dst="01:00:5e:36:0c:01", src="02:00:00:00:00:01")
    if vlan is not None:
        head = head / Dot1Q(vlan=vlan)
    head = head / IP(src="10.0.0.1", dst="233.54.12.1") / UDP(sport=1234, dport=26400)
    room = length - len(bytes(head))
    if room < 0:
        raise ValueError(f"{length} bytes cannot hold the headers")
    return bytes(head / bytes(rng.randrange(256) for _ in range(room)))


@dataclass
class WireFrame:
    """A frame as seen on the transmit pins."""

    preamble: bytes      # what came before the frame's first byte, delimiter included
    body: bytes          # frame bytes, padding and FCS
    er: list[int]        # TX_ER per byte of body
    start: int           # byte time of the first preamble byte
    end: int             # byte time after the last FCS byte

    @property
    def frame(self) -> bytes:
        return self.body[:-4]

    @property
    def fcs_ok(self) -> bool:
        return self.body[-4:] == fcs(self.frame)


def parse_wire(times: list[tuple[int, int, int]]) -> list[WireFrame]:
    """Split byte times into frames at TX_EN; the preamble is checked by the caller."""
    frames, at = [], 0
    while at < len(times):
        if not times[at][1]:
            at += 1
            continue
        start = at
        while at < len(times) and times[at][1]:
            at += 1
        burst = times[start:at]
        raw = bytes(d for d, _, _ in burst)
        sfd = raw.index(SFD) if SFD in raw else len(raw)
        frames.append(WireFrame(raw[:sfd + 1], raw[sfd + 1:],
                                [er for _, _, er in burst[sfd + 1:]], start, at))
    return frames


def padded(frame: bytes) -> bytes:
    return frame.ljust(MIN_FRAME, b"\0")


def run(dut, clocks: dict[str, float], *benches, until=None, deadline: float = 1e-3):
    """Simulate ``dut`` with a clock per domain (period in seconds) and testbenches
    ``bench(ctx)``; with ``until`` the run stops when that testbench returns."""
    from amaranth.sim import Simulator

    sim = Simulator(dut)
    for domain, period in clocks.items():
        sim.add_clock(period, domain=domain)
    for bench in benches:
        sim.add_testbench(bench, background=bench is not until and until is not None)
    if until is not None:
        sim.run()
    else:
        sim.run_until(deadline)
