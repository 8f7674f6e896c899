"""Register declarations: every control/status register of the design is written down here once.

A :class:`Register` has a name, an :class:`Access` kind, bit fields, a reset value and a
description. Registers are grouped into a :class:`Block` (one per hardware function), and the
blocks of a design into a :class:`RegisterMap`, which assigns every address. From a map come
the gateware CSR bank (:mod:`hdl.host_if.csr_bank`), ``regs.json``, the C header and the
Markdown register map (:mod:`hdl.host_if.generate`); the host client reads ``regs.json``.

Every block starts with a three-word discovery header, so software can walk the blocks of an
unknown bitstream: ``TYPE`` (what kind of block), ``VERSION`` and ``NEXT`` (byte address of
the next block's header, 0 for the last block). All registers are 32 bits wide and word
aligned; byte addresses are used everywhere.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["Access", "BitField", "Register", "Block", "PlacedBlock", "RegisterMap", "counters",
           "rw_word", "word_pair", "command_register",
           "HEADER_NAMES", "DATA_WIDTH"]

DATA_WIDTH = 32
WORD_BYTES = DATA_WIDTH // 8
#: The discovery header, in address order, at the start of every block.
HEADER_NAMES = ("type", "version", "next")
_FULL = (1 << DATA_WIDTH) - 1


class Access(enum.Enum):
    """What a host access does to a register."""

    RW = "rw"    #: read/write storage; the block's logic reads it
    RO = "ro"    #: read-only, driven by the logic (or a constant); writes are ignored
    W1C = "w1c"  #: sticky bits set by the logic; writing 1 clears a bit, 0 leaves it
    W1S = "w1s"  #: writing 1 to a bit gives the logic a one-cycle pulse; reads return 0


def _check_name(kind: str, name: str) -> None:
    if not name.isidentifier() or name != name.lower():
        raise ValueError(f"{kind} name {name!r} must be a lower-case identifier")


@dataclass(frozen=True)
class BitField:
    """A named group of bits inside a register.

    Attributes
    ----------
    name : str
        Lower-case identifier, unique in its register.
    offset : int
        Least significant bit.
    width : int
        Number of bits.
    reset : int
        Value after reset (for RW and W1C registers).
    doc : str
        One line for the generated documentation.
    enum : mapping of str to int, optional
        Named values (``{"idle": 0, "run": 1}``), emitted in the C header and docs.
    """

    name: str
    offset: int
    width: int = 1
    reset: int = 0
    doc: str = ""
    enum: Mapping[str, int] | None = None

    def __post_init__(self):
        _check_name("field", self.name)
        if self.width < 1 or self.offset < 0 or self.offset + self.width > DATA_WIDTH:
            raise ValueError(f"field {self.name}: bits {self.offset}+{self.width} outside 32")
        for label, value in [("reset", self.reset), *(self.enum or {}).items()]:
            if not 0 <= value < (1 << self.width):
                raise ValueError(f"field {self.name}: {label}={value} wider than {self.width} bits")

    @property
    def mask(self) -> int:
        """The field's bits in register position."""
        return ((1 << self.width) - 1) << self.offset


@dataclass(frozen=True)
class Register:
    """One 32-bit register.

    Attributes
    ----------
    name : str
        Lower-case identifier, unique in its block.
    access : Access
        Applies to every field of the register.
    doc : str
        One line for the generated documentation.
    fields : tuple of BitField
        Named bits; empty means the whole word is one value.
    reset : int or None
        Reset value of a register without fields (for one with fields it comes from them).
    constant : bool
        RO only: the reset value is hard-wired and nothing drives the register.
    latches : str or None
        RO only: reading this register copies the logic's current value of the named RO
        register of the same block into a shadow that reads of that register return. This
        is how a 64-bit counter split over two registers is read consistently.
    """

    name: str
    access: Access
    doc: str
    fields: tuple[BitField, ...] = ()
    reset: int | None = None
    constant: bool = False
    latches: str | None = None
    _reset: int = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        _check_name("register", self.name)
        object.__setattr__(self, "fields", tuple(self.fields))
        seen, names = 0, set()
        for f in self.fields:
            if f.mask & seen:
                raise ValueError(f"register {self.name}: field {f.name} overlaps another")
            if f.name in names:
                raise ValueError(f"register {self.name}: duplicate field {f.name}")
            seen |= f.mask
            names.add(f.name)
        if self.fields and self.reset is not None:
            raise ValueError(f"register {self.name}: give the reset value in its fields")
        reset = sum(f.reset << f.offset for f in self.fields) if self.fields else (self.reset or 0)
        if not 0 <= reset <= _FULL:
            raise ValueError(f"register {self.name}: reset {reset:#x} wider than 32 bits")
        object.__setattr__(self, "_reset", reset)
        if (self.constant or self.latches) and self.access is not Access.RO:
            raise ValueError(f"register {self.name}: only RO registers are constant or latch")

    @property
    def reset_value(self) -> int:
        """The whole word after reset."""
        return self._reset

    @property
    def mask(self) -> int:
        """Bits that exist; the others read as 0 and ignore writes."""
        return sum(f.mask for f in self.fields) if self.fields else _FULL

    @property
    def driven(self) -> bool:
        """True when the block's logic supplies the value (RO that is not a constant)."""
        return self.access is Access.RO and not self.constant

    def field(self, name: str) -> BitField:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"register {self.name} has no field {name!r}")


def rw_word(name: str, doc: str, reset: int = 0) -> Register:
    """A plain read-write word (reset 0 unless given)."""
    return Register(name, Access.RW, doc, reset=reset)


def word_pair(name: str, doc: str, access: Access = Access.RW) -> list[Register]:
    """A 64-bit value as ``<name>_lo`` (bits 31..0) and ``<name>_hi`` (bits 63..32)."""
    extra = {"reset": 0} if access is Access.RW else {}
    return [Register(f"{name}_lo", access, f"{doc} (bits 31..0).", **extra),
            Register(f"{name}_hi", access, f"{doc} (bits 63..32).", **extra)]


def counters(docs: dict[str, str]) -> list[Register]:
    """A read-only register per ``{name: doc}``, in order: a block's event counters."""
    return [Register(name, Access.RO, doc) for name, doc in docs.items()]


def command_register(commands: dict[str, str]) -> Register:
    """A W1S ``command`` register: one bit per ``{name: doc}``, in order from bit 0."""
    return Register("command", Access.W1S, "Commands; write 1 to a bit.", fields=tuple(
        BitField(name, bit, 1, 0, doc) for bit, (name, doc) in enumerate(commands.items())))


@dataclass(frozen=True)
class Block:
    """The registers of one hardware function, behind a discovery header.

    Attributes
    ----------
    name : str
        Lower-case identifier, unique in the map (``system``).
    type_id : int
        Read back from the block's TYPE register; identifies the kind of block.
    version : int
        Read back from VERSION; bump it when the block's registers change meaning.
    doc : str
        One paragraph for the generated documentation.
    registers : tuple of Register
        In address order, after the header.
    """

    name: str
    type_id: int
    version: int
    doc: str
    registers: tuple[Register, ...]

    def __post_init__(self):
        _check_name("block", self.name)
        object.__setattr__(self, "registers", tuple(self.registers))
        names = [r.name for r in self.registers]
        clash = set(HEADER_NAMES) & set(names) or {n for n in names if names.count(n) > 1}
        if clash:
            raise ValueError(f"block {self.name}: register names {sorted(clash)} repeated")
        by_name = dict(zip(names, self.registers, strict=True))
        for r in self.registers:
            if r.latches is not None:
                target = by_name.get(r.latches)
                if target is None or not target.driven or target is r:
                    raise ValueError(f"block {self.name}: {r.name} latches {r.latches!r}, "
                                     "which is not another driven RO register here")

    def header(self, next_address: int) -> tuple[Register, ...]:
        """The three constant discovery registers, once the next block's address is known."""
        return (
            Register("type", Access.RO, "Block type identifier.", reset=self.type_id,
                     constant=True),
            Register("version", Access.RO, "Block register-layout version.",
                     reset=self.version, constant=True),
            Register("next", Access.RO, "Byte address of the next block header; 0 if last.",
                     reset=next_address, constant=True),
        )

    @property
    def span(self) -> int:
        """Bytes of address space: a power of two (at least 64) so decoding is a bit slice."""
        used = (len(HEADER_NAMES) + len(self.registers)) * WORD_BYTES
        return max(64, 1 << (used - 1).bit_length())


@dataclass(frozen=True)
class PlacedBlock:
    """A block at its address in a map, header included."""

    block: Block
    base: int
    next: int
    registers: tuple[Register, ...]

    @property
    def name(self) -> str:
        return self.block.name

    def address(self, register: str) -> int:
        for index, r in enumerate(self.registers):
            if r.name == register:
                return self.base + index * WORD_BYTES
        raise KeyError(f"block {self.name} has no register {register!r}")

    def register(self, name: str) -> Register:
        return self.registers[(self.address(name) - self.base) // WORD_BYTES]

    def items(self) -> Iterator[tuple[int, Register]]:
        """``(byte address, register)`` in address order."""
        for index, r in enumerate(self.registers):
            yield self.base + index * WORD_BYTES, r


class RegisterMap:
    """All blocks of a design, placed one after another, each aligned to its own span.

    Parameters
    ----------
    name : str
        Design name; prefixes C macros (``TICKFORGE_``).
    blocks : sequence of Block
        In address order; the first is at ``base``.
    base : int
        Byte address of the first block (0 for a BAR of its own).
    """

    def __init__(self, name: str, blocks: Sequence[Block], base: int = 0):
        _check_name("map", name)
        names = [b.name for b in blocks]
        if not blocks or len(set(names)) != len(names):
            raise ValueError(f"map {name}: needs blocks with distinct names, got {names}")
        self.name = name
        bases, at = [], base
        for b in blocks:
            at = -(-at // b.span) * b.span
            bases.append(at)
            at += b.span
        self.size = at
        nexts = [*bases[1:], 0]
        self.blocks = tuple(PlacedBlock(b, where, nxt, b.header(nxt) + b.registers)
                            for b, where, nxt in zip(blocks, bases, nexts, strict=True))

    def block(self, name: str) -> PlacedBlock:
        for placed in self.blocks:
            if placed.name == name:
                return placed
        raise KeyError(f"map {self.name} has no block {name!r}")

    def address(self, path: str) -> int:
        """Byte address of ``"block.register"``."""
        block, _, register = path.partition(".")
        return self.block(block).address(register)

    @property
    def address_width(self) -> int:
        """Address bits needed to reach every block."""
        return max(2, (self.size - 1).bit_length())

    def __iter__(self) -> Iterator[tuple[PlacedBlock, int, Register]]:
        """Every ``(block, byte address, register)`` in address order."""
        for placed in self.blocks:
            for address, r in placed.items():
                yield placed, address, r
