"""Frames the card received on its order-entry port, rebuilt from ``HOST_RX`` records.

The card packs the port's beats, exactly as received, into event-stream records of up to
:data:`hdl.host_if.events.HOST_RX_BEATS` beats of one frame (:mod:`hdl.host_if.host_rx`).
:class:`FrameAssembler` takes decoded records (:func:`host.events.decode_records`) batch
after batch and returns every frame it can vouch for: from a ``first`` beat to a ``last``
beat, with the MAC's error flag clear, and no record of it lost on the way. Everything
else is counted and dropped:

- ``mac_errors``: frames whose last beat has the error flag (bad FCS);
- ``incomplete``: broken pieces of frames: a record lost inside (an ``event_seq`` gap
  between a ``first`` and the next ``last``: the stream's FIFO was full; the head of one
  frame and the tail of the next with the lost records between are one piece), no
  ``last`` before the next ``first``, beats outside any frame;
- ``records_lost``: ``HOST_RX`` records the card dropped, from the ``event_seq`` gaps.

A frame whose records are all lost is not seen at all: the TCP sequence numbers show the
hole (:mod:`host.session_stream`). Beats are joined with numpy a batch at a time; Python
runs once per frame, not per beat.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from hdl.host_if.events import HOST_RX_BEATS, EventKind
from host.errors import DataError

__all__ = ["RxFrame", "FrameAssembler"]

_SEQ_MOD = 1 << 32
_FLAGS = ("first", "last", "error")


class RxFrame(NamedTuple):     # a tuple: made once per frame, cheaply
    data: bytes                  # the frame as received (no FCS)
    time: int                    # the card's cycle counter when its last beat was packed


class FrameAssembler:
    """Feed it decoded record batches with :meth:`add`; it returns whole good frames."""

    def __init__(self):
        self._next_seq: int | None = None
        self._open: dict[str, np.ndarray] | None = None    # beats of the unfinished frame
        self.frames = 0
        self.mac_errors = 0
        self.incomplete = 0
        self.records_lost = 0

    def add(self, records: dict) -> list[RxFrame]:
        columns = records.get(EventKind.HOST_RX)
        if not columns or not len(columns["event_seq"]):
            return []
        beats = self._beats(columns)
        if self._open is not None:
            beats = {name: np.concatenate([self._open[name], beats[name]]) for name in beats}
            self._open = None
        return self._frames(beats)

    # ------------------------------------------------------------------ records to beats
    def _beats(self, columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """One entry per beat, in order; ``gap``: records were lost just before it."""
        count = columns["count"].astype(np.int64)
        if ((count < 1) | (count > HOST_RX_BEATS)).any():
            bad = int(count[(count < 1) | (count > HOST_RX_BEATS)][0])
            raise DataError(f"event stream: a HOST_RX record holds {bad} beats "
                            f"(1 to {HOST_RX_BEATS})")
        seq = columns["event_seq"].astype(np.int64)
        previous = np.concatenate([[seq[0] - 1 if self._next_seq is None
                                    else self._next_seq - 1], seq[:-1]])
        skipped = (seq - previous - 1) % _SEQ_MOD
        self.records_lost += int(skipped.sum())
        self._next_seq = int(seq[-1] + 1) % _SEQ_MOD
        used = np.arange(HOST_RX_BEATS)[None, :] < count[:, None]
        out = {name: np.stack([columns[f"beats_{i}_{name}"] for i in range(HOST_RX_BEATS)],
                              axis=1)[used]
               for name in ("data", "keep", *_FLAGS)}
        starts = np.zeros(used.shape, bool)
        starts[:, 0] = skipped != 0
        out["gap"] = starts[used]
        out["time"] = np.repeat(columns["event_time"].astype(np.uint64), count)
        return out

    # ------------------------------------------------------------------ beats to frames
    def _frames(self, beats: dict[str, np.ndarray]) -> list[RxFrame]:
        first = beats["first"].astype(bool)
        total = len(first)
        starts = np.flatnonzero(first)
        if not len(starts) or starts[0]:
            self.incomplete += 1                    # beats of a frame begun before
        if not len(starts):
            return []
        spans = np.append(starts[1:], total)        # each frame's beats end before these
        lasts = np.flatnonzero(beats["last"])
        at = np.searchsorted(lasts, starts)
        ends = lasts[np.minimum(at, max(len(lasts) - 1, 0))] if len(lasts) else starts
        ended = (at < len(lasts)) & (ends < spans)
        if not ended[-1]:                           # may end in the next batch
            self._open = {name: column[starts[-1]:] for name, column in beats.items()}
        gaps = np.cumsum(beats["gap"])
        lost = ended & (gaps[np.where(ended, ends, starts)] != gaps[starts])
        error = ended & ~lost & beats["error"][np.where(ended, ends, starts)].astype(bool)
        good = ended & ~lost & ~error
        self.incomplete += int((~ended[:-1]).sum() + lost.sum() +
                               (ended & (ends + 1 < spans)).sum())
        self.mac_errors += int(error.sum())
        self.frames += int(good.sum())
        keep = beats["keep"].astype(np.uint8)
        lanes = np.unpackbits(keep[:, None], axis=1, bitorder="little").astype(bool)
        flat = beats["data"].astype("<u8").view(np.uint8).reshape(-1, 8)[lanes].tobytes()
        offsets = np.concatenate([[0], np.cumsum(np.bitwise_count(keep), dtype=np.int64)])
        times = beats["time"][ends[good]].tolist()
        return [RxFrame(flat[a:b], t) for a, b, t in
                zip(offsets[starts[good]].tolist(), offsets[ends[good] + 1].tolist(), times,
                    strict=True)]
