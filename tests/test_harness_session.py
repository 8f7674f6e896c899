"""The harness in serve mode (:class:`sim.harness_session.HarnessSession`): a flow streamed
in uneven chunks, with register reads between them, gives the batch run's records."""

from __future__ import annotations

import numpy as np
import pytest

from sim.harness_ports import harness_ports
from sim.harness_session import HarnessSession
from sim.order_session import Session, session_writes
from sim.response_flow import random_flow
from sim.response_rows import flow_rows
from sim.verilated_response import VerilatedResponses

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def path():
    return VerilatedResponses()


def test_chunked_serve_run_equals_the_batch_run(path):
    steps = random_flow(7, orders=400, impair=0.1)
    batch = path.run(steps)
    rows, _ = flow_rows(steps)
    ports = harness_ports(path.top)
    regs = path.top.register_map
    segments, responses, rcv_next = [], [], []
    with HarnessSession(path.exe, ports, record=["responses", "segments"]) as session:
        for name, value in session_writes(Session(), enable=False):
            session.write(regs.address(name), value)
        at, sizes = 0, [1, 2, 500, 3, 1_000, 77]
        while at < len(rows):
            size = sizes[len(segments) % len(sizes)]
            out = session.run(rows[at:at + size])
            at += size
            segments.append(out["segments"])
            responses.append(out["responses"])
            rcv_next.append(session.read(regs.address("response.rcv_next")))
        tail = session.run(np.zeros((400, ports.row_words), np.uint32))
        segments.append(tail["segments"])
        responses.append(tail["responses"])
        assert session.read(regs.address("response.rcv_next")) == \
            batch.registers["response.rcv_next"]
    # register reads between chunks add idle cycles, so compare records, not cycles
    got = [tuple(int(f[name][i]) for name in ("outcome", "detail", "seq", "length",
                                               "messages"))
           for f in (s.fields() for s in segments if len(s)) for i in range(len(f["outcome"]))]
    assert got == [tuple(int(v) for v in s) for s in batch.segments]
    count = sum(len(r) for r in responses)
    assert count == sum(len(v) for v in batch.responses.values())
    assert len(set(rcv_next)) > 10          # read between chunks, as the stream advanced
