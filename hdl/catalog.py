"""Every gateware component that can be built on its own, by name, for bench/fmax.py and docs.

Each entry maps a name to ``(factory, one-line description)``; factories take no arguments
and return a ``wiring.Component`` with the default parameters.
"""

from __future__ import annotations


def _system_regs():
    from hdl.host_if.system import SystemTop

    return SystemTop()


def _frame_parser():
    from hdl.feed.frame_parser import FrameParser

    return FrameParser()


def _mold_itch():
    from hdl.feed.mold_itch import MoldItch

    return MoldItch()


def _feed_handler():
    from hdl.feed.handler import FeedHandler

    return FeedHandler()


def _book_builder():
    from hdl.book.builder import BookBuilder
    from hdl.book.layouts import ECP5_PARAMS

    return BookBuilder(ECP5_PARAMS)


def _level_store():
    from hdl.book.layouts import ECP5_PARAMS
    from hdl.book.level_store import LevelStore

    return LevelStore(ECP5_PARAMS)


def _order_entry():
    from hdl.order.entry import OrderEntry
    from hdl.strategy.layouts import ECP5_TRADE

    return OrderEntry(ECP5_TRADE)


def _strategy():
    from hdl.book.layouts import ECP5_PARAMS
    from hdl.strategy.layouts import ECP5_TRADE
    from hdl.strategy.strategy import Strategy

    return Strategy(ECP5_PARAMS, ECP5_TRADE)


def _risk_gate():
    from hdl.risk.gate import RiskGate
    from hdl.strategy.layouts import ECP5_TRADE

    return RiskGate(ECP5_TRADE)


def _response_path():
    from hdl.response.path import ResponsePath
    from hdl.strategy.layouts import ECP5_TRADE

    return ResponsePath(ECP5_TRADE.trade_slots, ECP5_TRADE.order_table)


def _card():
    from hdl.book.layouts import ECP5_PARAMS
    from hdl.strategy.layouts import ECP5_TRADE
    from hdl.top import TickToTrade

    return TickToTrade(ECP5_PARAMS, ECP5_TRADE)


COMPONENTS = {
    "regs": (_system_regs, "system register block behind the AXI4-Lite CSR bank"),
    "frame_parser": (_frame_parser, "feed handler stage 1: Ethernet/802.1Q/IPv4/UDP, "
                     "subscriptions, frame verdict"),
    "mold_itch": (_mold_itch, "feed handler stage 2: MoldUDP64 sequencing, A/B "
                  "arbitration, ITCH framing and decode"),
    "feed": (_feed_handler, "the whole feed handler (both stages, register ports open)"),
    "book": (_book_builder, "order-book builder with the capacities that fit an ECP5-85 "
             "(hdl.book.layouts.ECP5_PARAMS)"),
    "book_levels": (_level_store, "the book builder's paged level store alone (S1-S3 of a "
                    "pass; hdl.book.layouts.ECP5_PARAMS)"),
    "strategy": (_strategy, "take and pairs triggers on the book's records "
                 "(hdl.strategy.layouts.ECP5_TRADE)"),
    "risk": (_risk_gate, "pre-trade risk gate, every check in parallel "
             "(hdl.strategy.layouts.ECP5_TRADE)"),
    "card": (_card, "the whole tick-to-trade core behind its AXI4-Lite bank "
             "(ECP5_PARAMS, ECP5_TRADE)"),
    "response": (_response_path, "exchange responses: TCP segment judgement, SoupBinTCP/OUCH "
                 "scan, open-order table, ledger (hdl.strategy.layouts.ECP5_TRADE)"),
    "order_entry": (_order_entry, "order entry: OUCH Enter Order frames over SoupBinTCP/TCP/"
                    "IPv4, order queue, speculative aborts (hdl.strategy.layouts.ECP5_TRADE)"),
}
