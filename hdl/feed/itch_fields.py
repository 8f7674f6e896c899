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

from amaranth import Cat, Module, Signal, Value

from hdl.feed.layouts import event_field_widths
from hdl.mapping import table
from proto.itch import MESSAGES
from proto.itch_event import EVENT_SOURCES
from proto.layout import Field

__all__ = ["MAX_MESSAGE", "MIN_MESSAGE", "COMMON_SOURCES", "SIZE_BITS", "column_sources",
           "type_sizes", "type_lookup", "column_groups", "wide_sources", "select_sources",
           "source_overflows", "extract_event_fields"]

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


#: Width of a known type's layout size.
SIZE_BITS = max(type_sizes().values()).bit_length()


def _byte_table(m: Module, byte: Value, entries: dict[int, int], width: int,
                name: str) -> Signal:
    """A ``width``-bit function of a byte, 0 where ``entries`` has no value."""
    return table(m, name, byte, lambda code: entries.get(code, 0), width)


def type_lookup(m: Module, type_byte: Value, name: str) -> tuple[Value, Value]:
    """``(known, size)``: whether ``type_byte`` is a known type, and its layout size."""
    entry = _byte_table(m, type_byte, {code: 1 | (size << 1)
                                       for code, size in type_sizes().items()},
                        1 + SIZE_BITS, name)
    return entry[0], entry[1:]


def column_groups() -> dict[str, list[tuple[Field, tuple[str, ...]]]]:
    """Event column -> its distinct sources (bytes and kind), each with the types using it.

    Types that read the same bytes share one source: fewer multiplexer inputs.
    """
    out = {}
    for column, per_code in column_sources().items():
        groups: dict[Field, list[str]] = defaultdict(list)
        for code, field in per_code.items():
            groups[Field(column, field.offset, field.size, field.kind)].append(code)
        out[column] = [(field, tuple(codes)) for field, codes in groups.items()]
    return out


def wide_sources() -> list[tuple[str, int, Field]]:
    """``(column, source index, field)`` of the sources wider than their column (they
    saturate: Q's 8-byte shares in the 32-bit ``shares``)."""
    widths = event_field_widths()
    return [(column, index, field) for column, groups in column_groups().items()
            for index, (field, _codes) in enumerate(groups) if field.size * 8 > widths[column]]


def select_sources(m: Module, type_code: Value, name: str) -> dict[str, Signal]:
    """Per column, combinational: a one-hot of the source ``type_code`` takes (0 if none)."""
    selects = {}
    for column, groups in column_groups().items():
        entries = {ord(code): 1 << index for index, (_field, codes) in enumerate(groups)
                   for code in codes}
        selects[column] = _byte_table(m, type_code, entries, len(groups), f"{name}_{column}")
    return selects


def _raw(message: Value, field: Field) -> Value:
    octets = [message.word_select(field.offset + k, 8) for k in range(field.size)]
    return Cat(*octets) if field.kind == "alpha" else Cat(*reversed(octets))


def source_overflows(message: Value, column: str, field: Field) -> Value:
    """The wide source ``field`` of ``column`` does not fit the column (it saturates)."""
    return _raw(message, field)[event_field_widths()[column]:].any()


def extract_event_fields(m: Module, message: Value, type_code: Value,
                         selects: dict[str, Value], overflows: dict[tuple[str, int], Value]
                         ) -> dict[str, Value]:
    """Combinational event columns of ``message`` (byte 0 = type byte, in bits 7..0).

    Parameters
    ----------
    m : Module
        Receives the combinational logic.
    message : Value
        At least :data:`MAX_MESSAGE` bytes; bytes beyond the type's size are ignored.
    type_code : Value
        The message type byte (the ``type`` column).
    selects : dict of str to Value
        Per column, the one-hot of :func:`select_sources` for the message's type (decoded
        ahead, so that the columns are an AND-OR of message bits).
    overflows : dict of (str, int) to Value
        :func:`source_overflows` of each of :func:`wide_sources`, for this message.

    Returns
    -------
    dict of str to Value
        Every column of :func:`hdl.feed.layouts.event_field_widths`, ``type`` included.
    """
    if len(message) < 8 * MAX_MESSAGE:
        raise ValueError(f"message of {len(message) // 8} bytes, ITCH needs {MAX_MESSAGE}")
    widths = event_field_widths()
    out: dict[str, Value] = {"type": type_code}
    for column, groups in column_groups().items():
        width = widths[column]
        value = Signal(width, name=f"itch_{column}")
        terms = []
        for index, (field, _codes) in enumerate(groups):
            raw = _raw(message, field)[:width]
            if (column, index) in overflows:
                raw = raw | overflows[(column, index)].replicate(width)
            terms.append(raw & selects[column][index].replicate(width))
        m.d.comb += value.eq(_or_all(terms))
        out[column] = value
    return out


def _or_all(terms):
    result = terms[0]
    for term in terms[1:]:
        result = result | term
    return result
