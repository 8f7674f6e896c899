"""``tickforge resync``: hand a card that lost sync its exchange-response stream again.

    tickforge resync [--follow] [--json] [--device /dev/xdma0]

Reads the card-to-host channel (``<device>_c2h_0``), keeping the order-entry frames the
card passes on (``HOST_RX`` records) and its segment verdicts, and, while the card is out
of sync, rebuilds the session's TCP stream from its ``rcv_next``, applies the OUCH messages
the card did not, loads its orders, positions and P&L and writes ``rcv_next_load`` and
``command.resync`` (:mod:`host.resync`). It prints what it applied. Without ``--follow``
it stops once the card is in sync (exit 0); if the channel closes first, the error says
what the stream still misses (exit 3: a hole that a retransmission must fill, or a packet
cut short). With ``--follow`` it keeps reading and resyncs after every loss of sync,
printing a line when it has to wait. A message the card could not have applied (an order
it does not know) stops it with exit 3 and the card left out of sync.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from host.commands.card import _card, _device
from host.session_stream import StreamIncomplete

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("resync", help="resynchronise a card's exchange responses from its "
                                      "event stream")
    p.add_argument("--follow", action="store_true",
                   help="keep going: resync after every loss of sync")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    _device(p)
    p.set_defaults(func=_resync)


def _resync(args) -> int:
    with _card(args) as card:
        return run(card, args.follow, args.json)


def run(card, follow: bool = False, as_json: bool = False) -> int:
    log = card.receive_log()
    waiting = ""
    while True:
        log.add(card.events())
        try:
            result = card.resync(log)
        except StreamIncomplete as problem:
            if card.ended:
                raise
            if follow and str(problem) != waiting:
                print(json.dumps({"waiting": str(problem)}) if as_json
                      else f"waiting: {problem}", flush=True)
            waiting = str(problem)
            continue
        waiting = ""
        if result is not None:
            print(json.dumps(asdict(result)) if as_json else _line(result), flush=True)
        elif not follow:
            print(json.dumps({"in_sync": True}) if as_json else "in sync: nothing to do")
        if not follow or card.ended:
            return 0


def _line(result) -> str:
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(result.counts.items())) or "none"
    line = (f"resynced at sequence {result.end}: from {result.start}, messages applied: "
            f"{counts}; {len(result.fills)} fills; {result.orders} orders and slots "
            f"{result.slots} loaded; P&L {result.pnl / 10_000:.4f}")
    if result.raced:
        line += (" (a frame arrived during the resync: the card will lose sync at the next "
                 "segment and the next resync applies it)")
    return line
