"""NASDAQ TotalView-ITCH 5.0: the 22 message types as field tables.

Byte layouts follow the NASDAQ TotalView-ITCH 5.0 specification. Field names are the
specification's in snake_case, shortened where the long form is unwieldy (each
``Field.doc`` names the spec field it stands for). ``Price (4)`` fields have 4 implied
decimals; ``Price (8)`` (only the MWCB levels in ``V``) has 8 in the specification, and is kept
as the raw integer here.

Everything else (the whole-day decoder in ``sim/itch_file.py``, the docs, the gateware
parser offsets) is derived from :data:`MESSAGES`.
"""

from __future__ import annotations

from typing import Any

from proto.layout import Layout, LayoutError

__all__ = ["HEADER", "MESSAGES", "decode", "encode"]

#: The 11 bytes every ITCH 5.0 message starts with.
HEADER = (
    ("message_type", 1, "alpha", "Message Type: the character that selects the layout"),
    ("stock_locate", 2, "uint", "Stock Locate: per-day index of the security (0 = none)"),
    ("tracking_number", 2, "uint", "Tracking Number: NASDAQ internal tracking number"),
    ("timestamp", 6, "uint", "Timestamp: nanoseconds since midnight"),
)

_STOCK = ("stock", 8, "alpha", "Stock: ticker, left-justified, space-padded")
_ORDER_REF = ("order_ref", 8, "uint", "Order Reference Number")
_SIDE = ("side", 1, "alpha", "Buy/Sell Indicator: B = buy, S = sell")
_SHARES = ("shares", 4, "uint", "Shares")
_MATCH = ("match_number", 8, "uint", "Match Number: day-unique execution id")


def _message(code: str, name: str, body, doc: str) -> Layout:
    return Layout.sequential(name, HEADER + tuple(body), code=code, doc=doc)


_SPECS = [
    ("S", "System Event", [
        ("event_code", 1, "alpha", "Event Code: O S Q M E C (start/end of messages, hours)"),
    ], "Start and end of the day's messages, system and market hours."),
    ("R", "Stock Directory", [
        _STOCK,
        ("market_category", 1, "alpha", "Market Category: Q S G N A P Z V or space"),
        ("financial_status", 1, "alpha", "Financial Status Indicator: D E Q S G H J K C N, space"),
        ("round_lot_size", 4, "uint", "Round Lot Size: shares in a round lot"),
        ("round_lots_only", 1, "alpha", "Round Lots Only: Y or N"),
        ("issue_classification", 1, "alpha", "Issue Classification"),
        ("issue_subtype", 2, "alpha", "Issue Sub-Type"),
        ("authenticity", 1, "alpha", "Authenticity: P = live/production, T = test"),
        ("short_sale_threshold", 1, "alpha", "Short Sale Threshold Indicator: Y N or space"),
        ("ipo_flag", 1, "alpha", "IPO Flag: Y N or space"),
        ("luld_ref_price_tier", 1, "alpha", "LULD Reference Price Tier: 1 2 or space"),
        ("etp_flag", 1, "alpha", "ETP Flag: Y N or space"),
        ("etp_leverage_factor", 4, "uint", "ETP Leverage Factor"),
        ("inverse_indicator", 1, "alpha", "Inverse Indicator: Y or N"),
    ], "One per security at the start of the day: binds stock locate to ticker."),
    ("H", "Stock Trading Action", [
        _STOCK,
        ("trading_state", 1, "alpha", "Trading State: H halted, P paused, Q quotation, T trading"),
        ("reserved", 1, "alpha", "Reserved"),
        ("reason", 4, "alpha", "Reason: trading action reason code"),
    ], "Trading state of one security."),
    ("Y", "Reg SHO Short Sale Price Test Restricted Indicator", [
        _STOCK,
        ("reg_sho_action", 1, "alpha", "Reg SHO Action: 0 none, 1 intraday drop, 2 in effect"),
    ], "Reg SHO short sale price test state of one security."),
    ("L", "Market Participant Position", [
        ("mpid", 4, "alpha", "MPID: market participant identifier"),
        _STOCK,
        ("primary_market_maker", 1, "alpha", "Primary Market Maker: Y or N"),
        ("market_maker_mode", 1, "alpha", "Market Maker Mode: N P S R L"),
        ("market_participant_state", 1, "alpha", "Market Participant State: A E W S D"),
    ], "Status of one market participant in one security."),
    ("V", "MWCB Decline Level", [
        ("level1", 8, "price8", "Level 1: Price (8), 8 implied decimals in the spec"),
        ("level2", 8, "price8", "Level 2: Price (8), 8 implied decimals in the spec"),
        ("level3", 8, "price8", "Level 3: Price (8), 8 implied decimals in the spec"),
    ], "Market-wide circuit breaker decline levels for the day."),
    ("W", "MWCB Status", [
        ("breached_level", 1, "alpha", "Breached Level: 1 2 3"),
    ], "A market-wide circuit breaker level was breached."),
    ("K", "IPO Quoting Period Update", [
        _STOCK,
        ("ipo_release_time", 4, "uint", "IPO Quotation Release Time: seconds since midnight"),
        ("ipo_release_qualifier", 1, "alpha", "IPO Quotation Release Qualifier: A or C"),
        ("ipo_price", 4, "price4", "IPO Price"),
    ], "Anticipated quotation release time of an IPO."),
    ("J", "LULD Auction Collar", [
        _STOCK,
        ("collar_ref_price", 4, "price4", "Auction Collar Reference Price"),
        ("upper_collar_price", 4, "price4", "Upper Auction Collar Price"),
        ("lower_collar_price", 4, "price4", "Lower Auction Collar Price"),
        ("collar_extension", 4, "uint", "Auction Collar Extension: extension count"),
    ], "Limit up/limit down auction collar thresholds."),
    ("h", "Operational Halt", [
        _STOCK,
        ("market_code", 1, "alpha", "Market Code: Q NASDAQ, B BX, X PSX"),
        ("halt_action", 1, "alpha", "Operational Halt Action: H halted, T resumed"),
    ], "Operational halt of one security on one market."),
    ("A", "Add Order", [
        _ORDER_REF, _SIDE, _SHARES, _STOCK,
        ("price", 4, "price4", "Price: limit price"),
    ], "A new order rests on the book (no MPID attribution)."),
    ("F", "Add Order with MPID Attribution", [
        _ORDER_REF, _SIDE, _SHARES, _STOCK,
        ("price", 4, "price4", "Price: limit price"),
        ("attribution", 4, "alpha", "Attribution: MPID of the entering firm"),
    ], "A new order rests on the book, attributed to a market participant."),
    ("E", "Order Executed", [
        _ORDER_REF,
        ("executed_shares", 4, "uint", "Executed Shares"),
        _MATCH,
    ], "Part or all of a resting order executed at its own price."),
    ("C", "Order Executed With Price", [
        _ORDER_REF,
        ("executed_shares", 4, "uint", "Executed Shares"),
        _MATCH,
        ("printable", 1, "alpha", "Printable: Y or N (N: do not count toward volume)"),
        ("execution_price", 4, "price4", "Execution Price"),
    ], "Part or all of a resting order executed at a price other than its own."),
    ("X", "Order Cancel", [
        _ORDER_REF,
        ("cancelled_shares", 4, "uint", "Cancelled Shares"),
    ], "Part of a resting order cancelled."),
    ("D", "Order Delete", [
        _ORDER_REF,
    ], "A resting order removed entirely."),
    ("U", "Order Replace", [
        ("original_order_ref", 8, "uint", "Original Order Reference Number"),
        ("new_order_ref", 8, "uint", "New Order Reference Number"),
        ("shares", 4, "uint", "Shares: of the new order"),
        ("price", 4, "price4", "Price: of the new order"),
    ], "A resting order replaced by a new one (same side and stock, priority lost)."),
    ("P", "Trade (Non-Cross)", [
        _ORDER_REF, _SIDE, _SHARES, _STOCK,
        ("price", 4, "price4", "Price"),
        _MATCH,
    ], "An execution against a non-displayed order."),
    ("Q", "Cross Trade", [
        ("shares", 8, "uint", "Shares: 8 bytes in this message"),
        _STOCK,
        ("cross_price", 4, "price4", "Cross Price"),
        _MATCH,
        ("cross_type", 1, "alpha", "Cross Type: O opening, C closing, H halt/IPO, I intraday"),
    ], "The bulk execution of an opening, closing, halt or IPO cross."),
    ("B", "Broken Trade", [
        _MATCH,
    ], "An execution was broken (cancelled) after the fact."),
    ("I", "Net Order Imbalance Indicator", [
        ("paired_shares", 8, "uint", "Paired Shares"),
        ("imbalance_shares", 8, "uint", "Imbalance Shares"),
        ("imbalance_direction", 1, "alpha", "Imbalance Direction: B S N O P"),
        _STOCK,
        ("far_price", 4, "price4", "Far Price"),
        ("near_price", 4, "price4", "Near Price"),
        ("current_ref_price", 4, "price4", "Current Reference Price"),
        ("cross_type", 1, "alpha", "Cross Type: O C H A"),
        ("price_variation", 1, "alpha", "Price Variation Indicator: L 1-9 A B C or space"),
    ], "Imbalance information ahead of a cross."),
    ("N", "Retail Price Improvement Indicator", [
        _STOCK,
        ("interest_flag", 1, "alpha", "Interest Flag: B S A N"),
    ], "Retail interest present on one side of a security."),
]

#: Every ITCH 5.0 message layout, keyed by its type character.
MESSAGES: dict[str, Layout] = {code: _message(code, name, body, doc)
                               for code, name, body, doc in _SPECS}


def encode(code: str, **fields: Any) -> bytes:
    """Encode one message body, type byte included (no length prefix).

    Parameters
    ----------
    code : str
        The message-type character (``"A"``).
    **fields
        Field values by name; missing fields are zero or spaces. ``message_type`` may be
        given but must then equal ``code``.

    Raises
    ------
    proto.layout.LayoutError
        Unknown type, unknown field or a value that does not fit.
    """
    layout = _layout(code)
    given = fields.pop("message_type", code)
    if given != code:
        raise LayoutError(f"ITCH encode: message_type {given!r} contradicts code {code!r}")
    return layout.pack(fields, message_type=code)


def decode(body: bytes | memoryview) -> dict[str, Any]:
    """Decode one message body (starting at its type byte) into a dict of field values.

    Bytes beyond the type's layout are ignored, as NASDAQ's own readers do.

    Raises
    ------
    proto.layout.LayoutError
        Empty body, unknown type, or a body shorter than its type's layout.
    """
    if len(body) == 0:
        raise LayoutError("ITCH decode: empty message body")
    layout = _layout(chr(body[0]))
    if len(body) < layout.size:
        raise LayoutError(f"ITCH {layout.code!r} ({layout.name}) needs {layout.size} bytes, "
                          f"body has {len(body)}")
    return layout.unpack(body)


def _layout(code: str) -> Layout:
    try:
        return MESSAGES[code]
    except KeyError:
        raise LayoutError(f"unknown ITCH 5.0 message type {code!r}") from None
