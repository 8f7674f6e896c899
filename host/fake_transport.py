"""An in-memory register space that behaves as the gateware does, for host unit tests.

Built from ``regs.json`` like the client itself, so host code can be exercised without a
card or a Verilated model.
"""

from __future__ import annotations

from host.regs import BusError, RegisterInfo, RegisterMapInfo

_FULL = 0xFFFF_FFFF


class FakeTransport:
    """Registers in memory that behave as the gateware does, for host unit tests.

    Built from the same ``regs.json``: reset values, RO writes ignored, W1C clearing, W1S
    pulses (recorded in :attr:`pulses`, reads 0), latching, and :class:`BusError` for
    unmapped addresses. Tests play the block's logic with :meth:`drive` and :meth:`set_bits`.
    """

    def __init__(self, register_map: RegisterMapInfo):
        self.map = register_map
        self.words = {r.address: r.reset for r in register_map.registers.values()}
        self.shadow: dict[int, int] = {}
        self.pulses: list[tuple[str, int]] = []
        self.log: list[tuple[str, int, int]] = []

    def _register(self, address: int) -> RegisterInfo:
        if address not in self.map.by_address:
            raise BusError(f"bus error (SLVERR) at address {address:#x}")
        return self.map.by_address[address]

    def read32(self, address: int) -> int:
        r = self._register(address)
        value = 0 if r.access == "w1s" else self.shadow.get(address, self.words[address])
        if r.latches:
            target = self.map.register(f"{r.block}.{r.latches}").address
            self.shadow[target] = self.words[target]
        self.log.append(("r", address, value))
        return value

    def write32(self, address: int, value: int) -> None:
        r = self._register(address)
        self.log.append(("w", address, value))
        bits = value & r.mask
        if r.access == "rw":
            self.words[address] = bits
        elif r.access == "w1c":
            self.words[address] &= ~bits
        elif r.access == "w1s" and bits:
            self.pulses.append((r.path, bits))

    def drive(self, path: str, value: int) -> None:
        """The logic drives an RO register."""
        self.words[self.map.register(path).address] = value & _FULL

    def set_bits(self, path: str, bits: int) -> None:
        """The logic sets sticky bits of a W1C register."""
        register = self.map.register(path)
        self.words[register.address] |= bits & register.mask
