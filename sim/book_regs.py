"""The book builder's registers as the harness uses them: subscriptions and counters.

Everything is looked up by name in the ``book`` block of the design's ``regs.json``
document (:func:`hdl.host_if.generate.to_dict`; names from :mod:`hdl.book.regs`), so no
address is typed here. A subscription is a window write: ``sub_slot``, the ticker in
``sub_ticker_0``/``_1`` (8 ASCII bytes, space padded, byte 0 in bits 31..24 of word 0),
then the ``subscribe`` bit of ``command``; the harness then waits until ``slot_status``
says the command is no longer ``busy``. A locate known in advance is mapped with
``sub_locate`` and the ``set_locate`` bit (the builder then ignores the day's R message for
that ticker), so the stock's messages before its R message are followed too.
"""

from __future__ import annotations

from hdl.book.regs import COUNTER_NAMES, TICKER_WORDS
from sim.verilated_harness import OP_WAIT, OP_WRITE

__all__ = ["BOOK_BLOCK", "BookRegisters", "ticker_words"]

BOOK_BLOCK = "book"


def ticker_words(ticker: str) -> list[int]:
    """The ``sub_ticker_*`` values for ``ticker``: big-endian words of the padded text."""
    raw = ticker.encode("ascii")
    if not raw or len(raw) > 4 * TICKER_WORDS:
        raise ValueError(f"ticker {ticker!r} must be 1 to {4 * TICKER_WORDS} ASCII characters")
    raw = raw.ljust(4 * TICKER_WORDS, b" ")
    return [int.from_bytes(raw[4 * w:4 * w + 4], "big") for w in range(TICKER_WORDS)]


class BookRegisters:
    """Addresses and fields of the ``book`` block in one register map document."""

    def __init__(self, regs: dict):
        blocks = [b for b in regs["blocks"] if b["name"] == BOOK_BLOCK]
        if not blocks:
            raise KeyError(f"the register map has no {BOOK_BLOCK!r} block; it has "
                           f"{[b['name'] for b in regs['blocks']]}")
        self.by_name = {r["name"]: r for r in blocks[0]["registers"]}

    def find(self, name: str) -> dict:
        if name not in self.by_name:
            raise KeyError(f"no register {name} in the book block; it holds "
                           f"{sorted(self.by_name)}")
        return self.by_name[name]

    def field_mask(self, register: str, name: str) -> int:
        """The bits of field ``name`` of ``register``, in place."""
        for f in self.find(register)["fields"]:
            if f["name"] == name:
                return ((1 << f["width"]) - 1) << f["offset"]
        raise KeyError(f"register {register} has no field {name}")

    def _command(self, name: str) -> list[tuple[int, ...]]:
        """Write one ``command`` bit and wait until the slot is no longer busy."""
        return [(OP_WRITE, self.find("command")["address"], self.field_mask("command", name)),
                (OP_WAIT, self.find("slot_status")["address"],
                 self.field_mask("slot_status", "busy"), 0)]

    def subscribe_ops(self, tickers: dict[int, str], locates: dict[int, int] | None = None
                      ) -> list[tuple[int, ...]]:
        """Harness operations that subscribe ``{slot: ticker}``, each waited for.

        ``locates`` (``{slot: locate}``) maps those slots' locates directly as well.
        """
        locates = locates or {}
        ops = []
        for slot, ticker in sorted(tickers.items()):
            ops.append((OP_WRITE, self.find("sub_slot")["address"], slot))
            for index, word in enumerate(ticker_words(ticker)):
                ops.append((OP_WRITE, self.find(f"sub_ticker_{index}")["address"], word))
            ops += self._command("subscribe")
            if slot in locates:
                ops.append((OP_WRITE, self.find("sub_locate")["address"], locates[slot]))
                ops += self._command("set_locate")
        return ops

    def counter_reads(self) -> list[int]:
        """Addresses of every counter of :data:`hdl.book.regs.COUNTER_NAMES`."""
        return [self.find(name)["address"] for name in COUNTER_NAMES]

    def counters(self, readback: dict[int, tuple[int, int]]) -> dict[str, int]:
        """``{name: value}`` of the counters from a harness readback."""
        values = {}
        for name in COUNTER_NAMES:
            address = self.find(name)["address"]
            value, resp = readback[address]
            if resp:
                raise RuntimeError(f"reading {name} at {address:#x}: resp {resp}")
            values[name] = value
        return values
