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
"""

from __future__ import annotations

from pathlib import Path

from host.errors import DataError
from host.regs import RegisterClient, RegisterMapInfo, Transport

__all__ = ["Card", "DEFAULT_REGS_JSON"]

DEFAULT_REGS_JSON = Path(__file__).resolve().parent.parent / "docs" / "regs.json"
_POLLS = 10_000


class Card:
    def __init__(self, transport: Transport, regs_json: Path | str | RegisterMapInfo =
                 DEFAULT_REGS_JSON, discover: bool = True):
        self.regs = RegisterClient(transport, regs_json)
        if discover:
            self.regs.discover()

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

    def kill(self) -> None:
        """Set the kill switch: nothing passes the risk gate until :meth:`rearm`."""
        self.regs.write_field("risk.command.kill", 1)

    def rearm(self) -> None:
        self.regs.write_field("risk.command.rearm", 1)

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
