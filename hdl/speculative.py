"""State that speculative decisions change, with a committed copy to fall back to.

The trading path acts on book records before their feed frame's verdict. Whatever it
changes on the way (cool-downs, the last book seen, open orders, rate buckets) must be
undone if the frame is withdrawn. All speculative records pending at any time belong to one
feed frame (a frame's verdict comes before the next frame's records), so one committed copy
is enough: a commit copies the working state to it, a withdraw copies it back. No undo log,
no limit on how much one frame changes.
"""

from __future__ import annotations

from amaranth import Array, Module, Signal

__all__ = ["SpeculativeArray"]


def _init(reset) -> dict:
    return {} if reset is None else {"init": reset}


class SpeculativeArray:
    """``count`` registers of ``shape``, each with a committed copy, built into ``m``.

    Writers assign ``next[i]`` (combinationally, after construction: it defaults to the
    working value); :meth:`finish` then registers it, applying the cycle's verdict after the
    cycle's own changes, as the verdict contract says (records before the verdict of their
    cycle).

    Attributes
    ----------
    cur : Array of Signal
        The working (speculative) values, indexable by a signal.
    next : list of Signal
        This cycle's new working values.
    """

    def __init__(self, m: Module, shape, count: int, name: str, reset=None):
        self._m = m
        self.cur = Array(Signal(shape, name=f"{name}_{i}", **_init(reset)) for i in range(count))
        self.committed = [Signal(shape, name=f"{name}_committed_{i}", **_init(reset))
                          for i in range(count)]
        self.next = [Signal(shape, name=f"{name}_next_{i}") for i in range(count)]
        for i in range(count):
            m.d.comb += self.next[i].eq(self.cur[i])
        self._loads: list[tuple[int, object, object]] = []
        self._late: list[tuple[int, object, object, bool]] = []

    def __len__(self):
        return len(self.next)

    def load(self, index: int, condition, value) -> None:
        """A non-speculative write (the host's): both copies take ``value``."""
        self._loads.append((index, condition, value))

    def late(self, index: int, condition, value, *, load: bool = False) -> None:
        """A write of ``value`` (the whole register; take unchanged fields from ``next``)
        that comes late in the cycle, such as a sum: it is muxed last, in front of the
        registers, with the same effect as assigning ``next[index]`` after every other
        writer (or, with ``load``, as a :meth:`load` after every other)."""
        self._late.append((index, condition, value, load))

    def finish(self, commit, withdraw) -> None:
        """Register the cycle's values; call once, after every writer."""
        m = self._m
        for i, (cur, committed, nxt) in enumerate(zip(self.cur, self.committed, self.next,
                                                      strict=True)):
            with m.If(withdraw):
                m.d.sync += cur.eq(committed)
            with m.Else():
                m.d.sync += cur.eq(nxt)
            with m.If(commit):
                m.d.sync += committed.eq(nxt)
            loaded = 0
            for index, condition, value in self._loads:
                if index == i:
                    with m.If(condition):
                        m.d.sync += [cur.eq(value), committed.eq(value)]
                    loaded = loaded | condition
            for index, condition, value, load in self._late:
                if index != i:
                    continue
                if load:
                    with m.If(condition):
                        m.d.sync += [cur.eq(value), committed.eq(value)]
                    continue
                with m.If(condition & ~withdraw & ~loaded):
                    m.d.sync += cur.eq(value)
                with m.If(condition & commit & ~loaded):
                    m.d.sync += committed.eq(value)
