"""Host-to-card commands (:mod:`hdl.host_if.commands`) as the bytes the host writes.

Each command is :data:`COMMAND_BYTES` bytes, packed from the gateware's
:data:`hdl.host_if.commands.COMMAND_LAYOUT` (no offset is typed here); a buffer of several
is one DMA write to the host-to-card channel. :func:`h2c_beats` turns a buffer into the
stream beats the XDMA bridge would present (for the Verilated card's queued ``h2c``
input).
"""

from __future__ import annotations

import numpy as np

from hdl.host_if.commands import COMMAND_BYTES, COMMAND_LAYOUT, CommandKind
from hdl.host_if.events import C2H_LAYOUT, RECORD_BITS
from host.errors import UserError
from sim.feed_bits import layout_fields, pack_words

__all__ = ["COMMAND_BYTES", "encode", "order", "cancel", "mass_cancel", "kill", "h2c_beats"]

_WIDTHS = {name: width for name, _, width in layout_fields(COMMAND_LAYOUT)}


def encode(kind: CommandKind, **fields: int) -> bytes:
    """One command; every field checked against its width (a bad value is a
    :class:`host.errors.UserError`, never truncated)."""
    values = {"kind": int(kind), **fields}
    for name, value in values.items():
        if name not in _WIDTHS or name.startswith("reserved"):
            raise UserError(f"command field {name!r} does not exist")
        if not 0 <= int(value) < 1 << _WIDTHS[name]:
            raise UserError(f"command field {name} = {value} does not fit {_WIDTHS[name]} "
                            "bits")
    words = pack_words({k: np.array([int(v)], dtype=np.uint64) for k, v in values.items()},
                       COMMAND_LAYOUT, 1)
    return words.astype("<u4").tobytes().ljust(COMMAND_BYTES, b"\0")


def order(slot: int, sell: bool, price: int, shares: int, tag: int = 0) -> bytes:
    """A manual order: ``price`` in ITCH/OUCH units (4 implied decimals)."""
    return encode(CommandKind.ORDER, slot=slot, sell=int(sell), price=price, shares=shares,
                  tag=tag)


def cancel(user_ref_num: int, quantity: int = 0, tag: int = 0) -> bytes:
    """Cancel an open order, leaving ``quantity`` shares on it (0: all)."""
    return encode(CommandKind.CANCEL, user_ref_num=user_ref_num, quantity=quantity, tag=tag)


def mass_cancel(tag: int = 0) -> bytes:
    return encode(CommandKind.MASS_CANCEL, tag=tag)


def kill(tag: int = 0) -> bytes:
    return encode(CommandKind.KILL, tag=tag)


def h2c_beats(commands: bytes) -> np.ndarray:
    """``(n, words)`` uint32 payloads of the ``h2c`` stream (:data:`C2H_LAYOUT`): one beat
    per command, ``keep`` all ones, ``last`` on the final beat of the buffer."""
    if len(commands) % COMMAND_BYTES:
        raise UserError(f"{len(commands)} bytes is not a whole number of "
                        f"{COMMAND_BYTES}-byte commands")
    n = len(commands) // COMMAND_BYTES
    words = np.zeros((n, -(-C2H_LAYOUT.size // 32)), dtype=np.uint32)
    data_words = RECORD_BITS // 32
    words[:, :data_words] = np.frombuffer(commands, dtype="<u4").reshape(n, data_words)
    for name, value in (("keep", (1 << RECORD_BITS // 8) - 1), ("last", 1)):
        field = C2H_LAYOUT[name]
        start, width = field.offset, field.width
        for bit in range(start, start + width):
            if value >> (bit - start) & 1:
                rows = slice(None) if name == "keep" else slice(n - 1, n)
                words[rows, bit // 32] |= np.uint32(1 << bit % 32)
    return words
