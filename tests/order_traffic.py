"""Random order traffic with speculation for the OrderEntry tests, and what it should send.

:func:`speculative_traffic` makes the steps (groups inside and outside feed frames, verdicts
after a random delay, a ready that is sometimes low); :func:`committed_legs` is the
contract's answer, from the steps alone: every leg whose group was committed (or never
speculative) and not rejected by the risk gate, in the order offered.
"""

from __future__ import annotations

import random

from order_sim_helpers import Leg, Step

__all__ = ["speculative_traffic", "committed_legs"]


def speculative_traffic(seed: int, cycles: int = 1500):
    """Groups (a third of them two legs) inside and outside feed frames, whose verdicts
    (70 % commit) come after 0 to about 40 cycles, and a ready that is low 20 % of the
    time. Bursts of 100 cycles fill the queue; between them the block mostly keeps up.
    The steps, and every leg once in the order offered."""
    rng = random.Random(seed)
    steps, legs, open_frame = [], [], False
    symbols = ["AAPL", "MSFT", "QQQ", "A", "ZVZZT", "GOOGL"]
    for cycle in range(cycles):
        step = Step(ready=rng.random() < 0.8)
        if rng.random() < (0.2 if cycle % 500 < 100 else 0.03):
            new = [Leg(slot=rng.randrange(16), sell=bool(rng.getrandbits(1)),
                       price=10_000 + len(legs) + k, shares=1 + rng.randrange(5000),
                       symbol=rng.choice(symbols)) for k in range(rng.choice((1, 1, 2)))]
            legs += new
            open_frame = open_frame or rng.random() < 0.5
            step.group, step.speculative = tuple(new), open_frame
        if open_frame and rng.random() < 0.06:
            step.verdict, open_frame = rng.random() < 0.7, False
        steps.append(step)
    steps.append(Step(verdict=True))
    return steps, legs


def committed_legs(steps, rejected):
    """The legs a correct block sends: committed ones, in order, none of a rejected group."""
    done, pending = [], []
    for index, step in enumerate(steps):
        if step.group and index not in rejected:
            (pending if step.speculative else done).extend(step.group)
        if step.verdict is not None:
            done += pending if step.verdict else []
            pending = []
    return done
