"""Harness rows for :class:`sim.response_inject_top.ResponseInjectTop` from a response flow.

A flow is a list of steps (as :func:`sim.response_flow.random_flow` makes them):
``("sent", user_ref_num, slot, sell, price, shares)`` (one row), ``("frame", bytes,
mac_error)`` (its beats, back to back) and ``("resync", rcv_next)`` (one row, after enough
idle rows for the previous frame's verdict and any rollback to finish). Every row is one
cycle; :func:`flow_rows` also returns the row of each frame's last beat.
"""

from __future__ import annotations

import numpy as np

from hdl.response.layouts import UNDO_DEPTH
from sim.harness_ports import flat_layout
from sim.response_inject_top import RESPONSE_INJECT_LAYOUT
from sim.verilated_harness import payload_rows

__all__ = ["flow_rows", "RESYNC_IDLE"]

_LANES = 8
#: Idle cycles before a resync: the verdict (3 cycles after the last beat) and a rollback
#: of a whole undo log.
RESYNC_IDLE = UNDO_DEPTH + 8


def flow_rows(steps) -> tuple[np.ndarray, list[int]]:
    """Rows for ``steps`` (the first should be a resync: the path starts out of sync).
    Returns the rows and the row index of every frame's last beat."""
    cols: dict[str, list[int]] = {name: [] for name, _ in flat_layout(RESPONSE_INJECT_LAYOUT)}
    ends = []

    def row(**values):
        for name, column in cols.items():
            column.append(values.get(name, 0))

    for step in steps:
        kind = step[0]
        if kind == "sent":
            _, ref, slot, sell, price, shares = step
            row(has_sent=1, sent_user_ref_num=ref, sent_slot=slot, sent_sell=int(sell),
                sent_price=price, sent_shares=shares)
        elif kind == "frame":
            _, data, error = step
            beats = -(-len(data) // _LANES)
            for b in range(beats):
                chunk = data[b * _LANES:(b + 1) * _LANES]
                last = b == beats - 1
                row(has_oe=1, oe_data=int.from_bytes(chunk.ljust(_LANES, b"\0"), "little"),
                    oe_keep=(1 << len(chunk)) - 1, oe_first=int(b == 0), oe_last=int(last),
                    oe_error=int(bool(error) and last))
            ends.append(len(cols["has_oe"]) - 1)
        elif kind == "resync":
            for _ in range(RESYNC_IDLE):
                row()
            row(resync=1, rcv_next=step[1])
        else:
            raise ValueError(f"unknown flow step {kind!r}")
    count = len(cols["has_oe"])
    values = {name: np.array(column, dtype=np.uint64) for name, column in cols.items()}
    return payload_rows(values, flat_layout(RESPONSE_INJECT_LAYOUT), count), ends
