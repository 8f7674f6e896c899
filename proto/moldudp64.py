"""MoldUDP64 1.00: the UDP framing NASDAQ puts around ITCH messages.

A downstream packet is a 20-byte header (session, sequence number of the first message,
message count) followed by ``count`` message blocks, each a 2-byte length and the message.
A count of 0 is a heartbeat (sequence = next expected), 0xFFFF is end of session. A
retransmission request sent upstream has the same shape: session, first sequence wanted,
number of messages wanted.

Reference: NASDAQ "MoldUDP64 Protocol Specification", version 1.00 (2009).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from host.errors import DataError
from proto.layout import Layout

HEADER = Layout.sequential("MoldUDP64 downstream header", [
    ("session", 10, "alpha", "session name, space padded"),
    ("sequence", 8, "uint", "sequence number of the first message in the packet"),
    ("count", 2, "uint", "messages in the packet; 0 heartbeat, 0xFFFF end of session"),
], doc="Starts every downstream MoldUDP64 packet.")

BLOCK = Layout.sequential("MoldUDP64 message block", [
    ("length", 2, "uint", "bytes of message data that follow"),
], doc="Precedes each message in a downstream packet.")

REQUEST = Layout.sequential("MoldUDP64 retransmission request", [
    ("session", 10, "alpha", "session name, space padded"),
    ("sequence", 8, "uint", "first sequence number wanted"),
    ("count", 2, "uint", "number of messages wanted"),
], doc="Sent by a client to the re-request server.")

HEARTBEAT_COUNT = 0
END_OF_SESSION_COUNT = 0xFFFF
#: Largest message count a data packet may carry (0xFFFF is reserved).
MAX_COUNT = 0xFFFE


@dataclass
class MoldPacket:
    """A decoded downstream packet."""

    session: str
    sequence: int
    count: int
    messages: list[bytes] = field(default_factory=list)

    @property
    def is_heartbeat(self) -> bool:
        return self.count == HEARTBEAT_COUNT

    @property
    def is_end_of_session(self) -> bool:
        return self.count == END_OF_SESSION_COUNT

    @property
    def next_sequence(self) -> int:
        return self.sequence + len(self.messages)


def packet_size(message_lengths) -> int:
    """Bytes of a packet carrying messages of these lengths."""
    return HEADER.size + sum(BLOCK.size + n for n in message_lengths)


def encode_packet(session: str, sequence: int, messages) -> bytes:
    """A data packet carrying ``messages`` (bytes each) starting at ``sequence``."""
    messages = [bytes(m) for m in messages]
    if not 0 < len(messages) <= MAX_COUNT:
        raise ValueError(f"a data packet carries 1..{MAX_COUNT} messages, not {len(messages)}")
    blocks = b"".join(BLOCK.pack(length=len(m)) + m for m in messages)
    return HEADER.pack(session=session, sequence=sequence, count=len(messages)) + blocks


def encode_heartbeat(session: str, next_sequence: int) -> bytes:
    return HEADER.pack(session=session, sequence=next_sequence, count=HEARTBEAT_COUNT)


def encode_end_of_session(session: str, next_sequence: int) -> bytes:
    return HEADER.pack(session=session, sequence=next_sequence, count=END_OF_SESSION_COUNT)


def decode_packet(payload: bytes, *, base_offset: int = 0) -> MoldPacket:
    """Decode a downstream packet; :class:`DataError` (with byte offset) if malformed."""
    payload = bytes(payload)
    if len(payload) < HEADER.size:
        raise DataError(f"byte {base_offset}: MoldUDP64 packet of {len(payload)} bytes, "
                        f"the header needs {HEADER.size}")
    head = HEADER.unpack(payload)
    packet = MoldPacket(head["session"], head["sequence"], head["count"])
    at = HEADER.size
    if packet.count in (HEARTBEAT_COUNT, END_OF_SESSION_COUNT):
        if at != len(payload):
            raise DataError(f"byte {base_offset + at}: {len(payload) - at} bytes after a "
                            f"MoldUDP64 packet with count {packet.count:#x}")
        return packet
    for index in range(packet.count):
        if at + BLOCK.size > len(payload):
            raise DataError(f"byte {base_offset + at}: MoldUDP64 block {index} of "
                            f"{packet.count} missing its length")
        length = BLOCK.unpack(payload, at)["length"]
        at += BLOCK.size
        if at + length > len(payload):
            raise DataError(f"byte {base_offset + at}: MoldUDP64 block {index} says "
                            f"{length} bytes, {len(payload) - at} remain")
        packet.messages.append(payload[at:at + length])
        at += length
    if at != len(payload):
        raise DataError(f"byte {base_offset + at}: {len(payload) - at} bytes after the "
                        f"{packet.count} MoldUDP64 blocks")
    return packet


def encode_request(session: str, sequence: int, count: int) -> bytes:
    return REQUEST.pack(session=session, sequence=sequence, count=count)


def decode_request(payload: bytes) -> dict:
    """Decode a retransmission request; :class:`DataError` if it is not exactly 20 bytes."""
    if len(payload) != REQUEST.size:
        raise DataError(f"byte 0: retransmission request of {len(payload)} bytes, "
                        f"expected {REQUEST.size}")
    return REQUEST.unpack(payload)
