"""One host scenario on the whole card, written against the ``Card`` API only, so the same
steps run through any transport that can also drive market-data rows (``run_rows``): the
harness (:class:`host.transports.HarnessTransport`) and cocotb
(:class:`sim.cocotb_transport.CocotbTransport`).

The host programs the feed handler and loads the bundled configuration with the strategy's
triggers then switched off (so nothing depends on the phase of the rate buckets, which
register accesses of different lengths shift), streams the bundled RITCH day, then sends a
manual order at the final touch, one too large, a mass cancel, a kill and an order after
it. :func:`summary` is what both transports must agree on: every event record the host
read (in each source's order, without cycle stamps) and the command, order-entry and risk
counters.
"""

from __future__ import annotations

import numpy as np

from sim.book import Books
from sim.feed_model import FeedConfig
from sim.harness_ports import idle_inputs
from sim.packetise import DEFAULT_FEEDS, packetise
from sim.verilated_feed import rx_records

__all__ = ["run_scenario", "summary", "feed_config"]

CHUNK = 4096
COUNTERS = ("commands.", "order.frames_sent", "order.cancels_sent", "risk.reason_",
            "risk.accepted_legs", "risk.rejected_legs")


def _idle(transport, ports, cycles):
    transport.run_rows(np.zeros((cycles, ports.row_words), np.uint32))


def run_scenario(card, transport, ports, feed_writes, day, config) -> dict:
    for address, value in feed_writes:
        card.transport.write32(address, value)
    card.load(config)
    card.write("strategy.control", 0)
    bodies = [bytes(day.buf[o:o + n]) for o, n in zip(day.offsets, day.lengths, strict=True)]
    rows = idle_inputs(rx_records(packetise(bodies, feeds=DEFAULT_FEEDS[:1],
                                            end_of_session=False)), ports)
    for start in range(0, len(rows), CHUNK):
        transport.run_rows(rows[start:start + CHUNK])
    _idle(transport, ports, 500)
    books = Books()
    books.apply(day.events())
    locate = {name: loc for loc, name in day.symbols().items()}["ALC"]
    bid, ask = books.best(locate)
    buy = min(ask, (bid + ask + 2 * config.trade.limits.collar) // 2)
    slot = next(s for s, t in config.tickers.items() if t == "ALC")
    card.order(slot, False, buy, 100)
    card.order(slot, False, buy, config.trade.limits.max_shares + 1)
    _idle(transport, ports, 200)
    card.mass_cancel()
    _idle(transport, ports, 1500)
    card.kill(stream=True)
    card.order(slot, True, bid, 100)
    _idle(transport, ports, 200)
    records = []
    while True:
        batch = card.events()
        if not batch:
            break
        records.append(batch)
    return summary(records, card.counters())


def summary(batches, counters) -> dict:
    out: dict = {}
    for batch in batches:
        for kind, columns in batch.items():
            names = sorted(n for n in columns if n != "event_time" and n != "time" and
                           not n.endswith("_time"))
            rows = out.setdefault(kind.name, [])
            for i in range(len(columns["event_seq"])):
                rows.append({n: int(columns[n][i]) for n in names})
    out["counters"] = {path: value for path, value in counters.items()
                       if path.startswith(COUNTERS)}
    return out


def feed_config():
    return FeedConfig.for_feeds(DEFAULT_FEEDS[:1])
