"""A trading day through the Verilated card, with the exchange simulator on its session.

:func:`replay_day` packetises the day into MoldUDP64 frames on one feed, streams them into
the whole card (``TickToTrade``) one beat a cycle, and runs it in chunks no longer than the
round trip through a kept-running harness (:class:`sim.harness_session.HarnessSession`):
after each chunk the order frames the card sent go to :class:`sim.exchange.Exchange`, and
its responses are put on the card's order-entry receive port at the cycle they arrive
(never before, and never two frames at once). When the day is over the card runs on idle
until every response has arrived and been applied.

The run records the card's order reports (``sent``), its transmit beats, the risk gate's
rejections, the response path's records (``responses``, ``segments``) and, at the end,
the ledger of every traded stock and every read-only register (counters, status);
:class:`Replay` holds them with the exchange's own view.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from hdl.response.layouts import Outcome
from sim.exchange import Exchange
from sim.feed_model import FeedConfig
from sim.harness_session import HarnessSession, Records
from sim.itch_file import read_day
from sim.packetise import DEFAULT_FEEDS, packetise
from sim.tick_to_trade import message_end_rows, tick_to_trade
from sim.trade_frames import TxFrame, frames_from_beats
from sim.trade_regs import to_ops
from sim.verilated_book import VerilatedBook
from sim.verilated_card import TradeConfig
from sim.verilated_feed import rx_records
from sim.verilated_harness import OP_IDLE, OP_WAIT, OP_WRITE

__all__ = ["Replay", "replay_day", "day_rows", "RECORDED"]

FEED = DEFAULT_FEEDS[:1]
#: Streams a replay records: the raw ones the report uses, and the card-to-host event
#: stream that carries them (and the book updates) as the host receives them.
RECORDED = ("rejects", "sent", "tx", "responses", "segments", "c2h")
_LANES = 8
_MAX_CHUNK = 4096


@dataclass
class Replay:
    """What a replay produced."""

    messages: int
    cycles: int
    seconds: float
    records: dict[str, list[Records]]          # per stream, one per chunk
    frames: list[TxFrame]                       # every order frame the card sent
    exchange: Exchange
    tickers: dict[int, str]
    registers: dict[str, int]
    tick_to_trade: list[int] = field(default_factory=list)

    def fields(self, name: str) -> dict[str, np.ndarray]:
        """All records of stream ``name`` as field columns, with ``cycle``."""
        chunks = [c for c in self.records.get(name, []) if len(c)]
        if not chunks:
            return {}
        columns = [c.fields() for c in chunks]
        out = {key: np.concatenate([c[key] for c in columns]) for key in columns[0]}
        out["cycle"] = np.concatenate([c.cycles for c in chunks])
        return out

    def host_events(self) -> dict:
        """The card-to-host event stream, decoded as the host does (:mod:`host.events`)."""
        from host.events import decode_records

        chunks = [c.words[:, :16] for c in self.records.get("c2h", []) if len(c)]
        if not chunks:
            return {}
        return decode_records(np.ascontiguousarray(np.concatenate(chunks), "<u4").tobytes())

    @property
    def messages_per_second(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


def _run_ops(session: HarnessSession, ops) -> None:
    """Harness operations (:mod:`sim.verilated_harness`) on a running session."""
    idle = np.zeros((1, session.ports.row_words), np.uint32)
    for op in ops:
        if op[0] == OP_WRITE:
            session.write(op[1], op[2])
        elif op[0] == OP_WAIT:
            for _ in range(100_000):
                if session.read(op[1]) & op[2] == op[3]:
                    break
            else:
                raise RuntimeError(f"register {op[1]:#x} never reached {op[3]:#x}")
        elif op[0] == OP_IDLE:
            session.run(np.repeat(idle, op[1], axis=0))
        else:
            raise ValueError(f"unknown harness operation {op[0]}")


class _ResponseLane:
    """The order-entry receive port's rows: frames placed at or after their arrival, one
    at a time, beats packed as :func:`sim.verilated_feed.rx_records` packs them."""

    def __init__(self):
        self.free_from = 0                     # first row no frame occupies
        self.pending: list[tuple[int, bytes]] = []

    def add(self, arrivals) -> None:
        self.pending += arrivals
        self.pending.sort(key=lambda item: item[0])

    def fill(self, rows: np.ndarray, first_row: int, column: int) -> None:
        """Write the pending frames whose rows fall in ``rows`` (row ``first_row`` on)
        into the port's columns, from ``column``."""
        end_row = first_row + len(rows)
        kept = []
        for arrive, data in self.pending:
            start = max(arrive, self.free_from)
            beats = -(-len(data) // _LANES)
            if start < first_row or start + beats > end_row:
                kept.append((arrive, data))
                continue
            packed = rx_records([(data, False)])
            at = start - first_row
            rows[at:at + beats, column:column + packed.shape[1]] = packed
            self.free_from = start + beats
        self.pending = kept


def _day_frames(day):
    """The day's message bodies and their MoldUDP64 frames on :data:`FEED`."""
    bodies = [bytes(day.buf[o:o + n]) for o, n in zip(day.offsets, day.lengths, strict=True)]
    return bodies, packetise(bodies, feeds=FEED, end_of_session=False)


def day_rows(day) -> int:
    """Cycles (rows) the day's beats take on the card's receive port in a replay."""
    _, frames = _day_frames(day)
    return sum(-(-len(frame.data) // _LANES) for frame in frames)


def replay_day(day_path, trade: TradeConfig, tickers: dict[int, str], *, round_trip: int,
               card: VerilatedBook | None = None, progress: Callable | None = None,
               commands: dict[int, bytes] | None = None) -> Replay:
    """Run ``day_path`` through the card configured with ``trade`` on ``tickers``
    (``{slot: ticker}``) and the exchange ``round_trip`` cycles away.

    ``commands`` maps a row of the day (a cycle counted from its first beat) to host
    commands (:mod:`host.command_stream` bytes) written to the card's ``h2c`` stream then,
    each taken when the card is ready for it."""
    from host.command_stream import h2c_beats

    commands = dict(commands or {})
    command_rows = sorted(commands)
    day = read_day(day_path)
    events = day.events()
    bodies, frames = _day_frames(day)
    ends = message_end_rows(frames)
    end_rows = np.array([ends[i + 1] for i in range(len(bodies))], dtype=np.int64)
    exchange = Exchange(events, end_rows, day.symbols(), trade.session, round_trip,
                        first_seq=0)
    card = card or VerilatedBook()
    ports = card.ports
    names = [p.name for p in ports.inputs]
    if names != ["rx", "oe_rx"]:
        raise RuntimeError(f"the card's inputs are {names}, expected rx and oe_rx")
    md = rx_records(frames)
    rx_words = md.shape[1]
    if ports.row_words != rx_words + 4:
        raise RuntimeError("the order-entry port's row layout is not (valid, data, flags)")
    setup = [(OP_WRITE, a, v) for a, v in card.feed_registers.config_writes(
        FeedConfig.for_feeds(FEED))]
    setup += card.book_registers.subscribe_ops(tickers)
    setup += to_ops(card.top.register_map, trade.writes(), settle=20)
    records: dict[str, list[Records]] = {name: [] for name in RECORDED}
    sent_frames: list[TxFrame] = []
    lane = _ResponseLane()
    started = time.perf_counter()
    with HarnessSession(card.exe, ports, record=RECORDED) as session:
        _run_ops(session, setup)
        session.run(np.zeros((0, ports.row_words), np.uint32))
        base = session.cycle                    # row 0 of the day runs in this cycle
        chunk = max(1, min(round_trip, _MAX_CHUNK))
        carry: dict[str, np.ndarray] | None = None
        carry_cycles = np.zeros(0, np.int64)
        row = 0
        total = len(md)
        while row < total or lane.pending or row < lane.free_from or len(carry_cycles) \
                or command_rows:
            size = chunk
            while command_rows and command_rows[0] <= row:
                session.queue("h2c", h2c_beats(commands[command_rows.pop(0)]))
            if command_rows and command_rows[0] < row + size:
                size = command_rows[0] - row         # the next chunk starts at a command
            rows = np.zeros((size, ports.row_words), np.uint32)
            if row < total:
                part = md[row:row + size]
                rows[:len(part), :rx_words] = part
            lane.fill(rows, row, rx_words)
            out = session.run(rows)
            for name in RECORDED:
                records[name].append(out[name])
            tx = out["tx"].fields()
            cycles = out["tx"].cycles - base
            if carry is not None:
                tx = {k: np.concatenate([carry[k], tx[k]]) for k in tx}
                cycles = np.concatenate([carry_cycles, cycles])
            last = np.flatnonzero(tx["last"]) if len(cycles) else np.zeros(0, int)
            done = int(last[-1]) + 1 if len(last) else 0
            complete = frames_from_beats({k: v[:done] for k, v in tx.items()}, cycles[:done])
            carry = {k: v[done:] for k, v in tx.items()}
            carry_cycles = cycles[done:]
            for frame in complete:
                sent_frames.append(frame)
                if not frame.error:
                    lane.add(exchange.receive(frame.data, frame.first_cycle + frame.beats - 1))
            row += size
            if progress:
                progress(min(row, total), total)
        drain = np.zeros((64, ports.row_words), np.uint32)
        for name, chunk_records in session.run(drain).items():
            if name in records:
                records[name].append(chunk_records)
        registers = _read_back(session, card, tickers)
        cycles_run = session.cycle - base
    seconds = time.perf_counter() - started
    result = Replay(len(bodies), cycles_run, seconds, records, sent_frames, exchange,
                    tickers, registers)
    sent = result.fields("sent")
    if sent:
        result.tick_to_trade = tick_to_trade(sent_frames, sent, ends)
    return result


def _read_back(session: HarnessSession, card: VerilatedBook, tickers) -> dict[str, int]:
    """Every read-only register, and the ledger of every traded slot."""
    from host.metrics import read_only_paths

    regs = card.top.register_map
    out = {path: session.read(regs.address(path)) for path in read_only_paths(regs)}
    for slot in tickers:
        session.write(regs.address("response.slot_sel"), slot)
        for name in ("read_position", "read_closed_buy", "read_closed_sell", "read_cash_lo",
                     "read_cash_hi", "read_mark"):
            out[f"response.{name}.{slot}"] = session.read(regs.address(f"response.{name}"))
    return out


def segment_outcomes(replay: Replay) -> dict[str, int]:
    segments = replay.fields("segments")
    if not segments:
        return {}
    names = [Outcome(int(o)).name for o in segments["outcome"]]
    return {name: names.count(name) for name in sorted(set(names))}
