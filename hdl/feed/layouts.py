"""The records that cross the feed handler's boundary, as Amaranth layouts.

Defined once here and used by the gateware, the Verilator harnesses (which pack and unpack
the same bits) and the reference model's comparisons:

- :func:`rx_beat_layout`: one beat of the MAC's receive stream. There is no ``ready``: a MAC
  cannot be held back, so a beat is accepted in every cycle its ``valid`` is high.
- :data:`EVENT_LAYOUT`: one normalised ITCH event, the field set of
  :data:`proto.itch_event.EVENT_DTYPE` (same names, same meaning) plus where it came from
  (feed, channel, MoldUDP64 sequence number). ``stock`` holds the 8 ASCII bytes as on the
  wire (space padded), first character in the least significant byte.
- :data:`FRAME_END_LAYOUT`: the verdict on a frame's events (see below).
- :data:`GAP_LAYOUT`: a run of sequence numbers that no subscribed feed delivered.

Speculative events and the frame verdict: an event is emitted as soon as its message's last
byte has arrived, before the frame's end tells whether the frame was good (MAC error flag,
truncation, lengths that disagree with the bytes received). Every frame that emitted at least
one event is followed by exactly one ``frame_end`` record, after its last event and before
the next frame's first event: ``commit = 1`` makes all events since the previous
``frame_end`` final; ``commit = 0`` withdraws them (the handler has already rolled back its
own sequence state, so they will be delivered again if another feed carries them).
Downstream blocks may act on events at once but must be able to undo them on a withdraw.
Gaps are reported only from committed frames.
"""

from __future__ import annotations

from amaranth import signed
from amaranth.lib import data

from proto.itch_event import EVENT_DTYPE

__all__ = ["rx_beat_layout", "payload_beat_layout", "EVENT_LAYOUT", "FRAME_END_LAYOUT",
           "GAP_LAYOUT", "FEED_BITS", "CHANNEL_BITS", "event_field_widths"]

#: Up to 8 subscribed feeds (multicast group + port) and up to 8 MoldUDP64 channels.
FEED_BITS = 3
CHANNEL_BITS = 3

#: Widths of the ITCH fields in the event: numpy item size, except the 48-bit timestamp.
_WIDTH_OVERRIDES = {"timestamp": 48}


def rx_beat_layout(width: int = 64) -> data.StructLayout:
    """One receive beat: ``data`` (frame byte 0 in bits 7..0 of the first beat), ``keep``
    (one bit per byte lane, all ones except on the last beat), ``first``/``last`` of a frame
    and ``error`` (bad FCS or PHY error, meaningful only with ``last``)."""
    if width % 8:
        raise ValueError(f"beat width {width} is not a whole number of bytes")
    return data.StructLayout({
        "data": width,
        "keep": width // 8,
        "first": 1,
        "last": 1,
        "error": 1,
    })


def payload_beat_layout(width: int = 64) -> data.StructLayout:
    """A receive beat annotated by the frame parser for the MoldUDP64/ITCH stage.

    Lanes are not moved: ``data`` is the beat as received. Only frames that are candidates
    (subscribed feed, headers good so far) are passed on, from the beat carrying UDP payload
    byte 0 to the frame's last beat. The parser may still reject a candidate, at the latest
    on the beat carrying UDP payload byte 19 (the end of the MoldUDP64 header); after a
    ``reject`` beat it sends nothing more of that frame.
    """
    return data.StructLayout({
        "data": width,
        "keep": width // 8,       # lanes holding UDP payload bytes (not headers, padding, empty)
        # UDP payload offset of lane 0 (negative where the payload starts mid-beat): lane i
        # holds payload byte base + i.
        "base": signed(16),
        "first": 1,               # the beat carrying UDP payload byte 0
        "last": 1,                # the frame's last beat (may hold no payload lanes)
        "good": 1,                # with last: no MAC error and not shorter than its IPv4 length
        "reject": 1,              # discard the frame: it will send nothing more
        "length": 16,             # UDP payload length (UDP length - 8), on every beat
        "feed": FEED_BITS,        # the matching subscription, on every beat
        "channel": CHANNEL_BITS,  # that subscription's MoldUDP64 channel, on every beat
    })


def event_field_widths() -> dict[str, int]:
    """ITCH event field -> width in bits, in :data:`proto.itch_event.EVENT_DTYPE` order."""
    return {name: _WIDTH_OVERRIDES.get(name, EVENT_DTYPE[name].itemsize * 8)
            for name in EVENT_DTYPE.names}


EVENT_LAYOUT = data.StructLayout({
    **event_field_widths(),
    "feed": FEED_BITS,          # which subscription (feed table entry) carried it
    "channel": CHANNEL_BITS,    # the MoldUDP64 channel the feed belongs to
    "sequence": 64,             # MoldUDP64 sequence number of this message
})

FRAME_END_LAYOUT = data.StructLayout({
    "commit": 1,                # 1: events since the last frame_end are final; 0: withdrawn
})

GAP_LAYOUT = data.StructLayout({
    "channel": CHANNEL_BITS,
    "first": 64,                # first missing sequence number
    "count": 32,                # how many are missing (saturates at 2**32 - 1)
})
