"""The figures of a board build, read from the tools' own output.

- Per stage: Yosys ``stat -json`` of each stage mapped on its own (``stat_<stage>.json``,
  out of context: its unused outputs are kept, so the stages add up to a little more than
  the whole): LUT4, carry cells (CCU2C, two LUT4s each), distributed RAM
  (TRELLIS_DPR16X4), flip-flops, DP16KD block RAMs and MULT18X18D multipliers; and the
  same counts of the whole design as synthesised for place and route (``stat.json``).
- Whole design: nextpnr's ``--report`` (``nextpnr.json``): cells used of those the part has,
  and the achieved Fmax of each clock next to its constraint (nextpnr derives the PLL
  outputs' constraints from the oscillator's).
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["COLUMNS", "collect", "render"]

#: Report column -> Yosys cell type.
COLUMNS = {"LUT4": "LUT4", "CCU2C": "CCU2C", "DPR16X4": "TRELLIS_DPR16X4",
           "FF": "TRELLIS_FF", "DP16KD": "DP16KD", "MULT18": "MULT18X18D"}
_DEVICE_CELLS = ("TRELLIS_COMB", "TRELLIS_FF", "DP16KD", "MULT18X18D", "TRELLIS_IO", "EHXPLLL")


def _counts(by_type: dict) -> dict:
    return {column: int(by_type.get(cell, 0)) for column, cell in COLUMNS.items()}


def collect(out: Path, kept: tuple[str, ...]) -> dict:
    """Per-stage and whole-design figures of the build in ``out``."""
    def design(path: Path) -> dict:
        return _counts(json.loads(path.read_text())["design"]["num_cells_by_type"])

    stages = {stage: design(out / f"stat_{stage}.json") for stage in kept
              if (out / f"stat_{stage}.json").exists()}
    result = {"stages": stages}
    if (out / "stat.json").exists():
        result["synth_total"] = design(out / "stat.json")

    pnr_path = out / "nextpnr.json"
    if pnr_path.exists():
        pnr = json.loads(pnr_path.read_text())
        result["utilization"] = {cell: pnr.get("utilization", {}).get(cell)
                                 for cell in _DEVICE_CELLS}
        result["clocks"] = {net: {"achieved_mhz": round(c["achieved"], 2),
                                  "constraint_mhz": round(c["constraint"], 2)}
                            for net, c in sorted(pnr.get("fmax", {}).items())}
    return result


def render(result: dict, board: str) -> str:
    """The report as Markdown tables."""
    lines = [f"## {board}: resources per stage (Yosys synth_ecp5, each stage on its own)", "",
             "| stage | " + " | ".join(COLUMNS) + " |",
             "|---|" + "---:|" * len(COLUMNS)]
    for stage, counts in result["stages"].items():
        lines.append(f"| `{stage}` | " + " | ".join(f"{counts[c]:,}" for c in COLUMNS) + " |")
    total = result.get("synth_total")
    if total:
        lines.append("| **whole design** | " +
                     " | ".join(f"**{total[c]:,}**" for c in COLUMNS) + " |")
    else:
        summed = {c: sum(s[c] for s in result["stages"].values()) for c in COLUMNS}
        lines.append("| sum of the stages | " + " | ".join(f"{summed[c]:,}" for c in COLUMNS)
                     + " |")
    if "utilization" in result:
        lines += ["", f"## {board}: placed and routed (nextpnr-ecp5)", "",
                  "| cell | used | available |", "|---|---:|---:|"]
        for cell, use in result["utilization"].items():
            if use:
                lines.append(f"| {cell} | {use['used']:,} | {use['available']:,} |")
        lines += ["", "| clock net | achieved Fmax | constraint |", "|---|---:|---:|"]
        for net, clock in result["clocks"].items():
            met = "" if clock["achieved_mhz"] >= clock["constraint_mhz"] else " (not met)"
            lines.append(f"| `{net}` | {clock['achieved_mhz']} MHz{met} | "
                         f"{clock['constraint_mhz']} MHz |")
    return "\n".join(lines)
