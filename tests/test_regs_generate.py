"""Generated outputs: regs.json, the C header (compiled with gcc) and the Markdown map."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from hdl.host_if.generate import to_c_header, to_dict, to_markdown, write_outputs
from hdl.host_if.regs import Access, BitField, Block, Register, RegisterMap
from hdl.host_if.system import SYSTEM_BLOCK

DEMO_BLOCK = Block("demo", 0x44454D4F, 2, "Test block.", registers=(
    Register("mode", Access.RW, "A field with named values.", fields=(
        BitField("state", 0, 2, 1, "What it does.", enum={"idle": 0, "run": 1, "halt": 2}),
        BitField("level", 8, 8, 0x7F, "How much."))),
    Register("gauge", Access.RO, "Driven by logic."),
))
TWO_BLOCKS = RegisterMap("tickforge", [SYSTEM_BLOCK, DEMO_BLOCK])


@pytest.fixture
def outputs(tmp_path):
    return write_outputs(TWO_BLOCKS, tmp_path)


def test_write_outputs_writes_the_three_files(outputs):
    assert sorted(outputs) == ["registers.md", "regs.json", "tickforge_regs.h"]


def test_regs_json_round_trips(outputs):
    assert json.loads(outputs["regs.json"].read_text()) == to_dict(TWO_BLOCKS)


def test_regs_json_addresses_by_hand(outputs):
    doc = json.loads(outputs["regs.json"].read_text())
    # system: 3 header + 7 registers = 40 bytes -> 64-byte span, so demo starts at 0x40.
    demo = doc["blocks"][1]
    assert (demo["base"], doc["blocks"][0]["next"], demo["next"]) == (0x40, 0x40, 0)
    mode = demo["registers"][3]
    assert (mode["name"], mode["address"], mode["access"]) == ("mode", 0x4C, "rw")
    assert mode["reset"] == 0x7F01 and mode["mask"] == 0xFF03
    assert mode["fields"][0]["enum"] == {"idle": 0, "run": 1, "halt": 2}
    assert doc["header"] == ["type", "version", "next"]


def test_unchanged_outputs_are_not_rewritten(outputs):
    before = {name: path.stat().st_mtime_ns for name, path in outputs.items()}
    write_outputs(TWO_BLOCKS, outputs["regs.json"].parent)
    assert {name: path.stat().st_mtime_ns for name, path in outputs.items()} == before


def expected_macros(doc):
    """Macro name -> value, from regs.json and the naming rule documented in generate.py."""
    macros = {}
    for block in doc["blocks"]:
        prefix = f"{doc['design']}_{block['name']}".upper()
        macros[f"{prefix}_BASE"] = block["base"]
        macros[f"{prefix}_BLOCK_TYPE"] = block["type_id"]
        macros[f"{prefix}_BLOCK_VERSION"] = block["version"]
        for r in block["registers"]:
            reg = f"{prefix}_{r['name'].upper()}"
            macros[reg] = r["address"]
            macros[f"{reg}_RESET"] = r["reset"]
            for f in r["fields"]:
                name = f"{reg}_{f['name'].upper()}"
                macros[f"{name}_SHIFT"] = f["offset"]
                macros[f"{name}_MASK"] = ((1 << f["width"]) - 1) << f["offset"]
                for label, value in (f["enum"] or {}).items():
                    macros[f"{name}_{label.upper()}"] = value
    return macros


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
def test_c_header_compiles_and_matches_regs_json(outputs, tmp_path):
    doc = json.loads(outputs["regs.json"].read_text())
    macros = expected_macros(doc)
    prints = "\n".join(f'    printf("{name} %lu\\n", (unsigned long)({name}));' for name in macros)
    program = tmp_path / "dump.c"
    program.write_text(f'#include <stdio.h>\n#include "tickforge_regs.h"\n'
                       f'#include "tickforge_regs.h"  /* the guard must allow this */\n'
                       f"int main(void) {{\n{prints}\n    return 0;\n}}\n")
    binary = tmp_path / "dump"
    subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", f"-I{tmp_path}",
                    str(program), "-o", str(binary)], check=True, capture_output=True)
    output = subprocess.run([str(binary)], check=True, capture_output=True, text=True).stdout
    printed = {name: int(value) for name, value in (line.split() for line in output.splitlines())}
    assert printed == macros
    assert printed["TICKFORGE_SYSTEM_MAGIC_RESET"] == 0x544B4647


def test_c_header_refuses_colliding_macro_names():
    clash = RegisterMap("design", [
        Block("a_b", 1, 1, "", (Register("c", Access.RW, ""),)),
        Block("a", 2, 1, "", (Register("b_c", Access.RW, ""),)),
    ])
    with pytest.raises(ValueError, match="DESIGN_A_B_C"):
        to_c_header(clash)


def test_markdown_lists_every_register_and_field(outputs):
    text = outputs["registers.md"].read_text()
    for block in to_dict(TWO_BLOCKS)["blocks"]:
        assert f"## {block['name']} " in text
        for r in block["registers"]:
            assert f"| {r['address']:#06x} | `{r['name']}` | {r['access'].upper()} |" in text
            for f in r["fields"]:
                assert f"| `{r['name']}` | `{f['name']}` |" in text
    assert "idle=0, run=1, halt=2" in text
    assert to_markdown(TWO_BLOCKS) == text
