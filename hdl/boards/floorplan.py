"""Floorplan: the block RAM sites of the level store's page banks, fixed before placement.

nextpnr places a cell whose ``BEL`` attribute names a site on that site and never moves
it (nextpnr's generic absolute placement constraint). The board flow writes such
attributes into the synthesised netlist (:func:`apply`, the ``floorplanned.json`` that
nextpnr reads) for the DP16KD of the level store's two page banks
(:mod:`hdl.book.page_banks`), and leaves every other cell to the placer.

Why: a page is 400 bits wide on the board, so each bank is 23 DP16KD side by side, 18 bits
of the page each, and the level store's S3 edit reads and writes all of them in a cycle.
Left to itself, the electrostatic placer scattered them along two rows of block RAM near
the part's bottom edge in no order (bank 0's slice 4 was 41 columns from bank 1's, which
its read multiplexer joins), with the edit logic in one corner between them; the router
could not clear that corner. Here bank ``b``'s slice ``k`` sits on row
``BANK_ROWS[b]``, at every :data:`SITE_STRIDE`-th site from :data:`FIRST_COLUMN`: slices in
bit order, the two banks' same slices one above the other, across the middle of the part.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

__all__ = ["EBR_COLUMNS", "EBR_ROWS", "BANK_ROWS", "FIRST_COLUMN", "SITE_STRIDE",
           "ebr_sites", "bank_slices", "page_bank_sites", "apply"]

#: The LFE5UM5G-85F's block RAM (DP16KD) sites: in groups of four columns, ``EBR0`` to
#: ``EBR3`` left to right, on each of :data:`EBR_ROWS`. Read from the sites nextpnr placed
#: the card's block RAM on (``NEXTPNR_BEL`` in a placement it wrote); the group at columns
#: 31 to 37 is left out because its last site was never seen used.
EBR_COLUMNS = ((4, 6, 8, 10), (13, 15, 17, 19), (22, 24, 26, 28), (40, 42, 44, 46),
               (49, 51, 53, 55), (58, 60, 62, 64), (69, 71, 73, 75), (78, 80, 82, 84),
               (87, 89, 91, 93), (96, 98, 100, 102), (105, 107, 109, 111),
               (114, 116, 118, 120))
EBR_ROWS = (22, 46, 70, 82)

#: Rows of page bank 0 and page bank 1: the middle two, 24 rows apart, the S3 logic
#: between them.
BANK_ROWS = (46, 70)
#: Column of each bank's first slice, and the sites from one slice to the next: every
#: other site from column 4 spreads a bank's 23 slices over the width of the part (to
#: column 114), so that the logic between the rows has room.
FIRST_COLUMN = 4
SITE_STRIDE = 2

#: A page bank's DP16KD as Yosys names them: ``<bank memory>.<row>.<slice>``.
_BANK_CELL = re.compile(r"bank(?P<bank>[01])\.0\.(?P<slice>\d+)")


def bank_slices(params) -> int:
    """DP16KD per page bank: a page's bits in the 18-bit ports of true-dual-port block RAM
    (Lattice TN1264, ECP5 memory usage guide)."""
    from hdl.book.pages import page_layout

    return -(-page_layout(params).size // 18)


def ebr_sites(row: int, first_column: int = FIRST_COLUMN) -> list[str]:
    """nextpnr's names of the block RAM sites of ``row`` from ``first_column`` rightwards."""
    if row not in EBR_ROWS:
        raise ValueError(f"no block RAM on row {row} (rows: {EBR_ROWS})")
    sites = [f"X{x}/Y{row}/EBR{z}" for group in EBR_COLUMNS for z, x in enumerate(group)
             if x >= first_column]
    if not sites or not sites[0].startswith(f"X{first_column}/"):
        raise ValueError(f"column {first_column} has no block RAM site")
    return sites


def page_bank_sites(cells, prefix: str, slices: int) -> dict[str, str]:
    """Site per page-bank DP16KD among ``cells`` (name -> type): bank ``b``'s slice ``k``
    (``<prefix>bank<b>.0.<k>``) on row ``BANK_ROWS[b]``, ``k * SITE_STRIDE`` sites from
    :data:`FIRST_COLUMN`. Each bank must have exactly ``slices`` of them, numbered from 0:
    a netlist named otherwise (another Yosys, another memory mapping) is an error, not a
    silently partial floorplan."""
    found: dict[int, dict[int, str]] = {0: {}, 1: {}}
    for name, kind in cells.items():
        if kind != "DP16KD" or not name.startswith(prefix):
            continue
        match = _BANK_CELL.fullmatch(name[len(prefix):])
        if match is None:
            raise ValueError(f"block RAM {name!r} under {prefix!r} is not named as a page "
                             "bank's slice (bank<0|1>.0.<slice>)")
        found[int(match["bank"])][int(match["slice"])] = name
    plan = {}
    for bank, by_slice in found.items():
        if sorted(by_slice) != list(range(slices)):
            raise ValueError(f"page bank {bank} under {prefix!r} has block RAM slices "
                             f"{sorted(by_slice)}, expected 0 to {slices - 1}")
        sites = ebr_sites(BANK_ROWS[bank])[::SITE_STRIDE]
        if slices > len(sites):
            raise ValueError(f"{slices} slices do not fit the {len(sites)} sites of row "
                             f"{BANK_ROWS[bank]} from column {FIRST_COLUMN}")
        plan.update({by_slice[k]: sites[k] for k in range(slices)})
    return plan


def apply(netlist: Path, out: Path, top: str, prefix: str, slices: int) -> int:
    """Write ``netlist`` (Yosys JSON, top module ``top``) to ``out`` with the page banks'
    sites as ``BEL`` attributes; ``out`` keeps its timestamp when its text would not
    change. Returns how many cells were pinned."""
    design = json.loads(netlist.read_text())
    if top not in design["modules"]:
        raise ValueError(f"{netlist}: no module {top!r}")
    cells = design["modules"][top]["cells"]
    plan = page_bank_sites({name: cell["type"] for name, cell in cells.items()}, prefix, slices)
    for name, site in plan.items():
        cells[name]["attributes"]["BEL"] = site
    text = json.dumps(design)
    if not out.exists() or out.read_text() != text:
        out.write_text(text)
    return len(plan)
