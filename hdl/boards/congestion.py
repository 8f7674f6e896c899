"""Where a placed board design will be hard to route, and which modules' nets crowd it.

    python -m hdl.boards.congestion build/ecpix5/placed.json [--depth 3] [--top 20]
    python -m hdl.boards.congestion --heatmap build/ecpix5/heatmap/heat_congestion_by_net_9.csv

Two sources, both written by the board flow (``hdl.boards.build --place-only`` and
``--heatmap``):

- **A placement** (nextpnr ``--no-route --write``): a RUDY estimate (Rectangular Uniform
  wire DensitY). Each net with pins in more than one tile needs about ``w + h`` tiles of
  wire, for a bounding box of ``w`` by ``h`` tiles, spread evenly over the box. The sum
  over nets is each tile's demand; the report gives the demand's spread over the part, a
  coarse map, and which driving modules' nets load the hottest tiles (the top 5 %).
  Nets with more pins than :data:`GLOBAL_PINS` (clocks and the core reset, which run on
  global networks) are left out.
- **router2's congestion by net** (nextpnr ``--router2-heatmap PREFIX``, one CSV a pass:
  net name, overused wires): what is still overused after that pass, by module.

Cell and net names keep the design's hierarchy (``card.builder.levels.pages.wr__data...``),
so a module is the name's leading dotted parts, ``--depth`` of them, up to the first part
that Yosys or nextpnr made up (one with ``$``, a mapped cell type, or a bit index).
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["GLOBAL_PINS", "module_of", "Rudy", "rudy", "overuse_by_module", "main"]

#: Nets with more pins than this are taken to be on global networks and left out.
GLOBAL_PINS = 2000

_MADE_UP = re.compile(r"\$|_(LUT4|TRELLIS|CCU2C|DPR|DP16|MULT|PFUMX|L6MUX)|^\d|\[")
_BEL = re.compile(r"X(\d+)/Y(\d+)/")


def module_of(name: str, depth: int = 3) -> str:
    """The module a cell or net belongs to: the hierarchy's first ``depth`` parts."""
    parts = []
    for part in name.split(".")[:-1]:
        if _MADE_UP.search(part):
            break
        parts.append(part)
    return ".".join(parts[:depth]) or "(top)"


@dataclass
class Rudy:
    demand: np.ndarray                  # [x, y] tiles of wire wanted in each tile
    by_module: dict[str, np.ndarray]    # the same, per driving module

    def hot(self, percent: float = 5.0) -> np.ndarray:
        """The tiles in the top ``percent`` of demand (the busiest tiles, if a design is
        too small for any to stand above the percentile)."""
        hot = self.demand > np.percentile(self.demand, 100 - percent)
        return hot if hot.any() else self.demand == self.demand.max()

    def shares(self, percent: float = 5.0) -> list[tuple[str, float, float]]:
        """``(module, share of the hottest tiles' demand, share of all demand)``, largest
        first."""
        hot = self.hot(percent)
        in_hot, total = self.demand[hot].sum(), self.demand.sum()
        rows = [(name, float(load[hot].sum() / in_hot), float(load.sum() / total))
                for name, load in self.by_module.items()]
        return sorted(rows, key=lambda row: -row[1])


def _top_module(design: dict) -> dict:
    """nextpnr writes one module; a Yosys netlist marks its top (a binary string)."""
    modules = design["modules"]
    if len(modules) == 1:
        return next(iter(modules.values()))
    for module in modules.values():
        if "1" in str(module.get("attributes", {}).get("top", "")):
            return module
    raise ValueError("no top module in the design (expected nextpnr's --write output)")


def rudy(design: dict, depth: int = 3) -> Rudy:
    """The RUDY estimate of a placed nextpnr design (its ``--write`` JSON)."""
    cells = _top_module(design)["cells"]
    pins: dict[int, list[tuple[int, int]]] = collections.defaultdict(list)
    driver: dict[int, str] = {}
    width = height = 0
    for name, cell in cells.items():
        placed = _BEL.match(cell.get("attributes", {}).get("NEXTPNR_BEL", ""))
        if not placed:
            continue
        x, y = int(placed.group(1)), int(placed.group(2))
        width, height = max(width, x + 1), max(height, y + 1)
        for port, bits in cell["connections"].items():
            output = cell["port_directions"].get(port) == "output"
            for bit in bits:
                if isinstance(bit, int):
                    pins[bit].append((x, y))
                    if output:
                        driver[bit] = name
    if not pins:
        raise ValueError("no placed cells: is this nextpnr's output after placement?")
    demand = np.zeros((width, height))
    by_module: dict[str, np.ndarray] = {}
    for bit, where in pins.items():
        if len(where) > GLOBAL_PINS:
            continue
        xs, ys = [x for x, _ in where], [y for _, y in where]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        if x0 == x1 and y0 == y1:
            continue                                 # inside one tile: local routing
        w, h = x1 - x0 + 1, y1 - y0 + 1
        density = (w + h) / (w * h)
        demand[x0:x1 + 1, y0:y1 + 1] += density
        module = module_of(driver.get(bit, ""), depth)
        load = by_module.setdefault(module, np.zeros_like(demand))
        load[x0:x1 + 1, y0:y1 + 1] += density
    return Rudy(demand, by_module)


def overuse_by_module(heatmap: Path, depth: int = 3) -> list[tuple[str, int]]:
    """router2's overused wires (one ``--router2-heatmap`` by-net CSV) summed by module."""
    totals: collections.Counter = collections.Counter()
    with open(heatmap, newline="") as f:
        for row in csv.reader(f):
            if len(row) < 2 or not row[1].strip().isdigit():
                raise ValueError(f"{heatmap}: not a congestion-by-net heatmap row: {row!r}")
            totals[module_of(row[0], depth)] += int(row[1])
    return totals.most_common()


def _coarse_map(demand: np.ndarray, step: int = 10) -> list[str]:
    return [" ".join(f"{demand[x:x + step, y:y + step].mean():5.0f}"
                     for x in range(0, demand.shape[0], step))
            for y in range(0, demand.shape[1], step)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("placement", nargs="?", type=Path,
                        help="nextpnr's JSON after placement (--no-route --write)")
    parser.add_argument("--heatmap", type=Path, help="a router2 congestion-by-net CSV")
    parser.add_argument("--depth", type=int, default=3, help="hierarchy levels in a module")
    parser.add_argument("--top", type=int, default=20, help="modules to list")
    args = parser.parse_args(argv)
    if (args.placement is None) == (args.heatmap is None):
        parser.error("give a placement or --heatmap, one of them")
    source = args.placement or args.heatmap
    if not source.is_file():
        print(f"error: {source}: no such file", file=sys.stderr)
        return 2
    try:
        if args.heatmap:
            rows = overuse_by_module(args.heatmap, args.depth)
            total = sum(count for _, count in rows) or 1
            print(f"{total} overused wires in {args.heatmap.name}")
            for name, count in rows[:args.top]:
                print(f"{100 * count / total:5.1f} %  {count:7d}  {name}")
            return 0
        estimate = rudy(json.loads(args.placement.read_text()), args.depth)
    except (ValueError, KeyError, json.JSONDecodeError) as error:
        print(f"error: {source}: {error}", file=sys.stderr)
        return 2
    d = estimate.demand
    print(f"wire demand per tile (tiles of wire): mean {d.mean():.1f}, 90th percentile "
          f"{np.percentile(d, 90):.1f}, 99th {np.percentile(d, 99):.1f}, max {d.max():.1f}")
    print("module (driving the nets)      share of the hottest 5 % of tiles, of all")
    for name, hot, share in estimate.shares()[:args.top]:
        print(f"  {name:40s} {100 * hot:5.1f} %  {100 * share:5.1f} %")
    print("mean demand per 10 x 10 tiles (rows: y, columns: x)")
    print("\n".join(_coarse_map(d)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
