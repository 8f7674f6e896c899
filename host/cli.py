"""``tickforge``: the command line. Verb first; each verb lives in ``host/commands/<verb>.py``.

Every command module exposes ``register(subparsers)`` (adds its parser and sets
``func``) and raises :class:`host.errors.UserError` for anything the user can fix.
"""

from __future__ import annotations

import argparse
import sys

from host.commands import COMMANDS
from host.errors import EXIT_USAGE, UserError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tickforge",
        description="tickforge: FPGA tick-to-trade. Trade a day through the Verilated card, "
        "configure and watch a card, replay ITCH days through the reference book, inspect "
        "feeds, build capture files.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.func(args) or 0
    except UserError as err:
        print(f"tickforge {args.command}: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
