"""The trading path end to end as the reference sees it: records in, decisions and orders out.

:class:`TradeModel` runs :class:`sim.strategy_model.StrategyModel` and
:class:`sim.risk_model.RiskModel` on records at the strategy's input, at the cycles the
gateware sees them, and keeps the transmit queue's occupancy (:class:`TxQueue`) that the
risk gate's ``queue_full`` check reads. Timing, from the module docstrings of
:mod:`hdl.strategy.strategy`, :mod:`hdl.risk.gate` and :mod:`hdl.order.entry`: a record in
cycle ``c`` is judged by the risk gate in ``c + 2``; an accepted leg starts its frame in
the decision cycle if the transmitter is free (first beat in ``c + 3``), else in the cycle
the previous frame's final beat goes out; a frame is :data:`FRAME_BEATS` beats with
``ready`` held high, and its queue entry is free again after its final beat.

A withdraw takes back every group decided since the previous verdict (they come from the
withdrawn frame), so :meth:`TradeModel.sent_legs` is exactly what reaches the exchange.
The queue's timing (:attr:`TxQueue.starts`, and the room ``queue_full`` reads) is exact
when every verdict arrives with its records, as in the randomised scenarios; a frame that
had to wait for a later verdict (an aborted or late frame) is the order-entry tests'
business.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hdl.order.frame import beat_count
from hdl.risk.gate import RiskGate
from hdl.strategy.layouts import TradeParams
from hdl.strategy.strategy import Strategy
from sim.risk_model import RiskModel
from sim.strategy_model import Group, Leg, StrategyModel, Top

__all__ = ["DECISION_DELAY", "FRAME_BEATS", "Decision", "TxQueue", "TradeModel"]

#: Beats of one order frame on the 64-bit transmit stream.
FRAME_BEATS = beat_count(8)

#: Cycles from a record at the strategy's input to the risk gate's decision on its group.
DECISION_DELAY = Strategy.LATENCY + RiskGate.LATENCY


@dataclass(frozen=True)
class Decision:
    """One group judged: the record's cycle, the decision's cycle, the group, the verdict
    (``withdrawn``: accepted, but its frame's withdraw came with it, so nothing is sent)."""

    record_cycle: int
    cycle: int
    group: Group
    accepted: bool
    reasons: tuple[int, int]
    sequence: int
    withdrawn: bool = False


class TxQueue:
    """Occupancy of order entry's queue (the frame in flight included) over time."""

    def __init__(self, depth: int):
        self.depth = depth
        self._ends: list[int] = []       # per queued leg: the cycle its final beat goes out
        self.starts: list[tuple[int, Leg]] = []

    def free(self, cycle: int) -> int:
        """Entries free at the start of ``cycle``."""
        self._ends = [end for end in self._ends if end >= cycle]
        return self.depth - len(self._ends)

    def take_back(self, legs: int) -> None:
        """Forget the last ``legs`` pushed (their group was withdrawn as it was accepted)."""
        del self._ends[len(self._ends) - legs:]
        del self.starts[len(self.starts) - legs:]

    def push(self, cycle: int, legs) -> None:
        """Legs accepted in ``cycle``: each starts when the transmitter is free."""
        for leg in legs:
            start = cycle if not self._ends else max(cycle, self._ends[-1])
            self._ends.append(start + FRAME_BEATS)
            self.starts.append((start, leg))


class TradeModel:
    """Strategy, risk gate and transmit queue on one time base (the cycle counter)."""

    def __init__(self, params: TradeParams, strategy: StrategyModel, risk: RiskModel,
                 session: bool = True):
        self.params = params
        self.strategy = strategy
        self.risk = risk
        self.session = session
        self.queue = TxQueue(params.queue_depth)
        self.decisions: list[Decision] = []
        self._pending: list[tuple[int, int, Group, int]] = []
        self._verdicts: list[tuple[int, bool]] = []
        self._open_from = 0              # decisions since the last verdict
        self._legs_sent = 0              # accepted legs not withdrawn: UserRefNums given

    def step(self, cycle: int, record: tuple[int, Top, int] | None, verdict: bool | None):
        """What reaches the strategy in ``cycle``: a record ``(slot, top, sequence)``, a
        verdict, or both (the record first)."""
        if record is not None:
            slot, top, sequence = record
            group = self.strategy.record(cycle, slot, top)
            if group is not None:
                self._pending.append((cycle + DECISION_DELAY, cycle, group, sequence))
        if verdict is not None:
            self.strategy.verdict(verdict)
            self._verdicts.append((cycle + DECISION_DELAY, verdict))
        self._settle(cycle + DECISION_DELAY - 1)

    def _settle(self, until: int) -> None:
        """Run the risk gate for every cycle up to ``until``, in cycle order."""
        while self._pending or self._verdicts:
            when = min([p[0] for p in self._pending[:1]] + [v[0] for v in self._verdicts[:1]])
            if when > until:
                return
            if self._pending and self._pending[0][0] == when:
                _, record_cycle, group, sequence = self._pending.pop(0)
                # No responses here: every order sent keeps its table entry busy, so the
                # table is full once it has wrapped.
                full = [self._legs_sent + i >= self.params.order_table for i in range(2)]
                accepted, reasons = self.risk.decide(when, group, self.queue.free(when),
                                                     self.session, full)
                if accepted:
                    self.queue.push(when, group.legs)
                    self._legs_sent += len(group.legs)
                self.decisions.append(Decision(record_cycle, when, group, accepted,
                                               tuple(reasons + [0] * (2 - len(reasons))),
                                               sequence))
            if self._verdicts and self._verdicts[0][0] == when:
                _, commit = self._verdicts.pop(0)
                self._verdict(when, commit)

    def _withdraw(self, cycle: int) -> None:
        """A withdraw takes back every group decided since the previous verdict: they all
        come from the withdrawn frame. Order entry drops their queued legs and aborts a
        frame of theirs in flight, so none of them reaches the exchange."""
        for index in range(self._open_from, len(self.decisions)):
            d = self.decisions[index]
            if d.accepted:
                self.queue.take_back(len(d.group.legs))
                self._legs_sent -= len(d.group.legs)
                self.decisions[index] = replace(d, withdrawn=True)

    def _verdict(self, cycle: int, commit: bool) -> None:
        self.risk.verdict(cycle, commit)
        if not commit:
            self._withdraw(cycle)
        self._open_from = len(self.decisions)

    def sent_legs(self) -> list[tuple[Decision, Leg]]:
        """Every leg that reaches the exchange, in order, with its decision."""
        return [(d, leg) for d in self.decisions if d.accepted and not d.withdrawn
                for leg in d.group.legs]

    def finish(self) -> list[Decision]:
        self._settle(1 << 62)
        return self.decisions
