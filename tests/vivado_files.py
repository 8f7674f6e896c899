"""Readers for a generated Vivado project (Verilog top, XDC, Tcl), and checks across them.

Written for the tests of the Alveo build: Vivado is not here, so the files are checked
against each other. Each ``check_*`` returns a list of problems (empty when consistent), so
a test can also feed it a broken copy and see it complain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

#: Device primitives (UNISIM) a top level may instantiate without an IP.
PRIMITIVES = {"IBUFDS_GTE4", "IBUFDS", "BUFG", "BUFG_GT", "IBUF", "OBUF"}
#: Vendor port names of transceiver pins (PG195 pci_exp_*, PG210 gt_*): such pins are
#: placed by PACKAGE_PIN or the IP's location and take no IOSTANDARD.
GT_PORT = re.compile(r"^(pci_exp_(rx|tx)[pn]|gt_(rx|tx)[pn]_(in|out)_\d+|gt_refclk_[pn])$")
#: 10G/25G subsystem, 64-bit AXI4-Stream: tx_clk_out per line rate (PG210, Clocking).
MAC_CLOCK_MHZ = {10: 156.25, 25: 390.625}

_PORT = re.compile(r"^\s*(input|output)\s+wire\s+(?:\[(\d+):0\]\s+)?(\w+)")
_NET = re.compile(r"^(?:\(\*.*\*\)\s*)?(?:wire|reg)\s+(?:\[(\d+):0\]\s+)?(\w+);")
_INST = re.compile(r"^(\w+)\s+(?:#\(.*\)\s+)?(\w+)\s*\($")
_CONN = re.compile(r"^\s*\.(\w+)\s*\((.*)\),?$")


@dataclass
class Instance:
    module: str
    name: str
    conns: dict[str, str]


@dataclass
class Top:
    module: str
    ports: dict[str, tuple[str, int]]     # name -> (direction, width)
    nets: dict[str, int]
    instances: list[Instance]

    def instance(self, name: str) -> Instance:
        return next(i for i in self.instances if i.name == name)


def read_top(text: str) -> Top:
    """The generated top module: its ports, nets and instances with their connections."""
    module = re.search(r"^module (\w+)", text, re.M).group(1)
    header, body = text.split(");", 1)
    ports = {m.group(3): (m.group(1), int(m.group(2) or 0) + 1)
             for m in map(_PORT.match, header.splitlines()) if m}
    nets, instances, current = {}, [], None
    for line in body.splitlines():
        if current is not None:
            if line.startswith(");"):
                instances.append(current)
                current = None
            elif m := _CONN.match(line):
                current.conns[m.group(1)] = m.group(2).strip()
            continue
        if m := _NET.match(line):
            nets[m.group(2)] = int(m.group(1) or 0) + 1
        elif m := _INST.match(line):
            current = Instance(m.group(1), m.group(2), {})
    return Top(module, ports, nets, instances)


def read_module_ports(text: str, module: str) -> dict[str, tuple[str, int]]:
    """Port directions and widths of ``module`` in non-ANSI Verilog (Yosys's output)."""
    start = re.search(rf"^module {re.escape(module)}\(", text, re.M).start()
    body = text[start:text.index("endmodule", start)]
    return {m.group(3): (m.group(1), int(m.group(2) or 0) + 1) for m in re.finditer(
        r"^\s*(input|output)\s+(?:\[(\d+):0\]\s+)?(\w+);", body, re.M)}


def _base(expr: str) -> str:
    return re.sub(r"\[.*\]$", "", expr.strip())


def _bits(name: str, width: int) -> list[str]:
    return [name] if width == 1 else [f"{name}[{i}]" for i in range(width)]


def read_xdc(text: str) -> dict[str, dict[str, str]]:
    """``set_property`` values per port bit: {"pcie_rx_p[0]": {"PACKAGE_PIN": "AL2"}, ...}."""
    props: dict[str, dict[str, str]] = {}
    for line in text.splitlines():
        line = line.split(";#")[0].strip()
        if not line.startswith("set_property") or "get_ports" not in line:
            continue
        m = re.search(r"\[get_ports (?:\{([^}]*)\}|([^\s\]]+))\]", line)
        target = (m.group(1) or m.group(2)).split()
        if m := re.match(r"set_property\s+-dict\s+\{([^}]*)\}", line):
            words = m.group(1).split()
            values = dict(zip(words[::2], words[1::2], strict=True))
        else:
            _, key, value = line.split()[:3]
            values = {key: value}
        for port in target:
            props.setdefault(port, {}).update(values)
    return props


def gt_ports(top: Top) -> set[str]:
    """Top ports wired straight to a transceiver pin of an IP or a GT clock buffer."""
    found = set()
    for inst in top.instances:
        for port, expr in inst.conns.items():
            base = _base(expr)
            if base in top.ports and (GT_PORT.match(port) or inst.module == "IBUFDS_GTE4"):
                found.add(base)
    return found


def check_pins(top: Top, xdc: dict[str, dict[str, str]]) -> list[str]:
    problems, gts, used = [], gt_ports(top), {}
    bits = {bit: name for name, (_, width) in top.ports.items() for bit in _bits(name, width)}
    for bit, name in bits.items():
        props = xdc.get(bit, {})
        pin = props.get("PACKAGE_PIN")
        if pin is None:
            problems.append(f"{bit}: no PACKAGE_PIN")
        elif pin in used:
            problems.append(f"{bit}: pin {pin} is also {used[pin]}'s")
        else:
            used[pin] = bit
        if name not in gts and "IOSTANDARD" not in props:
            problems.append(f"{bit}: not a transceiver pin and no IOSTANDARD")
    problems += [f"{port}: constrained but not a port" for port in xdc if port not in bits]
    return problems


def read_tcl(text: str) -> dict:
    """Part, created IPs (module -> name, CONFIG), ports each IP is checked for, added files."""
    ips = {}
    for m in re.finditer(r"create_ip .*-name (\w+) -module_name (\w+).*\n"
                         r"set_property -dict \[list \\\n((?:\s+CONFIG\.\S+ \{[^}]*\} \\\n)*)"
                         r"\] \[get_ips (\w+)\]", text):
        config = dict(re.findall(r"CONFIG\.(\S+) \{([^}]*)\}", m.group(3)))
        ips[m.group(2)] = {"name": m.group(1), "config": config, "target": m.group(4)}
    checked = {m.group(1): m.group(2).split()
               for m in re.finditer(r"^check_ip_ports \$ip_dir (\w+) \{([^}]*)\}", text, re.M)}
    part = re.search(r"^set part (\S+)", text, re.M)
    return {"part": part.group(1) if part else None,
            "project_part": "-part $part" in text,
            "ips": ips, "checked": checked,
            "files": re.findall(r"^add_files .*\[file join \$here (\S+)\]", text, re.M),
            "core_period": [float(p) for p in re.findall(r"abs\(\$core_period - ([\d.]+)\)",
                                                         text)]}


def check_ips(top: Top, tcl: dict, core_module: str) -> list[str]:
    problems = []
    instantiated = {i.module for i in top.instances} - PRIMITIVES - {core_module}
    for module in sorted(instantiated - set(tcl["ips"])):
        problems.append(f"{module}: instantiated, never created by create_ip")
    for module in sorted(set(tcl["ips"]) - instantiated):
        problems.append(f"{module}: created, never instantiated")
    for module, ip in tcl["ips"].items():
        if ip["target"] != module:
            problems.append(f"{module}: CONFIG set on {ip['target']}")
        connected = {p for i in top.instances if i.module == module for p in i.conns}
        checked = set(tcl["checked"].get(module, ()))
        if connected != checked:
            problems.append(f"{module}: ports connected but not checked in Vivado, or the "
                            f"reverse: {sorted(connected ^ checked)}")
    return problems


def check_files(tcl: dict, directory: Path) -> list[str]:
    return [f"{name}: added by the Tcl, not in {directory}" for name in tcl["files"]
            if not (directory / name).is_file()]


def read_clocks(text: str) -> dict[str, tuple[float, str, str]]:
    """create_clock: name -> (period ns, 'ports' or 'pins', object)."""
    return {m.group(2): (float(m.group(1)), m.group(3), m.group(4)) for m in re.finditer(
        r"create_clock -period ([\d.]+) -name (\w+) \[get_(ports|pins) \{?([^}\]]+)\}?\]", text)}


def check_clocks(text: str, top: Top) -> list[str]:
    problems, clocks = [], read_clocks(text)
    if text.count("create_clock") != len(clocks):
        problems.append("a create_clock this reader does not understand")
    for name, (_, kind, target) in clocks.items():
        if kind != "ports" or target not in top.ports or top.ports[target] != ("input", 1):
            problems.append(f"clock {name}: {target} is not an input port of {top.module}")
    for name in re.findall(r"get_clocks (?:-include_generated_clocks )?(\w+)", text):
        if name not in clocks:
            problems.append(f"clock group names {name}, which no create_clock declares")
    return problems


def driving_port(top: Top, net: str) -> str | None:
    """The top input a clock net comes from through clock buffers (O/ODIV2 back to I)."""
    for _ in range(8):
        if net in top.ports:
            return net
        source = next((i.conns["I"] for i in top.instances if i.module in PRIMITIVES
                       and net in (i.conns.get("O"), i.conns.get("ODIV2"))), None)
        if source is None:
            return None
        net = source
    return None
