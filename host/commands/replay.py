"""``tickforge replay``: a trading day through the Verilated card, with an exchange on its
order-entry session.

    tickforge replay DAY.itch50[.gz] --config STRATEGY.toml [--out DIR] [--json]
                     [--round-trip-us US] [--clock-mhz MHz]

The day goes into the whole Verilated core (feed handler, book builder, strategy, risk
gate, order entry, exchange responses) as MoldUDP64 frames on one feed, one beat a cycle;
the exchange simulator (:mod:`sim.exchange`) terminates the card's TCP session, matches
each order against the replayed book and answers in OUCH (:mod:`sim.replay`). The report
(:mod:`host.replay_report`) goes to stdout; ``DIR`` (default ``build/replay``) gets
``events.parquet`` (every order sent, rejection, response and segment record, with its
cycle and time), ``tick_to_trade.png`` and ``metrics.prom`` (the card's counters and
status at the end, Prometheus text format, :mod:`host.metrics`). The exit code is
:data:`EXIT_MISMATCH` if the card's P&L or positions differ from the exchange's own
accounting.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tqdm import tqdm

from host.errors import EXIT_DATA, UserError

__all__ = ["register", "run", "EXIT_MISMATCH"]

#: The card's accounting disagrees with the exchange's.
EXIT_MISMATCH = EXIT_DATA
DEFAULT_OUT = Path("build/replay")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("replay", help="replay a trading day through the Verilated card with "
                       "an exchange simulator", description=__doc__.split("\n\n")[0])
    p.add_argument("day", type=Path, help="ITCH 5.0 file (plain or .gz)")
    p.add_argument("--config", type=Path, required=True, help="strategy and risk TOML")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT,
                   help=f"directory for events.parquet and tick_to_trade.png "
                   f"(default {DEFAULT_OUT})")
    p.add_argument("--round-trip-us", type=float, default=None,
                   help="card to exchange and back (default: the config's [exchange])")
    p.add_argument("--clock-mhz", type=float, default=None,
                   help="card clock for the ns figures (default: the config's [card])")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.set_defaults(func=run)


def run(args) -> int:
    from host.config import check_symbols, load_config
    from host.replay_report import report, report_text, write_events, write_histogram
    from sim.itch_file import read_day
    from sim.replay import replay_day

    if not args.day.is_file():
        raise UserError(f"{args.day}: no such file", EXIT_DATA)
    config = load_config(args.config)
    clock = args.clock_mhz or config.clock_mhz
    round_trip_us = args.round_trip_us if args.round_trip_us is not None \
        else config.round_trip_us
    round_trip = round(round_trip_us * clock)
    if round_trip < 2:
        raise UserError(f"--round-trip-us {round_trip_us} is under 2 cycles at {clock} MHz")
    check_symbols(config, set(read_day(args.day).symbols().values()))
    with tqdm(total=1, unit="row", unit_scale=True, desc="replay", leave=False,
              disable=args.json) as bar:
        def progress(done, total):
            bar.total = total
            bar.n = done
            bar.refresh()

        result = replay_day(args.day, config.trade, config.tickers, round_trip=round_trip,
                            progress=progress)
    figures = report(result, clock)
    args.out.mkdir(parents=True, exist_ok=True)
    figures["events_written"] = write_events(result, args.out / "events.parquet", clock)
    write_histogram(result.tick_to_trade, args.out / "tick_to_trade.png", clock)
    from hdl.top import card_register_map
    from host.metrics import read_only_paths, write_textfile

    register_map = card_register_map()
    counters = {p: result.registers[p] for p in read_only_paths(register_map)}
    write_textfile(counters, register_map, args.out / "metrics.prom")
    figures["out"] = str(args.out)
    if args.json:
        print(json.dumps(figures))
    else:
        print(report_text(figures))
        print(f"wrote {args.out / 'events.parquet'} ({figures['events_written']} events), "
              f"{args.out / 'tick_to_trade.png'} and {args.out / 'metrics.prom'}")
    matches = figures["pnl_matches_exchange"] and figures["positions_match_exchange"]
    return 0 if matches else EXIT_MISMATCH
