"""The card's counters and status for Prometheus (``prometheus-client``).

:func:`card_metrics` turns register values read from a card (``{"block.register": value}``,
any transport) into a registry with one gauge per read-only register, named
``tickforge_<block>_<register>`` and documented with the register's own description; the
card's counters are 32 bits and wrap, so they are gauges, not Prometheus counters (a
scrape-side ``resets()`` handles the wrap). :func:`write_textfile` writes the registry for
node_exporter's textfile collector; :func:`read_only_paths` lists what to read.
"""

from __future__ import annotations

from pathlib import Path

from prometheus_client import CollectorRegistry, Gauge, write_to_textfile

from hdl.host_if.regs import Access, RegisterMap

__all__ = ["read_only_paths", "card_metrics", "write_textfile"]


def read_only_paths(register_map: RegisterMap) -> list[str]:
    """``block.register`` of every read-only register the logic drives (no constants)."""
    return [f"{placed.name}.{r.name}" for placed, _, r in register_map
            if r.access is Access.RO and not r.constant and r.name not in
            ("type", "version", "next", "size")]


def card_metrics(values: dict[str, int], register_map: RegisterMap) -> CollectorRegistry:
    registry = CollectorRegistry()
    docs = {f"{placed.name}.{r.name}": r.doc for placed, _, r in register_map}
    for path, value in sorted(values.items()):
        if path not in docs:
            raise KeyError(f"{path} is not a register of {register_map.name}")
        name = "tickforge_" + path.replace(".", "_")
        Gauge(name, docs[path] or path, registry=registry).set(value)
    return registry


def write_textfile(values: dict[str, int], register_map: RegisterMap, path: Path) -> None:
    write_to_textfile(str(path), card_metrics(values, register_map))
