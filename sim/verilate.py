"""Build an Amaranth design with Verilator and run a cocotb test module against it, from pytest.

Every cycle-accurate test in tickforge goes through :func:`run_cocotb`: it turns the design
into Verilog (or takes Verilog files as they are), builds it under ``build/sim/<name>`` with
cocotb's Python runner and runs the named cocotb module, raising :class:`AssertionError` when
any cocotb test fails. No Makefiles, no per-test build directories.

Rebuilds are cheap because nothing is touched that did not change: the Verilog is rewritten
only when its text differs, so Verilator (which skips work when its inputs are older than
its outputs) and ``make`` reuse the previous model. A second run of an unchanged design goes
straight to simulation.

Port names: Amaranth joins the path of a nested interface member with ``__`` (a port
``s_axil`` of an AXI4-Lite signature becomes ``s_axil__awaddr``). Bus models such as
cocotbext-axi look for ``s_axil_awaddr``, so :func:`to_verilog` joins with a single ``_`` by
default.
"""

from __future__ import annotations

import contextlib
import fcntl
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from amaranth.back import verilog
from amaranth.hdl import Const, Elaboratable, ValueCastable
from amaranth.lib import wiring

from sim import toolchain

__all__ = ["ROOT", "SIM_BUILD", "TESTBENCH_DIR", "DEFAULT_BUILD_ARGS", "to_verilog",
           "write_if_changed", "run_cocotb"]

ROOT = Path(__file__).resolve().parent.parent
#: Every model lives under here, one directory per ``build_name``.
SIM_BUILD = ROOT / "build" / "sim"
#: Where cocotb test modules live (``tests/cocotb/tb_*.py``).
TESTBENCH_DIR = ROOT / "tests" / "cocotb"

#: Yosys's Verilog compares slices with narrower constants (``a[11:2] == 5'h13``), which
#: Verilator reports as WIDTHEXPAND; such lint stays in ``build.log`` but does not stop a build.
#: cocotb's runner asks for ``--public-flat-rw`` (every signal of the design visible through
#: VPI), which keeps Verilator from optimising anything away: the whole card then took 9
#: minutes to compile. The testbenches only touch the top level's ports, so only depth 1 is
#: made public (2 minutes).
DEFAULT_BUILD_ARGS = ("-Wno-fatal", "--no-public-flat-rw", "--public-depth", "1")

Design = Elaboratable | Callable[[], Elaboratable] | str | Path | Sequence[str | Path]


def to_verilog(component: wiring.Component, name: str, separator: str = "_") -> str:
    """Verilog text for a component, its interface ports flattened with ``separator``.

    Parameters
    ----------
    component : amaranth.lib.wiring.Component
        The top level; its signature gives the ports. The ``sync`` domain adds ``clk`` and
        ``rst`` (active high).
    name : str
        Verilog module name (the cocotb ``toplevel``).
    separator : str
        Joins the path of nested interface members (``s_axil`` + ``awaddr``).
    """
    ports = {}
    for path, _member, value in component.signature.flatten(component):
        if isinstance(value, ValueCastable):
            value = value.as_value()
        if isinstance(value, Const):
            # An always_ready stream's ready is a constant 1: Amaranth refuses it as a
            # port, and nothing outside needs it.
            continue
        # Direction None lets Amaranth infer it from which side drives the signal.
        ports[separator.join(map(str, path))] = (value, None)
    with _no_zero_memory_init():
        return verilog.convert(component, name=name, ports=ports, emit_src=False)


@contextlib.contextmanager
def _no_zero_memory_init() -> Iterator[None]:
    """Leave out the initial contents of memories that start all zero.

    Amaranth writes every row of every memory's initial value into the netlist, which for
    the book builder's tables (a 64k-row locate map, a 16k-set order table, 512 book sides
    of 40,960 bits) means minutes of conversion and tens of megabytes of Verilog of zeros.
    Verilator starts every variable at zero anyway (``--x-initial fast``, the setting of
    every build here), so a memory whose rows are all zero needs no initial block. Memories
    with any non-zero row keep theirs.
    """
    from amaranth.back import rtlil

    emit = rtlil.ModuleEmitter.emit_memory

    def emit_unless_zero(self, cell_idx, cell):
        if any(cell.init):
            emit(self, cell_idx, cell)

    rtlil.ModuleEmitter.emit_memory = emit_unless_zero
    try:
        yield
    finally:
        rtlil.ModuleEmitter.emit_memory = emit


@contextlib.contextmanager
def build_lock(build_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``build_dir`` while a model is built or run in it.

    pytest-xdist workers share ``build/``: without this, two tests of the same model
    compile into one directory at once and corrupt each other's objects (gcc then
    rejects the precompiled header as invalid).
    """
    build_dir.mkdir(parents=True, exist_ok=True)
    with open(build_dir / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` unless it already holds exactly that; True if written.

    Keeping the old timestamp is what lets Verilator and make skip an unchanged model.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text() == text:
        return False
    path.write_text(text)
    return True


@contextlib.contextmanager
def _importable(directory: Path) -> Iterator[None]:
    # The runner hands the simulator's Python this process's sys.path (it overwrites any
    # PYTHONPATH given in extra_env), so the testbench directory must be on sys.path while
    # the test runs, and only then.
    sys.path.insert(0, str(directory))
    try:
        yield
    finally:
        sys.path.remove(str(directory))


def _verilog_sources(design: Design, toplevel: str, build_dir: Path) -> list[Path]:
    if isinstance(design, (str, Path)):
        return [Path(design)]
    if isinstance(design, Sequence):
        return [Path(p) for p in design]
    component = design if isinstance(design, Elaboratable) else design()
    if not isinstance(component, wiring.Component):
        raise TypeError(f"{toplevel}: need a wiring.Component to name ports, got {component!r}")
    source = build_dir / f"{toplevel}.v"
    write_if_changed(source, to_verilog(component, toplevel))
    return [source]


def run_cocotb(
    design: Design,
    toplevel: str,
    test_module: str,
    build_name: str,
    *,
    testcase: str | Sequence[str] | None = None,
    extra_env: Mapping[str, str] | None = None,
    timescale: tuple[str, str] = ("1ns", "1ps"),
    waves: bool = False,
    build_args: Sequence[str] = DEFAULT_BUILD_ARGS,
    testbench_dir: Path = TESTBENCH_DIR,
) -> Path:
    """Build ``design`` with Verilator (if needed) and run cocotb module ``test_module``.

    Parameters
    ----------
    design : Component, callable returning one, or Verilog path(s)
        What to simulate. A component (or factory) is converted with :func:`to_verilog`.
    toplevel : str
        Verilog top module name.
    test_module : str
        Module name of the cocotb tests, found in ``testbench_dir``.
    build_name : str
        Model directory ``build/sim/<build_name>``, reused between runs.
    testcase : str or list of str, optional
        Run only these cocotb tests.
    extra_env : mapping, optional
        Environment for the simulation (how a pytest test passes parameters to cocotb).
    timescale : (str, str)
        Amaranth's Verilog has no ``timescale``; Verilator needs one for timed clocks.
    waves : bool
        Dump ``dump.vcd`` in the build directory.
    build_args : sequence of str
        Extra Verilator options; see :data:`DEFAULT_BUILD_ARGS`.
    testbench_dir : Path
        Directory holding ``test_module``.

    Returns
    -------
    Path
        The cocotb results XML.

    Raises
    ------
    AssertionError
        If the build fails or any cocotb test fails; the message names the log file.
    """
    from cocotb_tools.runner import get_results, get_runner

    toolchain.prepare_environment()
    build_dir = SIM_BUILD / build_name
    with build_lock(build_dir):
        sources = _verilog_sources(design, toplevel, build_dir)
        runner = get_runner("verilator")
        build_log = build_dir / "build.log"
        try:
            runner.build(sources=sources, hdl_toplevel=toplevel, build_dir=build_dir,
                         timescale=timescale, waves=waves, log_file=build_log,
                         build_args=list(build_args))
        except (SystemExit, Exception) as err:
            raise AssertionError(f"Verilator build of {toplevel} failed ({err}); "
                                 f"see {build_log}") from None
        test_log = build_dir / f"{test_module}.log"
        results = build_dir / f"{test_module}.results.xml"
        try:
            with _importable(testbench_dir):
                runner.test(test_module=test_module, hdl_toplevel=toplevel, build_dir=build_dir,
                            testcase=testcase, extra_env=dict(extra_env or {}), waves=waves,
                            timescale=timescale, log_file=test_log, results_xml=str(results))
        except SystemExit as err:
            raise AssertionError(f"cocotb {test_module} failed (exit {err.code}); "
                                 f"see {test_log}") from None
    total, failed = get_results(results)
    if failed:
        raise AssertionError(f"{failed} of {total} cocotb tests failed; see {test_log}")
    return results
