"""ITCH message bodies to MoldUDP64 / UDP / IPv4 / Ethernet frames, as an exchange sends them.

Messages are packed greedily, in order, into MoldUDP64 packets until the next one would
exceed ``max_payload`` (UDP payload bytes) or ``max_messages``. The default payload limit,
1400 bytes, keeps a tagged frame well inside a 1500-byte MTU with room for tunnels on the
way (NASDAQ's own feeds stay below about 1,450).

Heartbeats are inserted by packet count: after every ``heartbeat_every`` data packets a
heartbeat (count 0, sequence = next expected) follows. Counting packets rather than time
keeps the output independent of the timestamps, so tests can predict it exactly. An
end-of-session packet (count 0xFFFF) closes the stream unless ``end_of_session=False``.

Every MoldUDP64 packet is sent once per feed: the A and B lines of a channel carry the same
bytes to different multicast groups, ports and source MACs. The destination MAC is derived
from the group (01:00:5e + low 23 bits). Frames carry no FCS (MACs strip it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from proto import moldudp64
from proto.net import build_udp_frame, multicast_mac

#: Default UDP payload limit in bytes (see the module docstring).
DEFAULT_MAX_PAYLOAD = 1400
#: ITCH 5.0 timestamps: 6 bytes at offset 5 of every message body.
ITCH_TIMESTAMP = slice(5, 11)


@dataclass(frozen=True)
class Feed:
    """One line of a channel: where its packets go and where they come from."""

    name: str
    group: str
    port: int
    src_mac: str
    src_ip: str
    src_port: int = 0

    @property
    def dst_mac(self) -> bytes:
        return multicast_mac(self.group)


#: The A and B lines of one channel, addresses in the style of NASDAQ's TotalView feeds.
DEFAULT_FEEDS = (
    Feed("A", "233.54.12.1", 26477, "02:00:00:00:00:0a", "10.0.0.10", 26477),
    Feed("B", "233.49.196.1", 26477, "02:00:00:00:00:0b", "10.0.1.10", 26477),
)


@dataclass
class Frame:
    """One Ethernet frame (no FCS) plus what the stimulus tools need to know about it.

    Attributes
    ----------
    data : bytes
        The frame from destination MAC to the end of the (padded) payload.
    feed : str
        Feed name (``"A"``, ``"B"``).
    first_seq : int
        MoldUDP64 sequence number in the header (next expected, for heartbeats).
    count : int
        MoldUDP64 message count (0 heartbeat, 0xFFFF end of session).
    timestamp_ns : int
        Capture time in nanoseconds (pcap timestamps come from here).
    mac_error : bool
        The MAC would flag this frame (bad FCS); set by :mod:`sim.impair`.
    """

    data: bytes
    feed: str
    first_seq: int
    count: int
    timestamp_ns: int = 0
    mac_error: bool = False

    @property
    def kind(self) -> str:
        if self.count == moldudp64.HEARTBEAT_COUNT:
            return "heartbeat"
        return "end" if self.count == moldudp64.END_OF_SESSION_COUNT else "data"


def itch_timestamp(body: bytes) -> int:
    """ITCH 5.0 timestamp (ns since midnight) of a message body; 0 if the body is short."""
    raw = body[ITCH_TIMESTAMP]
    return int.from_bytes(raw, "big") if len(raw) == 6 else 0


def group_messages(messages: Sequence[bytes], max_payload: int = DEFAULT_MAX_PAYLOAD,
                   max_messages: int | None = None) -> list[tuple[int, int]]:
    """``(start, stop)`` index ranges of the messages each packet carries.

    Raises ``ValueError`` if one message cannot fit ``max_payload`` on its own.
    """
    limit = min(max_messages or moldudp64.MAX_COUNT, moldudp64.MAX_COUNT)
    ranges, start, size = [], 0, moldudp64.HEADER.size
    for index, body in enumerate(messages):
        block = moldudp64.BLOCK.size + len(body)
        if moldudp64.HEADER.size + block > max_payload:
            raise ValueError(f"message {index} of {len(body)} bytes does not fit a "
                             f"{max_payload}-byte payload")
        if index > start and (size + block > max_payload or index - start >= limit):
            ranges.append((start, index))
            start, size = index, moldudp64.HEADER.size
        size += block
    if start < len(messages):
        ranges.append((start, len(messages)))
    return ranges


def packetise(messages: Iterable[bytes], *, session: str = "TICKFORGE",
              first_seq: int = 1, feeds: Sequence[Feed] = DEFAULT_FEEDS[:1],
              max_payload: int = DEFAULT_MAX_PAYLOAD, max_messages: int | None = None,
              heartbeat_every: int | None = None, end_of_session: bool = True,
              vlan: int | None = None, timestamps: Sequence[int] | None = None,
              start_ns: int = 0) -> list[Frame]:
    """Frames carrying ``messages`` on every feed, in send order.

    Parameters
    ----------
    messages : iterable of bytes
        ITCH message bodies (no length prefix).
    session : str
        MoldUDP64 session, at most 10 ASCII characters.
    first_seq : int
        Sequence number of the first message.
    feeds : sequence of Feed
        Lines to send on; each packet is sent on each, in this order.
    max_payload, max_messages : int
        Limits per MoldUDP64 packet (UDP payload bytes, message count).
    heartbeat_every : int or None
        Insert a heartbeat after every N data packets.
    end_of_session : bool
        Close with an end-of-session packet.
    vlan : int or None
        802.1Q VLAN id to tag every frame with.
    timestamps : sequence of int or None
        Per-message time in ns; a packet is stamped with its first message's time (non-data
        packets with the previous packet's). Default: the ITCH timestamp of each body.
    start_ns : int
        Added to every timestamp (e.g. midnight of the trading day since the epoch).
    """
    messages = [bytes(m) for m in messages]
    if len(session.encode("ascii")) > moldudp64.HEADER["session"].size:
        raise ValueError(f"session {session!r} is longer than 10 characters")
    times = list(timestamps) if timestamps is not None else [itch_timestamp(m) for m in messages]
    idents = {feed.name: 0 for feed in feeds}
    frames: list[Frame] = []

    def send(payload: bytes, seq: int, count: int, at_ns: int):
        for feed in feeds:
            data = build_udp_frame(feed.dst_mac, feed.src_mac, feed.src_ip, feed.group,
                                   feed.src_port, feed.port, payload, vlan=vlan,
                                   identification=idents[feed.name])
            idents[feed.name] = (idents[feed.name] + 1) & 0xFFFF
            frames.append(Frame(data, feed.name, seq, count, start_ns + at_ns))

    seq, now = first_seq, (times[0] if times else 0)
    for number, (start, stop) in enumerate(group_messages(messages, max_payload, max_messages)):
        now = times[start]
        send(moldudp64.encode_packet(session, seq, messages[start:stop]), seq, stop - start, now)
        seq += stop - start
        if heartbeat_every and (number + 1) % heartbeat_every == 0:
            send(moldudp64.encode_heartbeat(session, seq), seq, 0, now)
    if end_of_session:
        send(moldudp64.encode_end_of_session(session, seq), seq, moldudp64.END_OF_SESSION_COUNT,
             now)
    return frames
