"""Network impairments for stimulus: drop, duplicate, reorder, truncate, corrupt.

Each feed gets its own :class:`Impairments` and its own random stream, seeded from
``(seed, feed name)``, so the same seed gives the same damage on every run and damaging
feed B never changes what happens to feed A. Every action is written to the returned log
as an :class:`ImpairEvent`, so a test can check exactly what the receiver should see.

Per frame of an impaired feed, in this order: drop (nothing else happens to it), corrupt
(flip bytes *and* set ``mac_error``, as a bad FCS would), truncate (cut the frame short;
``mac_error`` is left clear: it models a frame that was short but CRC-clean, the case a
parser must catch itself), duplicate (send it twice), reorder (hold it back and send it
after the next frame of the same feed; one held at the end is sent last).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from sim.packetise import Frame

ACTIONS = ("drop", "corrupt", "truncate", "duplicate", "reorder")


@dataclass(frozen=True)
class Impairments:
    """Per-frame probabilities (0..1) of each impairment, and corruption size.

    ``corrupt_bytes`` bytes are flipped (XOR with a non-zero value) at random positions.
    ``truncate_min`` is the shortest a truncated frame gets (14: the Ethernet header).
    """

    drop: float = 0.0
    duplicate: float = 0.0
    reorder: float = 0.0
    truncate: float = 0.0
    corrupt: float = 0.0
    corrupt_bytes: int = 1
    truncate_min: int = 14

    def __post_init__(self):
        for name in ACTIONS:
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} probability {getattr(self, name)} outside 0..1")


@dataclass(frozen=True)
class ImpairEvent:
    """What was done: ``action`` to input frame ``index`` (position in the input list).

    ``detail`` holds ``{"positions": [...], "masks": [...]}`` for corrupt and
    ``{"length": n, "original": m}`` for truncate; it is empty otherwise.
    """

    action: str
    index: int
    feed: str
    detail: dict = field(default_factory=dict)


def impair(frames: Sequence[Frame], config: Mapping[str, Impairments], seed: int = 0
           ) -> tuple[list[Frame], list[ImpairEvent]]:
    """Apply ``config[feed]`` to the frames of each feed; other feeds pass untouched.

    Returns the new frame list (input frames are never modified) and the event log, in
    input order.
    """
    rngs = {name: random.Random(f"{seed}:{name}") for name in config}
    out: list[Frame] = []
    log: list[ImpairEvent] = []
    held: dict[str, Frame] = {}
    for index, frame in enumerate(frames):
        settings = config.get(frame.feed)
        if settings is None:
            out.append(frame)
            continue
        rng = rngs[frame.feed]
        # Draw every decision for every frame so that one probability never shifts the
        # random stream another impairment sees.
        draws = {name: rng.random() < getattr(settings, name) for name in ACTIONS}
        sent: list[Frame] = []
        if draws["drop"]:
            log.append(ImpairEvent("drop", index, frame.feed))
        else:
            frame = _maybe_damage(frame, index, settings, draws, rng, log)
            sent = [frame, frame] if draws["duplicate"] else [frame]
            if draws["duplicate"]:
                log.append(ImpairEvent("duplicate", index, frame.feed))
        previous = held.pop(frame.feed, None)
        if sent and draws["reorder"] and previous is None:
            log.append(ImpairEvent("reorder", index, frame.feed))
            held[frame.feed] = sent[0]
            sent = sent[1:]
        out.extend(sent)
        if previous is not None:
            if not sent:
                # Nothing went out after it yet: keep holding until something does.
                held[frame.feed] = previous
            else:
                out.append(previous)
    out.extend(held.values())
    return out, log


def _maybe_damage(frame: Frame, index: int, settings: Impairments, draws: dict,
                  rng: random.Random, log: list[ImpairEvent]) -> Frame:
    data = bytearray(frame.data)
    if draws["corrupt"]:
        count = min(settings.corrupt_bytes, len(data))
        positions = sorted(rng.sample(range(len(data)), count))
        masks = [rng.randrange(1, 256) for _ in positions]
        for at, mask in zip(positions, masks, strict=True):
            data[at] ^= mask
        log.append(ImpairEvent("corrupt", index, frame.feed,
                               {"positions": positions, "masks": masks}))
        frame = replace(frame, data=bytes(data), mac_error=True)
    if draws["truncate"] and len(data) > settings.truncate_min:
        length = rng.randrange(settings.truncate_min, len(data))
        log.append(ImpairEvent("truncate", index, frame.feed,
                               {"length": length, "original": len(data)}))
        frame = replace(frame, data=bytes(frame.data[:length]))
    return frame
