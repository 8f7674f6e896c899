"""An AXI4-Lite master for ``amaranth.sim`` async testbenches.

It drives the slave side of an :class:`~hdl.host_if.axil.AXI4LiteSignature` port the way a
real master may: write address and data together or in either order, with idle cycles in
between, so tests exercise every ordering the slave must accept. Handshakes are recognised
from values sampled at the clock edge (``ctx.tick().sample``), which is what the slave sees.
"""

from __future__ import annotations

__all__ = ["AXI4LiteSimMaster", "WRITE_ORDERS"]

#: ``together``: awvalid and wvalid rise in the same cycle. ``aw_first``/``w_first``: one
#: channel completes its handshake, ``gap`` idle cycles pass, then the other starts.
WRITE_ORDERS = ("together", "aw_first", "w_first")


class AXI4LiteSimMaster:
    """Drive an AXI4-Lite slave port in simulation.

    Parameters
    ----------
    bus : AXI4LiteSignature interface
        The component's slave port (``dut.s_axil``).
    """

    def __init__(self, bus):
        self.bus = bus

    async def _handshake(self, ctx, pairs):
        """Raise every valid of ``pairs`` [(valid, ready)] and hold each until its handshake."""
        pending = list(pairs)
        for valid, _ in pending:
            ctx.set(valid, 1)
        while pending:
            _, _, *readies = await ctx.tick().sample(*(ready for _, ready in pending))
            done = [pair for pair, ready in zip(pending, readies, strict=True) if ready]
            for pair in done:
                ctx.set(pair[0], 0)
                pending.remove(pair)

    async def _idle(self, ctx, cycles):
        if cycles:
            await ctx.tick().repeat(cycles)

    async def write(self, ctx, address: int, value: int, strb: int = 0xF,
                    order: str = "together", gap: int = 2) -> int:
        """Write one word; returns BRESP (0 OKAY, 2 SLVERR)."""
        bus = self.bus
        if order not in WRITE_ORDERS:
            raise ValueError(f"order must be one of {WRITE_ORDERS}")
        ctx.set(bus.awaddr, address)
        ctx.set(bus.wdata, value)
        ctx.set(bus.wstrb, strb)
        aw, w = (bus.awvalid, bus.awready), (bus.wvalid, bus.wready)
        if order == "together":
            await self._handshake(ctx, [aw, w])
        else:
            first, second = (aw, w) if order == "aw_first" else (w, aw)
            await self._handshake(ctx, [first])
            await self._idle(ctx, gap)
            await self._handshake(ctx, [second])
        ctx.set(bus.bready, 1)
        resp, = await ctx.tick().sample(bus.bresp).until(bus.bvalid)
        ctx.set(bus.bready, 0)
        return resp

    async def read(self, ctx, address: int) -> tuple[int, int]:
        """Read one word; returns ``(RDATA, RRESP)``."""
        bus = self.bus
        ctx.set(bus.araddr, address)
        await self._handshake(ctx, [(bus.arvalid, bus.arready)])
        ctx.set(bus.rready, 1)
        data, resp = await ctx.tick().sample(bus.rdata, bus.rresp).until(bus.rvalid)
        ctx.set(bus.rready, 0)
        return data, resp
