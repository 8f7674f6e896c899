"""``tickforge events | fills | order | cancel``: a card's streams through the XDMA driver.

    tickforge events [--follow] [--count N] [--json] [--device /dev/xdma0]
    tickforge fills [--follow] [--count N] [--json] [--device /dev/xdma0]
    tickforge order --slot N --side buy|sell --shares N --price DOLLARS [--device ...]
    tickforge cancel USERREFNUM [--leave N] | cancel --all   [--device ...]

``events`` prints the card-to-host records (``<device>_c2h_0``) one line each, in the
order the card made them (``--json``: one JSON object per line, every field of the
record); without ``--follow`` it prints what one read returns. ``fills`` prints only the
executions whose segment was applied (:mod:`host.fills`). ``order`` writes a manual order
to the host-to-card channel (``<device>_h2c_0``): it passes every risk check on the card,
and its ``sent`` or ``reject`` record carries the tag printed here in ``sequence``.
``cancel`` sends an OUCH Cancel Order for one order (``--all``: every open order).
A ``serial:`` device (a board's UART link) has no streams: these verbs refuse it at once.
"""

from __future__ import annotations

import argparse
import json

from host.commands.card import _card, _device
from host.config_values import Problems, Section
from host.errors import UserError

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("events", help="print the card's event records as they arrive")
    _follow(p)
    p.set_defaults(func=_events)
    p = sub.add_parser("fills", help="print the card's fills (applied executions)")
    _follow(p)
    p.set_defaults(func=_fills)
    p = sub.add_parser("order", help="send a manual order through the card's risk checks")
    p.add_argument("--slot", type=int, required=True, help="book slot of the stock")
    p.add_argument("--side", choices=("buy", "sell"), required=True)
    p.add_argument("--shares", type=int, required=True)
    p.add_argument("--price", required=True, help="limit price in dollars, e.g. 24.1500")
    _device(p)
    p.set_defaults(func=_order)
    p = sub.add_parser("cancel", help="cancel an open order (or every one with --all)")
    p.add_argument("user_ref_num", nargs="?", type=int)
    p.add_argument("--leave", type=int, default=0, help="shares to leave on the order")
    p.add_argument("--all", action="store_true", help="mass cancel: every open order")
    _device(p)
    p.set_defaults(func=_cancel)


def _follow(p) -> None:
    p.add_argument("--follow", action="store_true", help="keep reading until interrupted")
    p.add_argument("--count", type=int, help="stop after this many")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    _device(p)


def _line(kind: str, fields: dict, as_json: bool) -> str:
    if as_json:
        return json.dumps({"event": kind, **fields})
    head = f"{fields.get('event_time', 0):>14} {kind:10s} seq={fields.get('event_seq', 0)}"
    body = " ".join(f"{k}={v}" for k, v in fields.items() if not k.startswith("event_"))
    return f"{head} {body}"


def _events(args) -> int:
    with _card(args, streams=True) as card:
        return _print_events(card, args)


def _print_events(card, args) -> int:
    if args.follow or args.count:
        stream = card.follow(args.count)
    else:
        batch = card.events()
        stream = iter(sorted(((kind, {n: int(c[i]) for n, c in cols.items()})
                              for kind, cols in batch.items()
                              for i in range(len(cols["event_time"]))),
                             key=lambda item: item[1]["event_time"]))
    for kind, fields in stream:
        print(_line(kind.name.lower(), fields, args.json), flush=True)
    return 0


def _fills(args) -> int:
    from dataclasses import asdict

    with _card(args, streams=True) as card:
        return _print_fills(card, args, asdict)


def _print_fills(card, args, asdict) -> int:
    shown = 0
    fills = card.fills() if args.follow or args.count else iter(_one_read(card))
    for fill in fills:
        if args.json:
            print(json.dumps(asdict(fill)), flush=True)
        else:
            side = "sell" if fill.sell else "buy"
            print(f"{fill.time:>14} ref={fill.user_ref_num} slot={fill.slot} {side} "
                  f"{fill.shares} @ {fill.price / 10_000:.4f} match={fill.match_number} "
                  f"position={fill.position} pnl={fill.pnl / 10_000:.4f}", flush=True)
        shown += 1
        if args.count and shown >= args.count:
            break
    return 0


def _one_read(card):
    from host.fills import FillTracker

    return FillTracker().add(card.events())


def _order(args) -> int:
    problems = Problems()
    price = Section(problems, "order", {"price": args.price}, {"price"}).price("price")
    if problems:
        raise UserError("; ".join(f"--{path.rsplit('.', 1)[-1]}: {what}"
                                  for path, what in problems.items))
    if price == 0:
        raise UserError("--price 0: an order needs a price")
    if args.shares <= 0:
        raise UserError(f"--shares {args.shares}: must be positive")
    with _card(args, streams=True) as card:
        tag = card.order(args.slot, args.side == "sell", price, args.shares)
    print(f"order sent to the risk checks: tag {tag} (the sequence of its sent or reject "
          "record)")
    return 0


def _cancel(args) -> int:
    if args.all == (args.user_ref_num is not None):
        raise UserError("give either a UserRefNum or --all")
    with _card(args, streams=True) as card:
        tag = card.mass_cancel() if args.all else card.cancel(args.user_ref_num, args.leave)
    print(f"cancel sent: tag {tag}")
    return 0
