"""An exchange for the replay: the far end of the card's order-entry session, matching its
orders against the replayed day's book.

Time is the card's cycle counter. The feed and the order path each take half the round
trip (``round_trip`` cycles): a message whose last byte reaches the card in cycle ``r`` was
published at ``r - round_trip / 2``, and an order frame that left the card in cycle ``s``
reaches the exchange at ``s + round_trip / 2``, when its book holds every message the card
receives up to ``s + round_trip``; the responses reach the card at ``s + round_trip``.

What the exchange does with each order frame (the card's TCP segments, checked for the
session's addresses and consecutive sequence numbers; an aborted frame never left the
card's MAC and is not seen):

- ``Order Accepted`` (live; NASDAQ's order reference numbers count from 1), unless the
  order is malformed (zero shares or price, unknown symbol, not immediate-or-cancel: the
  card's strategies send IOC and this exchange rests nothing), which gets ``Order
  Rejected``;
- then, price-time priority against the book's opposite side: one ``Order Executed`` per
  price level it takes, at the level's price, for the level's shares not yet taken by
  earlier orders of the card;
- then ``Order Canceled`` (reason ``I``, immediate-or-cancel) for what is left.

A ``Cancel Order`` is recorded (:attr:`Exchange.cancels`) and, as every order here is dead
by the time anything after it arrives (immediate-or-cancel), ignored, as NASDAQ ignores a
cancel for an order that is no longer live: no response.

All of them in one TCP segment (SoupBinTCP sequenced data), acknowledging the card's
bytes. Liquidity the card took is remembered per price level and given back as the
replayed day removes shares from that level (the card took the oldest orders, which the
day's own executions and cancels reach first), so a level is never taken twice.

The exchange's own accounting (:attr:`Exchange.positions`, :meth:`Exchange.pnl`) uses the
card's method (:mod:`hdl.response.layouts`): net cash plus each position at its last fill
price, in integer price units x shares.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from proto import ouch, soupbintcp
from proto.net import ip_bytes
from proto.net_parse import parse_frame
from sim import response_frames as rf
from sim.book import Books
from sim.order_session import Session

__all__ = ["Fill", "ExchangeOrder", "Exchange"]

_IOC = "3"
#: OUCH 5.0 Order Rejected reason codes used here.
REJECT_INVALID = 0x01        # invalid quantity or price
REJECT_SYMBOL = 0x02         # unknown symbol
REJECT_TIF = 0x0B            # time in force this exchange does not support


@dataclass(frozen=True)
class Fill:
    user_ref_num: int
    symbol: str
    sell: bool
    shares: int
    price: int
    match_number: int
    cycle: int                   # when the Executed reaches the card


@dataclass
class ExchangeOrder:
    user_ref_num: int
    symbol: str
    sell: bool
    shares: int
    price: int
    sent_cycle: int              # the frame's last beat left the card
    accepted: bool = False
    reject_reason: int = 0
    filled: int = 0
    fills: list[Fill] = field(default_factory=list)


@dataclass
class _Taken:
    shares: int                  # taken by the card at this level, not yet given back
    level_shares: int            # the level's shares when last looked at


class Exchange:
    """Parameters
    ----------
    events, end_rows : numpy.ndarray
        The day's decoded events (``EVENT_DTYPE``) and the card cycle at which each one's
        last byte arrives, non-decreasing.
    symbols : dict
        Stock locate -> ticker (the day's stock directory).
    session : Session
        The card's session; the exchange is its ``dst_*`` end.
    round_trip : int
        Cycles from an order leaving the card to its responses arriving.
    first_seq : int
        The exchange's first TCP sequence number (the card's ``rcv_next`` at the start).
    """

    def __init__(self, events: np.ndarray, end_rows: np.ndarray, symbols: dict[int, str],
                 session: Session, round_trip: int, first_seq: int = 1):
        if round_trip < 2:
            raise ValueError(f"round trip of {round_trip} cycles: at least 2")
        self.events, self.end_rows = events, np.asarray(end_rows, dtype=np.int64)
        self.locates = {name: loc for loc, name in symbols.items()}
        self.session = session
        self.round_trip = round_trip
        self.stream = rf.ExchangeStream(session, first_seq)
        self.books = Books()
        self._applied = 0
        self._taken: dict[tuple[int, bool, int], _Taken] = {}
        self._card_seq = session.seq          # next byte expected from the card
        self._order_ref = 0
        self._match = 0
        self.orders: list[ExchangeOrder] = []
        self.cancels: list[tuple[int, int, int]] = []     # (user_ref_num, quantity, cycle)
        self.fills: list[Fill] = []
        self.dropped_frames = 0               # card frames not of the session or out of order
        self.positions: dict[str, int] = {}
        self._cash: dict[str, int] = {}
        self._mark: dict[str, int] = {}

    # --------------------------------------------------------------- the book
    def _advance(self, cycle: int) -> None:
        """Apply every event the card receives up to ``cycle``."""
        stop = int(np.searchsorted(self.end_rows, cycle, side="right"))
        if stop > self._applied:
            self.books.apply(self.events[self._applied:stop])
            self._applied = stop

    def _available(self, locate: int, sell: bool, level) -> int:
        key = (locate, sell, level.price)
        taken = self._taken.get(key)
        if taken is None:
            return level.shares
        if level.shares < taken.level_shares:      # the day removed shares: ours first
            taken.shares = max(0, taken.shares - (taken.level_shares - level.shares))
        taken.level_shares = level.shares
        return max(0, level.shares - taken.shares)

    def _take(self, locate: int, sell: bool, level, shares: int) -> None:
        key = (locate, sell, level.price)
        taken = self._taken.setdefault(key, _Taken(0, level.shares))
        taken.shares += shares

    # --------------------------------------------------------------- orders
    def receive(self, frame: bytes, last_cycle: int) -> list[tuple[int, bytes]]:
        """One frame from the card's transmit stream whose last beat left in
        ``last_cycle``; returns ``[(cycle, frame), ...]`` to put on the card's order-entry
        receive port."""
        parsed = parse_frame(frame)
        s = self.session
        ip = parsed.ipv4 or {}
        if parsed.tcp is None or not parsed.l4_checksum_ok or \
                ip.get("src") != ip_bytes(s.src_ip) or ip.get("dst") != ip_bytes(s.dst_ip) or \
                parsed.tcp["seq"] != self._card_seq:
            self.dropped_frames += 1
            return []
        self._card_seq = (self._card_seq + len(parsed.payload)) % 2**32
        self.stream.ack = self._card_seq
        packets = b""
        at = 0
        while at < len(parsed.payload):
            packet, used = soupbintcp.decode(parsed.payload[at:])
            at += used
            if packet.type == "U":
                packets += self._order(ouch.decode(packet.data, inbound=True), last_cycle)
        arrive = last_cycle + self.round_trip
        return [(arrive, self.stream.segment(packets))]

    def _order(self, message, sent: int) -> bytes:
        f = message.fields
        if message.layout is ouch.CANCEL_ORDER:
            self.cancels.append((f["user_ref_num"], f["quantity"], sent))
            return b""
        if message.layout is not ouch.ENTER_ORDER:
            return b""
        symbol = f["symbol"].strip()
        sell = f["side"] != "B"
        order = ExchangeOrder(f["user_ref_num"], symbol, sell, f["quantity"], f["price"], sent)
        self.orders.append(order)
        reason = 0
        if f["quantity"] == 0 or f["price"] <= 0:
            reason = REJECT_INVALID
        elif symbol not in self.locates:
            reason = REJECT_SYMBOL
        elif f["time_in_force"] != _IOC:
            reason = REJECT_TIF
        if reason:
            order.reject_reason = reason
            return rf.rejected(order.user_ref_num, reason=reason)
        order.accepted = True
        self._order_ref += 1
        out = rf.accepted(order.user_ref_num, f["side"], order.shares, f["symbol"],
                          order.price, order_ref_num=self._order_ref)
        arrive = sent + self.round_trip
        self._advance(sent + self.round_trip)     # the book at the exchange's moment
        locate = self.locates[symbol]
        levels = self.books.depth(locate)["bids" if sell else "asks"]
        left = order.shares
        for level in levels:
            if left == 0 or (level.price < order.price if sell else level.price > order.price):
                break
            shares = min(left, self._available(locate, not sell, level))
            if shares == 0:
                continue
            self._take(locate, not sell, level, shares)
            self._match += 1
            fill = Fill(order.user_ref_num, symbol, sell, shares, level.price, self._match,
                        arrive)
            order.fills.append(fill)
            self.fills.append(fill)
            self._account(fill)
            left -= shares
            out += rf.executed(order.user_ref_num, shares, level.price, self._match)
        order.filled = order.shares - left
        if left:
            out += rf.canceled(order.user_ref_num, left, reason=b"I")
        return out

    # --------------------------------------------------------------- accounting
    def _account(self, fill: Fill) -> None:
        sign = -1 if fill.sell else 1
        s = fill.symbol
        self.positions[s] = self.positions.get(s, 0) + sign * fill.shares
        self._cash[s] = self._cash.get(s, 0) - sign * fill.shares * fill.price
        self._mark[s] = fill.price

    def pnl(self, symbol: str | None = None) -> int:
        """Net cash plus positions at their last fill price (one stock, or all)."""
        names = [symbol] if symbol is not None else list(self.positions)
        return sum(self._cash.get(n, 0) + self.positions.get(n, 0) * self._mark.get(n, 0)
                   for n in names)

    def cash(self, symbol: str) -> int:
        return self._cash.get(symbol, 0)
