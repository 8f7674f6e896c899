"""The gateware side of a :class:`~hdl.host_if.regs.RegisterMap`: storage, decode and ports.

:class:`CSRBank` implements every register of a map behind a
:class:`~hdl.host_if.axil.RegPortSignature`; :class:`AXI4LiteCSR` puts an AXI4-Lite slave in
front of it. Each block of the map becomes one interface port named after the block, whose
members the block's logic connects to (directions as seen from the bank):

- RW ``<reg>``: ``Out``, the stored value;
- RO ``<reg>``: ``In``, sampled when read (constant RO registers have no port);
- W1C ``<reg>``: ``Out``, the sticky bits; ``<reg>_set``: ``In``, a 1 sets the bit (a set
  and a host clear in the same cycle leave the bit set, so no event is lost);
- W1S ``<reg>``: ``Out``, a one-cycle pulse of the bits written as 1, on the cycle after the
  write is performed.

Registers with fields have a :class:`amaranth.lib.data.FlexibleLayout` shape, so the logic
writes ``bank.system.status_set.event`` rather than bit numbers. Bits outside the declared
fields read as 0 and ignore writes.
"""

from __future__ import annotations

from amaranth import Cat, Const, Module, Signal, Value, unsigned
from amaranth.lib import data, wiring
from amaranth.lib.wiring import In, Out
from amaranth.utils import ceil_log2

from hdl.host_if.axil import AXI4LiteSignature, AXI4LiteSlave, RegPortSignature
from hdl.host_if.regs import Access, Block, Register, RegisterMap

__all__ = ["register_shape", "block_signature", "CSRBank", "AXI4LiteCSR"]

_FULL = 0xFFFF_FFFF


def _word(value) -> Value:
    """A register's read value (a constant, a signal or a view) as exactly 32 bits."""
    return Cat(Value.cast(value), Const(0, 32))[:32]


def _or_all(values: list) -> Value:
    """The OR of ``values`` as a balanced tree (a chain would be as deep as the list)."""
    values = list(values) or [Const(0, 32)]
    while len(values) > 1:
        values = [values[i] | values[i + 1] if i + 1 < len(values) else values[i]
                  for i in range(0, len(values), 2)]
    return values[0]


def register_shape(register: Register):
    """``FlexibleLayout`` of the register's fields, or ``unsigned(32)`` if it has none."""
    if not register.fields:
        return unsigned(32)
    return data.FlexibleLayout(32, {
        f.name: data.Field(unsigned(f.width), f.offset) for f in register.fields
    })


def block_signature(block: Block) -> wiring.Signature:
    """The members the block's logic sees, from the bank's side (the bank port is ``Out``)."""
    members = {}
    for r in block.registers:
        shape = register_shape(r)
        if r.access is Access.RW or r.access is Access.W1S:
            members[r.name] = Out(shape)
        elif r.access is Access.W1C:
            members[r.name] = Out(shape)
            members[f"{r.name}_set"] = In(shape)
        elif r.driven:
            members[r.name] = In(shape)
    clash = {r.name for r in block.registers} & {f"{r.name}_set" for r in block.registers
                                                 if r.access is Access.W1C}
    if clash:
        raise ValueError(f"block {block.name}: register names {sorted(clash)} clash with "
                         "the set inputs of W1C registers")
    return wiring.Signature(members)


class CSRBank(wiring.Component):
    """Every register of a map behind a register port: writes in one cycle, reads answered
    the cycle after their strobe (:class:`~hdl.host_if.axil.RegPortSignature`).

    Parameters
    ----------
    register_map : RegisterMap
        What to implement.
    addr_width : int, optional
        Byte address bits of the port; defaults to what the map needs, but at least 12 (one
        4 KiB page, what a host maps at a time). Addresses beyond the map are unmapped
        (error response).

    Interface attributes
    --------------------
    regs : In(RegPortSignature)
        From the bus front end.
    <block name> : Out(block_signature(block))
        One per block, towards its logic.
    """

    def __init__(self, register_map: RegisterMap, addr_width: int | None = None):
        self.register_map = register_map
        self.addr_width = addr_width or max(12, register_map.address_width)
        if (1 << self.addr_width) < register_map.size:
            raise ValueError(f"{self.addr_width} address bits cannot reach {register_map.size:#x}")
        members = {"regs": In(RegPortSignature(self.addr_width))}
        for placed in register_map.blocks:
            if placed.name in members:
                raise ValueError(f"block name {placed.name!r} is reserved")
            members[placed.name] = Out(block_signature(placed.block))
        super().__init__(members)

    def elaborate(self, platform):
        m = Module()
        port = self.regs
        lanes = Cat(*(port.w_strb[i].replicate(8) for i in range(4)))
        m.d.comb += port.w_err.eq(1)

        # Reads take two cycles, one stage per level of the address: in the strobe's cycle
        # each block ANDs its registers' words with their selects and ORs them in a
        # balanced tree (a block spans a power of two, so its select is the upper address
        # bits and the word index) into a register of its own; the next cycle ORs the
        # blocks' registers. One ``If`` per register would describe a priority chain as
        # deep as the map (356 registers on the card); the AND-OR says that the selects
        # exclude each other. The register per block is for the router: without it the
        # whole map's read tree was one net of logic that the placer pulled into the middle
        # of the ECPIX-5 part, fed by counters from every stage (README, ECPIX-5 status);
        # with it, each block's tree sits by its block and 32 wires leave it.
        # Writes are decoded per block too, and an RW register's bytes are stored under
        # their lane's strobe (a flip-flop enable) rather than merged bit by bit with the
        # old value.
        block_hits, block_words = [], []
        for placed in self.register_map.blocks:
            read_terms = []
            ports = getattr(self, placed.name)
            shadows = {r.latches: Signal(32, name=f"{placed.name}_{r.latches}_shadow")
                       for r in placed.registers if r.latches}
            span_bits = ceil_log2(placed.block.span)
            block_hit = Signal(name=f"{placed.name}_read_hit")
            block_write = Signal(name=f"{placed.name}_write_hit")
            m.d.comb += [block_hit.eq(port.r_addr[span_bits:] == placed.base >> span_bits),
                         block_write.eq(port.w_addr[span_bits:] == placed.base >> span_bits)]
            index = port.r_addr[2:span_bits]
            w_index = port.w_addr[2:span_bits]
            for address, r in placed.items():
                read_value, on_read, on_write = self._register(m, placed.name, r, ports,
                                                               shadows, lanes)
                selected = Signal(name=f"{placed.name}_{r.name}_read")
                m.d.comb += selected.eq(block_hit & (index == (address - placed.base) >> 2))
                read_terms.append((selected, _word(read_value)))
                if on_read is not None:
                    with m.If(port.r_stb & selected):
                        m.d.sync += on_read
                with m.If(block_write & (w_index == (address - placed.base) >> 2)):
                    m.d.comb += port.w_err.eq(0)
                    if on_write is not None:
                        with m.If(port.w_stb):
                            on_write()
            hit = Signal(name=f"{placed.name}_read_any")
            word = Signal(32, name=f"{placed.name}_read_word")
            m.d.sync += [hit.eq(Cat(*(sel for sel, _ in read_terms)).any()),
                         word.eq(_or_all([value & sel.replicate(32)
                                          for sel, value in read_terms]))]
            block_hits.append(hit)
            block_words.append(word)
        m.d.comb += [port.r_err.eq(~Cat(*block_hits).any()),
                     port.r_data.eq(_or_all(block_words))]
        return m

    def _register(self, m, block_name, r, ports, shadows, lanes):
        """Storage for one register: ``(read value, on-read stmt, on-write emitter)``; the
        emitter adds the write's statements under the caller's address and strobe ``If``."""
        mask = r.mask
        port = self.regs
        write_bits = port.w_data & lanes & mask
        name = f"{block_name}_{r.name}"
        if r.constant:
            return r.reset_value, None, None
        if r.driven:
            live = Value.cast(getattr(ports, r.name)) & mask
            on_read = None
            if r.latches:
                target = Value.cast(getattr(ports, r.latches)) & mask
                on_read = shadows[r.latches].eq(target)
            return shadows.get(r.name, live), on_read, None
        if r.access is Access.RW:
            store = Signal(32, init=r.reset_value, name=name)
            m.d.comb += getattr(ports, r.name).eq(store)

            def write_lanes():
                # Bits outside the fields take their reset value, so they stay constant.
                for lane in range(4):
                    lane_mask = (mask >> 8 * lane) & 0xFF
                    if lane_mask:
                        byte = slice(8 * lane, 8 * lane + 8)
                        with m.If(port.w_strb[lane]):
                            m.d.sync += store[byte].eq(
                                (port.w_data[byte] & lane_mask)
                                | ((r.reset_value >> 8 * lane) & 0xFF & ~lane_mask))
            return store, None, write_lanes
        if r.access is Access.W1C:
            sticky = Signal(32, init=r.reset_value, name=name)
            clear = Signal(32, name=f"{name}_clear")
            m.d.comb += getattr(ports, r.name).eq(sticky)
            set_bits = Value.cast(getattr(ports, f"{r.name}_set")) & mask
            m.d.sync += sticky.eq((sticky & ~clear) | set_bits)

            def write_clear():
                m.d.comb += clear.eq(write_bits)
            return sticky, None, write_clear
        pulse = Signal(32, name=name)  # W1S
        m.d.comb += getattr(ports, r.name).eq(pulse)
        m.d.sync += pulse.eq(0)

        def write_pulse():
            m.d.sync += pulse.eq(write_bits)
        return 0, None, write_pulse


class AXI4LiteCSR(wiring.Component):
    """A :class:`CSRBank` behind an :class:`~hdl.host_if.axil.AXI4LiteSlave`.

    Interface attributes
    --------------------
    s_axil : In(AXI4LiteSignature)
        The host's window onto the registers.
    <block name> : Out(block_signature(block))
        As in :class:`CSRBank`.
    """

    def __init__(self, register_map: RegisterMap, addr_width: int | None = None):
        self.bank = CSRBank(register_map, addr_width)
        members = {"s_axil": In(AXI4LiteSignature(self.bank.addr_width))}
        members.update({name: member for name, member in self.bank.signature.members.items()
                        if name != "regs"})
        super().__init__(members)

    def elaborate(self, platform):
        m = Module()
        m.submodules.bank = bank = self.bank
        m.submodules.slave = slave = AXI4LiteSlave(bank.addr_width)
        wiring.connect(m, wiring.flipped(self.s_axil), slave.bus)
        wiring.connect(m, slave.regs, bank.regs)
        for placed in bank.register_map.blocks:
            wiring.connect(m, wiring.flipped(getattr(self, placed.name)),
                           getattr(bank, placed.name))
        return m
