"""Every gateware component that can be built on its own, by name, for bench/fmax.py and docs.

Each entry maps a name to ``(factory, one-line description)``; factories take no arguments
and return a ``wiring.Component`` with the default parameters.
"""

from __future__ import annotations


def _system_regs():
    from hdl.host_if.system import SystemTop

    return SystemTop()


def _card_csr():
    from hdl.book.layouts import ECP5_PARAMS
    from hdl.host_if.csr_bank import AXI4LiteCSR
    from hdl.strategy.layouts import ECP5_TRADE
    from hdl.top import card_register_map

    return AXI4LiteCSR(card_register_map(ECP5_PARAMS, ECP5_TRADE))


def _uart_link():
    from hdl.host_if.uart_bridge import UartSystemTop

    return UartSystemTop(divisor=217)


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


def _eth_mac():
    from hdl.eth.mac import EthMac

    return EthMac()


def _eth_mac_store_and_forward():
    from hdl.eth.mac import EthMac

    return EthMac(tx_depth=257, store_and_forward=True)


def _eth_rx():
    from hdl.eth.mac_rx import MacRx

    return MacRx()


def _eth_tx():
    from hdl.eth.mac_tx import MacTx

    return MacTx()


def _card():
    from hdl.book.layouts import ECP5_PARAMS
    from hdl.strategy.layouts import ECP5_TRADE
    from hdl.top import TickToTrade

    return TickToTrade(ECP5_PARAMS, ECP5_TRADE)


COMPONENTS = {
    "regs": (_system_regs, "system register block behind the AXI4-Lite CSR bank"),
    "csr": (_card_csr, "the card's whole register bank behind its AXI4-Lite slave (every "
            "block's registers, ports open; ECP5 capacities)"),
    "uart": (_uart_link, "UART register bridge (115200 baud at 25 MHz) with the system "
             "block behind it: the ECPIX-5's host link"),
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
    "eth_mac": (_eth_mac, "gigabit Ethernet MAC: RGMII byte times, framing, FCS, the clock "
                "crossings to the core's 64-bit beats, counters (three clock domains)"),
    "eth_mac_saf": (_eth_mac_store_and_forward, "the MAC with a store-and-forward transmit "
                    "FIFO of 257 beats (block RAM), for a core clock below 16 MHz"),
    "eth_rx": (_eth_rx, "MAC receive: preamble, FCS check and strip, frame verdict (eth_rx)"),
    "eth_tx": (_eth_tx, "MAC transmit: preamble, padding, FCS, abort, gap (eth_tx)"),
    "order_entry": (_order_entry, "order entry: OUCH Enter Order frames over SoupBinTCP/TCP/"
                    "IPv4, order queue, speculative aborts (hdl.strategy.layouts.ECP5_TRADE)"),
}
