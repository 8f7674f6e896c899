"""``tickforge load | status | regs | kill``: a card through the XDMA driver's devices.

    tickforge load CONFIG.toml [--device /dev/xdma0]
    tickforge status [--device /dev/xdma0] [--json]
    tickforge regs [PATTERN] [--device /dev/xdma0] [--json]
    tickforge kill [--rearm] [--device /dev/xdma0]

``--device`` is the driver's prefix (``<device>_user`` is the register BAR, see
:mod:`host.transports`). Every command first checks the card's block headers against the
register map (``docs/regs.json``): a card running another bitstream is refused before
anything is written. ``load`` validates the whole file first (:mod:`host.config`), then
applies it with trading off until the last write (:meth:`host.card.Card.load`).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

__all__ = ["register"]

DEFAULT_DEVICE = "/dev/xdma0"


def _card(args):
    from host.card import Card
    from host.transports import XdmaTransport

    return Card(XdmaTransport(args.device))


def _device(parser) -> None:
    parser.add_argument("--device", default=DEFAULT_DEVICE,
                        help=f"XDMA device prefix (default {DEFAULT_DEVICE})")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("load", help="validate a strategy/risk TOML and load it onto the card")
    p.add_argument("config", type=Path)
    _device(p)
    p.set_defaults(func=_load)
    p = sub.add_parser("status", help="kill switch, session, sync, P&L of the card")
    _device(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_status)
    p = sub.add_parser("regs", help="read registers by name (all, or those matching)")
    p.add_argument("pattern", nargs="?", default="", help="substring of block.register")
    _device(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_regs)
    p = sub.add_parser("kill", help="set the kill switch (or clear it with --rearm)")
    p.add_argument("--rearm", action="store_true")
    _device(p)
    p.set_defaults(func=_kill)


def _load(args) -> int:
    from host.config import load_config

    config = load_config(args.config)          # every problem reported, nothing written
    _card(args).load(config)
    print(f"loaded {args.config}: {len(config.tickers)} stocks, trading enabled")
    for line in config.conversion_report():
        print(f"  {line}")
    return 0


def _status(args) -> int:
    status = _card(args).status()
    if args.json:
        print(json.dumps(status))
    else:
        for key, value in status.items():
            print(f"{key:18s} {value}")
    return 0


def _regs(args) -> int:
    values = _card(args).registers(args.pattern)
    if args.json:
        print(json.dumps(values))
    else:
        for path, value in values.items():
            print(f"{path:40s} {value:#010x}  {value}")
    return 0


def _kill(args) -> int:
    card = _card(args)
    if args.rearm:
        card.rearm()
    else:
        card.kill()
    killed = card.status()["killed"]
    print(f"kill switch {'set' if killed else 'clear'}")
    return 0
