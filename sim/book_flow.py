"""Adversarial random ITCH 5.0 order flow for testing the book builder against the reference.

:func:`random_flow` writes a day as an exchange would (stock directory messages first, then
the order flow) but concentrated where a pipelined book is weakest: on few stocks, few live
orders per stock and few price levels, so consecutive messages keep hitting the same order,
the same level and the same stock (read-after-write hazards). Every path the reference book
(:mod:`sim.book`) survives comes up: unknown references (never issued, or already gone),
over-executions, executions that empty a level, replaces to the same and to another price,
levels emptied and re-created, both sides, crossed books, trades that change nothing (P, Q,
B) and trading actions (H).

Left out is what the gateware flags instead of applying: an add (A, F, U's new reference)
of a live reference; :func:`duplicate_add_flow` makes a short day of exactly that. Messages
are encoded by :func:`proto.itch.encode` and decoded back to ``EVENT_DTYPE`` by
:mod:`sim.itch_file`, so the reference replays the bytes the gateware parses.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from proto import itch
from sim.itch_file import ItchDay

__all__ = ["Flow", "OrderSets", "DEFAULT_TICKERS", "DEFAULT_WEIGHTS", "random_flow",
           "duplicate_add_flow", "day_bytes", "decode_messages"]

DEFAULT_TICKERS = ("AAPL", "AMZN", "MSFT", "QQQ")
#: References of orders never added are drawn from here: far above any issued reference.
_NEVER_ISSUED = 1 << 48
_TICK = 100                       # one cent in ITCH's 1/10,000 dollar


@dataclass(frozen=True)
class OrderSets:
    """The shape of a set-associative order table the flow must not overflow.

    ``set_of(ref)`` names the set of a reference; adds are given fresh references whose set
    holds fewer than ``ways`` live orders, so a full set never drops an order by accident.
    """

    set_of: Callable[[int], int]
    ways: int


@dataclass
class Flow:
    """A generated day.

    Attributes
    ----------
    messages : list of bytes
        ITCH message bodies, type byte first, no length prefix.
    events : numpy.ndarray
        The same messages decoded to :data:`proto.itch_event.EVENT_DTYPE`.
    locates : dict of str to int
        Ticker -> stock locate, as the day's R messages say.
    """

    messages: list[bytes]
    events: np.ndarray
    locates: dict[str, int]

    def __len__(self) -> int:
        return len(self.messages)


def day_bytes(messages: Sequence[bytes]) -> bytes:
    """A daily file: every body behind its 2-byte big-endian length, as NASDAQ ships them."""
    return b"".join(len(body).to_bytes(2, "big") + body for body in messages)


def decode_messages(messages: Sequence[bytes]) -> np.ndarray:
    """``EVENT_DTYPE`` rows of ``messages``, decoded by the whole-day reader."""
    return ItchDay.from_bytes(day_bytes(messages), name="<flow>").events()


class _Writer:
    """Encodes messages with increasing timestamps and match numbers."""

    def __init__(self, rng: random.Random):
        self.rng, self.messages, self.clock, self.match = rng, [], 34_200_000_000_000, 0

    def put(self, code: str, locate: int, **fields) -> None:
        self.clock += self.rng.randint(1, 2000)
        if "match_number" in itch.MESSAGES[code]:
            self.match += 1
            fields["match_number"] = self.match
        self.messages.append(itch.encode(code, stock_locate=locate, timestamp=self.clock,
                                         **fields))


class _Stock:
    """One stock's live orders (ref -> [side, price, shares]) and its price pool."""

    def __init__(self, ticker: str, locate: int, base: int, price_levels: int):
        self.ticker, self.locate = ticker, locate
        self.orders: dict[int, list] = {}
        pool = [base + _TICK * i for i in range(price_levels)]
        # Overlapping ranges: bids mostly below asks, but the middle prices serve both
        # sides, which crosses the book now and then.
        cut = max(1, (3 * price_levels + 3) // 4)
        self.prices = {"B": pool[:cut], "S": pool[price_levels - cut:]}


class _Generator:
    """The flow's state (live orders per stock, order-table load) and one message a step."""

    def __init__(self, rng, stocks, live_orders, order_sets, weights):
        self.rng, self.stocks, self.live_orders = rng, stocks, live_orders
        self.order_sets = order_sets
        self.set_load: dict[int, int] = {}
        self.next_ref = rng.randrange(1, 1 << 20)
        self.dead: list[int] = []
        self.last_stock, self.last_ref = stocks[0], None
        self.codes, self.weights = zip(*weights.items(), strict=True)
        self.out = _Writer(rng)

    def fresh_ref(self) -> int:
        while True:
            self.next_ref += self.rng.randint(1, 3)
            ref = self.next_ref
            if self.order_sets is None:
                return ref
            key = self.order_sets.set_of(ref)
            if self.set_load.get(key, 0) < self.order_sets.ways:
                return ref

    def rest(self, stock: _Stock, ref: int, side: str, price: int, shares: int) -> None:
        stock.orders[ref] = [side, price, shares]
        if self.order_sets is not None:
            key = self.order_sets.set_of(ref)
            self.set_load[key] = self.set_load.get(key, 0) + 1
        self.last_ref = ref

    def gone(self, stock: _Stock, ref: int) -> None:
        del stock.orders[ref]
        if self.order_sets is not None:
            self.set_load[self.order_sets.set_of(ref)] -= 1
        self.dead.append(ref)

    def pick_order(self, stock: _Stock) -> int:
        """The last order touched, half the time (if it is this stock's and live)."""
        if not (self.last_ref in stock.orders and self.rng.random() < 0.5):
            self.last_ref = self.rng.choice(list(stock.orders))
        return self.last_ref

    def unknown_ref(self) -> int:
        if self.dead and self.rng.random() < 0.5:
            return self.rng.choice(self.dead[-64:])
        return _NEVER_ISSUED + self.rng.randrange(1 << 20)

    def step(self) -> None:
        rng = self.rng
        stock = self.last_stock if rng.random() < 0.6 else rng.choice(self.stocks)
        self.last_stock = stock
        code = rng.choices(self.codes, self.weights)[0]
        if code in "AF" and len(stock.orders) >= self.live_orders:
            code = rng.choice("ECXDU")
        if code in "ECXDU" and not stock.orders:
            code = "A"
        if code == "?":
            self.unknown(stock)
        elif code in "AF":
            side = rng.choice("BS")
            price, shares = rng.choice(stock.prices[side]), _shares(rng)
            ref = self.fresh_ref()
            extra = {"attribution": "MPID"} if code == "F" else {}
            self.out.put(code, stock.locate, order_ref=ref, side=side, shares=shares,
                         stock=stock.ticker, price=price, **extra)
            self.rest(stock, ref, side, price, shares)
        elif code in "ECX":
            self.reduce(stock, code)
        elif code == "D":
            self.out.put("D", stock.locate, order_ref=self.pick_order(stock))
            self.gone(stock, self.last_ref)
        elif code == "U":
            self.replace(stock)
        else:
            self.no_change(stock, code)

    def reduce(self, stock: _Stock, code: str) -> None:
        rng, ref = self.rng, self.pick_order(stock)
        held = stock.orders[ref][2]
        roll = rng.random()
        if roll < 0.15:
            amount = held + rng.randint(1, 300)           # over-execution: order removed
        elif roll < 0.45 or held == 1:
            amount = held                                 # exactly all of it
        else:
            amount = rng.randint(1, held - 1)
        fields = {"cancelled_shares" if code == "X" else "executed_shares": amount}
        if code == "C":
            fields |= {"printable": "Y", "execution_price": rng.choice(stock.prices["B"])}
        self.out.put(code, stock.locate, order_ref=ref, **fields)
        if amount >= held:
            self.gone(stock, ref)
        else:
            stock.orders[ref][2] = held - amount

    def replace(self, stock: _Stock) -> None:
        rng, ref = self.rng, self.pick_order(stock)
        side, price, _ = stock.orders[ref]
        new_price = price if rng.random() < 0.4 else rng.choice(stock.prices[side])
        self.gone(stock, ref)
        new_ref, shares = self.fresh_ref(), _shares(rng)
        self.out.put("U", stock.locate, original_order_ref=ref, new_order_ref=new_ref,
                     shares=shares, price=new_price)
        self.rest(stock, new_ref, side, new_price, shares)

    def unknown(self, stock: _Stock) -> None:
        rng, ref, code = self.rng, self.unknown_ref(), self.rng.choice("ECXDU")
        fields = {"E": {"executed_shares": _shares(rng)}, "X": {"cancelled_shares": 50},
                  "C": {"executed_shares": 100, "printable": "N",
                        "execution_price": stock.prices["B"][0]},
                  "D": {}, "U": {"new_order_ref": self.fresh_ref(), "shares": _shares(rng),
                                 "price": rng.choice(stock.prices["S"])}}[code]
        name = "original_order_ref" if code == "U" else "order_ref"
        self.out.put(code, stock.locate, **{name: ref}, **fields)

    def no_change(self, stock: _Stock, code: str) -> None:
        rng = self.rng
        if code == "H":
            self.out.put("H", stock.locate, stock=stock.ticker, reason="X",
                         trading_state=rng.choice("TTTHPQ"))
        elif code == "P":
            self.out.put("P", stock.locate, order_ref=0, side=rng.choice("BS"),
                         shares=_shares(rng), stock=stock.ticker,
                         price=rng.choice(stock.prices["B"]))
        elif code == "Q":
            self.out.put("Q", stock.locate, shares=_shares(rng), stock=stock.ticker,
                         cross_price=stock.prices["S"][0], cross_type="I")
        else:
            self.out.put("B", stock.locate)


def _shares(rng: random.Random) -> int:
    return rng.choice((100, 200, 300, 500)) if rng.random() < 0.6 else rng.randint(1, 999)


#: Message mix: '?' is an E, C, X, D or U naming a reference that is not live.
DEFAULT_WEIGHTS = {"A": 20, "F": 5, "E": 12, "C": 5, "X": 12, "D": 12, "U": 14, "?": 5,
                   "P": 4, "Q": 1, "B": 1, "H": 2}


def random_flow(events: int, *, seed: int, tickers: Sequence[str] = DEFAULT_TICKERS,
                live_orders: int = 6, price_levels: int = 6,
                order_sets: OrderSets | None = None,
                weights: dict[str, int] | None = None) -> Flow:
    """A day of ``len(tickers)`` R messages then ``events`` order-flow messages.

    Parameters
    ----------
    events : int
        Messages after the stock directory.
    seed : int
        Same seed, same bytes.
    tickers : sequence of str
        Stocks of the day (at most 8 characters each); locates are drawn at random.
    live_orders : int
        Live orders per stock at most: few, so the same orders come back again and again.
    price_levels : int
        Distinct prices per stock, shared by both sides (so no side ever holds more levels).
    order_sets : OrderSets, optional
        Keep every set of this order table below its ways.
    weights : dict, optional
        Message mix, :data:`DEFAULT_WEIGHTS` by default.
    """
    rng = random.Random(seed)
    locates = dict(zip(tickers, rng.sample(range(1, 9000), len(tickers)), strict=True))
    stocks = [_Stock(t, loc, rng.randrange(100, 5000) * _TICK, price_levels)
              for t, loc in locates.items()]
    gen = _Generator(rng, stocks, live_orders, order_sets, weights or DEFAULT_WEIGHTS)
    for stock in stocks:
        gen.out.put("R", stock.locate, stock=stock.ticker, market_category="Q",
                    round_lot_size=100, authenticity="P")
    for _ in range(events):
        gen.step()
    return Flow(gen.out.messages, decode_messages(gen.out.messages), locates)


def duplicate_add_flow(seed: int, ticker: str = "DUPE") -> tuple[Flow, list[int]]:
    """A short day where A, F and U each add a reference that is still live.

    Returns the flow and the message index of each duplicate add: the stock must be flagged
    ``invalid`` from the first one on.
    """
    flow = random_flow(12, seed=seed, tickers=(ticker,), live_orders=12, weights={"A": 1})
    writer, locate = _Writer(random.Random(seed)), flow.locates[ticker]
    writer.clock = 40_000_000_000_000
    live = [itch.decode(body)["order_ref"] for body in flow.messages[1:]]
    writer.put("A", locate, order_ref=live[0], side="B", shares=10, stock=ticker,
               price=1_000_000)
    writer.put("F", locate, order_ref=live[1], side="S", shares=20, stock=ticker,
               price=1_010_000, attribution="MPID")
    writer.put("U", locate, original_order_ref=live[2], new_order_ref=live[3], shares=30,
               price=1_000_000)
    messages = flow.messages + writer.messages
    first = len(flow.messages)
    return Flow(messages, decode_messages(messages), flow.locates), [first, first + 1, first + 2]
