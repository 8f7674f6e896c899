"""Event columns from an assembled ITCH 5.0 message: one multiplexer per column, from tables.

Nothing here knows an offset: for every event column and message type the byte offset, size
and kind come from :data:`proto.itch.MESSAGES` through :data:`proto.itch_event.EVENT_SOURCES`
(and the common header fields every type carries). Integers are big-endian on the wire and
are byte-reversed; ``alpha`` fields keep wire order, first character in the least
significant byte (the event's ``stock``). A source wider than its column saturates (Q's
8-byte shares in the 32-bit ``shares``).
"""

from __future__ import annotations

from collections import defaultdict

from amaranth import Cat, Const, Module, Mux, Signal, Value

from hdl.feed.layouts import event_field_widths
from proto.itch import MESSAGES
from proto.itch_event import EVENT_SOURCES
from proto.layout import Field

__all__ = ["MAX_MESSAGE", "MIN_MESSAGE", "COMMON_SOURCES", "column_sources", "type_sizes",
           "extract_event_fields"]

#: Longest and shortest ITCH 5.0 message (type byte included).
MAX_MESSAGE = max(layout.size for layout in MESSAGES.values())
MIN_MESSAGE = min(layout.size for layout in MESSAGES.values())
#: Event columns every known type fills, from the common ITCH header.
COMMON_SOURCES = {"locate": "stock_locate", "tracking": "tracking_number",
                  "timestamp": "timestamp"}


def column_sources() -> dict[str, dict[str, Field]]:
    """Event column -> {type code -> ITCH field}, for every column but ``type``."""
    columns = [name for name in event_field_widths() if name != "type"]
    sources: dict[str, dict[str, Field]] = {name: {} for name in columns}
    for code, layout in MESSAGES.items():
        for column, field_name in {**COMMON_SOURCES, **EVENT_SOURCES.get(code, {})}.items():
            sources[column][code] = layout[field_name]
    return sources


def type_sizes() -> dict[int, int]:
    """Type byte -> message size in bytes, for every known type."""
    return {ord(code): layout.size for code, layout in MESSAGES.items()}


def _field_value(message: Value, field: Field, width: int) -> Value:
    octets = [message.word_select(field.offset + k, 8) for k in range(field.size)]
    raw = Cat(*octets) if field.kind == "alpha" else Cat(*reversed(octets))
    if field.size * 8 <= width:
        return raw
    saturated = Const((1 << width) - 1, width)
    return Mux(raw[width:].any(), saturated, raw[:width])


def extract_event_fields(m: Module, message: Value, type_code: Value) -> dict[str, Value]:
    """Combinational event columns of ``message`` (byte 0 = type byte, in bits 7..0).

    Parameters
    ----------
    m : Module
        Receives the combinational logic.
    message : Value
        At least :data:`MAX_MESSAGE` bytes; bytes beyond the type's size are ignored.
    type_code : Value
        The message type byte (an unknown type gives zero columns).

    Returns
    -------
    dict of str to Value
        Every column of :func:`hdl.feed.layouts.event_field_widths`, ``type`` included.
    """
    if len(message) < 8 * MAX_MESSAGE:
        raise ValueError(f"message of {len(message) // 8} bytes, ITCH needs {MAX_MESSAGE}")
    widths = event_field_widths()
    out: dict[str, Value] = {"type": type_code}
    for column, per_code in column_sources().items():
        value = Signal(widths[column], name=f"itch_{column}")
        # Types that read the same bytes share one case: fewer multiplexer inputs.
        groups: dict[Field, list[str]] = defaultdict(list)
        for code, field in per_code.items():
            groups[Field(column, field.offset, field.size, field.kind)].append(code)
        with m.Switch(type_code):
            for field, codes in groups.items():
                with m.Case(*(ord(code) for code in codes)):
                    m.d.comb += value.eq(_field_value(message, field, widths[column]))
        out[column] = value
    return out
