"""The book builder's sequencer: frame verdicts (commit, roll back) and host commands.

Both take over the builder's A0 stage from the input queue:

- a withdrawn frame (``commit = 0``) replays the undo log's inverse operations newest first
  (mode ``UNDO``: one every other cycle, read in phase 0, injected in phase 1), then
  forgets the R mappings and restores the H flags of the frame (mode ``FORGET``);
- a host command (``subscribe``, ``unsubscribe``, ``set_locate``, ``reset_book``) is latched
  on its W1S pulse and carried out once A0 is free (mode ``COMMAND``).

An injection needs A0 free: ``hold`` is high while a book operation is in A1 (the next
may enter A0 two cycles after it) or a refill the level store asked for is pending (it
goes first, see :mod:`hdl.book.level_store`); the sequencer then waits.
"""

from __future__ import annotations

import enum

from amaranth import Signal

from hdl.book.layouts import LOCATE_BITS
from hdl.book.ops import OpKind
from hdl.book.subscriptions import ticker_from_words

__all__ = ["Mode", "sequencer", "slot_status"]


class Mode(enum.IntEnum):
    RUN = 0
    UNDO = 1
    FORGET = 2
    COMMAND = 3


def sequencer(m, p, regs, a1, mode, command_pending, inject, injection, poison_all, undo,
              alog, subs, count, hold):
    """Build the sequencer into ``m``; ``undo``/``alog`` are ``(read_port, count, lost,
    lost_now)`` of the undo and A-stage logs (``lost_now`` only for ``undo``)."""
    undo_r, undo_count, undo_lost, undo_lost_now = undo
    alog_r, alog_count, alog_lost = alog
    phase = Signal(range(8))
    with m.If(a1.valid & a1.is_end):
        with m.If(a1.commit):
            m.d.sync += [undo_count.eq(0), undo_lost.eq(0), alog_count.eq(0),
                         alog_lost.eq(0)]
        with m.Else():
            count("withdrawn")
            count("undo_overflow", undo_lost_now | alog_lost)
            m.d.comb += poison_all.eq(undo_lost_now | alog_lost)
            m.d.sync += [mode.eq(Mode.UNDO), phase.eq(0), undo_lost.eq(0), alog_lost.eq(0)]

    command = Signal.like(regs.command)
    cmd_slot = Signal(p.slot_bits)
    cmd_ticker = Signal(64)
    cmd_locate = Signal(LOCATE_BITS)
    with m.If(regs.command.as_value().any() & ~command_pending):
        m.d.sync += [command.eq(regs.command), cmd_slot.eq(regs.sub_slot),
                     cmd_ticker.eq(ticker_from_words([regs.sub_ticker_0, regs.sub_ticker_1])),
                     cmd_locate.eq(regs.sub_locate), command_pending.eq(1)]
    locate_write = subs.locate_write

    with m.Switch(mode):
        with m.Case(Mode.RUN):
            with m.If(command_pending & ~a1.valid):
                m.d.sync += [mode.eq(Mode.COMMAND), phase.eq(0)]
        with m.Case(Mode.UNDO):
            with m.If(phase == 0):
                with m.If(undo_count == 0):
                    m.d.sync += mode.eq(Mode.FORGET)
                with m.Else():
                    m.d.comb += undo_r.addr.eq(undo_count - 1)
                    m.d.sync += phase.eq(1)
            with m.Elif(~hold):
                m.d.comb += [undo_r.addr.eq(undo_count - 1), inject.eq(1),
                             injection.eq(undo_r.data)]
                m.d.sync += [undo_count.eq(undo_count - 1), phase.eq(0)]
                count("rolled_back")
            with m.Else():
                m.d.comb += undo_r.addr.eq(undo_count - 1)     # hold the entry's read
        with m.Case(Mode.FORGET):
            entry = alog_r.data
            with m.If(phase == 0):
                with m.If(alog_count == 0):
                    m.d.sync += mode.eq(Mode.RUN)
                with m.Else():
                    m.d.comb += alog_r.addr.eq(alog_count - 1)
                    m.d.sync += phase.eq(1)
            with m.Else():
                with m.If(entry.is_halt):
                    m.d.sync += subs.halted.bit_select(entry.slot, 1).eq(entry.old)
                with m.Else():
                    m.d.comb += [locate_write.addr.eq(entry.locate),
                                 locate_write.data.eq(0), locate_write.en.eq(1)]
                    m.d.sync += subs.mapped.bit_select(entry.slot, 1).eq(0)
                m.d.sync += [alog_count.eq(alog_count - 1), phase.eq(0)]
        with m.Case(Mode.COMMAND):
            _command(m, p, phase, command, cmd_slot, cmd_ticker, cmd_locate, subs, inject,
                     injection, mode, command_pending, hold)


def _command(m, p, phase, command, cmd_slot, cmd_ticker, cmd_locate, subs, inject, injection,
             mode, command_pending, hold):
    locate_write = subs.locate_write
    mapped = subs.mapped.bit_select(cmd_slot, 1)
    old_locate = subs.slot_locate[cmd_slot]
    injecting = (phase == 2) | (phase == 4)
    # A reset's two injections wait for A0 (a refill may be of this very slot).
    with m.If(~(injecting & hold)):
        m.d.sync += phase.eq(phase + 1)
        with m.Switch(phase):
            with m.Case(0):
                with m.If(command.subscribe):
                    m.d.sync += [subs.tickers[cmd_slot].eq(cmd_ticker),
                                 subs.subscribed.bit_select(cmd_slot, 1).eq(1)]
                with m.If(command.unsubscribe):
                    m.d.sync += subs.subscribed.bit_select(cmd_slot, 1).eq(0)
                moving = command.set_locate & (old_locate != cmd_locate)
                with m.If(mapped & (command.unsubscribe | moving)):
                    m.d.comb += [locate_write.addr.eq(old_locate), locate_write.data.eq(0),
                                 locate_write.en.eq(1)]
                    m.d.sync += subs.mapped.bit_select(cmd_slot, 1).eq(0)
            with m.Case(1):
                with m.If(command.set_locate):
                    m.d.comb += [locate_write.addr.eq(cmd_locate),
                                 locate_write.data.valid.eq(1),
                                 locate_write.data.slot.eq(cmd_slot), locate_write.en.eq(1)]
                    m.d.sync += [subs.mapped.bit_select(cmd_slot, 1).eq(1),
                                 subs.slot_locate[cmd_slot].eq(cmd_locate)]
            with m.Case(2, 4):
                with m.If(command.reset_book):
                    m.d.comb += [inject.eq(1), injection.kind.eq(OpKind.RESET),
                                 injection.slot.eq(cmd_slot), injection.ask.eq(phase == 4)]
            with m.Case(5):
                m.d.sync += [mode.eq(Mode.RUN), command_pending.eq(0)]


def slot_status(m, p, regs, subs, invalid, command_pending):
    """``slot_status``: the state of slot ``sub_slot``."""
    index = regs.sub_slot[:p.slot_bits]
    status = regs.slot_status
    m.d.comb += [
        status.subscribed.eq(subs.subscribed.bit_select(index, 1)),
        status.mapped.eq(subs.mapped.bit_select(index, 1)),
        status.invalid.eq(invalid.bit_select(index, 1)),
        status.halted.eq(subs.halted.bit_select(index, 1)),
        status.busy.eq(command_pending),
        status.locate.eq(subs.slot_locate[index]),
    ]
