"""NASDAQ OUCH 5.0 order entry messages as field tables.

Followed: NASDAQ "OUCH 5.0 Order Entry Specification" (nasdaqtrader.com, OUCH5.0.pdf, the
2020 revision introducing UserRefNum, 8-byte prices and appendages), cross-checked against
the FIX Orchestra rendering of that spec by Atomic Wire (nasdaq-ouch 5.0, 2024-05-01).

Data types: integers big-endian; Price is 8 bytes, signed, 4 implied decimals (``price8``);
UserRefNum 4 bytes; Quantity 4 bytes; Symbol 8 and ClOrdID 14 bytes of space-padded ASCII;
Timestamp 8 bytes of nanoseconds since midnight.

Messages that end in ``appendage_length`` are followed by that many bytes of optional
TagValue elements, each ``length (1) | tag (1) | value (length - 1)``: the length counts the
tag byte and the value. :func:`encode` takes the options as ``[(tag, value_bytes), ...]``
or raw bytes; :func:`decode` returns the raw bytes and the parsed list.

Inbound (client to NASDAQ) and outbound codes overlap (``U`` and ``C``), so decoding needs
the direction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from host.errors import DataError
from proto.layout import Layout

#: TagValue tag of the Firm appendage element (4 ASCII bytes). From the OUCH 5.0 spec's
#: appendix of optional fields as remembered; not checked against the PDF here.
FIRM_TAG = 2

_TYPE = ("type", 1, "alpha", "message type")
_TIMESTAMP = ("timestamp", 8, "uint", "nanoseconds since midnight")
_USER_REF = ("user_ref_num", 4, "uint", "client's day-unique, increasing order number")
_SIDE = ("side", 1, "alpha", "B buy, S sell, T sell short, E sell short exempt")
_QUANTITY = ("quantity", 4, "uint", "shares")
_SYMBOL = ("symbol", 8, "alpha", "stock symbol")
_PRICE = ("price", 8, "price8", "price, 4 implied decimals, signed")
_TIF = ("time_in_force", 1, "alpha", "0 day, 3 IOC, 5 GTX, 6 GTT, E after hours")
_DISPLAY = ("display", 1, "alpha", "Y visible, N hidden, A attributable")
_CAPACITY = ("capacity", 1, "alpha", "A agency, P principal, R riskless, O other")
_ISE = ("intermarket_sweep", 1, "alpha", "Y eligible, N not eligible")
_CROSS = ("cross_type", 1, "alpha", "N continuous, O opening, C closing, H halt/IPO, ...")
_CLORDID = ("cl_ord_id", 14, "alpha", "client order identifier")
_APPENDAGE = ("appendage_length", 2, "uint", "bytes of optional TagValue elements that follow")
_ORDER_REF = ("order_ref_num", 8, "uint", "NASDAQ's day-unique order reference number")
_STATE = ("order_state", 1, "alpha", "L live, D dead")


def _msg(name: str, code: str, fields, doc: str = "") -> Layout:
    return Layout.sequential(name, [_TYPE, *fields], code=code, doc=doc)


ENTER_ORDER = _msg("Enter Order", "O", [_USER_REF, _SIDE, _QUANTITY, _SYMBOL, _PRICE, _TIF,
                                        _DISPLAY, _CAPACITY, _ISE, _CROSS, _CLORDID,
                                        _APPENDAGE])
REPLACE_ORDER = _msg("Replace Order", "U", [
    ("orig_user_ref_num", 4, "uint", "UserRefNum of the order being replaced"),
    _USER_REF, _QUANTITY, _PRICE, _TIF, _DISPLAY, _ISE, _CLORDID, _APPENDAGE])
CANCEL_ORDER = _msg("Cancel Order", "X", [
    _USER_REF, ("quantity", 4, "uint", "shares to leave on the order (0 cancels it)")])
MODIFY_ORDER = _msg("Modify Order", "M", [_USER_REF, _SIDE, _QUANTITY])
MASS_CANCEL = _msg("Mass Cancel Request", "C", [
    _USER_REF, ("firm", 4, "alpha", "firm identifier"), _SYMBOL])

SYSTEM_EVENT = _msg("System Event", "S", [
    _TIMESTAMP, ("event_code", 1, "alpha", "S start of day, E end of day")])
ORDER_ACCEPTED = _msg("Order Accepted", "A", [
    _TIMESTAMP, _USER_REF, _SIDE, _QUANTITY, _SYMBOL, _PRICE, _TIF, _DISPLAY, _ORDER_REF,
    _CAPACITY, _ISE, _CROSS, _STATE, _CLORDID, _APPENDAGE])
ORDER_REPLACED = _msg("Order Replaced", "U", [
    _TIMESTAMP, ("orig_user_ref_num", 4, "uint", "UserRefNum of the replaced order"),
    _USER_REF, _SIDE, _QUANTITY, _SYMBOL, _PRICE, _TIF, _DISPLAY, _ORDER_REF, _CAPACITY,
    _ISE, _CROSS, _STATE, _CLORDID, _APPENDAGE])
ORDER_CANCELED = _msg("Order Canceled", "C", [
    _TIMESTAMP, _USER_REF, ("quantity", 4, "uint", "shares just cancelled (decrement)"),
    ("reason", 1, "alpha", "why the order was cancelled")])
ORDER_EXECUTED = _msg("Order Executed", "E", [
    _TIMESTAMP, _USER_REF, ("quantity", 4, "uint", "shares executed"),
    ("price", 8, "price8", "execution price, 4 implied decimals"),
    ("liquidity_flag", 1, "alpha", "added/removed liquidity code"),
    ("match_number", 8, "uint", "day-unique execution identifier"), _APPENDAGE])
ORDER_REJECTED = _msg("Order Rejected", "J", [
    _TIMESTAMP, _USER_REF, ("reason", 2, "uint", "reject reason code"), _CLORDID])

INBOUND = {m.code: m for m in (ENTER_ORDER, REPLACE_ORDER, CANCEL_ORDER, MODIFY_ORDER,
                               MASS_CANCEL)}
OUTBOUND = {m.code: m for m in (SYSTEM_EVENT, ORDER_ACCEPTED, ORDER_REPLACED, ORDER_CANCELED,
                                ORDER_EXECUTED, ORDER_REJECTED)}


@dataclass
class OuchMessage:
    """A decoded message: its layout, fixed fields, raw appendage and parsed options."""

    layout: Layout
    fields: dict
    appendage: bytes = b""
    options: list[tuple[int, bytes]] = field(default_factory=list)


def encode_options(options) -> bytes:
    """``[(tag, value), ...]`` to TagValue bytes (length byte counts tag + value)."""
    out = bytearray()
    for tag, value in options:
        value = bytes(value)
        if not 0 <= tag <= 0xFF or len(value) + 1 > 0xFF:
            raise ValueError(f"option tag {tag} with {len(value)} value bytes does not fit")
        out += bytes((len(value) + 1, tag)) + value
    return bytes(out)


def parse_options(raw: bytes, *, base_offset: int = 0) -> list[tuple[int, bytes]]:
    """TagValue bytes to ``[(tag, value), ...]``; :class:`DataError` if truncated."""
    options, at = [], 0
    while at < len(raw):
        length = raw[at]
        if length == 0 or at + 1 + length > len(raw):
            raise DataError(f"byte {base_offset + at}: option length {length} does not fit "
                            f"the {len(raw) - at - 1} appendage bytes left")
        options.append((raw[at + 1], bytes(raw[at + 2:at + 1 + length])))
        at += 1 + length
    return options


def encode(layout: Layout, fields: dict | None = None, options=b"", **kwargs) -> bytes:
    """Encode one message; ``type`` and ``appendage_length`` are filled in."""
    values = {**(fields or {}), **kwargs, "type": layout.code}
    appendage = bytes(options) if isinstance(options, bytes | bytearray) \
        else encode_options(options)
    if "appendage_length" in layout:
        values["appendage_length"] = len(appendage)
    elif appendage:
        raise ValueError(f"{layout.name} has no appendage")
    return layout.pack(values) + appendage


def decode(raw: bytes, inbound: bool) -> OuchMessage:
    """Decode one message whose direction is known (``inbound``: client to NASDAQ)."""
    table = INBOUND if inbound else OUTBOUND
    if not raw:
        raise DataError("byte 0: empty OUCH message")
    code = chr(raw[0])
    if code not in table:
        direction = "inbound" if inbound else "outbound"
        raise DataError(f"byte 0: unknown {direction} OUCH message type {code!r}")
    layout = table[code]
    if len(raw) < layout.size:
        raise DataError(f"byte {len(raw)}: {layout.name} needs {layout.size} bytes, "
                        f"got {len(raw)}")
    fields = layout.unpack(raw)
    extra = bytes(raw[layout.size:])
    expected = fields.get("appendage_length", 0)
    if len(extra) != expected:
        raise DataError(f"byte {layout.size}: {layout.name} expects {expected} appendage "
                        f"bytes, {len(extra)} follow")
    return OuchMessage(layout, fields, extra, parse_options(extra, base_offset=layout.size))
