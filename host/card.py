"""``Card``: one trading card, by name, over any register transport.

The same API drives the card in co-location (:class:`host.transports.XdmaTransport` on the
XDMA driver's devices), the Verilated model (:class:`host.transports.HarnessTransport`) and
unit tests (:class:`host.fake_transport.FakeTransport`); the register map comes from
``regs.json`` (``docs/regs.json``, generated from the gateware's declarations) and is
checked against the card's own block headers before anything is written.

:meth:`Card.load` applies a validated :class:`host.config.CardConfig` whole, in an order
that never trades on half a configuration: trading off (strategy and risk ``control``),
subscriptions (each waited for), then the session, triggers, limits, positions and the
response path's resync, and the strategy enable last. Every plain RW register it wrote is
read back and compared; a mismatch stops the load with trading left off.

Streams (transports that have them): :meth:`Card.order`, :meth:`Card.cancel`,
:meth:`Card.mass_cancel` and :meth:`Card.kill` with ``stream=True`` write host commands
(:mod:`host.command_stream`) to the host-to-card channel; :meth:`Card.events` reads and
decodes what the card-to-host channel holds, whole records only (a partial one waits for
the next call); :meth:`Card.follow` yields every record in the order the card made them,
and :meth:`Card.fills` the executions whose segment was applied (:mod:`host.fills`).

Resync (:mod:`host.resync`): :meth:`Card.receive_log` starts a log of the order-entry
frames the card passes on (feed it every batch :meth:`Card.events` returns), and
:meth:`Card.resync` rebuilds the session's stream from it after a loss of sync, applies
what the card did not and hands the card the stream again.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

from hdl.host_if.events import EventKind
from host import command_stream
from host.errors import DataError, UserError
from host.events import RECORD_BYTES, decode_records
from host.regs import RegisterClient, RegisterMapInfo, Transport

__all__ = ["Card", "DEFAULT_REGS_JSON"]

DEFAULT_REGS_JSON = Path(__file__).resolve().parent.parent / "docs" / "regs.json"
_POLLS = 10_000


class Card:
    def __init__(self, transport: Transport, regs_json: Path | str | RegisterMapInfo =
                 DEFAULT_REGS_JSON, discover: bool = True):
        self.transport = transport
        self.regs = RegisterClient(transport, regs_json)
        if discover:
            self.regs.discover()
        self._tags = itertools.count(1)
        self._partial = b""
        self.ended = False

    def close(self) -> None:
        """Close the transport's devices (a stream's far end then sees the end of it)."""
        close = getattr(self.transport, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> Card:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --------------------------------------------------------------- registers
    def read(self, path: str) -> int:
        return self.regs.read(path)

    def write(self, path: str, value: int) -> None:
        self.regs.write(path, value)

    def registers(self, pattern: str = "") -> dict[str, int]:
        """Every register whose ``block.name`` contains ``pattern``, read now."""
        out = {}
        for block in self.regs.map.blocks:
            for register in block["registers"]:
                path = f"{block['name']}.{register['name']}"
                if pattern in path and register["access"] != "w1s":
                    out[path] = self.regs.read(path)
        return out

    def counters(self) -> dict[str, int]:
        """Every read-only register (counters and status) of every block."""
        return {path: value for path, value in self.registers().items()
                if self.regs.map.register(path).access == "ro"}

    def trade_params(self):
        """The trading capacities the card reports (what a configuration must fit);
        capacities the registers do not report keep the simulation card's values."""
        from dataclasses import replace

        from hdl.strategy.layouts import SIM_TRADE

        slots, pairs = (self.regs.read(f"strategy.cap_{n}") for n in ("trade_slots", "pairs"))
        try:
            return replace(SIM_TRADE, trade_slots=slots, pairs=pairs)
        except ValueError as err:
            raise DataError(f"the card reports capacities no card has ({err})") from None

    # --------------------------------------------------------------- state
    def status(self) -> dict[str, object]:
        f = self.regs.read_field
        return {
            "killed": bool(f("risk.status.killed")),
            "killed_by_loss": bool(f("risk.status.by_loss")),
            "trading_enabled": bool(f("strategy.control.enable")) and
            bool(f("risk.control.enable")),
            "session_active": bool(f("order.status.session_active")),
            "responses_in_sync": not f("response.status.out_of_sync"),
            "suspended_slots": self.regs.read("risk.suspended"),
            "orders_sent": self.regs.read("order.frames_sent"),
            "legs_rejected": self.regs.read("risk.rejected_legs"),
            "pnl": _signed(self.regs.read("response.pnl_lo") |
                           self.regs.read("response.pnl_hi") << 32, 64),
        }

    def kill(self, stream: bool = False) -> None:
        """Set the kill switch: nothing passes the risk gate until :meth:`rearm`. With
        ``stream`` as a command, behind the commands already written."""
        if stream:
            self.send(command_stream.kill(next(self._tags)))
        else:
            self.regs.write_field("risk.command.kill", 1)

    def rearm(self) -> None:
        self.regs.write_field("risk.command.rearm", 1)

    # --------------------------------------------------------------- commands
    def send(self, commands: bytes) -> None:
        """Whole commands to the host-to-card channel."""
        write = getattr(self.transport, "write_stream", None)
        if write is None:
            raise UserError("this transport has no host-to-card stream")
        write(commands)

    def order(self, slot: int, sell: bool, price: int, shares: int) -> int:
        """A manual order through every risk check; returns its tag (the ``sequence`` of
        its ``sent`` or ``reject`` record)."""
        tag = next(self._tags)
        self.send(command_stream.order(slot, sell, price, shares, tag))
        return tag

    def cancel(self, user_ref_num: int, leave: int = 0) -> int:
        tag = next(self._tags)
        self.send(command_stream.cancel(user_ref_num, leave, tag))
        return tag

    def mass_cancel(self) -> int:
        tag = next(self._tags)
        self.send(command_stream.mass_cancel(tag))
        return tag

    # --------------------------------------------------------------- events
    def events(self, size: int = 1 << 16) -> dict:
        """Decoded records of what the card-to-host channel holds now (blocks until some
        bytes arrive on a real channel)."""
        read = getattr(self.transport, "read_stream", None)
        if read is None:
            raise UserError("this transport has no card-to-host stream")
        chunk = read(size)
        self.ended = not chunk             # a channel that returns nothing has closed
        raw = self._partial + chunk
        whole = len(raw) - len(raw) % RECORD_BYTES
        self._partial = raw[whole:]
        return decode_records(raw[:whole])

    def follow(self, records: int | None = None) -> Iterator[tuple[object, dict]]:
        """``(kind, fields)`` per record, in the order the card made them within each
        read; stops after ``records`` (None: never)."""
        seen = 0
        while records is None or seen < records:
            batch = self.events()
            rows = sorted((int(columns["event_time"][i]), int(kind), i)
                          for kind, columns in batch.items()
                          for i in range(len(columns["event_time"])))
            for _, kind, i in rows:
                columns = batch[EventKind(kind)]
                yield EventKind(kind), {name: int(col[i]) for name, col in columns.items()}
                seen += 1
                if records is not None and seen >= records:
                    return

    def fills(self, tracker=None) -> Iterator:
        """Executions whose segment was applied (:class:`host.fills.Fill`), forever."""
        from host.fills import FillTracker

        tracker = tracker or FillTracker()
        while True:
            yield from tracker.add(self.events())

    # --------------------------------------------------------------- resync
    def receive_log(self):
        """A :class:`host.resync.ReceiveLog` of this card's order-entry session."""
        from host.resync import ReceiveLog
        from host.session_stream import SessionAddresses

        return ReceiveLog(SessionAddresses.from_card(self))

    def resync(self, log):
        """Resync the response path from ``log`` (:func:`host.resync.resync`): None if it
        is in sync; raises :class:`host.session_stream.StreamIncomplete` while the log
        cannot fill the stream."""
        from host.resync import resync

        return resync(self, log)

    # --------------------------------------------------------------- configuration
    def load(self, config) -> None:
        """Apply ``config`` (:class:`host.config.CardConfig`) whole; see the module docs."""
        self.regs.write_field("strategy.control.enable", 0)
        self.regs.write_field("risk.control.enable", 0)
        for slot, ticker in sorted(config.tickers.items()):
            self._subscribe(slot, ticker)
        written = {}
        for path, value in config.trade.writes():
            self.regs.write(path, value)
            if self.regs.map.register(path).access == "rw":
                written[path] = value
        read_back = {path: self.regs.read(path) for path in written}
        wrong = {path: (value, read_back[path]) for path, value in written.items()
                 if read_back[path] != value}
        if wrong:
            self.regs.write_field("strategy.control.enable", 0)
            listing = "; ".join(f"{p} wrote {w:#x} read {r:#x}" for p, (w, r) in wrong.items())
            raise DataError(f"the card did not keep the configuration (trading left off): "
                            f"{listing}")

    def _subscribe(self, slot: int, ticker: str) -> None:
        from sim.book_regs import ticker_words

        self.regs.write("book.sub_slot", slot)
        for index, word in enumerate(ticker_words(ticker)):
            self.regs.write(f"book.sub_ticker_{index}", word)
        self.regs.write_field("book.command.subscribe", 1)
        for _ in range(_POLLS):
            if not self.regs.read_field("book.slot_status.busy"):
                return
        raise DataError(f"book slot {slot} stayed busy subscribing {ticker}")


def _signed(value: int, bits: int) -> int:
    return value - (1 << bits) if value >> (bits - 1) & 1 else value
