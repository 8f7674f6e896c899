"""The feed handler's registers as the harness uses them: configuration writes, counters.

Everything is looked up by name in the ``regs.json`` document of the design
(:func:`hdl.host_if.generate.to_dict`), so no address is typed here. Names follow the
frame parser's and MoldItch's register blocks: ``feed<N>_group`` (IPv4 address as a
32-bit number), ``feed<N>_port`` (fields ``port``, ``channel``, ``enable``),
``ch<N>_start_lo``/``_hi`` plus a W1S field ``set_expected``, ``ch<N>_session*`` (the
10 session bytes, first byte in the least significant byte of the lowest register, as the
event's ``stock``), and one RO counter per name of :data:`sim.feed_model.COUNTER_NAMES`
(``bytes`` as ``bytes_lo``/``bytes_hi``, read low first for the latch) plus
``msgs_<type>`` per ITCH type (``msgs_a``; lower-case ``h`` is ``msgs_h_lower``). A few
alternative spellings are accepted (:data:`ALIASES`); a name not found raises and lists
what the map has.
"""

from __future__ import annotations

import ipaddress

from proto.itch import MESSAGES
from sim.feed_channel import SESSION_BYTES, session_bytes
from sim.feed_model import COUNTER_NAMES, FeedConfig

__all__ = ["FeedRegisters", "ALIASES", "type_counter_names"]

#: Counter name -> register names tried in order.
ALIASES = {
    "session": ("session", "session_drops", "bad_session", "session_mismatch"),
    "gaps": ("gaps", "gap_reports"),
    "withdrawn_frames": ("withdrawn_frames", "withdrawn"),
}


def type_counter_names(code: str) -> tuple[str, ...]:
    """Register names tried for one ITCH type's message counter."""
    if code.isupper():
        return (f"msgs_{code.lower()}",)
    return (f"msgs_{code}_lower", f"msgs_lower_{code}")


class FeedRegisters:
    """Addresses of the feed handler's registers in one register map document."""

    def __init__(self, regs: dict):
        self.by_name: dict[str, list[dict]] = {}
        for block in regs["blocks"]:
            if block["name"] == "system":
                continue
            for register in block["registers"]:
                self.by_name.setdefault(register["name"], []).append(register)

    def find(self, *names: str) -> dict:
        for name in names:
            found = self.by_name.get(name, [])
            if len(found) > 1:
                raise KeyError(f"register {name} is in more than one block")
            if found:
                return found[0]
        raise KeyError(f"no register named {' or '.join(names)} in the feed blocks; "
                       f"they hold {sorted(self.by_name)}")

    def _field_value(self, register: dict, **fields: int) -> int:
        by_name = {f["name"]: f for f in register["fields"]}
        value = 0
        for name, field_value in fields.items():
            f = by_name[name]
            value |= (field_value & ((1 << f["width"]) - 1)) << f["offset"]
        return value

    def config_writes(self, config: FeedConfig) -> list[tuple[int, int]]:
        """``(address, value)`` writes that program ``config`` after reset."""
        writes = []
        for index, feed in enumerate(config.feeds):
            group = int(ipaddress.IPv4Address(feed.group))
            port = self.find(f"feed{index}_port")
            writes += [(self.find(f"feed{index}_group")["address"], group),
                       (port["address"], self._field_value(
                           port, port=feed.port, channel=feed.channel,
                           enable=int(feed.enabled)))]
        for number, channel in sorted(config.channels.items()):
            session = session_bytes(channel.session)
            if session is not None:
                writes += self._session_writes(number, session)
            if channel.expected:
                writes += self._expected_writes(number, channel.expected)
        return writes

    def _session_writes(self, number: int, session: bytes) -> list[tuple[int, int]]:
        registers = sorted((r for name, rs in self.by_name.items() for r in rs
                            if name.startswith(f"ch{number}_session") and r["access"] == "rw"),
                           key=lambda r: r["address"])
        if 4 * len(registers) < SESSION_BYTES:
            raise KeyError(f"channel {number}: no RW session registers ch{number}_session*")
        raw = session.ljust(4 * len(registers), b"\0")
        return [(r["address"], int.from_bytes(raw[4 * i:4 * i + 4], "little"))
                for i, r in enumerate(registers)]

    def _expected_writes(self, number: int, expected: int) -> list[tuple[int, int]]:
        control = next((r for rs in self.by_name.values() for r in rs
                        if r["name"].startswith(f"ch{number}_")
                        and any(f["name"] == "set_expected" for f in r["fields"])), None)
        if control is None:
            raise KeyError(f"channel {number}: no register with a set_expected field")
        return [(self.find(f"ch{number}_start_lo")["address"], expected & 0xFFFF_FFFF),
                (self.find(f"ch{number}_start_hi")["address"], expected >> 32),
                (control["address"], self._field_value(control, set_expected=1))]

    def _counter_registers(self) -> list[tuple[str, dict]]:
        table = []
        for name in COUNTER_NAMES:
            if name == "bytes":
                table += [("bytes_lo", self.find("bytes_lo")), ("bytes_hi", self.find("bytes_hi"))]
            else:
                table.append((name, self.find(*ALIASES.get(name, (name,)))))
        for code in MESSAGES:
            table.append((f"type:{code}", self.find(*type_counter_names(code))))
        return table

    def counter_reads(self) -> list[int]:
        """Addresses to read after a run, in a safe order (64-bit low words first)."""
        return [register["address"] for _, register in self._counter_registers()]

    def counters(self, readback: dict[int, tuple[int, int]]) -> tuple[dict, dict]:
        """``(counters, by_type)`` as in :class:`sim.feed_model.FeedResult`."""
        values = {}
        for name, register in self._counter_registers():
            value, resp = readback[register["address"]]
            if resp:
                raise RuntimeError(f"reading {name} at {register['address']:#x}: resp {resp}")
            values[name] = value
        counters = {name: values[name] for name in COUNTER_NAMES if name != "bytes"}
        counters["bytes"] = values["bytes_hi"] << 32 | values["bytes_lo"]
        counters = {name: counters[name] for name in COUNTER_NAMES}
        by_type = {code: values[f"type:{code}"] for code in MESSAGES}
        return counters, by_type
