"""Register writes in amaranth.sim, on a component's ``regs`` port (the bank's side).

:func:`apply_writes` takes ``[("block.register", value), ...]`` lists (from
:mod:`sim.trade_regs`) and sets the port members as the CSR bank would drive them: RW values
stay, a W1S register pulses for one cycle. It is a generator: the testbench ticks once per
item it yields (one per W1S write).
"""

from __future__ import annotations

from hdl.host_if.regs import Access, Block

__all__ = ["apply_writes"]


def apply_writes(ctx, regs, block: Block, writes):
    declared = {r.name: r for r in block.registers}
    for path, value in writes:
        block_name, name = path.split(".", 1)
        if block_name != block.name:
            raise KeyError(f"{path} is not in block {block.name}")
        port = getattr(regs, name)
        ctx.set(port.as_value() if hasattr(port, "as_value") else port, value)
        if declared[name].access is Access.W1S:
            yield
            ctx.set(port.as_value(), 0)
