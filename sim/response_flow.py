"""Random exchange-response flows for the response path, and replaying one into the model.

:func:`random_flow` returns steps for the card, in order:

- ``("resync", rcv_next)``: the host loads ``rcv_next`` and resyncs (the first step, and
  after the path lost sync);
- ``("sent", user_ref_num, slot, sell, price, shares)``: an order frame completed on the
  wire (UserRefNums consecutive from ``session.user_ref``);
- ``("frame", data, mac_error)``: a frame received from the exchange (no FCS).

The exchange's messages come from :func:`sim.response_plan.plan`, drawn from its own random
stream, so impairments never change what the exchange says, only how it arrives. They go
out in TCP segments of 1 .. 100 order-changing messages (at most ``max_payload`` bytes
unless one message is larger; now and then a heartbeat alone), with heartbeats, debug
packets and system events among them, sometimes with TCP timestamps, IPv4 options or an 802.1Q tag.

With ``impair > 0`` that fraction of the frame decisions is an impairment instead, one of:
damage to the next segment (corrupt payload byte, IPv4 checksum, truncation, MAC error,
fragment flags, a malformed header, or an unparseable payload: a few good messages and
then one that fails for any :class:`~hdl.response.layouts.Detail` but ``TOO_MANY``); or an
extra frame (a segment ahead of the stream, a resend of an earlier segment, FIN/RST/SYN,
other traffic, a zero-payload ACK). The flow follows the model: once the path has lost
sync (or a segment was not applied), at some later step comes ``("resync", rcv_next)``
with the model's ``rcv_next``; the card keeps its state, and the exchange continues from
that sequence number, sending again what the card did not apply. So every flow of a seed
ends in the same state whatever ``impair`` is, and with ``impair=0`` every frame is
``APPLIED``.
"""

from __future__ import annotations

import random
from collections import deque

from hdl.response.layouts import Detail, Outcome
from proto.net import ETHERTYPE_VLAN
from sim import response_frames as rf
from sim import response_impairments as ri
from sim.order_session import Session
from sim.response_model import ResponseModel, SegmentResult
from sim.response_plan import PlannedMessage, plan
from sim.response_unparseable import bad_tail

__all__ = ["random_flow", "replay"]

_SESSION = Session()
_RESYNC_CHANCE = 0.3
_DAMAGE = ("corrupt_payload", "ip_checksum", "truncate", "mac_error", "fragment",
           "malformed", "unparseable", "unparseable", "unparseable")
_EXTRA = ("out_of_order", "duplicate", "control", "foreign", "no_data")
_CONTROL_FLAGS = (rf.ACK | rf.FIN, rf.ACK | rf.RST, rf.RST, rf.SYN, rf.SYN | rf.ACK,
                  rf.ACK | rf.PSH | rf.FIN)


class _Flow:
    def __init__(self, seed: int, orders: int, slots: int, table_size: int, impair: float,
                 max_payload: int, session: Session, first_seq: int | None):
        self.rng = random.Random(f"{seed}:frames")
        self.orders, self.messages = plan(random.Random(f"{seed}:plan"), orders, slots,
                                          table_size, session.user_ref)
        self.impair, self.max_payload, self.session = impair, max_payload, session
        if first_seq is None:
            first_seq = self.rng.choice([self.rng.randrange(1 << 32),
                                         (1 << 32) - self.rng.randrange(1, 20_000)])
        self.model = ResponseModel(session, table_size=table_size, slots=slots,
                                   rcv_next=first_seq)
        self.stream = rf.ExchangeStream(session, first_seq)
        self.applied: deque[bytes] = deque(maxlen=8)      # resent as duplicates
        self.steps: list[tuple] = []
        self.next_message = self.confirmed = self.next_order = 0
        self._resync()

    # --- bookkeeping ----------------------------------------------------------------------
    @property
    def lost(self) -> bool:
        return (self.model.out_of_sync or self.next_message != self.confirmed
                or self.stream.seq != self.model.rcv_next)

    def _resync(self) -> None:
        """The host's resync; the exchange sends again from the card's ``rcv_next``."""
        for message in reversed(self.messages[self.confirmed:self.next_message]):
            message.order.state, message.order.remaining = message.before
        self.next_message = self.confirmed
        self.steps.append(("resync", self.model.rcv_next))
        self.model.resync(self.model.rcv_next)
        self.stream.seq = self.model.rcv_next

    def _send_orders(self, until: int) -> bool:
        """``sent`` for every order due by message ``until`` whose entry is free; False if
        one is due there but its entry is still busy."""
        while self.next_order < len(self.orders):
            order = self.orders[self.next_order]
            if order.due > until:
                return True
            if self.model.busy(order.index):
                return False
            self.model.sent(order.user_ref_num, order.slot, order.sell, order.price,
                            order.shares)
            self.steps.append(("sent", order.user_ref_num, order.slot, order.sell,
                               order.price, order.shares))
            self.next_order += 1
        return True

    def _feed(self, frame: bytes, mac_error: bool, outcome: Outcome,
              detail: Detail = Detail.NONE) -> SegmentResult:
        """Hand the card a frame; the model must judge it as the flow built it to be."""
        self.steps.append(("frame", frame, mac_error))
        result = self.model.frame(frame, mac_error)
        if (result.outcome, result.detail) != (outcome, detail):
            raise RuntimeError(f"step {len(self.steps) - 1}: built as {outcome.name} "
                               f"({detail.name}), judged {result.outcome.name} "
                               f"({result.detail.name})")
        return result

    def _data_outcome(self, seq: int, in_order: Outcome = Outcome.APPLIED) -> Outcome:
        """What a whole segment with payload at ``seq`` gets: rules 7, 8, then 9/10."""
        if self.model.out_of_sync:
            return Outcome.OUT_OF_SYNC
        return in_order if seq == self.model.rcv_next else Outcome.OUT_OF_ORDER

    def _stale_outcome(self) -> Outcome:
        """What a segment with payload outside the stream's next bytes gets."""
        return Outcome.OUT_OF_SYNC if self.model.out_of_sync else Outcome.OUT_OF_ORDER

    # --- segments -------------------------------------------------------------------------
    def _size(self) -> int:
        r = self.rng.random()
        if r < 0.45:
            return 1
        if r < 0.8:
            return self.rng.randint(2, 4)
        return self.rng.randint(5, 20) if r < 0.97 else self.rng.randint(21, 100)

    def _take(self, count: int) -> tuple[list[bytes], list[PlannedMessage]]:
        """Up to ``count`` next messages (orders sent on the way), with padding packets."""
        rng, packets, taken, size = self.rng, [], [], 0
        at = self.next_message
        while len(taken) < count and at < len(self.messages):
            if not self._send_orders(at):
                break
            message = self.messages[at]
            if taken and size + len(message.packet) > self.max_payload:
                break
            extra = rng.random()
            if extra < 0.03:
                packets.append(rf.heartbeat())
            elif extra < 0.04:
                packets.append(rf.debug(f"note {at}"))
            elif extra < 0.05:
                packets.append(rf.system_event(rng.choice("SE")))
            packets.append(message.packet)
            taken.append(message)
            size += len(message.packet)
            at += 1
        if not taken or rng.random() < 0.03:
            packets.append(rf.heartbeat())
        return packets, taken

    def _hand_out(self, taken: list[PlannedMessage]) -> int:
        """Move the cursor past ``taken``; the index the segment started at."""
        start = self.next_message
        for message in taken:
            message.order.state, message.order.remaining = message.after
        self.next_message += len(taken)
        return start

    def _frame_options(self) -> dict:
        rng = self.rng
        return {"options": rf.timestamp_option(rng.randrange(1 << 32), rng.randrange(1 << 32))
                if rng.random() < 0.25 else b"",
                "vlan": rng.randrange(1, 4095) if rng.random() < 0.1 else None,
                "ip_options": b"\x01\x01\x01\x00" if rng.random() < 0.05 else b""}

    def _segment(self, damage: str | None = None) -> None:
        """The next segment of the stream, damaged if ``damage`` names how."""
        unparseable = damage == "unparseable"
        packets, taken = self._take(self.rng.randint(0, 3) if unparseable else self._size())
        start, seq = self._hand_out(taken), self.stream.seq
        detail = Detail.NONE
        if unparseable:
            recent = self.orders[max(0, self.next_order - 64):self.next_order]
            tail, detail = bad_tail(self.rng, self.model, recent,
                                    self.session.user_ref + self.next_order)
            packets.append(tail)
        frame = self.stream.segment(b"".join(packets), **self._frame_options())
        outcome = self._data_outcome(seq, Outcome.UNPARSEABLE if unparseable
                                     else Outcome.APPLIED)
        if damage and not unparseable:
            frame, mac_error, outcome = self._damage(frame, damage, outcome)
        else:
            mac_error = False
        if outcome != Outcome.UNPARSEABLE:
            detail = Detail.NONE
        if self._feed(frame, mac_error, outcome, detail).outcome == Outcome.APPLIED:
            assert start == self.confirmed, "an APPLIED segment starts at rcv_next"
            self.confirmed = self.next_message
            self.applied.append(frame)

    def _damage(self, frame: bytes, damage: str,
                whole: Outcome) -> tuple[bytes, bool, Outcome]:
        """``frame`` damaged, its MAC error flag, and its outcome (``whole``: undamaged)."""
        rng = self.rng
        if damage == "truncate":
            length = rng.randrange(1, len(frame))
            tagged = int.from_bytes(frame[12:14], "big") == ETHERTYPE_VLAN
            if length >= ri.payload_span(frame)[1]:
                outcome = whole                         # only Ethernet padding cut
            elif tagged and 14 <= length < 18:
                outcome = Outcome.OTHER                 # the inner EtherType is cut off
            else:
                outcome = Outcome.CORRUPT
            return *ri.truncate(frame, length), outcome
        if damage == "corrupt_payload":
            start, end = ri.payload_span(frame)
            damaged = ri.corrupt_payload(frame, rng.randrange(end - start),
                                         rng.randrange(1, 256))
        elif damage == "ip_checksum":
            damaged = ri.corrupt_ip_checksum(frame, rng.randrange(1, 1 << 16))
        elif damage == "mac_error":
            damaged = ri.with_mac_error(frame)
        elif damage == "fragment":
            more = rng.random() < 0.6
            damaged = ri.fragmented(frame, more, 0 if more and rng.random() < 0.5
                                    else rng.randrange(1, 8192))
        else:
            damaged = ri.malformed(frame, rng.choice(list(ri.MALFORMED)))
        return *damaged, Outcome.CORRUPT

    def _extra(self, kind: str) -> None:
        """A frame that is not the stream's next segment."""
        rng, stream = self.rng, self.stream
        if kind == "duplicate" and self.applied:
            frame = rng.choice(self.applied)
            self._feed(frame, False, self._stale_outcome())
        elif kind in ("out_of_order", "duplicate"):
            seq = stream.seq + rng.choice([1, rng.randrange(1, 3000), rng.randrange(1, 1 << 31)])
            packets = [m.packet for m in self.messages[self.next_message:][:rng.randint(1, 4)]]
            frame = stream.segment(b"".join(packets) or rf.heartbeat(), seq=seq,
                                   **self._frame_options())
            self._feed(frame, False, self._stale_outcome())
        elif kind == "control":
            payload = rf.heartbeat() if rng.random() < 0.3 else b""
            frame = stream.segment(payload, flags=rng.choice(_CONTROL_FLAGS), advance=False,
                                   **self._frame_options())
            self._feed(frame, False, Outcome.CONTROL)
        elif kind == "foreign":
            frame, _ = ri.foreign(self.session, rng.choice(list(ri.FOREIGN)))
            mac_error = rng.random() < 0.15
            self._feed(frame, mac_error, Outcome.CORRUPT if mac_error else Outcome.OTHER)
        else:
            seq = stream.seq if rng.random() < 0.7 else rng.randrange(1 << 32)
            frame = stream.segment(b"", flags=rf.ACK, seq=seq, **self._frame_options())
            self._feed(frame, False, Outcome.NO_DATA)

    # --- the flow -------------------------------------------------------------------------
    def run(self) -> list[tuple]:
        while True:
            if self.lost and (self.next_message == len(self.messages)
                              or self.rng.random() < _RESYNC_CHANCE):
                self._resync()
                continue
            if self.confirmed == len(self.messages) and not self.lost:
                return self.steps
            if not self._send_orders(self.next_message):
                assert self.lost, "a due order's entry is busy although nothing was lost"
                self._resync()
            elif self.impair and self.rng.random() < self.impair:
                kind = self.rng.choice(_DAMAGE + _EXTRA)
                self._segment(kind) if kind in _DAMAGE else self._extra(kind)
            else:
                self._segment()


def random_flow(seed: int, *, orders: int, slots: int = 16, table_size: int = 1024,
                impair: float = 0.0, max_payload: int = 1460, session: Session = _SESSION,
                first_seq: int | None = None) -> list[tuple]:
    """Steps of one random flow, the same for the same arguments.

    Parameters
    ----------
    seed : int
        Seeds the order flow and, separately, the framing and impairments.
    orders : int
        Orders sent (about three exchange messages each).
    slots, table_size : int
        Stock slots orders are spread over; the open-order table's entries (as the
        :class:`~sim.response_model.ResponseModel` the flow is meant for).
    impair : float
        Fraction (0 <= impair < 1) of frame decisions that are impairments.
    max_payload : int
        TCP payload bytes a segment grows to at most (1460: the MSS of a 1500-byte MTU);
        raise it for segments of up to 100 order-changing messages.
    session : Session
        The order-entry session (card ``src_*``, exchange ``dst_*``); UserRefNums start at
        ``session.user_ref``.
    first_seq : int or None
        The exchange's first sequence number (the first ``resync``); drawn from ``seed``
        when None, sometimes just below 2**32 so the stream wraps.
    """
    if not 0 <= impair < 1:
        raise ValueError(f"impair {impair} outside 0 <= impair < 1")
    return _Flow(seed, orders, slots, table_size, impair, max_payload, session,
                 first_seq).run()


def replay(steps, *, session: Session = _SESSION, slots: int = 16,
           table_size: int = 1024) -> tuple[ResponseModel, list[SegmentResult]]:
    """A fresh model after ``steps``, and the result of every ``frame`` step in order."""
    model = ResponseModel(session, table_size=table_size, slots=slots)
    results = []
    for step in steps:
        if step[0] == "sent":
            model.sent(*step[1:])
        elif step[0] == "frame":
            results.append(model.frame(step[1], step[2]))
        else:
            model.resync(step[1])
    return model, results

