"""The Verilated card loses sync and the host resyncs it from the event stream alone.

The whole card (``build/verilator/card``) in a kept-running harness, driven through the
host's ``Card`` API (:class:`host.transports.HarnessTransport`): manual orders on the
command stream, the exchange's responses (:mod:`sim.response_frames`) on the order-entry
port, and everything the host learns read from the card-to-host stream (``HOST_RX``,
``SEGMENT``, ``SENT``, ``REJECT`` records) into a :class:`host.resync.ReceiveLog`.

1. Two orders are accepted and one partly filled (applied by the card).
2. The next frame arrives with a bad FCS: the card loses sync (the stock with open orders
   is suspended, an order is refused ``resync``); a later frame and the exchange's
   retransmission of the bad one arrive; the host resyncs.
3. Trading resumes: an order is sent; its accept is lost on the wire and its execution
   arrives out of order: the host's resync names the hole and changes nothing; the
   retransmission arrives; the host resyncs.
4. Another order, filled in sync.

After each resync and at the end, the card's positions, cash, marks, P&L, position value,
open orders (state and remaining shares), open shares and gross exposure equal those of
the reference model (:class:`sim.response_model.ResponseModel`) fed every order and the
exchange's frames once each, in order, never out of sync.
"""

from __future__ import annotations

import numpy as np
import pytest

from hdl.host_if.events import EventKind
from hdl.response.layouts import OrderState, Outcome
from hdl.risk.reasons import Reason
from hdl.strategy.layouts import SIM_TRADE
from host.card import Card
from host.session_stream import StreamIncomplete
from host.transports import HarnessTransport
from proto import itch
from sim import response_frames as rf
from sim.feed_model import FeedConfig
from sim.harness_ports import idle_inputs
from sim.harness_session import HarnessSession
from sim.order_session import Session
from sim.packetise import DEFAULT_FEEDS, packetise
from sim.response_model import ResponseModel
from sim.risk_model import RiskLimits, SlotRisk
from sim.verilated_card import TradeConfig
from sim.verilated_feed import rx_records
from sim.verilated_harness import OP_WAIT, OP_WRITE

pytestmark = pytest.mark.slow

SESSION = Session()
LOCATE, SLOT = 7, 0
BID, ASK = 999_900, 1_000_300
LIMITS = RiskLimits(max_shares=10_000, max_notional=10**14, collar=50_000,
                    gross_limit=10**18, stock_burst=100, stock_refill_log2=4,
                    global_burst=100, global_refill_log2=2, dup_window=0, loss_limit=10**15)
#: The orders the host sends: (sell, price, shares); UserRefNums follow SESSION.user_ref.
ORDERS = [(False, 1_000_000, 100), (True, 1_000_200, 80), (False, 1_000_000, 50),
          (True, 1_000_100, 20)]


@pytest.fixture(scope="module")
def card_model():
    from sim.verilated_book import VerilatedBook

    return VerilatedBook()


def _add(ref, side, price):
    return itch.encode("A", stock_locate=LOCATE, tracking_number=0, timestamp=ref,
                       order_ref=ref, side=side, shares=100, stock="TEST", price=price)


class _Rig:
    """The card, the host's view of its event stream, and the reference model."""

    def __init__(self, card_model, session):
        self.ports = card_model.ports
        self.transport = HarnessTransport(session)
        self.card = Card(self.transport)
        for address, value in card_model.feed_registers.config_writes(
                FeedConfig.for_feeds(DEFAULT_FEEDS[:1])):
            self.transport.write32(address, value)
        for op in card_model.book_registers.subscribe_ops({SLOT: "TEST"}, {SLOT: LOCATE}):
            if op[0] == OP_WRITE:
                session.write(op[1], op[2])
            elif op[0] == OP_WAIT:
                while session.read(op[1]) & op[2] != op[3]:
                    pass
        trade = TradeConfig(limits=LIMITS, slots={SLOT: SlotRisk(limit=10_000)},
                            session=SESSION)
        for path, value in trade.writes():
            self.card.write(path, value)
        self.log = self.card.receive_log()
        self.seen: dict[EventKind, list[dict]] = {kind: [] for kind in EventKind}
        self.model = ResponseModel(SESSION, table_size=SIM_TRADE.order_table,
                                   slots=SIM_TRADE.trade_slots)
        self.exchange = rf.ExchangeStream(SESSION, seq=0)
        self.sent = 0
        book = packetise([_add(1, "B", BID), _add(2, "S", ASK)], feeds=DEFAULT_FEEDS[:1],
                         end_of_session=False)
        self.transport.run_rows(idle_inputs(rx_records(book), self.ports))
        self.idle(200)

    def idle(self, cycles):
        self.transport.run_rows(np.zeros((cycles, self.ports.row_words), np.uint32))

    def read(self):
        """Everything the card-to-host stream holds, into the log (and :attr:`seen`)."""
        batch = self.card.events(1 << 24)
        self.log.add(batch)
        for kind, columns in batch.items():
            self.seen[kind] += [{n: int(c[i]) for n, c in columns.items()}
                                for i in range(len(columns["event_seq"]))]

    def order(self):
        """The next of :data:`ORDERS`, through the risk checks; the model learns it."""
        sell, price, shares = ORDERS[self.sent]
        self.card.order(SLOT, sell, price, shares)
        self.idle(300)
        self.read()
        ref = SESSION.user_ref + self.sent
        sent = [r for r in self.seen[EventKind.SENT] if r["user_ref_num"] == ref]
        assert [(r["slot"], r["sell"], r["price"], r["shares"]) for r in sent] == \
            [(SLOT, sell, price, shares)], "the order was not sent"
        self.model.sent(ref, SLOT, sell, price, shares)
        self.sent += 1
        return ref

    def frames(self, *frames):
        """Frames on the order-entry port (``(bytes, mac_error)``), a few idle cycles
        apart, then everything the card-to-host stream holds into the log."""
        packed = rx_records(frames, idle=3)
        rows = np.zeros((len(packed) + 64, self.ports.row_words), np.uint32)
        rows[:len(packed), self.ports.row_words - packed.shape[1]:] = packed
        self.transport.run_rows(rows)
        self.read()

    def outcomes(self):
        return [Outcome(r["outcome"]) for r in self.seen[EventKind.SEGMENT]]

    def assert_state_is_the_models(self):
        card, model = self.card, self.model
        status = card.status()
        assert status["responses_in_sync"] and status["suspended_slots"] == 0
        card.write("response.slot_sel", SLOT)
        slot = model.slots[SLOT]
        got = {"position": _signed(card.read("response.read_position"), 32),
               "cash": _signed(_pair(card, "response.read_cash"), 64),
               "mark": card.read("response.read_mark")}
        assert got == {"position": slot.position, "cash": slot.cash, "mark": slot.mark}
        assert status["pnl"] == model.card.pnl
        assert _pair(card, "response.position_value") == model.card.position_value
        open_shares, open_notional = [0, 0], 0
        for ref in range(SESSION.user_ref, SESSION.user_ref + self.sent):
            entry = model.orders[ref % model.table_size]
            card.write("response.order_sel", ref % model.table_size)
            assert (card.read("response.read_order_ref"),
                    OrderState(card.regs.read_field("response.read_order_info.state")),
                    card.read("response.read_order_remaining")) == \
                (ref, entry.state, entry.remaining), ref
            if entry.busy:
                open_shares[entry.sell] += entry.remaining
                open_notional += entry.remaining * entry.price
        card.write("risk.slot_sel", SLOT)
        assert [card.read(f"risk.read_open_{side}") - card.read(f"response.read_closed_{side}")
                for side in ("buy", "sell")] == open_shares
        gross = _pair(card, "risk.exposure") - _pair(card, "response.released") + \
            _pair(card, "response.position_value")
        assert gross == open_notional + model.card.position_value


def _pair(card, name):
    return card.read(f"{name}_lo") | card.read(f"{name}_hi") << 32


def _signed(value, bits):
    return value - (1 << bits) if value >> (bits - 1) else value


def test_the_host_resyncs_the_card_from_the_event_stream(card_model):
    with HarnessSession(card_model.exe, card_model.ports, record=("c2h",)) as session:
        rig = _Rig(card_model, session)
        ex, model = rig.exchange, rig.model
        r1, r2 = rig.order(), rig.order()

        # 1. in sync: both accepted, r1 partly filled
        f1 = ex.segment(rf.accepted(r1, "B", 100, b"TEST    ", 1_000_000) +
                        rf.accepted(r2, "S", 80, b"TEST    ", 1_000_200))
        f2 = ex.segment(rf.executed(r1, 60, 1_000_000, 1))
        rig.frames((f1, False), (f2, False))
        for frame in (f1, f2):
            assert model.frame(frame).outcome == Outcome.APPLIED
        assert rig.outcomes() == [Outcome.APPLIED] * 2

        # 2. a bad FCS: out of sync; a later frame and the retransmission arrive
        f3 = ex.segment(rf.executed(r1, 40, 999_500, 2) + rf.canceled(r2, 30))
        f4 = ex.segment(rf.executed(r2, 50, 1_000_200, 3))
        rig.frames((f3, True), (f4, False))
        assert rig.card.status()["suspended_slots"] == 1 << SLOT
        rig.card.order(SLOT, False, 1_000_000, 10)            # refused while out of sync
        rig.idle(100)
        rig.frames((f3, False))
        assert rig.outcomes()[2:] == [Outcome.CORRUPT, Outcome.OUT_OF_SYNC,
                                      Outcome.OUT_OF_SYNC]
        [refused] = rig.seen[EventKind.REJECT]
        assert refused["legs_0_reasons"] >> Reason.RESYNC & 1
        for frame in (f3, f4):
            assert model.frame(frame).outcome == Outcome.APPLIED
        result = rig.card.resync(rig.log)
        assert (result.start, result.end) == (len(f1) + len(f2) - 108, ex.seq)
        assert [(f.user_ref_num, f.shares, f.price) for f in result.fills] == \
            [(r1, 40, 999_500), (r2, 50, 1_000_200)]
        assert result.in_sync and not result.raced and result.slots == [SLOT]
        rig.assert_state_is_the_models()

        # 3. trading resumes; an accept is lost, its execution comes out of order
        r3 = rig.order()
        f5 = ex.segment(rf.accepted(r3, "B", 50, b"TEST    ", 1_000_000))
        f6 = ex.segment(rf.executed(r3, 20, 1_000_000, 4))
        rig.frames((f6, False))
        assert rig.outcomes()[-1] == Outcome.OUT_OF_ORDER
        rcv_next = rig.card.read("response.rcv_next")
        with pytest.raises(StreamIncomplete, match=f"bytes {rcv_next} to "
                                                   f"{rcv_next + len(f5) - 55}"):
            rig.card.resync(rig.log)
        assert not rig.card.status()["responses_in_sync"]
        assert rig.card.read("response.rcv_next") == rcv_next
        rig.frames((f5, False))                                # the retransmission
        for frame in (f5, f6):
            assert model.frame(frame).outcome == Outcome.APPLIED
        result = rig.card.resync(rig.log)
        assert result.counts == {"accepted": 1, "executed": 1} and result.end == ex.seq
        rig.assert_state_is_the_models()

        # 4. in sync again: a sell, filled, and the rest of r3 cancelled
        r4 = rig.order()
        f7 = ex.segment(rf.accepted(r4, "S", 20, b"TEST    ", 1_000_100) +
                        rf.executed(r4, 20, 1_000_100, 5) + rf.canceled(r3, 30))
        rig.frames((f7, False))
        assert model.frame(f7).outcome == Outcome.APPLIED
        assert rig.outcomes()[-1] == Outcome.APPLIED
        rig.assert_state_is_the_models()
        assert rig.log.frames.records_lost == 0 and rig.log.frames.mac_errors == 1
        assert model.card.pnl != 0 and model.slots[SLOT].position == 100 - 50 + 20 - 20
