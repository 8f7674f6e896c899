"""Everything software needs, generated from one :class:`~hdl.host_if.regs.RegisterMap`.

:func:`write_outputs` writes three files:

``regs.json``
    The machine-readable map the host client (:mod:`host.regs`) is built from. Schema
    ``tickforge-regs/1``::

        {"schema": "tickforge-regs/1", "design": str, "data_width": 32,
         "address_width": int, "size": int,           # bytes of address space used
         "header": ["type", "version", "next"],       # first registers of every block
         "blocks": [{"name": str, "type_id": int, "version": int, "doc": str,
                     "base": int, "span": int, "next": int,
                     "registers": [{"name": str, "address": int, "offset": int,
                                    "access": "rw" | "ro" | "w1c" | "w1s",
                                    "reset": int, "mask": int, "constant": bool,
                                    "latches": str | null, "doc": str,
                                    "fields": [{"name": str, "offset": int, "width": int,
                                                "reset": int, "doc": str,
                                                "enum": {str: int} | null}]}]}]}

    Addresses are bytes; ``offset`` is from the block's base; ``fields`` is empty when the
    register is one 32-bit value; ``mask`` has a 1 for every implemented bit.

``tickforge_regs.h``
    C macros: ``<DESIGN>_<BLOCK>_<REG>`` (byte address), ``..._RESET``,
    ``<DESIGN>_<BLOCK>_<REG>_<FIELD>_SHIFT``/``_MASK`` (mask in register position),
    ``..._<FIELD>_<ENUM>`` for named values, and ``<DESIGN>_<BLOCK>_BLOCK_TYPE``/
    ``_BLOCK_VERSION``/``_BASE``.

``registers.md``
    The register map for people: one section per block, a register table and a field table.
"""

from __future__ import annotations

import json
from pathlib import Path

from hdl.host_if.regs import DATA_WIDTH, HEADER_NAMES, RegisterMap

__all__ = ["SCHEMA", "to_dict", "to_json", "to_c_header", "to_markdown", "write_outputs"]

SCHEMA = "tickforge-regs/1"


def to_dict(register_map: RegisterMap) -> dict:
    """The ``regs.json`` document as Python data."""
    blocks = []
    for placed in register_map.blocks:
        registers = []
        for address, r in placed.items():
            registers.append({
                "name": r.name, "address": address, "offset": address - placed.base,
                "access": r.access.value, "reset": r.reset_value, "mask": r.mask,
                "constant": r.constant, "latches": r.latches, "doc": r.doc,
                "fields": [{"name": f.name, "offset": f.offset, "width": f.width,
                            "reset": f.reset, "doc": f.doc,
                            "enum": dict(f.enum) if f.enum else None} for f in r.fields],
            })
        b = placed.block
        blocks.append({"name": b.name, "type_id": b.type_id, "version": b.version,
                       "doc": b.doc, "base": placed.base, "span": b.span,
                       "next": placed.next, "registers": registers})
    return {"schema": SCHEMA, "design": register_map.name, "data_width": DATA_WIDTH,
            "address_width": register_map.address_width, "size": register_map.size,
            "header": list(HEADER_NAMES), "blocks": blocks}


def to_json(register_map: RegisterMap) -> str:
    return json.dumps(to_dict(register_map), indent=2) + "\n"


def _hex(value: int) -> str:
    return f"0x{value:08X}u"


def _c_comment(text: str) -> str:
    return text.replace("*/", "* /")


def to_c_header(register_map: RegisterMap) -> str:
    """A self-contained C header; raises if two macros would get the same name."""
    design = register_map.name.upper()
    guard = f"{design}_REGS_H"
    lines = [f"/* Generated from the {register_map.name} register declarations. Do not edit. */",
             f"#ifndef {guard}", f"#define {guard}", ""]
    seen: dict[str, str] = {}

    def define(name: str, value: str, comment: str = "") -> None:
        if name in seen:
            raise ValueError(f"C macro {name} would be defined twice")
        seen[name] = value
        tail = f"  /* {_c_comment(comment)} */" if comment else ""
        lines.append(f"#define {name:<48} {value}{tail}")

    for placed in register_map.blocks:
        prefix = f"{design}_{placed.name.upper()}"
        lines.append(f"/* Block {placed.name}: {_c_comment(placed.block.doc)} */")
        define(f"{prefix}_BASE", _hex(placed.base))
        define(f"{prefix}_BLOCK_TYPE", _hex(placed.block.type_id))
        define(f"{prefix}_BLOCK_VERSION", f"{placed.block.version}u")
        for address, r in placed.items():
            reg = f"{prefix}_{r.name.upper()}"
            define(reg, _hex(address), f"{r.access.value.upper()}: {r.doc}")
            define(f"{reg}_RESET", _hex(r.reset_value))
            for f in r.fields:
                define(f"{reg}_{f.name.upper()}_SHIFT", f"{f.offset}u")
                define(f"{reg}_{f.name.upper()}_MASK", _hex(f.mask), f.doc)
                for label, value in (f.enum or {}).items():
                    define(f"{reg}_{f.name.upper()}_{label.upper()}", f"{value}u")
        lines.append("")
    lines += [f"#endif /* {guard} */", ""]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def to_markdown(register_map: RegisterMap) -> str:
    """The register map as Markdown tables."""
    out = [f"# {register_map.name} register map", "",
           "Generated from the register declarations (`hdl/host_if/`); do not edit.", "",
           "Every block begins with `type`, `version` and `next` (byte address of the next "
           "block, 0 for the last), so software can walk the blocks from address 0.", "",
           "Access: **RW** read/write; **RO** read-only, writes ignored; **W1C** sticky, "
           "write 1 to clear; **W1S** write 1 to pulse, reads 0.", ""]
    for placed in register_map.blocks:
        b = placed.block
        out += [f"## {b.name} (type {b.type_id:#010x}, version {b.version}, "
                f"base {placed.base:#06x})", "", b.doc, "",
                "| address | register | access | reset | description |",
                "|---:|---|---|---:|---|"]
        for address, r in placed.items():
            out.append(f"| {address:#06x} | `{r.name}` | {r.access.name} | "
                       f"{r.reset_value:#010x} | {_cell(r.doc)} |")
        with_fields = [r for r in placed.registers if r.fields]
        if with_fields:
            out += ["", "| register | field | bits | reset | description |",
                    "|---|---|---|---:|---|"]
            for r in with_fields:
                for f in r.fields:
                    bits = (f"{f.offset}" if f.width == 1
                            else f"{f.offset + f.width - 1}:{f.offset}")
                    doc = f.doc + ("" if not f.enum else " (" + ", ".join(
                        f"{k}={v}" for k, v in f.enum.items()) + ")")
                    out.append(f"| `{r.name}` | `{f.name}` | {bits} | {f.reset:#x} | "
                               f"{_cell(doc)} |")
        out.append("")
    return "\n".join(out)


def write_outputs(register_map: RegisterMap, out_dir: str | Path) -> dict[str, Path]:
    """Write ``regs.json``, ``tickforge_regs.h`` and ``registers.md`` into ``out_dir``.

    Files whose content is unchanged are not rewritten (keeps build timestamps still).
    Returns the paths by file name.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    texts = {"regs.json": to_json(register_map),
             f"{register_map.name}_regs.h": to_c_header(register_map),
             "registers.md": to_markdown(register_map)}
    paths = {}
    for name, text in texts.items():
        path = out_dir / name
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
        paths[name] = path
    return paths
