"""The ``order`` register block: the TCP session's addresses, OUCH order fields and counters.

Using it. With ``control.session_enable`` at 0 (its reset value) the block sends nothing,
empties its queue and the risk gate rejects every order. To open a session the host (which
ran the TCP handshake and the SoupBinTCP login itself):

1. writes the addresses (``dst_mac_*``, ``src_mac_*``, ``src_ip``, ``dst_ip``, ports, TTL,
   window), the OUCH order fields and the ClOrdID prefix, and the Firm;
2. puts the session's next TCP sequence number, next UserRefNum and next IPv4
   identification in ``seq_load``, ``user_ref_load``, ``ip_id_load`` and writes the
   ``load_session`` bit of ``command``;
3. sets ``session_enable``. Orders are accepted a few cycles later, once the checksum
   template has been recomputed from the new values (``status.session_active``).

Everything but ``control`` and ``ack`` must only be written while the session is disabled
and no frame is in flight (``status.in_flight`` 0): the gateware sums the register fields
into its checksum template continuously and does not track changes while enabled. ``ack``
may be written at any time (the host follows the exchange's side of the stream); each frame
takes its value when it starts.

MAC addresses are two words: ``*_mac_hi`` bits 15..0 hold bytes 0 and 1 (byte 0, the first
on the wire, in bits 15..8), ``*_mac_lo`` bytes 2..5 (byte 2 in bits 31..24), so
02:00:00:00:00:0a is ``hi = 0x0200, lo = 0x0000000a``. IPv4 addresses are 32-bit numbers in
network order (10.0.0.1 is 0x0A000001). ASCII registers are big-endian text, byte 0 in bits
31..24, as the book block's ``sub_ticker`` words.

``next_seq`` and ``next_user_ref_num`` are the values the next frame will carry; they
advance (by the SoupBinTCP packet length, and by 1) only when a frame completes. Counters
are 32-bit and wrap.
"""

from __future__ import annotations

from hdl.host_if.regs import Access, BitField, Block, Register, counters, rw_word

__all__ = ["ORDER_TYPE_ID", "ORDER_BLOCK", "COUNTER_NAMES", "text_word"]

#: ASCII "ORDR": the block's TYPE.
ORDER_TYPE_ID = int.from_bytes(b"ORDR", "big")


def text_word(text: str) -> int:
    """A register word holding up to 4 ASCII characters, big-endian, zero filled."""
    raw = text.encode("ascii")
    if len(raw) > 4:
        raise ValueError(f"{text!r} is longer than one register word")
    return int.from_bytes(raw.ljust(4, b"\0"), "big")


def _char(name: str, offset: int, default: str, doc: str) -> BitField:
    return BitField(name, offset, 8, ord(default), doc)


_COUNTERS = {
    "frames_sent": "Enter Order frames completed without the error flag (on the exchange).",
    "aborted_withdrawn": "Frames cut short by a withdraw verdict (error flag; dropped).",
    "aborted_late": "Frames whose verdict was still open at their final beat (error flag; "
                    "the order waits at the head of the queue for its verdict).",
    "flushed": "Legs removed from the queue, or refused on arrival, by kill or a disabled "
               "session.",
    "dropped": "Legs of groups offered with more legs than free entries (the risk gate "
               "checks free, so this stays 0).",
    "cancels_sent": "Cancel Order frames completed (the host's cancels and mass cancels).",
}
COUNTER_NAMES = tuple(_COUNTERS)


ORDER_BLOCK = Block(
    name="order",
    type_id=ORDER_TYPE_ID,
    version=1,
    doc="Order entry: OUCH 5.0 Enter Order frames over the host's SoupBinTCP session "
        "(addresses, ports, order fields, session counters) and their counters.",
    registers=(
        Register("control", Access.RW, "Session control.", fields=(
            BitField("session_enable", 0, 1, 0, "1: orders are accepted and sent."),
            BitField("pad_to_verdict", 1, 1, 1, "A frame still speculative at its last byte "
                     "is padded with zero beats until its verdict (at most MAX_FRAME bytes) "
                     "instead of ending with the error flag."),
        )),
        rw_word("dst_mac_hi", "Destination MAC bytes 0..1 in bits 15..0."),
        rw_word("dst_mac_lo", "Destination MAC bytes 2..5."),
        rw_word("src_mac_hi", "Source MAC bytes 0..1 in bits 15..0."),
        rw_word("src_mac_lo", "Source MAC bytes 2..5."),
        rw_word("src_ip", "Source IPv4 address, network order."),
        rw_word("dst_ip", "Destination IPv4 address, network order."),
        rw_word("src_port", "TCP source port, bits 15..0."),
        rw_word("dst_port", "TCP destination port, bits 15..0."),
        rw_word("ttl", "IPv4 time to live, bits 7..0.", 64),
        rw_word("window", "TCP receive window advertised, bits 15..0.", 0xFFFF),
        rw_word("ack", "TCP acknowledgement number; may change while the session is enabled."),
        Register("order_chars_0", Access.RW, "OUCH Enter Order one-character fields.",
                 fields=(
                     _char("time_in_force", 24, "3", "TimeInForce ('3' immediate or cancel)."),
                     _char("display", 16, "Y", "Display ('Y' visible)."),
                     _char("capacity", 8, "P", "Capacity ('P' principal)."),
                     _char("intermarket_sweep", 0, "N", "InterMarketSweepEligibility."),
                 )),
        Register("order_chars_1", Access.RW, "OUCH Enter Order one-character fields, cont.",
                 fields=(_char("cross_type", 24, "N", "CrossType ('N' continuous market)."),)),
        rw_word("cl_ord_prefix_0", "ClOrdID bytes 0..3 (then 4..5, then the UserRefNum as 8 "
              "upper-case hex digits).", text_word("TKFG")),
        rw_word("cl_ord_prefix_1", "ClOrdID bytes 4..5 in bits 31..16.", text_word("00")),
        rw_word("firm", "Firm appendage value, 4 ASCII bytes.", text_word("TKFG")),
        rw_word("seq_load", "TCP sequence number that load_session sets."),
        rw_word("user_ref_load", "UserRefNum that load_session sets."),
        rw_word("ip_id_load", "IPv4 identification (bits 15..0) that load_session sets."),
        Register("command", Access.W1S, "Commands; write 1 to a bit.", fields=(
            BitField("load_session", 0, 1, 0, "Copy seq_load, user_ref_load and ip_id_load "
                     "into the session (only with the session disabled)."),
        )),
        Register("status", Access.RO, "Session state.", fields=(
            BitField("session_active", 0, 1, 0, "Orders are accepted."),
            BitField("in_flight", 1, 1, 0, "A frame is on the transmit stream."),
        )),
        Register("next_seq", Access.RO, "TCP sequence number of the next frame."),
        Register("next_user_ref_num", Access.RO, "UserRefNum of the next frame."),
        Register("queued", Access.RO, "Orders in the queue now, the one in flight included "
                 "(a gauge)."),
        *counters(_COUNTERS),
    ),
)
