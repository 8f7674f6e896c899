"""The MAC's register block: one read-only counter per kind of frame event.

Every received frame (a start-of-frame delimiter seen) counts once in ``rx_frames`` and, if
it was bad, in each reason that applies (a runt with a bad FCS counts in both). Every frame
the core sent counts once in ``tx_frames``, ``tx_aborted`` or ``tx_underruns``. Counters
are 32-bit and wrap; they count events of the ``eth_rx`` and ``eth_tx`` domains in the
core's domain (:mod:`hdl.eth.event_crossing`), a few cycles after the frame's end.
"""

from __future__ import annotations

from hdl.host_if.regs import Block, counters

__all__ = ["ETH_TYPE_ID", "RX_COUNTERS", "TX_COUNTERS", "COUNTER_NAMES", "eth_block"]

#: ASCII "EMAC": the block's TYPE.
ETH_TYPE_ID = int.from_bytes(b"EMAC", "big")

RX_COUNTERS = {
    "rx_frames": "Frames received (start-of-frame delimiter seen), good or bad.",
    "rx_fcs_errors": "Received frames whose FCS did not match.",
    "rx_phy_errors": "Received frames during which the PHY raised RX_ER.",
    "rx_runts": "Received frames shorter than 64 bytes with their FCS.",
    "rx_oversize": "Received frames longer than the MAC's maximum; cut there, with error.",
    "rx_overflows": "Received frames cut (ended with error) or dropped whole because the "
                    "FIFO to the core was full.",
}
TX_COUNTERS = {
    "tx_frames": "Frames sent whole, with a good FCS.",
    "tx_aborted": "Frames the core aborted (error on the last beat): sent with TX_ER and "
                  "an inverted FCS.",
    "tx_underruns": "Frames cut with TX_ER because the next beat was not there in time.",
}
COUNTER_NAMES = (*RX_COUNTERS, *TX_COUNTERS)


def eth_block(name: str = "eth") -> Block:
    """The block, named ``name`` (a card with two ports has two)."""
    return Block(
        name=name,
        type_id=ETH_TYPE_ID,
        version=1,
        doc="Gigabit Ethernet MAC (RGMII): frame counters of the receive and transmit "
            "sides, counted in the core's clock domain.",
        registers=tuple(counters({**RX_COUNTERS, **TX_COUNTERS})),
    )
