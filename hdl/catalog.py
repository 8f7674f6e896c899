"""Every gateware component that can be built on its own, by name, for bench/fmax.py and docs.

Each entry maps a name to ``(factory, one-line description)``; factories take no arguments
and return an elaborated-ready ``wiring.Component`` with the default parameters.
"""

from __future__ import annotations


def _system_regs():
    from hdl.host_if.system import SystemTop

    return SystemTop()


COMPONENTS = {
    "regs": (_system_regs, "system register block behind the AXI4-Lite CSR bank"),
}
