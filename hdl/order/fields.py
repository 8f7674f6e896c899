"""What each slot of the order frame (:mod:`hdl.order.frame`) holds, as gateware values.

:func:`register_fields` reads the ``order`` register block (:mod:`hdl.order.regs`) and
:func:`order_fields` one order in flight (:data:`FLIGHT_LAYOUT`). Both return
``{slot name: Value}`` for the Enter Order frame; :func:`cancel_fields` the values of a
Cancel Order frame (:data:`hdl.order.frame.CANCEL`). A :class:`hdl.order.frame.FrameMap`
places the values on the wire.
"""

from __future__ import annotations

from amaranth import C, Cat, Mux, Value
from amaranth.lib import data

from hdl.order.frame import (
    CANCEL,
    CL_ORD_DIGITS,
    CL_ORD_PREFIX_BYTES,
    ORDER_SLOTS,
    REGISTER_SLOTS,
)
from hdl.order.queue import ENTRY_LAYOUT
from hdl.strategy.layouts import TIME_BITS

__all__ = ["FLIGHT_LAYOUT", "register_fields", "order_fields", "cancel_fields", "hex_digits"]

#: The frame in flight: its queue entry and the session values it was started with. A
#: Cancel Order (``cancel``) carries the order's UserRefNum and, in ``order.shares``, the
#: shares to leave on it.
FLIGHT_LAYOUT = data.StructLayout({
    "order": ENTRY_LAYOUT,
    "cancel": 1,
    "user_ref_num": 32,
    "seq": 32,
    "ack": 32,
    "ip_id": 16,
    "time": TIME_BITS,           # `now` when its first beat was first presented
})


def _mac(hi, lo) -> Value:
    return Cat(lo, hi[:16])


def register_fields(regs) -> dict[str, Value]:
    """Slot values from the register block (``regs``: the block's members as the logic
    sees them)."""
    chars_0, chars_1 = regs.order_chars_0, regs.order_chars_1
    prefix = Cat(regs.cl_ord_prefix_1[32 - 8 * (CL_ORD_PREFIX_BYTES - 4):],
                 regs.cl_ord_prefix_0)
    values = {
        "dst_mac": _mac(regs.dst_mac_hi, regs.dst_mac_lo),
        "src_mac": _mac(regs.src_mac_hi, regs.src_mac_lo),
        "ttl": regs.ttl[:8],
        "src_ip": regs.src_ip,
        "dst_ip": regs.dst_ip,
        "src_port": regs.src_port[:16],
        "dst_port": regs.dst_port[:16],
        "window": regs.window[:16],
        "time_in_force": chars_0.time_in_force,
        "display": chars_0.display,
        "capacity": chars_0.capacity,
        "intermarket_sweep": chars_0.intermarket_sweep,
        "cross_type": chars_1.cross_type,
        "cl_ord_prefix": prefix,
        "firm": regs.firm,
    }
    assert values.keys() == REGISTER_SLOTS.keys()
    return values


def hex_digits(value: Value, digits: int) -> Value:
    """``value`` as upper-case ASCII hex digits, the most significant first on the wire
    (so the last digit is in the value's least significant byte)."""
    nibbles = [value[4 * i:4 * i + 4] for i in range(digits)]
    chars = [Mux(n < 10, ord("0") + n, ord("A") - 10 + n) for n in nibbles]
    return Cat(*(Cat(char, C(0, 8 - len(char))) for char in chars))


def order_fields(flight) -> dict[str, Value]:
    """Slot values of the order in flight (a :data:`FLIGHT_LAYOUT` view)."""
    order = flight.order
    values = {
        "ip_id": flight.ip_id,
        "seq": flight.seq,
        "ack": flight.ack,
        "user_ref_num": flight.user_ref_num,
        "side": Mux(order.sell, ord("S"), ord("B")),
        "quantity": order.shares,
        "symbol": order.symbol,
        "price": order.price,            # unsigned: zero-extended into the signed price8
        "cl_ord_digits": hex_digits(flight.user_ref_num, CL_ORD_DIGITS),
    }
    assert values.keys() == ORDER_SLOTS.keys()
    return values


def cancel_fields(regs, flight) -> dict[str, Value]:
    """Slot values of a Cancel Order frame: the header registers and the frame in flight."""
    registers = register_fields(regs)
    values = {name: registers[name] for name in CANCEL.register_slots}
    values.update({"ip_id": flight.ip_id, "seq": flight.seq, "ack": flight.ack,
                   "user_ref_num": flight.user_ref_num, "quantity": flight.order.shares})
    assert values.keys() == {**CANCEL.register_slots, **CANCEL.order_slots}.keys()
    return values
