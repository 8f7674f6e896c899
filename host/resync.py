"""Resynchronising the card's exchange-response path from the event stream alone.

The card stops applying responses when a frame of its session is lost, damaged or beyond
it (:data:`hdl.response.layouts.LOSES_SYNC`): every leg is refused (``resync``) and stocks
with open orders are suspended. Every frame it received also reaches the host
(``HOST_RX`` records), and :class:`ReceiveLog` keeps, from the records the host reads, the
session's TCP bytes the card has not applied (:mod:`host.host_rx`,
:mod:`host.session_stream`) and what the card's ``SEGMENT`` records say it received.

:func:`resync` (``Card.resync``), when the card is out of sync:

1. waits until ``response.status.restoring`` is clear; reads ``rcv_next`` and the frame
   counters, and refuses to go on (:class:`~host.session_stream.StreamIncomplete`) until
   the log holds the ``SEGMENT`` record of every frame the card has judged and the bytes
   of every data segment they name: resyncing on a stream that misses a frame the card
   already has would trade on a stale position;
2. takes the bytes from ``rcv_next`` to the end of what arrived (a hole before the end is
   :class:`StreamIncomplete` too: a lost frame, until the exchange retransmits it),
   parses and applies them on the card's own state (:mod:`host.resync_plan`);
3. loads what changed through the registers the response block documents
   (:mod:`hdl.response.regs`): each order's remaining shares and state, each touched or
   suspended slot's position, cash and mark (``response.load_slot`` zeroes its closed
   shares, so ``risk.load_slot`` gets the open shares: opened - closed; it also ends the
   suspension), the card's P&L and position value (``load_card`` zeroes ``released``, so
   ``risk.load_exposure`` gets opened notional - released);
4. writes ``rcv_next_load`` (the end of the bytes applied) and ``command.resync``, and
   reads back that the card took it.

A frame that arrives between the counters' read and the resync command is judged out of
sync and not applied; the card then loses sync again at the next segment, and the next
resync applies both. :attr:`ResyncResult.raced` says when that happened.
"""

from __future__ import annotations

from dataclasses import dataclass

from hdl.host_if.events import EventKind
from hdl.response.layouts import LOSES_SYNC, OrderState, Outcome
from host.errors import DataError
from host.host_rx import FrameAssembler
from host.resync_plan import Fill, Plan, plan, stream_messages
from host.session_stream import SessionAddresses, SessionStream, StreamIncomplete
from sim.response_ledger import CardLedger, OrderEntry, SlotLedger, wrap_signed

__all__ = ["ReceiveLog", "CardReader", "ResyncResult", "resync"]

_SEQ_MOD = 1 << 32
_POLLS = 10_000
_U32 = (1 << 32) - 1


def _ahead(seq: int, base: int) -> int:
    delta = (seq - base) % _SEQ_MOD
    return delta - _SEQ_MOD if delta >= 1 << 31 else delta


class ReceiveLog:
    """What the host has read of the order-entry receive side: feed it every decoded
    record batch (:meth:`add`)."""

    def __init__(self, addresses: SessionAddresses):
        self.frames = FrameAssembler()
        self.stream = SessionStream(addresses)
        self.next_segment: int | None = None     # event_seq after the last SEGMENT record
        self.received_end: int | None = None     # end of the data the card received
        self.sync_losses = 0

    def add(self, records: dict) -> None:
        self.stream.add(self.frames.add(records))
        segments = records.get(EventKind.SEGMENT)
        if not segments or not len(segments["event_seq"]):
            return
        self.next_segment = int(segments["event_seq"][-1] + 1) % _SEQ_MOD
        for outcome, seq, length in zip(segments["outcome"], segments["seq"],
                                        segments["length"], strict=True):
            outcome, seq, length = Outcome(int(outcome)), int(seq), int(length)
            if outcome in LOSES_SYNC:
                self.sync_losses += 1
            if outcome == Outcome.APPLIED:
                self.stream.applied(seq, length)
            if length and outcome not in (Outcome.CORRUPT, Outcome.OTHER):
                end = (seq + length) % _SEQ_MOD
                if self.received_end is None or _ahead(end, self.received_end) > 0:
                    self.received_end = end


class CardReader:
    """:class:`host.resync_plan.CardState` through the ``response`` block's windows."""

    def __init__(self, card):
        self._card = card
        self.table_size = card.read("response.cap_orders")

    def order(self, index: int) -> OrderEntry:
        c = self._card
        c.write("response.order_sel", index)
        state = OrderState(c.regs.read_field("response.read_order_info.state"))
        if state == OrderState.FREE:
            return OrderEntry()
        return OrderEntry(c.read("response.read_order_ref"),
                          c.regs.read_field("response.read_order_info.slot"),
                          bool(c.regs.read_field("response.read_order_info.sell")),
                          c.read("response.read_order_price"),
                          c.read("response.read_order_shares"),
                          c.read("response.read_order_remaining"), state)

    def slot(self, slot: int) -> SlotLedger:
        c = self._card
        c.write("response.slot_sel", slot)
        return SlotLedger(wrap_signed(c.read("response.read_position"), 32),
                          c.read("response.read_closed_buy"),
                          c.read("response.read_closed_sell"),
                          wrap_signed(_pair(c, "response.read_cash"), 64),
                          c.read("response.read_mark"))

    def card(self) -> CardLedger:
        c = self._card
        return CardLedger(wrap_signed(_pair(c, "response.pnl"), 64),
                          _pair(c, "response.released"), _pair(c, "response.position_value"))


def _pair(card, name: str) -> int:
    return card.read(f"{name}_lo") | card.read(f"{name}_hi") << 32


def _frames_judged(card) -> int:
    return sum(card.read(f"response.frames_{o.name.lower()}") for o in Outcome) % _SEQ_MOD


@dataclass(frozen=True)
class ResyncResult:
    start: int                   # rcv_next when the card lost sync
    end: int                     # rcv_next loaded
    fills: list[Fill]
    counts: dict[str, int]       # messages applied per kind
    orders: int                  # open-order entries loaded
    slots: list[int]             # slots loaded (touched or suspended)
    pnl: int
    in_sync: bool                # read back after the command
    raced: bool                  # a frame was judged out of sync during the resync


def resync(card, log: ReceiveLog) -> ResyncResult | None:
    """Resync ``card`` from ``log`` (see the module docs); None if it is in sync."""
    for _ in range(_POLLS):
        if not card.regs.read_field("response.status.restoring"):
            break
    else:
        raise DataError("response.status.restoring stayed set: the card is still putting "
                        "back a rolled-back segment")
    if not card.regs.read_field("response.status.out_of_sync"):
        return None
    start = card.read("response.rcv_next")
    judged = _frames_judged(card)
    out_of_sync_before = card.read("response.frames_out_of_sync")
    _check_caught_up(log, judged)
    raw = log.stream.read(start)
    if log.received_end is not None and _ahead(log.received_end, start) > len(raw):
        raise StreamIncomplete(
            f"the card received the session's bytes up to {log.received_end}, the host has "
            f"them up to {(start + len(raw)) % _SEQ_MOD} ({log.frames.records_lost} HOST_RX "
            "records lost on the event stream): waiting for the exchange to retransmit")
    messages, used = stream_messages(raw, start)
    reader = CardReader(card)
    result = plan(messages, reader)
    suspended = card.read("risk.suspended")
    slots = sorted(set(result.slots) | {s for s in range(32) if suspended >> s & 1})
    for slot in slots:
        if slot not in result.slots:
            result.slots[slot] = reader.slot(slot)
    end = (start + used) % _SEQ_MOD
    _load(card, result, slots)
    card.write("response.rcv_next_load", end)
    card.regs.write_field("response.command.resync", 1)
    in_sync = not card.regs.read_field("response.status.out_of_sync")
    now = card.read("response.rcv_next")
    if _ahead(now, end) < 0:
        raise DataError(f"the card did not take the resync: rcv_next is {now}, "
                        f"{end} was loaded")
    log.stream.applied(start, used)
    return ResyncResult(start, end, result.fills, dict(result.counts), len(result.orders),
                        slots, result.card.pnl, in_sync,
                        card.read("response.frames_out_of_sync") != out_of_sync_before)


def _check_caught_up(log: ReceiveLog, judged: int) -> None:
    have = log.next_segment
    if have is not None and _ahead(judged, have) > 0:
        raise StreamIncomplete(f"the card has judged {_ahead(judged, have)} frames whose "
                               "SEGMENT records the host has not read yet")


def _load(card, result: Plan, slots: list[int]) -> None:
    for index, order in sorted(result.orders.items()):
        card.write("response.order_sel", index)
        card.write("response.order_remaining_load", order.remaining)
        card.regs.write_field("response.order_state_load.state", int(order.state))
        card.regs.write_field("response.command.load_order", 1)
    for slot in slots:
        ledger = result.slots[slot]
        cash = ledger.cash & (1 << 64) - 1
        for path, value in (("slot_sel", slot), ("slot_position", ledger.position & _U32),
                            ("slot_cash_lo", cash & _U32), ("slot_cash_hi", cash >> 32),
                            ("slot_mark", ledger.mark)):
            card.write(f"response.{path}", value)
        card.regs.write_field("response.command.load_slot", 1)
        card.write("risk.slot_sel", slot)
        opened = {side: card.read(f"risk.read_open_{side}") for side in ("buy", "sell")}
        for path, value in (("slot_open_buy", (opened["buy"] - ledger.closed_buy) & _U32),
                            ("slot_open_sell", (opened["sell"] - ledger.closed_sell) & _U32),
                            ("slot_limit", card.read("risk.read_limit"))):
            card.write(f"risk.{path}", value)
        card.regs.write_field("risk.command.load_slot", 1)
    ledger = result.card
    for name, value in (("pnl_load", ledger.pnl), ("position_value_load",
                                                   ledger.position_value)):
        value &= (1 << 64) - 1
        card.write(f"response.{name}_lo", value & _U32)
        card.write(f"response.{name}_hi", value >> 32)
    card.regs.write_field("response.command.load_card", 1)
    exposure = (_pair(card, "risk.exposure") - ledger.released) & (1 << 64) - 1
    card.write("risk.exposure_load_lo", exposure & _U32)
    card.write("risk.exposure_load_hi", exposure >> 32)
    card.regs.write_field("risk.command.load_exposure", 1)
