"""Golden model of the feed handler: frames in, committed events, gaps and counters out.

It implements the shared contract (frame checks in :mod:`sim.feed_frames`, MoldUDP64
sequencing in :mod:`sim.feed_channel`) frame by frame, including the gateware's
speculation: a candidate frame's messages are processed as its bytes arrive, and when the
frame ends bad (MAC error, truncated) its events are withdrawn and its channel rolled back.
Only committed events and gaps appear in the result; counters see everything the gateware
counts, withdrawn frames included.

Counting rules where the contract leaves a choice (the gateware must match them):

- one verdict per frame: ``accepted``, a drop reason of :data:`DROP_REASONS`, or
  ``session`` (passed rules 1-8, wrong MoldUDP64 session). The ``accepted`` counter counts
  frames passing rules 1-8, so a ``session`` frame counts in both;
- ``messages``, the per-type counters, ``duplicates``, ``unknown_type`` and ``bad_length``
  count as the payload streams in, withdrawn frames included (``messages`` equals the sum of
  the per-type counters);
- ``heartbeats``, ``end_of_session`` (and the channel's ``ended`` bit), ``session``,
  ``gaps`` and ``gap_messages`` count only frames that end good;
- ``withdrawn_frames`` counts ``frame_end`` records with ``commit = 0``: frames that emitted
  at least one event and then ended bad.

Example
-------
>>> frames = packetise(messages)                      # sim.packetise
>>> result = run_model(frames, FeedConfig.for_feeds(DEFAULT_FEEDS[:1]))
>>> result.events["order_ref"], result.counters["messages"]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from proto import moldudp64
from proto.itch import MESSAGES
from sim.feed_channel import ChannelConfig, ChannelState, process_packet
from sim.feed_events import FEED_EVENT_DTYPE, GAP_DTYPE, decode_events
from sim.feed_frames import DROP_REASONS, Subscription, check_frame

__all__ = ["FeedConfig", "FeedResult", "FeedModel", "run_model", "COUNTER_NAMES",
           "DROP_REASONS", "Subscription", "ChannelConfig", "MAX_FEEDS", "MAX_CHANNELS"]

MAX_FEEDS = 8
MAX_CHANNELS = 8
#: Every counter the handler keeps, besides the 22 per-type message counters.
COUNTER_NAMES = ("frames", "bytes", *DROP_REASONS, "accepted", "session", "heartbeats",
                 "end_of_session", "messages", "duplicates", "gaps", "gap_messages",
                 "unknown_type", "bad_length", "withdrawn_frames")
_WRAP = {name: (1 << 64) - 1 if name == "bytes" else (1 << 32) - 1 for name in COUNTER_NAMES}


@dataclass(frozen=True)
class FeedConfig:
    """The host's programming: the feed table and per-channel session/expected.

    Attributes
    ----------
    feeds : tuple of Subscription
        Feed table entries 0..7 in order (the entry index is the event's ``feed``).
    channels : mapping of int to ChannelConfig
        Channels not named start in "learn session, expected unknown".
    """

    feeds: tuple[Subscription, ...]
    channels: Mapping[int, ChannelConfig] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "feeds", tuple(self.feeds))
        if len(self.feeds) > MAX_FEEDS:
            raise ValueError(f"{len(self.feeds)} feeds, the table holds {MAX_FEEDS}")
        for number in [f.channel for f in self.feeds] + list(self.channels):
            if not 0 <= number < MAX_CHANNELS:
                raise ValueError(f"channel {number} outside 0..{MAX_CHANNELS - 1}")

    @classmethod
    def for_feeds(cls, feeds: Iterable, channel: int = 0, **channel_config) -> FeedConfig:
        """Subscribe to :class:`sim.packetise.Feed` lines (e.g. A and B) on one channel."""
        subscriptions = tuple(Subscription(f.group, f.port, channel) for f in feeds)
        return cls(subscriptions, {channel: ChannelConfig(**channel_config)})


@dataclass
class FeedResult:
    """What the handler produced, committed only.

    Attributes
    ----------
    events : numpy.ndarray of FEED_EVENT_DTYPE
        Committed events in output order.
    gaps : numpy.ndarray of GAP_DTYPE
        Reported gaps in output order.
    counters : dict of str to int
        Every name of :data:`COUNTER_NAMES`, wrapped to the register width.
    by_type : dict of str to int
        Delivered messages per ITCH type, all 22 types.
    verdicts : list of str or None
        Per input frame (the model only): ``accepted``, ``session`` or a drop reason.
    channels : dict of int to dict
        Final ``expected``, ``session`` (10 bytes or None) and ``ended`` per channel.
    """

    events: np.ndarray
    gaps: np.ndarray
    counters: dict[str, int]
    by_type: dict[str, int]
    verdicts: list[str] | None = None
    channels: dict[int, dict] | None = None


class FeedModel:
    """The handler's state; feed it frames in arrival order, then take :meth:`result`."""

    def __init__(self, config: FeedConfig):
        self.config = config
        self.channels = {n: ChannelState.from_config(config.channels.get(n, ChannelConfig()))
                         for n in range(MAX_CHANNELS)}
        self.counters = dict.fromkeys(COUNTER_NAMES, 0)
        self.by_type = dict.fromkeys(MESSAGES, 0)
        self.verdicts: list[str] = []
        self.gaps: list[tuple[int, int, int]] = []
        # Committed payloads, and per delivered message (offset into them, seq, feed, ch).
        self._chunks: list[bytes] = []
        self._chunk_bytes = 0
        self._delivered: list[tuple[int, int, int, int]] = []

    def receive(self, data: bytes, mac_error: bool = False) -> str:
        """One frame (bytes without FCS, MAC error flag); returns its verdict."""
        data = bytes(data)
        self.counters["frames"] += 1
        self.counters["bytes"] += len(data)
        check = check_frame(data, mac_error, self.config.feeds)
        verdict = check.verdict
        if check.candidate:
            verdict = self._candidate(check, verdict == "accepted")
        self.verdicts.append(verdict)
        self.counters[verdict] += 1
        if verdict == "session":
            self.counters["accepted"] += 1
        return verdict

    def _candidate(self, check, good: bool) -> str:
        subscription = self.config.feeds[check.feed]
        state = self.channels[subscription.channel]
        before = state.snapshot()
        packet = process_packet(state, check.payload, check.payload_length)
        for offset, _size, _sequence in packet.deliveries:
            self.by_type[chr(check.payload[offset])] += 1
        for name in ("duplicates", "unknown_type", "bad_length"):
            self.counters[name] += getattr(packet, name)
        self.counters["messages"] += len(packet.deliveries)
        if not good:
            state.restore(before)
            self.counters["withdrawn_frames"] += bool(packet.deliveries)
            return check.verdict
        if not packet.session_ok:
            return "session"
        base = self._chunk_bytes
        self._chunks.append(check.payload)
        self._chunk_bytes += len(check.payload)
        self._delivered += [(base + offset, sequence, check.feed, subscription.channel)
                            for offset, _size, sequence in packet.deliveries]
        if packet.gap is not None:
            self.gaps.append((subscription.channel, *packet.gap))
            self.counters["gaps"] += 1
            self.counters["gap_messages"] += packet.gap[1]
        if packet.count == moldudp64.HEARTBEAT_COUNT:
            self.counters["heartbeats"] += 1
        elif packet.count == moldudp64.END_OF_SESSION_COUNT:
            self.counters["end_of_session"] += 1
            state.ended = True
        return "accepted"

    def result(self) -> FeedResult:
        """Everything so far (events decoded in bulk here)."""
        columns = list(zip(*self._delivered, strict=True)) or [(), (), (), ()]
        events = decode_events(b"".join(self._chunks), *columns) if self._delivered else \
            np.zeros(0, FEED_EVENT_DTYPE)
        gaps = np.array(self.gaps, dtype=GAP_DTYPE) if self.gaps else np.zeros(0, GAP_DTYPE)
        counters = {name: value & _WRAP[name] for name, value in self.counters.items()}
        by_type = {code: n & 0xFFFF_FFFF for code, n in self.by_type.items()}
        channels = {n: {"expected": s.expected, "session": s.session, "ended": s.ended}
                    for n, s in self.channels.items()}
        return FeedResult(events, gaps, counters, by_type, list(self.verdicts), channels)


def run_model(frames: Iterable, config: FeedConfig) -> FeedResult:
    """Run frames (:class:`sim.packetise.Frame`, or ``(bytes, mac_error)`` pairs) through."""
    model = FeedModel(config)
    for frame in frames:
        data, error = _frame_parts(frame)
        model.receive(data, error)
    return model.result()


def _frame_parts(frame) -> tuple[bytes, bool]:
    if isinstance(frame, bytes | bytearray):
        return bytes(frame), False
    if isinstance(frame, Sequence):
        return bytes(frame[0]), bool(frame[1])
    return frame.data, bool(frame.mac_error)
