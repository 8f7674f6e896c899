"""The host's resync without a card: the session's TCP stream from received frames
(:mod:`host.session_stream`), the missed messages applied on the card's state
(:mod:`host.resync_plan`, every expected value computed by hand below), the procedure's
register loads on an emulated response/risk register window (:mod:`host.resync`), and the
CLI's error when the stream has a hole (stand-in BAR and channel, as ``tickforge events``
is tested) and its follow mode (waiting for a retransmission, then resyncing).

Frames are built with :mod:`sim.response_frames`; ``HOST_RX`` records by hand
(``test_host_rx._record``).
"""

from __future__ import annotations

import os
import threading

import pytest
from test_card_api import _standin
from test_card_streams import record
from test_host_rx import _record, _split

from hdl.host_if.events import EventKind
from hdl.response.layouts import OrderState, Outcome
from host.card import DEFAULT_REGS_JSON, Card
from host.cli import main
from host.errors import DataError
from host.events import decode_records
from host.fake_transport import FakeTransport
from host.regs import RegisterMapInfo
from host.resync import ReceiveLog
from host.resync_plan import plan, stream_messages
from host.session_stream import SessionAddresses, SessionStream, StreamIncomplete
from proto import ouch
from sim import response_frames as rf
from sim import response_impairments as ri
from sim.order_session import Session, register_values
from sim.response_ledger import CardLedger, OrderEntry, SlotLedger

SESSION = Session()
ADDRESSES = SessionAddresses.of(SESSION)
SYMBOL = b"TEST    "


# ---------------------------------------------------------------- the TCP stream

def test_segments_in_any_order_make_one_stream_and_a_hole_is_named():
    stream = rf.ExchangeStream(SESSION, seq=1_000)
    p = [rf.accepted(5, "B", 300, SYMBOL, 1_000_000), rf.heartbeat(), rf.canceled(5, 10)]
    f = [stream.segment(payload) for payload in p]
    s = SessionStream(ADDRESSES)
    s.add([f[2], f[0]])
    hole_start = 1_000 + len(p[0])
    # the heartbeat's 3 bytes (length 2, type 1) are missing
    with pytest.raises(StreamIncomplete, match=f"bytes {hole_start} to {hole_start + 2} "
                                               r"\(3 bytes\)"):
        s.read(1_000)
    s.add([f[1]])
    assert s.read(1_000) == b"".join(p)
    assert s.read(1_000 + len(p[0])) == p[1] + p[2]
    # a retransmission cut differently agrees: merged; one that disagrees is refused
    s.add([rf.exchange_frame(SESSION, (p[0] + p[1])[7:], seq=1_007)])
    assert s.read(1_000) == b"".join(p)
    s.add([rf.exchange_frame(SESSION, b"X" * 30, seq=1_010)])
    with pytest.raises(DataError, match="disagree"):
        s.read(1_000)


def test_foreign_and_damaged_frames_are_skipped_and_applied_bytes_forgotten():
    stream = rf.ExchangeStream(SESSION, seq=(1 << 32) - 20)          # wraps to 0
    payload = rf.canceled(5, 10) + rf.canceled(6, 1)
    good = stream.segment(payload)
    other_port = rf.exchange_frame(Session(src_port=1), payload, seq=stream.seq)
    damaged, _ = ri.corrupt_payload(stream.segment(payload, advance=False))
    s = SessionStream(ADDRESSES)
    s.add([other_port, damaged, bytes(10), good])
    assert (s.foreign, s.corrupt) == (1, 2)
    assert s.read((1 << 32) - 20) == payload
    s.applied((1 << 32) - 20, 21)
    assert s.read(1) == payload[21:]
    tail = stream.segment(rf.canceled(7, 1))
    s.add([tail, stream.segment(flags=rf.ACK | rf.FIN)])
    with pytest.raises(DataError, match="FIN"):
        s.read(1)


# ---------------------------------------------------------------- messages on the state

def test_packets_are_cut_from_the_stream_and_a_cut_packet_waits_for_its_rest():
    raw = (rf.system_event("S") + rf.heartbeat() + rf.debug("x") +
           rf.accepted(5, "B", 300, SYMBOL, 1_000_000) + rf.executed(5, 100, 999_000, 77))
    messages, used = stream_messages(raw, 500)
    assert used == len(raw)
    assert [m.message.fields["type"] for m in messages] == ["S", "A", "E"]
    assert messages[1].seq == 500 + len(rf.system_event("S") + rf.heartbeat() +
                                        rf.debug("x"))
    with pytest.raises(StreamIncomplete, match="inside a SoupBinTCP packet"):
        stream_messages(raw + rf.canceled(5, 1)[:9], 500)
    from proto import soupbintcp
    login = soupbintcp.encode("A", session="S", sequence=1)
    with pytest.raises(DataError, match="Login Accepted packet has no place"):
        stream_messages(login, 0)


class _State:
    """The card's state as a dict: orders by table index, slots, card."""

    table_size = 1024

    def __init__(self):
        self.orders = {
            5: OrderEntry(5, 2, False, 1_000_000, 300, 300, OrderState.SENT),
            6: OrderEntry(6, 2, True, 1_010_000, 200, 200, OrderState.LIVE),
            7: OrderEntry(7, 3, True, 500_000, 10, 10, OrderState.SENT),
        }
        self.slots = {2: SlotLedger(100, 50, 0, -99_000_000, 990_000), 3: SlotLedger()}
        self.ledger = CardLedger(pnl=-4_000, released=70_000_000, position_value=99_000_000)

    def order(self, index):
        return self.orders.get(index, OrderEntry())

    def slot(self, slot):
        return self.slots[slot]

    def card(self):
        return self.ledger


def _messages(*packets):
    return stream_messages(b"".join(packets), 0)[0]


def test_missed_messages_change_the_orders_and_ledgers_as_the_contract_says():
    result = plan(_messages(rf.accepted(5, "B", 300, SYMBOL, 1_000_000),
                            rf.executed(5, 100, 999_000, 77), rf.canceled(6, 50),
                            rf.rejected(7), rf.system_event("E")), _State())
    # by hand: 5 buys 100 at 99.9000 (position 100 -> 200), 6 cancels 50 of its 200,
    # 7 is rejected (10 close)
    assert result.orders[5] == OrderEntry(5, 2, False, 1_000_000, 300, 200, OrderState.LIVE)
    assert result.orders[6].remaining == 150 and result.orders[6].state == OrderState.LIVE
    assert result.orders[7].remaining == 0 and result.orders[7].state == OrderState.DEAD
    cash = -99_000_000 - 100 * 999_000
    assert result.slots[2] == SlotLedger(200, 150, 50, cash, 999_000)
    assert result.slots[3] == SlotLedger(0, 0, 10, 0, 0)
    # P&L: (cash' + 200 * 99.9) - (cash + 100 * 99.0) = 900,000 more
    assert result.card == CardLedger(pnl=-4_000 + 900_000,
                                     released=70_000_000 + 100 * 1_000_000 + 50 * 1_010_000
                                     + 10 * 500_000,
                                     position_value=200 * 999_000)
    assert [(f.user_ref_num, f.shares, f.price, f.match_number) for f in result.fills] == \
        [(5, 100, 999_000, 77)]
    assert dict(result.counts) == {"accepted": 1, "executed": 1, "canceled": 1,
                                   "rejected": 1}


@pytest.mark.parametrize("packets, complaint", [
    ((rf.executed(8, 1, 1, 1),), "not in the card's open-order table"),
    ((rf.executed(5 + 1024, 1, 1, 1),), "not in the card's open-order table"),
    ((rf.executed(5, 1, 1, 1),), "the order is SENT, not LIVE"),
    ((rf.canceled(6, 201),), "201 shares, the order has 200 left"),
    ((rf.executed(6, 1, 0, 1),), "price 0 is outside"),
    ((rf.sequenced(ouch.encode(ouch.ORDER_REPLACED, timestamp=0, orig_user_ref_num=6,
                               user_ref_num=9, side="S", quantity=1, symbol="TEST",
                               price=1, time_in_force="0", display="Y", order_ref_num=0,
                               capacity="P", intermarket_sweep="N", cross_type="N",
                               order_state="L", cl_ord_id="")),),
     "Order Replaced for UserRefNum 9: the card does not track it"),
])
def test_a_message_the_card_could_not_have_applied_stops_the_resync(packets, complaint):
    with pytest.raises(DataError, match=complaint):
        plan(_messages(*packets), _State())


# ---------------------------------------------------------------- the procedure's loads

class _Windows(FakeTransport):
    """The response and risk blocks' windows and commands over :class:`_State`: what each
    load command took is kept in :attr:`loads`."""

    def __init__(self, state: _State, rcv_next: int, judged: int):
        super().__init__(RegisterMapInfo.load(DEFAULT_REGS_JSON))
        self.state = state
        self.loads = []
        self.drive("response.status", 1)                                  # out of sync
        self.drive("response.rcv_next", rcv_next)
        self.drive("response.frames_out_of_sync", judged)
        self.drive("risk.suspended", 1 << 2)
        self.drive("risk.exposure_lo", 600_000_000)
        self.opened = {2: (400, 250), 3: (0, 10)}
        for name in ("pnl", "released", "position_value"):
            value = getattr(state.ledger, name) & (1 << 64) - 1
            self.drive(f"response.{name}_lo", value)
            self.drive(f"response.{name}_hi", value >> 32)

    def _word(self, path):
        return self.words[self.map.register(path).address]

    def write32(self, address, value):
        super().write32(address, value)
        path = self.map.by_address[address].path
        if path == "response.order_sel":
            o = self.state.order(value)
            info = o.slot | int(o.sell) << 8 | int(o.state) << 9
            for name, v in (("ref", o.user_ref_num), ("info", info), ("price", o.price),
                            ("shares", o.shares), ("remaining", o.remaining)):
                self.drive(f"response.read_order_{name}", v)
        elif path == "response.slot_sel":
            s = self.state.slots[value]
            for name, v in (("position", s.position), ("closed_buy", s.closed_buy),
                            ("closed_sell", s.closed_sell), ("cash_lo", s.cash),
                            ("cash_hi", s.cash >> 32), ("mark", s.mark)):
                self.drive(f"response.read_{name}", v)
        elif path == "risk.slot_sel":
            buy, sell = self.opened[value]
            self.drive("risk.read_open_buy", buy)
            self.drive("risk.read_open_sell", sell)
            self.drive("risk.read_limit", 1_000 + value)
        elif path in ("response.command", "risk.command"):
            block = path.split(".")[0]
            names = [f.name for f in self.map.register(path).fields.values()
                     if value >> f.offset & 1]
            for name in names:
                self.loads.append((block, name, self._taken(block, name)))
                if (block, name) == ("response", "resync"):
                    self.drive("response.status", 0)
                    self.drive("response.rcv_next", self._word("response.rcv_next_load"))

    def _taken(self, block, name):
        names = {("response", "load_order"): ("order_sel", "order_remaining_load",
                                               "order_state_load"),
                 ("response", "load_slot"): ("slot_sel", "slot_position", "slot_cash_lo",
                                              "slot_cash_hi", "slot_mark"),
                 ("risk", "load_slot"): ("slot_sel", "slot_open_buy", "slot_open_sell",
                                         "slot_limit"),
                 ("response", "load_card"): ("pnl_load_lo", "pnl_load_hi",
                                             "position_value_load_lo",
                                             "position_value_load_hi"),
                 ("risk", "load_exposure"): ("exposure_load_lo", "exposure_load_hi"),
                 ("response", "resync"): ("rcv_next_load",)}[(block, name)]
        return tuple(self._word(f"{block}.{n}") for n in names)


def _host_rx(frames, first_seq=0):
    raw, seq = b"", first_seq
    for frame in frames:
        beats = _split(frame)
        for at in range(0, len(beats), 5):
            raw += _record(seq, beats[at:at + 5])
            seq += 1
    return raw


def _segments(*rows, first_seq=0):
    return b"".join(record(EventKind.SEGMENT, first_seq + i, 0, outcome=int(o), seq=s,
                           length=n) for i, (o, s, n) in enumerate(rows))


def test_the_resync_loads_orders_slots_card_and_the_next_sequence():
    """The card lost sync at sequence 5,000 (the accept's frame was corrupted, the next two
    arrived out of sync, then the accept again); the host loads the state after all
    three and 5,000 + their bytes."""
    state = _State()
    stream = rf.ExchangeStream(SESSION, seq=5_000)
    payloads = [rf.accepted(5, "B", 300, SYMBOL, 1_000_000),
                rf.executed(5, 100, 999_000, 77) + rf.canceled(6, 50), rf.rejected(7)]
    frames = [stream.segment(p) for p in payloads]
    bad, _ = ri.corrupt_payload(frames[0])
    windows = _Windows(state, 5_000, judged=3)
    card = Card(windows, discover=False)
    log = ReceiveLog(ADDRESSES)
    sizes = [len(p) for p in payloads]
    log.add(decode_records(_host_rx([bad, frames[1], frames[2], frames[0]]) + _segments(
        (Outcome.CORRUPT, 0, 0), (Outcome.OUT_OF_SYNC, 5_000 + sizes[0], sizes[1]),
        (Outcome.OUT_OF_SYNC, 5_000 + sizes[0] + sizes[1], sizes[2]),
        (Outcome.OUT_OF_SYNC, 5_000, sizes[0]))))
    windows.drive("response.frames_corrupt", 1)
    result = card.resync(log)
    end = 5_000 + sum(sizes)
    assert (result.start, result.end, result.in_sync, result.raced) == (5_000, end, True,
                                                                          False)
    loads = windows.loads
    live, dead = int(OrderState.LIVE), int(OrderState.DEAD)
    assert [taken for block, name, taken in loads if name == "load_order"] == \
        [(5, 200, live), (6, 150, live), (7, 0, dead)]
    cash = (-99_000_000 - 100 * 999_000) & (1 << 64) - 1
    assert [taken for block, name, taken in loads if (block, name) ==
            ("response", "load_slot")] == [(2, 200, cash & 0xFFFF_FFFF, cash >> 32, 999_000),
                                           (3, 0, 0, 0, 0)]
    # opened - closed: slot 2 buys 400 - 150, sells 250 - 50; slot 3 sells 10 - 10
    assert [taken for block, name, taken in loads if (block, name) == ("risk", "load_slot")] \
        == [(2, 250, 200, 1_002), (3, 0, 0, 1_003)]
    released = 70_000_000 + 100 * 1_000_000 + 50 * 1_010_000 + 10 * 500_000
    [card_load] = [taken for block, name, taken in loads if name == "load_card"]
    assert card_load == ((-4_000 + 900_000), 0, 200 * 999_000, 0)   # zeroes released
    [exposure] = [taken for block, name, taken in loads if name == "load_exposure"]
    assert exposure == (600_000_000 - released, 0)
    assert loads[-1] == ("response", "resync", (end,))
    assert [name for _, name, _ in loads].index("resync") == len(loads) - 1
    assert card.resync(log) is None                                  # in sync now


def test_the_resync_waits_for_the_cards_records_and_for_a_lost_frame():
    """The card applied a heartbeat up to 5,000, then lost sync; of the two frames after
    it, the host has read one SEGMENT record, and the first frame's HOST_RX records were
    dropped on the event stream."""
    payloads = [rf.heartbeat(), rf.accepted(5, "B", 300, SYMBOL, 1_000_000), rf.rejected(7)]
    stream = rf.ExchangeStream(SESSION, seq=5_000 - len(payloads[0]))
    frames = [stream.segment(p) for p in payloads]
    records = [-(-len(_split(f)) // 5) for f in frames]
    windows = _Windows(_State(), 5_000, judged=2)
    windows.drive("response.frames_applied", 1)
    card = Card(windows, discover=False)
    log = ReceiveLog(ADDRESSES)
    log.add(decode_records(_host_rx(frames[:1]) + _segments(
        (Outcome.APPLIED, 5_000 - len(payloads[0]), len(payloads[0])),
        (Outcome.OUT_OF_SYNC, 5_000 + len(payloads[1]), len(payloads[2])))))
    with pytest.raises(StreamIncomplete, match="judged 1 frames"):
        card.resync(log)
    # the other SEGMENT record; the first frame's HOST_RX records are lost
    log.add(decode_records(_segments((Outcome.OUT_OF_SYNC, 5_000, len(payloads[1])),
                                     first_seq=2) +
                           _host_rx(frames[2:], first_seq=records[0] + records[1])))
    assert log.frames.records_lost == records[1]
    with pytest.raises(StreamIncomplete, match="hole"):
        card.resync(log)
    assert windows.loads == []
    # the frame again (a retransmission): the resync goes through
    log.add(decode_records(_host_rx(frames[1:2], first_seq=sum(records))))
    assert card.resync(log).end == 5_000 + len(payloads[1]) + len(payloads[2])


# ---------------------------------------------------------------- the CLI

def test_cli_resync_names_the_hole_when_the_channel_ends(tmp_path, capsys):
    device, register_map = _standin(tmp_path)
    bar = bytearray((tmp_path / "xdma0_user").read_bytes())

    def put(path, value):
        at = register_map.address(path)
        bar[at:at + 4] = value.to_bytes(4, "little")

    for path, value in (("response.status", 1), ("response.rcv_next", 5_000),
                        ("order.src_ip", int.from_bytes(ADDRESSES.card_ip, "big")),
                        ("order.dst_ip", int.from_bytes(ADDRESSES.exchange_ip, "big")),
                        ("order.src_port", SESSION.src_port),
                        ("order.dst_port", SESSION.dst_port)):
        put(path, value)
    (tmp_path / "xdma0_user").write_bytes(bytes(bar))
    stream = rf.ExchangeStream(SESSION, seq=5_000)
    lost = stream.segment(rf.accepted(5, "B", 300, SYMBOL, 1_000_000))
    later = stream.segment(rf.rejected(7))
    os.mkfifo(f"{device}_c2h_0")

    def card_side():
        with open(f"{device}_c2h_0", "wb") as c2h:
            c2h.write(_host_rx([later]))

    thread = threading.Thread(target=card_side)
    thread.start()
    assert main(["resync", "--device", device]) == 3
    thread.join(timeout=10)
    err = capsys.readouterr().err.strip()
    hole = len(lost) - 54
    assert err.count("\n") == 0 and "Traceback" not in err
    assert f"bytes 5000 to {5_000 + hole - 1} ({hole} bytes) never arrived" in err


class _Channel(_Windows):
    """:class:`_Windows` with a card-to-host channel that hands out ``chunks``, then ends."""

    def __init__(self, chunks, **kwargs):
        super().__init__(**kwargs)
        self.chunks = list(chunks)
        for path, value in register_values(SESSION).items():
            if path in ("src_ip", "dst_ip", "src_port", "dst_port"):
                self.write32(self.map.register(f"order.{path}").address, value)

    def read_stream(self, size):
        return self.chunks.pop(0) if self.chunks else b""


def test_cli_follow_waits_for_the_retransmission_then_resyncs(capsys):
    from host.commands.resync import run

    payloads = [rf.accepted(5, "B", 300, SYMBOL, 1_000_000), rf.rejected(7)]
    stream = rf.ExchangeStream(SESSION, seq=5_000)
    frames = [stream.segment(p) for p in payloads]
    verdicts = _segments((Outcome.OUT_OF_SYNC, 5_000, len(payloads[0])),
                         (Outcome.OUT_OF_SYNC, 5_000 + len(payloads[0]), len(payloads[1])))
    channel = _Channel([verdicts + _host_rx(frames[1:]), _host_rx(frames[:1], first_seq=4)],
                       state=_State(), rcv_next=5_000, judged=2)
    assert run(Card(channel, discover=False), follow=True) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"waiting: the session's stream has a hole: bytes 5000 to "
                               f"{5_000 + len(payloads[0]) - 1}")
    end = 5_000 + len(payloads[0]) + len(payloads[1])
    assert lines[1].startswith(f"resynced at sequence {end}: from 5000, messages applied: "
                               "1 accepted, 1 rejected; 0 fills; 2 orders and slots [2, 3] "
                               "loaded; P&L -0.4000")
    assert channel.loads[-1] == ("response", "resync", (end,))
