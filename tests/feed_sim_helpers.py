"""amaranth.sim helpers for the feed handler's stages: drive beats, collect stream outputs.

:func:`run_stream` is the reusable part: it puts one :class:`sim.beats.Cycle` on a
``valid``-only input stream per clock cycle (idle cycles included) and records every valid
record on the named output streams with the cycle it was valid in. Cycle numbering: the
beat at index t of ``cycles`` is on the input during cycle t; an output registered from it
is valid in cycle t + 1.

:func:`run_frame_parser` and :func:`payload_frames` are the frame parser's use of it: feed
table in, payload records and counters out, and the payload records put back together
into per-frame byte strings by their ``base``/``keep`` annotation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from amaranth.sim import Simulator

from hdl.feed.frame_parser import FrameParser
from hdl.feed.frame_regs import OUTCOMES, feed_group_name, feed_port_name, feed_port_value
from proto.net import ip_bytes
from sim.beats import IDLE, Cycle

__all__ = ["run_stream", "ParserRun", "Subscription", "run_frame_parser", "payload_frames"]

_BEAT_FIELDS = ("data", "keep", "first", "last", "error")


def _record(value) -> dict:
    """A struct ``data.Const`` as a plain dict (signed fields as Python ints)."""
    return {name: getattr(value, name) for name, _ in value.shape()}


def run_stream(dut, rx, cycles: Sequence[Cycle], outputs: Mapping[str, object], *,
               setup: Callable | None = None, finish: Callable | None = None,
               tail: int = 8) -> dict:
    """Simulate ``dut``: drive ``rx`` from ``cycles``, record ``outputs`` every cycle.

    Parameters
    ----------
    dut : Elaboratable
        The design (one ``sync`` domain).
    rx : stream interface
        Its input stream (``valid`` and a struct ``payload`` with the fields of ``Cycle``).
    cycles : sequence of Cycle
        One per clock cycle; ``tail`` idle cycles follow so pipelines drain.
    outputs : mapping of str to stream interface
        Output streams to watch.
    setup, finish : async callables ``(ctx)``, optional
        Run before the first cycle (program registers) and after the last (read counters);
        ``finish``'s return value is returned under the key ``"finish"``.

    Returns
    -------
    dict
        ``{name: [(cycle, record dict), ...]}`` for each output, plus ``"finish"``.
    """
    seen = {name: [] for name in outputs}
    result = {}

    async def bench(ctx):
        if setup is not None:
            await setup(ctx)
        for index, cycle in enumerate([*cycles, *[IDLE] * tail]):
            ctx.set(rx.valid, cycle.valid)
            for name in _BEAT_FIELDS:
                ctx.set(getattr(rx.payload, name), int(getattr(cycle, name)))
            await ctx.tick()
            for name, port in outputs.items():
                if ctx.get(port.valid):
                    seen[name].append((index + 1, _record(ctx.get(port.payload))))
        if finish is not None:
            result["finish"] = await finish(ctx)

    sim = Simulator(dut)
    sim.add_clock(1e-8)
    sim.add_testbench(bench)
    sim.run()
    return {**seen, **result}


@dataclass(frozen=True)
class Subscription:
    """One feed table entry as the host would program it."""

    group: str
    port: int
    channel: int = 0
    enable: bool = True


@dataclass
class ParserRun:
    """What a :class:`FrameParser` did with some beats."""

    payload: list[tuple[int, dict]]
    counters: dict[str, int] = field(default_factory=dict)


def run_frame_parser(cycles: Sequence[Cycle], feeds: Mapping[int, Subscription], *,
                     width: int = 64, tail: int = 8) -> ParserRun:
    """Run a :class:`FrameParser` with feed table entries ``feeds`` (index -> entry)."""
    dut = FrameParser(width)

    async def setup(ctx):
        for index, entry in feeds.items():
            ctx.set(getattr(dut.regs, feed_group_name(index)),
                    int.from_bytes(ip_bytes(entry.group), "big"))
            # The raw word, as the host writes it (the port has a field layout).
            ctx.set(getattr(dut.regs, feed_port_name(index)).as_value(),
                    feed_port_value(entry.port, entry.channel, entry.enable))

    async def finish(ctx):
        counters = {name: ctx.get(getattr(dut.regs, name)) for name in ("frames", *OUTCOMES)}
        counters["bytes"] = ctx.get(dut.regs.bytes_lo) | ctx.get(dut.regs.bytes_hi) << 32
        return counters

    result = run_stream(dut, dut.rx, cycles, {"payload": dut.payload}, setup=setup,
                        finish=finish, tail=tail)
    return ParserRun(result["payload"], result["finish"])


def payload_frames(records: Sequence[tuple[int, dict]], lanes: int = 8) -> list[dict]:
    """Group payload records into frames and rebuild each frame's payload bytes.

    Each frame is a dict: ``bytes`` (lane ``i`` of a beat is payload byte ``base + i``;
    kept lanes must be contiguous from byte 0), ``good``, ``rejected``, ``ended`` (a
    ``last`` or ``reject`` beat was seen), ``feed``, ``channel``, ``length`` and ``beats``.
    """
    frames, current = [], None
    for _, rec in records:
        if rec["first"]:
            current = {"bytes": bytearray(), "good": False, "rejected": False,
                       "ended": False, "feed": rec["feed"], "channel": rec["channel"],
                       "length": rec["length"], "beats": []}
            frames.append(current)
        if current is None or current["ended"]:
            raise AssertionError(f"payload beat outside a frame: {rec}")
        current["beats"].append(rec)
        for lane in range(lanes):
            if rec["keep"] >> lane & 1:
                position = rec["base"] + lane
                if position != len(current["bytes"]):
                    raise AssertionError(f"payload byte {position} out of order: {rec}")
                current["bytes"].append(rec["data"] >> 8 * lane & 0xFF)
        if rec["reject"]:
            current["rejected"] = current["ended"] = True
        elif rec["last"]:
            current["good"], current["ended"] = bool(rec["good"]), True
    return frames
