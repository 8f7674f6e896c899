"""The feed handler's event record in numpy: its dtype, and bulk decoding of message bodies.

:data:`FEED_EVENT_DTYPE` has one field per member of :data:`hdl.feed.layouts.EVENT_LAYOUT`,
same names and order. The ITCH columns keep :data:`proto.itch_event.EVENT_DTYPE`'s types
except ``stock``: the 8 bytes exactly as on the wire (space padded, not stripped), which is
what the gateware carries. ``feed``, ``channel`` and ``sequence`` say where it came from.
"""

from __future__ import annotations

import numpy as np
from amaranth import Shape

from hdl.feed.layouts import EVENT_LAYOUT, GAP_LAYOUT
from proto.itch_event import EVENT_DTYPE, EVENT_SOURCES
from sim.itch_file import ItchDay

__all__ = ["FEED_EVENT_DTYPE", "GAP_DTYPE", "decode_events", "strip_stock"]


def _uint_for(bits: int) -> str:
    for size in (1, 2, 4, 8):
        if bits <= 8 * size:
            return f"u{size}"
    raise ValueError(f"no numpy unsigned integer holds {bits} bits")


def _dtype_for(layout, overrides: dict) -> np.dtype:
    return np.dtype([(name, overrides.get(name) or _uint_for(Shape.cast(member.shape).width))
                     for name, member in layout])


#: One event as the gateware emits it (see the module docstring).
FEED_EVENT_DTYPE = _dtype_for(EVENT_LAYOUT, {
    name: EVENT_DTYPE[name] for name in EVENT_DTYPE.names})
#: One gap report: channel, first missing sequence number, count.
GAP_DTYPE = _dtype_for(GAP_LAYOUT, {})


def decode_events(buf: bytes, offsets, sequences, feeds, channels) -> np.ndarray:
    """Events for message bodies of known ITCH 5.0 types held in ``buf``.

    Parameters
    ----------
    buf : bytes
        Holds every body (e.g. the delivered packets' payloads, joined).
    offsets : sequence of int
        Byte offset of each body (its type byte) in ``buf``; every body must be complete.
    sequences, feeds, channels : sequence of int
        Per body: MoldUDP64 sequence number, feed table entry, channel.
    """
    data = np.frombuffer(buf, dtype=np.uint8)
    offsets = np.asarray(offsets, dtype=np.int64)
    types = data[offsets] if len(offsets) else np.zeros(0, np.uint8)
    # ItchDay does the per-type vectorised gather; only the stock column differs (raw here).
    day = ItchDay(data, offsets, np.zeros(len(offsets), np.int64), types)
    events = day.events()
    out = np.zeros(len(offsets), dtype=FEED_EVENT_DTYPE)
    for name in EVENT_DTYPE.names:
        if name != "stock":
            out[name] = events[name]
    for code, mapping in EVENT_SOURCES.items():
        if "stock" in mapping:
            idx, raw = day.records(code)
            out["stock"][idx] = raw[mapping["stock"]]
    out["sequence"] = np.asarray(sequences, dtype=np.uint64)
    out["feed"] = np.asarray(feeds, dtype=np.uint8)
    out["channel"] = np.asarray(channels, dtype=np.uint8)
    return out


def strip_stock(events: np.ndarray) -> np.ndarray:
    """The ``stock`` column with the wire's space padding removed (as ``EVENT_DTYPE``)."""
    return np.strings.rstrip(events["stock"], b" ")
