"""Per-channel MoldUDP64 state of the sequencer (:mod:`hdl.feed.mold_sequencer`) and its registers.

Per channel: ``expected`` (E, the next sequence number wanted) with a ``known`` bit (E is
not 0: "0 = not yet known" kept in a bit of its own, so reading it costs no 64-bit zero
test), the learned session, ``ended``, and the session the host configured. Only a
committed frame (:meth:`ChannelTable.commit`) and the host's commands write them; the host
wins over a commit in the same cycle.

The session check of a frame's header is made for every channel at once, a register per
channel, so that the frame's channel only selects a bit; each channel's required session
(learned or configured) is itself a register, written with the learned one when a frame
commits it. A new session setting takes effect two cycles after the host writes it.
"""

from __future__ import annotations

from amaranth import Array, Cat, Const, Mux, Signal

from hdl.feed.mold_regs import SESSION_WORDS, channel_register
from proto import moldudp64

__all__ = ["ChannelTable"]

_SESSION = moldudp64.HEADER["session"]
SESSION_BITS = 8 * _SESSION.size


class ChannelTable:
    """The channels' state, built into ``m``; ``regs`` is the ``mold`` block's port.

    Attributes
    ----------
    expected, known, learned, learned_session, ended, learn_mode : Array
        Per channel, indexable by a signal.
    """

    def __init__(self, m, regs, channels: int):
        self._m, self._regs, self.channels = m, regs, channels
        n_ch = range(channels)
        self.expected = Array(Signal(64, name=f"expected{n}") for n in n_ch)
        self.known = Array(Signal(name=f"known{n}") for n in n_ch)
        self.learned = Array(Signal(name=f"learned{n}") for n in n_ch)
        self.learned_session = Array(Signal(SESSION_BITS, name=f"learned_session{n}")
                                     for n in n_ch)
        self.ended = Array(Signal(name=f"ended{n}") for n in n_ch)
        configured, learn_mode = [], []
        for n in n_ch:
            words = [self._reg(n, f"session_{w}") for w in range(SESSION_WORDS)]
            # Register word w holds session bytes 4w..4w+3, byte 4w in bits 31..24.
            octets = [words[k // 4][24 - 8 * (k % 4):32 - 8 * (k % 4)]
                      for k in range(_SESSION.size)]
            configured.append(Cat(*octets))
            # Registered: the 80-bit comparisons stay off the per-frame channel selection
            # (a new session setting takes effect a cycle after the host writes it).
            learn = Signal(name=f"learn_mode{n}", init=1)   # reset sessions are zero
            m.d.sync += learn.eq((Cat(*octets) == 0) |
                                 (Cat(*octets) == int.from_bytes(b" " * _SESSION.size, "little")))
            learn_mode.append(learn)
        self.configured, self.learn_mode = Array(configured), Array(learn_mode)
        self._wanted = [Signal(SESSION_BITS, name=f"wanted{n}") for n in n_ch]
        self._commit_session = [Signal(name=f"commit_session{n}") for n in n_ch]
        self._session = Signal(SESSION_BITS, name="commit_session")
        for n in n_ch:
            m.d.sync += self._wanted[n].eq(Mux(self._commit_session[n], self._session,
                                               self.wanted(n)))

    def _reg(self, n, name):
        return getattr(self._regs, channel_register(n, name))

    def wanted(self, n):
        """The session channel ``n`` requires (meaningless while it learns and has not)."""
        return Mux(self.learn_mode[n], self.learned_session[n], self.configured[n])

    def session_matches(self, session):
        """Per channel, registered: ``session`` is the channel's (a cycle ago)."""
        matches = []
        for n in range(self.channels):
            match = Signal(name=f"session_match{n}")
            self._m.d.sync += match.eq(session == self._wanted[n])
            matches.append(match)
        return Array(matches)

    def host_command(self, channel):
        """Combinational: the host writes a command of ``channel`` this cycle."""
        return Array(self._reg(n, "control").as_value().any()
                     for n in range(self.channels))[channel]

    def commit(self, enable, channel, expected, known, learn, session, end):
        """A committed frame's state: ``expected`` (with its ``known`` bit), a learned
        ``session`` if ``learn``, ``ended`` if ``end``."""
        m = self._m
        m.d.comb += [self._session.eq(session),
                     *(hit.eq(enable & learn & (channel == n))
                       for n, hit in enumerate(self._commit_session))]
        with m.If(enable):
            m.d.sync += [self.expected[channel].eq(expected), self.known[channel].eq(known)]
            with m.If(learn):
                m.d.sync += [self.learned[channel].eq(1),
                             self.learned_session[channel].eq(session)]
            with m.If(end):
                m.d.sync += self.ended[channel].eq(1)

    def finish(self):
        """The host's commands (after every commit: they win) and the RO registers."""
        m = self._m
        for n in range(self.channels):
            control = self._reg(n, "control")
            start = Cat(self._reg(n, "start_lo"), self._reg(n, "start_hi"))
            with m.If(control.set_expected):
                m.d.sync += [self.expected[n].eq(start), self.known[n].eq(start != 0)]
            with m.If(control.reset):
                m.d.sync += [self.expected[n].eq(0), self.known[n].eq(0),
                             self.learned[n].eq(0), self.learned_session[n].eq(0),
                             self.ended[n].eq(0)]
            current = self.wanted(n)
            for w in range(SESSION_WORDS):
                octets = [current.word_select(k, 8) if k < _SESSION.size else Const(0, 8)
                          for k in range(4 * w, 4 * w + 4)]
                m.d.comb += self._reg(n, f"current_{w}").eq(Cat(*reversed(octets)))
            m.d.comb += [
                self._reg(n, "expected_lo").eq(self.expected[n][:32]),
                self._reg(n, "expected_hi").eq(self.expected[n][32:]),
                self._reg(n, "status").ended.eq(self.ended[n]),
                self._reg(n, "status").session_learned.eq(self.learned[n]),
            ]
