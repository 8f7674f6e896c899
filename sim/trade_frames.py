"""Order frames back from the transmit stream's beats, as the Verilator harness records them.

The harness writes one ``tx`` record per beat accepted (``data``, ``keep``, ``first``,
``last``, ``error``, with its cycle); :func:`frames_from_beats` joins them into frames: the
bytes the MAC would send (lanes set in ``keep``, frame byte 0 in bits 7..0), whether the
frame ended with the error flag (the MAC discards it), and the cycle of its first beat.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["TxFrame", "frames_from_beats"]


@dataclass(frozen=True)
class TxFrame:
    data: bytes
    error: bool
    first_cycle: int
    beats: int


def frames_from_beats(fields: dict[str, np.ndarray], cycles: np.ndarray,
                      width: int = 64) -> list[TxFrame]:
    """Frames from the ``tx`` stream's fields (``Outputs.fields("tx")``) and cycles.

    Raises ``ValueError`` on a beat outside a frame or a frame that never ends, which a MAC
    would reject too.
    """
    lanes = width // 8
    frames: list[TxFrame] = []
    if not len(cycles):
        return frames
    data = np.asarray(fields["data"], np.uint64)
    keep, first = fields["keep"].astype(int), fields["first"].astype(bool)
    last, error = fields["last"].astype(bool), fields["error"].astype(bool)
    raw = data.astype("<u8").tobytes()
    start = None
    for i in range(len(cycles)):
        if first[i]:
            if start is not None:
                raise ValueError(f"beat {i}: a frame starts inside the frame of beat {start}")
            start = i
        elif start is None:
            raise ValueError(f"beat {i}: outside any frame")
        if last[i]:
            body = bytearray()
            for j in range(start, i + 1):
                count = bin(int(keep[j])).count("1")
                body += raw[j * lanes:j * lanes + count]
            frames.append(TxFrame(bytes(body), bool(error[i]), int(cycles[start]),
                                  i + 1 - start))
            start = None
    if start is not None:
        raise ValueError(f"beat {start}: the frame never ends")
    return frames
