"""The paged price-level store of one book side, as rules: what the gateware's pages hold.

The gateware (:mod:`hdl.book.pages`) keeps each side of each stock as an ordered list of
*pages* of at most ``page_levels`` price levels, best price first, and a *directory* that
lists the side's pages in price order. This model applies the same rules to Python lists,
so tests can predict the structure (how many pages a side uses, when it overflows) and
check the invariants the gateware relies on:

- **Locate**: a level at price ``p`` lives in page ``j``, the last page whose first
  (best) price is at least as good as ``p`` (page 0 if there is none). An insert goes there.
- **Split**: an insert into a full page splits it: the first ``ceil((C + 1) / 2)`` levels
  stay, the rest go to a new page placed right after it. With every page in use the insert
  is dropped and reported (``overflow``: the stock is flagged invalid).
- **Physical pages and banks**: a side owns physical pages ``0 .. pages - 1``; the pages in
  use are a list of them, the free ones a list in the order they will be taken. A split
  takes the first free page, and an emptied page becomes the first free one. The page
  memory is two banks of two ports each, by physical page parity, and a pass writes at
  most two pages of one bank: when an operation changes two pages of the same bank *and*
  splits, the new page must come from the other bank, so it takes the first free page of
  that parity; with none free the operation is dropped as an ``overflow`` (``bank_full``
  says why), even if free pages of the other parity remain.
- **Empty pages** other than page 0 leave the directory at once.
- **Page 0 holds the top**: while deeper pages exist, page 0 holds at least ``top + 1``
  levels before any operation, so after one (which removes at most one level from it) its
  first ``top`` levels are the side's best ``top``. An operation that leaves page 0 with
  ``top + 1`` levels or fewer while deeper pages exist asks for a *refill* (``refill_wanted``),
  which the gateware runs in the next pipeline slot, before any operation but one already
  in flight: page 1 is merged into page 0 if both fit in one page, otherwise page 0 is
  filled up from the front of page 1.

A side is a list of pages (``pages``), their physical numbers (``phys``, aligned) and the
free physical pages (``free``); a page a list of ``[price, shares, orders]``;
``better(a, b)`` says price ``a`` is at least as good as ``b`` on this side.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["PageGeometry", "PagedSide"]


@dataclass(frozen=True)
class PageGeometry:
    """Capacities of one side: ``pages`` pages of ``page_levels`` levels, ``top`` exported."""

    pages: int
    page_levels: int
    top: int

    def __post_init__(self):
        if self.page_levels < 2 * self.top + 3:
            # A split of page 0 must leave it top + 2 levels (see the module's rules).
            raise ValueError(f"page_levels ({self.page_levels}) must be at least "
                             f"2 * top + 3 = {2 * self.top + 3}")
        if self.pages < 1:
            raise ValueError("a side needs at least one page")

    @property
    def keep_on_split(self) -> int:
        return (self.page_levels + 2) // 2


def bank(phys: int) -> int:
    """The page memory bank of a physical page."""
    return phys & 1


@dataclass
class Outcome:
    overflow: bool = False
    bank_full: bool = False       # the overflow left free pages, none in the needed bank
    other_bank: bool = False      # a split that had to take its page from the other bank
    missing: bool = False
    refill_wanted: bool = False


@dataclass
class PagedSide:
    geometry: PageGeometry
    ask: bool
    pages: list = field(default_factory=lambda: [[]])
    phys: list = field(default_factory=lambda: [0])
    free: list | None = None

    def __post_init__(self):
        if self.free is None:
            self.free = [n for n in range(self.geometry.pages) if n not in self.phys]

    def better(self, a: int, b: int) -> bool:
        return a <= b if self.ask else a >= b

    def locate(self, price: int) -> int:
        page = 0
        for j in range(1, len(self.pages)):
            if self.better(self.pages[j][0][0], price):
                page = j
        return page

    def levels(self) -> list:
        return [level for page in self.pages for level in page]

    def top(self) -> list:
        return [tuple(level) for level in self.pages[0][:self.geometry.top]]

    def _change(self, page: list, price: int, shares: int, orders: int, out: Outcome) -> bool:
        """Apply one delta to ``page`` in place; True if it inserted a level."""
        for i, level in enumerate(page):
            if level[0] == price:
                level[1] += shares
                level[2] += orders
                if level[2] == 0:
                    del page[i]
                return False
        if orders != 1:
            out.missing = True
            return False
        at = next((i for i, level in enumerate(page) if not self.better(level[0], price)),
                  len(page))
        page.insert(at, [price, shares, 1])
        return True

    def apply(self, deltas) -> Outcome:
        """Apply one operation's deltas ``[(price, shares, orders), ...]`` (at most two; the
        second may insert). Every delta's page is located before any is applied, as the
        gateware does."""
        out = Outcome()
        targets = [self.locate(price) for price, _s, _o in deltas]
        # Two pages of one bank take both of its ports: a new page must be of the other.
        one_bank = (len(set(targets)) == 2
                    and bank(self.phys[targets[0]]) == bank(self.phys[targets[1]]))
        before = [list(map(list, page)) for page in self.pages]
        for (price, shares, orders), j in zip(deltas, targets, strict=True):
            self._change(self.pages[j], price, shares, orders, out)
        for j in sorted(set(targets), reverse=True):
            page = self.pages[j]
            if len(page) > self.geometry.page_levels:
                out.other_bank = one_bank
                usable = [n for n in self.free
                          if not one_bank or bank(n) != bank(self.phys[targets[0]])]
                if not usable:
                    self.pages = before          # the gateware drops the whole operation
                    out.overflow = True
                    out.bank_full = bool(self.free)
                    return out
                keep = self.geometry.keep_on_split
                self.pages[j:j + 1] = [page[:keep], page[keep:]]
                self.phys.insert(j + 1, usable[0])
                self.free.remove(usable[0])
        # Empty pages other than page 0 leave the directory; each becomes the first free.
        for j in range(len(self.pages) - 1, 0, -1):
            if not self.pages[j]:
                del self.pages[j]
                self.free.insert(0, self.phys.pop(j))
        out.refill_wanted = self._wants_refill()
        return out

    def _wants_refill(self) -> bool:
        return len(self.pages) > 1 and len(self.pages[0]) <= self.geometry.top + 1

    def refill(self) -> None:
        """Page 1 merged into page 0, or page 0 filled up from page 1's front."""
        if not self._wants_refill():
            return
        first, second = self.pages[0], self.pages[1]
        room = self.geometry.page_levels - len(first)
        if len(second) <= room:
            self.pages[0:2] = [first + second]
            self.free.insert(0, self.phys.pop(1))
        else:
            self.pages[0:2] = [first + second[:room], second[room:]]

    def check(self) -> None:
        """The invariants: pages sorted and disjoint, none over capacity, no empty page
        but page 0, page 0 able to give the top."""
        flat = [level[0] for level in self.levels()]
        keys = [-p if not self.ask else p for p in flat]
        assert keys == sorted(keys) and len(set(keys)) == len(keys), "levels out of order"
        assert all(len(page) <= self.geometry.page_levels for page in self.pages)
        assert all(page for page in self.pages[1:]), "empty page in the directory"
        assert len(self.pages) <= self.geometry.pages
        assert len(self.phys) == len(self.pages), "a page without its physical page"
        assert sorted(self.phys + self.free) == list(range(self.geometry.pages))
        if len(self.pages) > 1:
            assert len(self.pages[0]) >= self.geometry.top, "page 0 short of the top"
