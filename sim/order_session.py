"""The card's side of the order-entry TCP session, in readable form, as register words.

:class:`Session` holds what the host hands the card when it gives it the connection: MAC
and IP addresses, ports, TTL, window, the acknowledgement number, the OUCH one-character
fields, the ClOrdID prefix, the Firm appendage and the next sequence number, UserRefNum and
IPv4 identification. :func:`register_values` turns it into the ``order`` block's words
(field positions from :data:`hdl.order.regs.ORDER_BLOCK`); :func:`session_writes` gives
the ``[("order.reg", value), ...]`` list that loads it and enables the session.
"""

from __future__ import annotations

from dataclasses import dataclass

from hdl.order.regs import ORDER_BLOCK
from proto.net import ip_bytes, mac_bytes

__all__ = ["Session", "register_values", "session_writes"]


@dataclass(frozen=True)
class Session:
    dst_mac: str = "02:00:00:00:00:0a"
    src_mac: str = "02:00:00:00:00:0b"
    src_ip: str = "10.0.0.2"
    dst_ip: str = "10.0.0.1"
    src_port: int = 49152
    dst_port: int = 15000
    ttl: int = 64
    window: int = 29200
    ack: int = 0x1234_5678
    time_in_force: str = "3"
    display: str = "Y"
    capacity: str = "P"
    intermarket_sweep: str = "N"
    cross_type: str = "N"
    prefix: str = "TKFG00"
    firm: str = "TKFG"
    seq: int = 0x0102_0304
    user_ref: int = 1
    ip_id: int = 0x4242
    pad_to_verdict: bool = True     # wait for a late verdict in padding, not abort and resend



def _text(raw: str, size: int) -> int:
    return int.from_bytes(raw.encode("ascii").ljust(size, b"\0")[:size], "big")


def _fields(register: str, values: dict[str, int]) -> int:
    reg = next(r for r in ORDER_BLOCK.registers if r.name == register)
    return sum(v << reg.field(name).offset for name, v in values.items())


def register_values(s: Session) -> dict[str, int]:
    """Every RW register's word for session ``s``."""
    dst, src = mac_bytes(s.dst_mac), mac_bytes(s.src_mac)
    chars = {name: ord(getattr(s, name)) for name in
             ("time_in_force", "display", "capacity", "intermarket_sweep")}
    return {
        "control": 0,
        "dst_mac_hi": int.from_bytes(dst[:2], "big"), "dst_mac_lo": int.from_bytes(dst[2:], "big"),
        "src_mac_hi": int.from_bytes(src[:2], "big"), "src_mac_lo": int.from_bytes(src[2:], "big"),
        "src_ip": int.from_bytes(ip_bytes(s.src_ip), "big"),
        "dst_ip": int.from_bytes(ip_bytes(s.dst_ip), "big"),
        "src_port": s.src_port, "dst_port": s.dst_port, "ttl": s.ttl, "window": s.window,
        "ack": s.ack,
        "order_chars_0": _fields("order_chars_0", chars),
        "order_chars_1": _fields("order_chars_1", {"cross_type": ord(s.cross_type)}),
        "cl_ord_prefix_0": _text(s.prefix[:4], 4), "cl_ord_prefix_1": _text(s.prefix[4:], 4),
        "firm": _text(s.firm, 4),
        "seq_load": s.seq, "user_ref_load": s.user_ref, "ip_id_load": s.ip_id,
    }



def session_writes(s: Session, enable: bool = True) -> list[tuple[str, int]]:
    """Load ``s`` (``command.load_session``), then set ``control.session_enable``."""
    values = register_values(s)
    writes = [(f"order.{name}", value) for name, value in values.items()]
    writes.append(("order.command", _fields("command", {"load_session": 1})))
    if enable:
        writes.append(("order.control", _fields("control", {
            "session_enable": 1, "pad_to_verdict": int(s.pad_to_verdict)})))
    return writes
