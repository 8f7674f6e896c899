"""Host register client, built only from ``regs.json`` (never from the gateware sources).

``regs.json`` is generated from the register declarations by ``hdl.host_if.generate``; its
schema is documented there. A :class:`RegisterClient` turns names into bus accesses over any
:class:`Transport` (``read32``/``write32`` at byte addresses): the PCIe BAR, a Verilated
model, or the in-memory :class:`host.fake_transport.FakeTransport` used by unit tests::

    card = RegisterClient(transport, "build/regs/regs.json")
    card.discover()                          # walk the block headers, check against the file
    card.write("system.scratch", 0x1234)
    card.read_field("system.status.wrapped")
    card.system.status.wrapped.clear()       # the same through attribute proxies

Access kinds: RW reads back what was written. RO ignores writes, so writing one is refused
here. W1C bits are sticky: writing 1 clears a bit, 0 leaves it (so :meth:`write_field` on a
W1C register writes only that field's bits). W1S bits pulse when written 1 and read 0.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from host.errors import EXIT_NOT_FOUND, DataError, UserError

__all__ = ["Transport", "BusError", "FieldInfo", "RegisterInfo", "RegisterMapInfo",
           "RegisterClient", "DiscoveredBlock"]

SCHEMA = "tickforge-regs/1"
_FULL = 0xFFFF_FFFF


class Transport(Protocol):
    """Word access to the register space; raises :class:`BusError` on an error response."""

    def read32(self, address: int) -> int: ...

    def write32(self, address: int, value: int) -> None: ...


class BusError(DataError):
    """The bus answered SLVERR/DECERR: nothing is mapped at that address."""


@dataclass(frozen=True)
class FieldInfo:
    name: str
    offset: int
    width: int
    reset: int
    doc: str
    enum: dict | None

    @property
    def mask(self) -> int:
        return ((1 << self.width) - 1) << self.offset


@dataclass(frozen=True)
class RegisterInfo:
    block: str
    name: str
    address: int
    access: str
    reset: int
    mask: int
    constant: bool
    latches: str | None
    doc: str
    fields: dict[str, FieldInfo]

    @property
    def path(self) -> str:
        return f"{self.block}.{self.name}"


class RegisterMapInfo:
    """``regs.json`` parsed and indexed by ``"block.register"``."""

    def __init__(self, document: dict, source: str = "regs.json"):
        if not isinstance(document, dict) or document.get("schema") != SCHEMA:
            raise DataError(f"{source}: not a {SCHEMA} document")
        try:
            self.design = document["design"]
            self.blocks = document["blocks"]
            self.registers = {}
            for block in self.blocks:
                for r in block["registers"]:
                    fields = {f["name"]: FieldInfo(f["name"], f["offset"], f["width"],
                                                   f["reset"], f["doc"], f["enum"])
                              for f in r["fields"]}
                    info = RegisterInfo(block["name"], r["name"], r["address"], r["access"],
                                        r["reset"], r["mask"], r["constant"], r["latches"],
                                        r["doc"], fields)
                    self.registers[info.path] = info
        except (KeyError, TypeError) as err:
            raise DataError(f"{source}: malformed register map ({err!r})") from None
        self.by_address = {r.address: r for r in self.registers.values()}

    @classmethod
    def load(cls, path: str | Path) -> RegisterMapInfo:
        try:
            text = Path(path).read_text()
        except OSError as err:
            raise DataError(f"cannot read {path}: {err.strerror}") from None
        try:
            document = json.loads(text)
        except json.JSONDecodeError as err:
            raise DataError(f"{path}: invalid JSON at byte offset {err.pos}: {err.msg}") from None
        return cls(document, str(path))

    def register(self, path: str) -> RegisterInfo:
        try:
            return self.registers[path]
        except KeyError:
            raise UserError(f"no register {path!r} (known: {', '.join(self.registers)})",
                            EXIT_NOT_FOUND) from None

    def field(self, path: str) -> tuple[RegisterInfo, FieldInfo]:
        reg_path, _, name = path.rpartition(".")
        register = self.register(reg_path)
        if name not in register.fields:
            raise UserError(f"register {reg_path} has no field {name!r} "
                            f"(fields: {', '.join(register.fields) or 'none'})", EXIT_NOT_FOUND)
        return register, register.fields[name]


@dataclass(frozen=True)
class DiscoveredBlock:
    name: str
    base: int
    type_id: int
    version: int


class RegisterClient:
    """Named register access over a transport.

    Parameters
    ----------
    transport : Transport
        Where the words go.
    regs_json : path or RegisterMapInfo
        The generated map of the design on the other end.
    """

    def __init__(self, transport: Transport, regs_json: str | Path | RegisterMapInfo):
        self.transport = transport
        self.map = (regs_json if isinstance(regs_json, RegisterMapInfo)
                    else RegisterMapInfo.load(regs_json))

    def read(self, path: str) -> int:
        return self.transport.read32(self.map.register(path).address)

    def write(self, path: str, value: int) -> None:
        """Write a whole register; refuses RO registers and bits it does not have."""
        register = self.map.register(path)
        if register.access == "ro":
            raise UserError(f"{path} is read-only")
        if not 0 <= value <= _FULL or value & ~register.mask:
            raise UserError(f"{path}: {value:#x} sets bits outside the register "
                            f"(mask {register.mask:#010x})")
        self.transport.write32(register.address, value)

    def read_field(self, path: str) -> int:
        register, field = self.map.field(path)
        return (self.transport.read32(register.address) & field.mask) >> field.offset

    def write_field(self, path: str, value: int) -> None:
        """RW: read-modify-write. W1C/W1S: write only this field (1s clear / pulse)."""
        register, field = self.map.field(path)
        if isinstance(value, str):
            value = self._enum_value(path, field, value)
        if not 0 <= value < (1 << field.width):
            raise UserError(f"{path}: {value} does not fit {field.width} bits")
        others = 0
        if register.access == "rw":
            others = self.transport.read32(register.address) & ~field.mask
        self.write(register.path, others | (value << field.offset))

    def read_latched(self, low_path: str) -> int:
        """A value split over two registers read consistently: low first (it latches high)."""
        low = self.map.register(low_path)
        if not low.latches:
            raise UserError(f"{low_path} does not latch another register")
        value = self.transport.read32(low.address)
        high = self.map.register(f"{low.block}.{low.latches}")
        return self.transport.read32(high.address) << 32 | value

    @staticmethod
    def _enum_value(path: str, field: FieldInfo, label: str) -> int:
        if not field.enum or label not in field.enum:
            raise UserError(f"{path}: no named value {label!r}")
        return field.enum[label]

    def discover(self) -> list[DiscoveredBlock]:
        """Walk the block headers from address 0 and check each against ``regs.json``.

        Raises
        ------
        DataError
            The hardware's blocks differ from the file (wrong bitstream or wrong file).
        """
        expected = self.map.blocks
        found, at = [], 0
        while True:
            if len(found) == len(expected):
                raise DataError(f"block header at {at:#x} beyond the {len(expected)} blocks "
                                "regs.json describes")
            want = expected[len(found)]
            got = [self.transport.read32(at + 4 * i) for i in range(3)]
            if at != want["base"] or got != [want["type_id"], want["version"], want["next"]]:
                raise DataError(
                    f"block {len(found)} at {at:#x}: type {got[0]:#010x} version {got[1]} next "
                    f"{got[2]:#x}, but regs.json says {want['name']} at {want['base']:#x} type "
                    f"{want['type_id']:#010x} version {want['version']} next {want['next']:#x}")
            found.append(DiscoveredBlock(want["name"], at, got[0], got[1]))
            if got[2] == 0:
                break
            at = got[2]
        if len(found) != len(expected):
            raise DataError(f"hardware has {len(found)} blocks, regs.json {len(expected)}")
        return found

    def __getattr__(self, name: str) -> _Proxy:
        if name.startswith("_") or name in ("map", "transport"):
            raise AttributeError(name)
        if not any(b["name"] == name for b in self.map.blocks):
            raise AttributeError(f"no block {name!r}")
        return _Proxy(self, name)


class _Proxy:
    """``card.block.register.field``: each level is a path; leaves read, write, clear."""

    def __init__(self, client: RegisterClient, path: str):
        self._client, self._path = client, path

    def __getattr__(self, name: str) -> _Proxy:
        if name.startswith("_"):
            raise AttributeError(name)
        path = f"{self._path}.{name}"
        depth = path.count(".")
        if depth == 1:
            self._client.map.register(path)
        elif depth == 2:
            self._client.map.field(path)
        else:
            raise AttributeError(f"{path}: fields have no members")
        return _Proxy(self._client, path)

    def _is_field(self) -> bool:
        return self._path.count(".") == 2

    def read(self) -> int:
        client = self._client
        return client.read_field(self._path) if self._is_field() else client.read(self._path)

    def write(self, value: int) -> None:
        if self._is_field():
            self._client.write_field(self._path, value)
        else:
            self._client.write(self._path, value)

    def clear(self) -> None:
        """W1C: clear every bit of this field or register."""
        if self._is_field():
            register, field = self._client.map.field(self._path)
            bits = field.mask
        else:
            register = self._client.map.register(self._path)
            bits = register.mask
        if register.access != "w1c":
            raise UserError(f"{self._path} is not write-1-to-clear")
        self._client.write(register.path, bits)

    def __repr__(self) -> str:
        return f"<register {self._path}>"
