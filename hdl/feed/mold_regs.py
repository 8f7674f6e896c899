"""The ``mold`` register block: MoldUDP64 channel state and the MoldItch stage's counters.

Per channel ``N`` (0 .. channels-1):

- ``chN_session_0..2`` (RW): the session the channel requires, 10 ASCII bytes, session byte 0
  in bits 31..24 of ``chN_session_0`` (the words read as big-endian text, like the wire).
  Bytes 10 and 11 (bits 15..0 of ``chN_session_2``) are unused. All ten bytes spaces or all
  zero (the reset value) means *learn*: the first accepted packet's session is taken and
  later packets must match it.
- ``chN_current_0..2`` (RO): the session in force: the configured one, or the learned one
  (zero while none is learned).
- ``chN_expected_lo``/``_hi`` (RO): the next sequence number wanted, 0 = not yet known.
  Reading ``_lo`` latches ``_hi`` of the same cycle: read ``_lo`` first.
- ``chN_start_lo``/``_hi`` (RW) and ``chN_control`` (W1S): ``set_expected`` loads
  ``expected`` from ``start``; ``reset`` forgets the learned session, ``expected`` and
  ``ended``.
- ``chN_status`` (RO): ``ended`` (an end-of-session packet was committed), and
  ``session_learned``.

Counters (RO, 32-bit, wrapping), counted as the contract in :mod:`sim.feed_model` says:
:data:`COUNTER_NAMES` then one per ITCH 5.0 type (:func:`type_counter_name`).
"""

from __future__ import annotations

from hdl.host_if.regs import Access, BitField, Block, Register
from proto.itch import MESSAGES
from proto.moldudp64 import HEADER as MOLD_HEADER

__all__ = ["MOLD_BLOCK", "MOLD_TYPE_ID", "COUNTER_NAMES", "SESSION_WORDS", "mold_block",
           "type_counter_name", "channel_register"]

#: ASCII "MOLD": the block's TYPE.
MOLD_TYPE_ID = int.from_bytes(b"MOLD", "big")
#: 32-bit words that hold one 10-byte session.
SESSION_WORDS = -(-MOLD_HEADER["session"].size // 4)

#: Stage counters besides the per-type ones, in address order.
COUNTER_NAMES = ("session", "heartbeats", "end_of_session", "messages", "duplicates", "gaps",
                 "gap_messages", "unknown_type", "bad_length", "withdrawn_frames")
_COUNTER_DOCS = {
    "session": "Frames dropped for a MoldUDP64 session other than the channel's (good frames).",
    "heartbeats": "Heartbeat packets (count 0) of committed frames.",
    "end_of_session": "End-of-session packets (count 0xFFFF) of committed frames.",
    "messages": "Events delivered, including those later withdrawn.",
    "duplicates": "Messages suppressed as already delivered (sequence below expected).",
    "gaps": "Gap reports emitted.",
    "gap_messages": "Sum of the counts of the gap reports.",
    "unknown_type": "Messages of an unknown type, skipped by their length.",
    "bad_length": "Packets whose rest was dropped for a block length that is wrong.",
    "withdrawn_frames": "frame_end records with commit = 0.",
}


def type_counter_name(code: str) -> str:
    """``msgs_a`` for ``"A"``; lower-case codes get ``_lower`` (``msgs_h_lower`` for "h")."""
    return f"msgs_{code.lower()}" + ("_lower" if code.islower() else "")


def channel_register(channel: int, name: str) -> str:
    """Register name of a per-channel register (``ch2_expected_lo``)."""
    return f"ch{channel}_{name}"


def _channel_registers(n: int) -> list[Register]:
    def reg(name, access, doc, **kwargs):
        return Register(channel_register(n, name), access, f"Channel {n}: {doc}", **kwargs)

    regs = [reg(f"session_{w}", Access.RW, f"required session, bytes {4 * w}..{4 * w + 3} "
                "(byte 0 in bits 31..24); all spaces or zeros = learn.", reset=0)
            for w in range(SESSION_WORDS)]
    regs += [reg(f"current_{w}", Access.RO, f"session in force, bytes {4 * w}..{4 * w + 3}.")
             for w in range(SESSION_WORDS)]
    regs += [
        reg("expected_lo", Access.RO, "expected sequence bits 31..0; reading latches "
            "expected_hi: read this first.", latches=channel_register(n, "expected_hi")),
        reg("expected_hi", Access.RO, "expected sequence bits 63..32 as latched by the last "
            "read of expected_lo."),
        reg("start_lo", Access.RW, "value set_expected loads, bits 31..0.", reset=0),
        reg("start_hi", Access.RW, "value set_expected loads, bits 63..32.", reset=0),
        reg("control", Access.W1S, "commands; write 1 to a bit to trigger it.", fields=(
            BitField("set_expected", 0, 1, 0, "Load expected from start_hi:start_lo."),
            BitField("reset", 1, 1, 0, "Forget the learned session, expected and ended."),
        )),
        reg("status", Access.RO, "channel state.", fields=(
            BitField("ended", 0, 1, 0, "An end-of-session packet was committed."),
            BitField("session_learned", 1, 1, 0, "A session was learned (learn mode)."),
        )),
    ]
    return regs


def mold_block(channels: int = 4) -> Block:
    """The block for ``channels`` MoldUDP64 channels (1..8)."""
    if not 1 <= channels <= 8:
        raise ValueError(f"{channels} channels: the event's channel field holds 1..8")
    registers = [r for n in range(channels) for r in _channel_registers(n)]
    registers += [Register(name, Access.RO, _COUNTER_DOCS[name]) for name in COUNTER_NAMES]
    registers += [Register(type_counter_name(code), Access.RO,
                           f"Delivered {MESSAGES[code].name} ({code!r}) events.")
                  for code in MESSAGES]
    return Block(
        name="mold", type_id=MOLD_TYPE_ID, version=1,
        doc="MoldUDP64 sessions and sequence numbers per channel, and the counters of the "
            "MoldUDP64/ITCH stage of the feed handler.",
        registers=tuple(registers))


#: The block for the default four channels.
MOLD_BLOCK = mold_block(4)
