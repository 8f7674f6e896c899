"""Driving an OrderEntry in amaranth.sim, and the frames it should send, from the proto encoders.

:class:`Session` is the host's side of the TCP session in readable form (MAC and IP strings,
ports, OUCH characters); :func:`register_values` turns it into register words using the
field positions of :data:`hdl.order.regs.ORDER_BLOCK`, and :func:`expected_frame` builds the
frame an order should produce with :mod:`proto.ouch`, :mod:`proto.soupbintcp` and
:mod:`proto.net`, independently of the gateware's byte map.

:func:`simulate` writes the registers (the ``regs`` port is the bank's side of the block,
so the testbench sets its RW members; ``load_session`` is a one-cycle W1S pulse), enables
the session unless told not to, waits until ``session_active``, then plays one
:class:`Step` per cycle. Inputs set in step ``t`` are on the ports in cycle ``t``; outputs
are sampled in the same cycle; ``now`` is ``NOW_BASE + t``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from amaranth.lib import data
from amaranth.sim import Simulator

from hdl.order.entry import OrderEntry
from hdl.order.regs import COUNTER_NAMES, ORDER_BLOCK
from hdl.strategy.layouts import SIM_TRADE, TradeParams
from proto import ouch, soupbintcp
from proto.net import (
    ETHERTYPE_IPV4,
    IPPROTO_TCP,
    TCP_FLAGS,
    build_ethernet,
    build_ipv4,
    build_tcp,
)
from sim.order_session import Session, register_values

__all__ = ["Session", "Leg", "Step", "Beat", "Frame", "Run", "register_values",
           "expected_frame", "expected_payload", "simulate", "NOW_BASE"]

NOW_BASE = 1000
DEFAULT_SESSION = Session()


@dataclass(frozen=True)
class Leg:
    slot: int = 0
    sell: bool = False
    price: int = 1_234_500          # 123.45 dollars, 4 implied decimals
    shares: int = 100
    symbol: str = "AAPL"

    def payload(self) -> dict:
        return {"slot": self.slot, "sell": int(self.sell), "price": self.price,
                "shares": self.shares,
                "symbol": int.from_bytes(self.symbol.encode("ascii").ljust(8), "little")}


def expected_payload(s: Session, leg: Leg, user_ref: int) -> bytes:
    """The SoupBinTCP packet (TCP payload) of ``leg`` sent as ``user_ref``."""
    message = ouch.encode(
        ouch.ENTER_ORDER, user_ref_num=user_ref, side="S" if leg.sell else "B",
        quantity=leg.shares, symbol=leg.symbol, price=leg.price,
        time_in_force=s.time_in_force, display=s.display, capacity=s.capacity,
        intermarket_sweep=s.intermarket_sweep, cross_type=s.cross_type,
        cl_ord_id=f"{s.prefix}{user_ref:08X}", options=[(ouch.FIRM_TAG, s.firm.encode())])
    return soupbintcp.encode("U", message)


def expected_frame(s: Session, leg: Leg, user_ref: int, seq: int, ip_id: int) -> bytes:
    """The whole frame (no FCS) of ``leg`` with these session values."""
    segment = build_tcp(s.src_ip, s.dst_ip, s.src_port, s.dst_port,
                        expected_payload(s, leg, user_ref), seq=seq, ack=s.ack,
                        flags=TCP_FLAGS["PSH"] | TCP_FLAGS["ACK"], window=s.window)
    packet = build_ipv4(s.src_ip, s.dst_ip, IPPROTO_TCP, segment, ttl=s.ttl,
                        identification=ip_id, dont_fragment=True)
    return build_ethernet(s.dst_mac, s.src_mac, ETHERTYPE_IPV4, packet)


@dataclass
class Step:
    """What the testbench puts on the ports in one cycle."""

    group: tuple[Leg, ...] = ()     # one or two legs offered
    speculative: bool = False
    sequence: int = 0             # the group's triggering MoldUDP64 sequence number
    verdict: bool | None = None     # a verdict with this commit bit
    kill: bool = False
    ready: bool = True
    load: bool = False              # pulse command.load_session
    regs: dict = field(default_factory=dict)   # register words written this cycle


@dataclass(frozen=True)
class Beat:
    """The transmit stream in one cycle."""

    cycle: int
    valid: bool
    ready: bool
    data: int
    keep: int
    first: bool
    last: bool
    error: bool


@dataclass(frozen=True)
class Frame:
    first_cycle: int                # its first beat was first valid
    last_cycle: int                 # its last beat was accepted
    data: bytes
    beats: int
    error: bool


@dataclass
class Run:
    beats: list[Beat]
    sent: list[tuple[int, dict]]    # (cycle, SENT record fields)
    free: list[int]
    active: list[int]
    counters: dict
    rejected: list[int] = field(default_factory=list)

    @property
    def frames(self) -> list[Frame]:
        frames, chunk, first, count = [], bytearray(), None, 0
        for b in self.beats:
            if b.valid and first is None:
                first = b.cycle
            if not (b.valid and b.ready):
                continue
            chunk += bytes((b.data >> (8 * i)) & 0xFF for i in range(8) if b.keep >> i & 1)
            count += 1
            if b.last:
                frames.append(Frame(first, b.cycle, bytes(chunk), count, b.error))
                chunk, first, count = bytearray(), None, 0
        return frames

    def stream_faults(self) -> list[str]:
        """Breaks of the AXI-Stream and MAC rules: a beat that changed or vanished while
        valid and not ready, valid low inside a frame. Empty when the stream is sound."""
        faults = []
        for now, after in pairwise(self.beats):
            held = (now.data, now.keep, now.first, now.last, now.error)
            if now.valid and not now.ready and (
                    not after.valid
                    or (after.data, after.keep, after.first, after.last, after.error) != held):
                faults.append(f"cycle {after.cycle}: beat changed before it was accepted")
        for frame in self.frames:
            gaps = [b.cycle for b in self.beats[frame.first_cycle:frame.last_cycle + 1]
                    if not b.valid]
            faults += [f"cycle {c}: valid low inside a frame" for c in gaps]
        return faults


def _register(dut, name):
    target = getattr(dut.regs, name)
    return target.as_value() if isinstance(target, data.View) else target


def simulate(steps: list[Step], session: Session = DEFAULT_SESSION, *, enable: bool = True,
             tail: int = 40, params: TradeParams = SIM_TRADE, when_full: str = "offer",
             pad: bool = False) -> Run:
    """Play ``steps``, then ``tail`` idle cycles.

    ``when_full`` says what happens to a group with more legs than ``free``: ``offer`` it
    anyway; ``reject`` it, as the risk gate does (its step number goes to
    ``Run.rejected``); or ``wait``: offer it in a later cycle, after the groups already
    waiting (verdicts are not moved with it, so only for committed groups).
    """
    dut = OrderEntry(params)
    run = Run([], [], [], [], {})
    load_bit = 1 << next(r for r in ORDER_BLOCK.registers
                         if r.name == "command").field("load_session").offset
    control = next(r for r in ORDER_BLOCK.registers if r.name == "control")
    enable_bit = 1 << control.field("session_enable").offset
    if pad:                          # control.pad_to_verdict (off unless asked for here)
        enable_bit |= 1 << control.field("pad_to_verdict").offset

    async def bench(ctx):
        for name, value in register_values(session).items():
            ctx.set(_register(dut, name), value)
        ctx.set(_register(dut, "command"), load_bit)
        await ctx.tick()
        ctx.set(_register(dut, "command"), 0)
        if enable:
            ctx.set(_register(dut, "control"), enable_bit)
            for _ in range(OrderEntry.SETTLE + 1):
                await ctx.tick()
            assert ctx.get(dut.session_active)
        waiting = []
        for cycle, step in enumerate(steps + [Step()] * tail):
            ctx.set(dut.now, NOW_BASE + cycle)
            group = step.group
            if when_full == "wait":
                waiting += [group] if group else []
                fits = waiting and len(waiting[0]) <= ctx.get(dut.free)
                group = waiting.pop(0) if fits else ()
            elif when_full == "reject" and len(group) > ctx.get(dut.free):
                run.rejected.append(cycle)
                group = ()
            ctx.set(dut.orders.valid, bool(group))
            if group:
                legs = [leg.payload() for leg in group]
                ctx.set(dut.orders.payload, {"legs": legs + legs[:1] * (2 - len(legs)),
                                             "two": len(legs) - 1, "pair": 0,
                                             "speculative": int(step.speculative),
                                             "sequence": step.sequence})
            ctx.set(dut.verdict.valid, step.verdict is not None)
            ctx.set(dut.verdict.payload.commit, bool(step.verdict))
            ctx.set(dut.kill, step.kill)
            ctx.set(dut.tx.ready, step.ready)
            ctx.set(_register(dut, "command"), load_bit if step.load else 0)
            for name, value in step.regs.items():
                ctx.set(_register(dut, name), value)
            tx = ctx.get(dut.tx.payload)
            run.beats.append(Beat(cycle, bool(ctx.get(dut.tx.valid)), step.ready, tx.data,
                                  tx.keep, bool(tx.first), bool(tx.last), bool(tx.error)))
            if ctx.get(dut.sent.valid):
                record = ctx.get(dut.sent.payload)
                run.sent.append((cycle, {name: getattr(record, name)
                                         for name in record.shape().members}))
            run.free.append(ctx.get(dut.free))
            run.active.append(ctx.get(dut.session_active))
            await ctx.tick()
        for name in (*COUNTER_NAMES, "next_seq", "next_user_ref_num", "queued"):
            run.counters[name] = ctx.get(getattr(dut.regs, name))

    sim = Simulator(dut)
    sim.add_clock(1e-8)
    sim.add_testbench(bench)
    sim.run()
    return run
