"""Tick-to-trade in cycles: from the rx beat with a message's last byte to its order's first beat.

:func:`message_end_rows` finds, for every ITCH message carried by a list of frames streamed
back to back (``idle`` empty cycles after each, as :func:`sim.verilated_feed.rx_records`
lays them out), the harness cycle of the beat that carries the message's last byte; when
two feeds carry the same sequence number the first one to arrive counts, since that is the
copy the feed handler delivers. :func:`tick_to_trade` pairs every completed order frame
with its trigger (the order report's ``sequence``) and returns the cycle counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from proto import moldudp64
from proto.net import DOT1Q, ETHERNET, UDP
from proto.net_parse import parse_frame

__all__ = ["message_end_rows", "tick_to_trade", "summary"]


def message_end_rows(frames: Iterable, lanes: int = 8, idle: int = 0) -> dict[int, int]:
    """MoldUDP64 sequence number -> cycle of the beat carrying the message's last byte."""
    rows: dict[int, int] = {}
    start = 0
    for frame in frames:
        data = frame.data if hasattr(frame, "data") else frame[0]
        beats = -(-len(data) // lanes)
        parsed = parse_frame(data)
        if not getattr(frame, "mac_error", False):
            ip_at = ETHERNET.size + (DOT1Q.size if parsed.vlan else 0)
            payload_at = ip_at + (data[ip_at] & 0x0F) * 4 + UDP.size
            packet = moldudp64.decode_packet(parsed.payload)
            at = payload_at + moldudp64.HEADER.size
            for index, message in enumerate(packet.messages):
                at += moldudp64.BLOCK.size + len(message)
                rows.setdefault(packet.sequence + index, start + (at - 1) // lanes)
        start += beats + idle
    return rows


def tick_to_trade(frames: Sequence, sent: dict[str, np.ndarray], ends: dict[int, int],
                  to_last_beat: bool = False) -> list[int]:
    """Cycles from trigger to first beat (or, ``to_last_beat``, to the last beat) for
    every completed order frame.

    ``frames`` are :class:`sim.trade_frames.TxFrame` in order, ``sent`` the order reports
    (one per frame, same order).
    """
    cycles = []
    for index, frame in enumerate(frames):
        if frame.error:
            continue
        end = frame.first_cycle + (frame.beats - 1 if to_last_beat else 0)
        cycles.append(end - ends[int(sent["sequence"][index])])
    return cycles


def summary(cycles: Sequence[int]) -> dict[str, float]:
    """``min``, ``median`` and ``max`` of the cycle counts (empty: all None)."""
    if not len(cycles):
        return {"min": None, "median": None, "max": None}
    values = np.asarray(cycles)
    return {"min": int(values.min()), "median": float(np.median(values)),
            "max": int(values.max())}
