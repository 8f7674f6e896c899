"""Fills from the card-to-host event stream, each only once its segment is applied.

A response record (``RESPONSE``, :data:`hdl.response.layouts.RESPONSE_LAYOUT`) is made as
soon as its message is parsed, before the verdict on the frame that carried it (the
``SEGMENT`` record): a fill is real only if that verdict is ``APPLIED``. Records of
different sources may reach the host in another order than they were made, so responses
are paired with verdicts by the cycle they were made (``event_time``): the responses of a
segment are made after the previous segment's verdict and no later than its own (the next
frame's first message ends several beats after the verdict of this one), so the verdict of
a response is the first one made at or after it, whichever arrives first.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from hdl.host_if.events import EventKind
from hdl.response.layouts import Kind, Outcome
from host.resync_plan import Fill as Execution

__all__ = ["Fill", "FillTracker"]

#: Verdicts remembered for responses that arrive after theirs.
_HISTORY = 4096


@dataclass(frozen=True)
class Fill(Execution):
    """An execution the card applied, with what it made of it."""
    position: int                # the stock's position after the fill
    pnl: int                     # the card's P&L after the fill
    time: int                    # cycle counter when the card applied it


def _signed(value: int, bits: int) -> int:
    return value - (1 << bits) if value >> (bits - 1) & 1 else value


class FillTracker:
    """Feed it decoded records (:func:`host.events.decode_records` output) with
    :meth:`add`; it returns the fills that became final."""

    def __init__(self):
        self._verdicts: list[tuple[int, bool]] = []      # (time, applied), sorted
        self._pending: list[tuple[int, Fill]] = []       # (time, fill) without a verdict
        self.withdrawn = 0                                # executions of rejected segments

    def add(self, records: dict) -> list[Fill]:
        out: list[Fill] = []
        segments = records.get(EventKind.SEGMENT, {})
        for time, outcome in zip(segments.get("event_time", ()), segments.get("outcome", ()),
                                 strict=True):
            bisect.insort(self._verdicts, (int(time), int(outcome) == Outcome.APPLIED))
        del self._verdicts[:-_HISTORY]
        responses = records.get(EventKind.RESPONSE, {})
        for i, kind in enumerate(responses.get("kind", ())):
            if int(kind) != Kind.EXECUTED:
                continue
            r = {name: int(column[i]) for name, column in responses.items()}
            fill = Fill(r["user_ref_num"], r["slot"], bool(r["sell"]), r["quantity"],
                        r["price"], r["match_number"], _signed(r["position"], 32),
                        _signed(r["pnl"], 64), r["time"])
            self._pending.append((r["event_time"], fill))
        still = []
        for time, fill in sorted(self._pending, key=lambda item: item[0]):
            at = bisect.bisect_left(self._verdicts, (time, False))
            if at == len(self._verdicts):
                still.append((time, fill))
            elif self._verdicts[at][1]:
                out.append(fill)
            else:
                self.withdrawn += 1
        self._pending = still
        return out

    @property
    def pending(self) -> int:
        """Executions still waiting for their segment's verdict."""
        return len(self._pending)
