"""The response path's accounting on fixed-width registers: one order, its slot, the card.

The rules are those of :mod:`hdl.response.layouts` ("Accounting"), with every register at
its width in :data:`~hdl.response.layouts.SLOT_LEDGER_LAYOUT` and
:data:`~hdl.response.layouts.CARD_LEDGER_LAYOUT`: ``position`` wraps as a signed 32-bit
register, ``closed_buy``/``closed_sell``/``mark`` as unsigned 32, ``cash``/``pnl`` as signed
64, ``released``/``position_value`` as unsigned 64. Every formula reads the *stored* (already
wrapped) values, as the gateware does, and each result is wrapped before it is stored; since
wrapping commutes with ``+``, ``-`` and ``*``, any adder or multiplier width of at least the
register's gives the same bits.

Values are frozen: each function returns new ones, so a caller can roll a segment back by
dropping what it has not committed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hdl.response.layouts import OrderState

__all__ = ["OrderEntry", "SlotLedger", "CardLedger", "execute", "close", "wrap_signed",
           "wrap_unsigned"]


def wrap_unsigned(value: int, bits: int) -> int:
    return value & ((1 << bits) - 1)


def wrap_signed(value: int, bits: int) -> int:
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


@dataclass(frozen=True)
class OrderEntry:
    """One open-order table entry; ``FREE`` until an order frame fills it."""

    user_ref_num: int = 0
    slot: int = 0
    sell: bool = False
    price: int = 0
    shares: int = 0
    remaining: int = 0
    state: OrderState = OrderState.FREE

    @property
    def busy(self) -> bool:
        """An order the exchange may still answer about (``SENT`` or ``LIVE``)."""
        return self.state in (OrderState.SENT, OrderState.LIVE)


@dataclass(frozen=True)
class SlotLedger:
    position: int = 0          # signed 32
    closed_buy: int = 0        # unsigned 32
    closed_sell: int = 0       # unsigned 32
    cash: int = 0              # signed 64
    mark: int = 0              # unsigned 32: the last execution price


@dataclass(frozen=True)
class CardLedger:
    pnl: int = 0               # signed 64
    released: int = 0          # unsigned 64
    position_value: int = 0    # unsigned 64


def _closed(order: OrderEntry, slot: SlotLedger, quantity: int) -> tuple[OrderEntry,
                                                                           SlotLedger]:
    """``closed_<side> += q`` and ``remaining -= q``; ``DEAD`` at 0 remaining."""
    remaining = order.remaining - quantity
    state = OrderState.DEAD if remaining == 0 else order.state
    order = replace(order, remaining=remaining, state=state)
    if order.sell:
        slot = replace(slot, closed_sell=wrap_unsigned(slot.closed_sell + quantity, 32))
    else:
        slot = replace(slot, closed_buy=wrap_unsigned(slot.closed_buy + quantity, 32))
    return order, slot


def execute(order: OrderEntry, slot: SlotLedger, card: CardLedger, quantity: int,
            price: int) -> tuple[OrderEntry, SlotLedger, CardLedger]:
    """``quantity`` of ``order`` executed at ``price`` (the caller checked both)."""
    sign = -1 if order.sell else 1
    position = wrap_signed(slot.position + sign * quantity, 32)
    cash = wrap_signed(slot.cash - sign * quantity * price, 64)
    pnl = wrap_signed(card.pnl + (cash + position * price) - (slot.cash + slot.position
                                                               * slot.mark), 64)
    position_value = wrap_unsigned(card.position_value + abs(position) * price
                                   - abs(slot.position) * slot.mark, 64)
    released = wrap_unsigned(card.released + quantity * order.price, 64)
    order, slot = _closed(order, replace(slot, position=position, cash=cash, mark=price),
                          quantity)
    return order, slot, CardLedger(pnl, released, position_value)


def close(order: OrderEntry, slot: SlotLedger, card: CardLedger,
          quantity: int) -> tuple[OrderEntry, SlotLedger, CardLedger]:
    """``quantity`` of ``order`` cancelled or rejected: its notional is released."""
    released = wrap_unsigned(card.released + quantity * order.price, 64)
    order, slot = _closed(order, slot, quantity)
    return order, slot, replace(card, released=released)
