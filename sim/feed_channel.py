"""MoldUDP64 sequencing of the feed handler's reference model: one channel, one packet.

A channel holds the state the A and B feeds of one MoldUDP64 stream share: the session
(configured, or learned from the first accepted packet) and ``expected``, the next sequence
number wanted (0: not yet known). :func:`process_packet` applies one candidate packet to
that state exactly as the gateware does while the payload streams in; the caller takes a
:meth:`ChannelState.snapshot` first and restores it if the frame ends bad.

When a block is judged (this decides what a truncated frame counts before it is withdrawn):

- its 2-byte length, once both bytes are in: length 0, or a block running past the UDP
  payload end (a length prefix that does not fit counts too, once the payload end is in),
  is ``bad_length``;
- its type byte, once in: a length other than the layout size of a known ITCH 5.0 type, or
  below 12 for an unknown type, is ``bad_length``;
- its last byte, once in: duplicate (sequence below ``expected``), unknown type (skipped,
  consumes its sequence number) or delivered.

A block the frame's bytes never complete is not judged. After ``bad_length`` the rest of
the packet is ignored and ``expected`` stays after the last message processed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from proto import moldudp64
from proto.itch import MESSAGES

__all__ = ["ChannelConfig", "ChannelState", "Packet", "process_packet", "SESSION_BYTES",
           "MIN_UNKNOWN_LENGTH", "GAP_COUNT_MAX"]

SESSION_BYTES = moldudp64.HEADER["session"].size
_HEADER = moldudp64.HEADER.size
_LENGTH_PREFIX = moldudp64.BLOCK.size
_SEQUENCE = moldudp64.HEADER["sequence"]
_COUNT = moldudp64.HEADER["count"]
#: An unknown message must at least hold the common ITCH header plus one byte to be skipped.
MIN_UNKNOWN_LENGTH = 12
#: Gap reports carry a 32-bit count (hdl.feed.layouts.GAP_LAYOUT) and saturate.
GAP_COUNT_MAX = (1 << 32) - 1
_SEQ_MASK = (1 << 64) - 1
_SIZE_BY_BYTE = {ord(code): layout.size for code, layout in MESSAGES.items()}


def session_bytes(session: str | bytes | None) -> bytes | None:
    """A configured session as its 10 wire bytes; None when it means "learn"."""
    if session is None:
        return None
    raw = session.encode("ascii") if isinstance(session, str) else bytes(session)
    if len(raw) > SESSION_BYTES:
        raise ValueError(f"MoldUDP64 session {session!r} is longer than {SESSION_BYTES} bytes")
    raw = raw.ljust(SESSION_BYTES, b" ")
    return None if raw in (b" " * SESSION_BYTES, bytes(SESSION_BYTES)) else raw


@dataclass(frozen=True)
class ChannelConfig:
    """What the host programs per channel before traffic starts.

    Attributes
    ----------
    session : str, bytes or None
        Required session; None, all spaces or all zero bytes: learn it from the first
        accepted packet.
    expected : int
        Next sequence number wanted; 0 = take it from the first accepted packet.
    """

    session: str | bytes | None = None
    expected: int = 0


@dataclass
class ChannelState:
    """Sequence state of one channel (see the module docstring)."""

    session: bytes | None = None
    learned: bool = False
    expected: int = 0
    ended: bool = False

    @classmethod
    def from_config(cls, config: ChannelConfig) -> ChannelState:
        return cls(session=session_bytes(config.session), expected=config.expected & _SEQ_MASK)

    def snapshot(self) -> tuple:
        return (self.session, self.learned, self.expected, self.ended)

    def restore(self, snapshot: tuple) -> None:
        self.session, self.learned, self.expected, self.ended = snapshot


@dataclass
class Packet:
    """What one candidate packet did to its channel.

    ``deliveries`` holds ``(body offset in the payload, body length, sequence)`` per
    delivered message; ``count`` is the MoldUDP64 message count (None if the header never
    arrived).
    """

    header: bool = False
    session_ok: bool = True
    count: int | None = None
    gap: tuple[int, int] | None = None
    deliveries: list[tuple[int, int, int]] = field(default_factory=list)
    duplicates: int = 0
    unknown_type: int = 0
    bad_length: int = 0


def process_packet(state: ChannelState, payload: bytes, length: int) -> Packet:
    """Apply one candidate packet to ``state``.

    Parameters
    ----------
    state : ChannelState
        Updated in place (snapshot it first to roll back a frame that ends bad).
    payload : bytes
        The UDP payload bytes the frame holds (fewer than ``length`` if truncated).
    length : int
        The UDP payload length the headers declare: where blocks must end.
    """
    packet = Packet()
    if len(payload) < _HEADER:
        return packet
    packet.header = True
    session = payload[:SESSION_BYTES]
    if state.session is None:
        state.session, state.learned = session, True
    elif session != state.session:
        packet.session_ok = False
        return packet
    start = _SEQUENCE.decode(payload[_SEQUENCE.offset:_SEQUENCE.end])
    packet.count = _COUNT.decode(payload[_COUNT.offset:_COUNT.end])
    if state.expected == 0:
        state.expected = start
    elif start > state.expected:
        packet.gap = (state.expected, min(start - state.expected, GAP_COUNT_MAX))
        state.expected = start
    if packet.count in (moldudp64.HEARTBEAT_COUNT, moldudp64.END_OF_SESSION_COUNT):
        return packet
    _walk_blocks(state, payload, length, start, packet)
    return packet


def _walk_blocks(state: ChannelState, payload: bytes, length: int, start: int,
                 packet: Packet) -> None:
    have, at = len(payload), _HEADER
    for index in range(packet.count):
        body = at + _LENGTH_PREFIX
        if body > length:
            if have >= length:  # the missing prefix is only certain once the payload ends
                packet.bad_length += 1
            return
        if body > have:
            return
        size = int.from_bytes(payload[at:body], "big")
        if size == 0 or body + size > length:
            packet.bad_length += 1
            return
        if body >= have:
            return
        expected_size = _SIZE_BY_BYTE.get(payload[body])
        wrong = (size != expected_size) if expected_size else (size < MIN_UNKNOWN_LENGTH)
        if wrong:
            packet.bad_length += 1
            return
        if body + size > have:
            return
        sequence = (start + index) & _SEQ_MASK
        if sequence < state.expected:
            packet.duplicates += 1
        else:
            if expected_size:
                packet.deliveries.append((body, size, sequence))
            else:
                packet.unknown_type += 1
            state.expected = (sequence + 1) & _SEQ_MASK
        at = body + size
