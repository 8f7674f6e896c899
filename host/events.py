"""Decoding the card-to-host event stream (:mod:`hdl.host_if.events`), whole buffers at once.

:func:`decode_records` takes the bytes read from the card-to-host channel (whole
:data:`RECORD_BYTES` records, as the XDMA driver hands them over) and returns, per kind,
numpy columns of the header (``event_seq``, ``event_lost``, ``event_time``: prefixed, as
bodies have fields of their own called ``seq`` and ``time``) and of the body, unpacked from
the record bits with the layouts the gateware uses (never typed by hand here).
:func:`missed` counts records a source skipped (``event_seq`` gaps), which the
``event_lost`` fields must account for.
"""

from __future__ import annotations

import numpy as np

from hdl.host_if.events import HEADER, RECORD_BITS, EventKind, body_layouts
from host.errors import DataError
from sim.feed_bits import unpack_words
from sim.harness_ports import flat_layout

__all__ = ["RECORD_BYTES", "decode_records", "missed"]

RECORD_BYTES = RECORD_BITS // 8
_WORDS = RECORD_BITS // 32
_HEADER_WORDS = HEADER.size // 32
_BODIES = {kind: flat_layout(layout) for kind, layout in body_layouts().items()}


def decode_records(raw: bytes) -> dict[EventKind, dict[str, np.ndarray]]:
    """``{kind: {"event_seq", "event_lost", "event_time", <body fields>...}}``."""
    if len(raw) % RECORD_BYTES:
        raise DataError(f"event stream: {len(raw)} bytes is not a whole number of "
                        f"{RECORD_BYTES}-byte records")
    words = np.frombuffer(raw, dtype="<u4").reshape(-1, _WORDS)
    header = unpack_words(words[:, :_HEADER_WORDS], HEADER)
    kinds = header["kind"]
    known = set(int(k) for k in EventKind)
    unknown = sorted(set(np.unique(kinds).tolist()) - known)
    if unknown:
        raise DataError(f"event stream: unknown record kinds {unknown}")
    out = {}
    for kind, layout in _BODIES.items():
        rows = np.flatnonzero(kinds == kind)
        if not len(rows):
            continue
        columns = unpack_words(words[rows, _HEADER_WORDS:], layout)
        columns.update({f"event_{name}": header[name][rows] for name in ("seq", "lost", "time")})
        out[kind] = columns
    return out


def missed(columns: dict[str, np.ndarray], first_seq: int = 0) -> int:
    """Records of one source not received, from its ``event_seq`` (32-bit, wrapping)."""
    seq = columns["event_seq"].astype(np.int64)
    if not len(seq):
        return 0
    steps = (np.diff(np.concatenate([[first_seq - 1], seq])) - 1) % (1 << 32)
    return int(steps.sum())
