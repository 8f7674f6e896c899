"""Payload beats as the frame parser hands them to :class:`~hdl.feed.mold_itch.MoldItch`.

Stimulus for simulations of the MoldUDP64/ITCH stage alone: a UDP payload becomes the beats
of :func:`hdl.feed.layouts.payload_beat_layout`, byte-exact, with the payload starting at
any lane (as it does after 42 or 46 header bytes, or IPv4 options). Lanes that hold no
payload byte carry filler so a design that reads them shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PayloadBeat", "payload_beats", "FILLER"]

#: What lanes outside the payload hold (headers before it, padding or nothing after it).
FILLER = 0xEE


@dataclass(frozen=True)
class PayloadBeat:
    """Field values of one payload beat (names as in ``payload_beat_layout``)."""

    data: int
    keep: int
    base: int
    first: bool
    last: bool
    good: bool
    reject: bool
    length: int
    feed: int
    channel: int

    def fields(self) -> dict:
        return {name: int(getattr(self, name)) for name in self.__dataclass_fields__}


def payload_beats(payload: bytes, *, start_lane: int = 0, width: int = 64, feed: int = 0,
                  channel: int = 0, good: bool = True, length: int | None = None,
                  reject_beat: int | None = None, empty_last: bool = False
                  ) -> list[PayloadBeat]:
    """The beats carrying ``payload``.

    Parameters
    ----------
    payload : bytes
        The UDP payload bytes the frame holds (fewer than ``length`` for a truncated frame).
    start_lane : int
        Lane of payload byte 0 in the first beat.
    width : int
        Beat width in bits.
    feed, channel : int
        The subscription, repeated on every beat.
    good : bool
        The verdict on the last beat.
    length : int, optional
        The UDP payload length the headers declare; ``len(payload)`` by default.
    reject_beat : int, optional
        Index of a beat that carries ``reject``; it is the last beat sent.
    empty_last : bool
        Send ``last`` on an extra beat without payload lanes (as after Ethernet padding).
    """
    lanes = width // 8
    if not 0 <= start_lane < lanes:
        raise ValueError(f"start lane {start_lane} outside 0..{lanes - 1}")
    length = len(payload) if length is None else length
    base, beats = -start_lane, []
    while base < len(payload) or not beats:
        data = keep = 0
        for lane in range(lanes):
            offset = base + lane
            inside = 0 <= offset < len(payload)
            data |= (payload[offset] if inside else FILLER) << (8 * lane)
            keep |= inside << lane
        beats.append([data, keep, base])
        base += lanes
    if empty_last:
        beats.append([int.from_bytes(bytes([FILLER]) * lanes, "little"), 0, base])
    out = []
    for index, (data, keep, beat_base) in enumerate(beats):
        rejected = index == reject_beat
        final = index == len(beats) - 1 and not rejected
        out.append(PayloadBeat(data, keep, beat_base, index == 0, final, good if final else 0,
                               rejected, length, feed, channel))
        if rejected:
            break
    return out
