"""The frame parser's register block: the feed table (subscriptions) and the frame counters.

Feed table: :data:`FEED_ENTRIES` entries, each a pair of RW registers. ``feedN_group`` holds
the IPv4 multicast group as a 32-bit number in network order (233.54.12.1 is 0xE9360C01);
``feedN_port`` holds the destination UDP port, the MoldUDP64 channel the feed belongs to and
an enable bit. A frame matches entry N when the entry is enabled and its group and port equal
the frame's destination address and port; the lowest matching entry wins. The destination
MAC must also be the group's 01:00:5e mapping (RFC 1112), so it is not configured.

Counters (RO, 32-bit, wrapping): every received frame is counted once in ``frames`` and once
under exactly one outcome: ``accepted`` or the first failing drop reason of
:data:`DROP_COUNTERS` (the shared feed contract, rules 1-8). ``bytes_lo``/``bytes_hi`` is a
64-bit count of received bytes (FCS excluded); read ``bytes_lo`` first: it latches the high
word that ``bytes_hi`` then returns, as the system block's cycle counter does. All counters
update a few cycles after a frame's last beat, together.
"""

from __future__ import annotations

from hdl.host_if.regs import Access, BitField, Block, Register

__all__ = ["FRAME_BLOCK", "FRAME_TYPE_ID", "FEED_ENTRIES", "DROP_COUNTERS", "OUTCOMES",
           "PORT_FIELDS", "feed_group_name", "feed_port_name", "feed_port_value"]

#: ASCII "FRMP": the block's TYPE.
FRAME_TYPE_ID = int.from_bytes(b"FRMP", "big")
#: Subscriptions in the feed table (FEED_BITS of hdl.feed.layouts addresses them).
FEED_ENTRIES = 8
#: Drop reasons in contract order: a frame is counted under the first that applies.
DROP_COUNTERS = ("mac_error", "runt", "not_ipv4", "ip_header", "fragment", "not_udp",
                 "unsubscribed", "length")
#: Every per-frame outcome counter; exactly one of them counts each frame.
OUTCOMES = (*DROP_COUNTERS, "accepted")

_DROP_DOCS = {
    "mac_error": "Frames whose last beat carried the MAC error flag (bad FCS, PHY error).",
    "runt": "Frames shorter than 60 bytes (FCS excluded).",
    "not_ipv4": "EtherType, after at most one 802.1Q tag, other than IPv4.",
    "ip_header": "IPv4 version not 4, IHL below 5, or header checksum wrong.",
    "fragment": "IPv4 fragments (MF set or fragment offset not 0).",
    "not_udp": "IPv4 protocol other than UDP.",
    "unsubscribed": "No enabled feed entry matches the destination address, port and MAC.",
    "length": "IPv4/UDP lengths disagree, leave no room for a MoldUDP64 header, or the "
              "frame holds fewer bytes than its IPv4 total length.",
}


def feed_group_name(index: int) -> str:
    """Register name of feed entry ``index``'s multicast group."""
    return f"feed{index}_group"


def feed_port_name(index: int) -> str:
    """Register name of feed entry ``index``'s port, channel and enable."""
    return f"feed{index}_port"


#: Fields of every ``feedN_port`` register.
PORT_FIELDS = (
    BitField("port", 0, 16, 0, "Destination UDP port."),
    BitField("channel", 16, 3, 0, "MoldUDP64 channel whose sequence state this feed shares."),
    BitField("enable", 31, 1, 0, "1: the entry takes part in matching."),
)


def feed_port_value(port: int, channel: int = 0, enable: bool = True) -> int:
    """The ``feedN_port`` word for a subscription, from the declared field positions."""
    values = {"port": port, "channel": channel, "enable": int(enable)}
    word = 0
    for f in PORT_FIELDS:
        if not 0 <= values[f.name] < (1 << f.width):
            raise ValueError(f"{f.name}={values[f.name]} does not fit {f.width} bits")
        word |= values[f.name] << f.offset
    return word


def _feed_registers(index: int) -> tuple[Register, Register]:
    return (
        Register(feed_group_name(index), Access.RW,
                 f"Feed {index}: IPv4 multicast group, network order.", reset=0),
        Register(feed_port_name(index), Access.RW,
                 f"Feed {index}: destination port, channel and enable.", fields=PORT_FIELDS),
    )


FRAME_BLOCK = Block(
    name="frame",
    type_id=FRAME_TYPE_ID,
    version=1,
    doc="Ethernet/802.1Q/IPv4/UDP frame parser of the feed handler: the feed table "
        "(multicast group, port, MoldUDP64 channel per subscription) and one counter per "
        "frame outcome. Every frame counts in frames and in exactly one outcome counter.",
    registers=(
        *(r for index in range(FEED_ENTRIES) for r in _feed_registers(index)),
        Register("frames", Access.RO, "Frames received (every outcome)."),
        Register("bytes_lo", Access.RO, "Bytes received, bits 31..0. Reading it latches "
                 "bits 63..32 into bytes_hi: read bytes_lo first.", latches="bytes_hi"),
        Register("bytes_hi", Access.RO, "Bytes received, bits 63..32 as latched by the "
                 "last read of bytes_lo."),
        *(Register(name, Access.RO, _DROP_DOCS[name]) for name in DROP_COUNTERS),
        Register("accepted", Access.RO, "Frames passing every check, handed to MoldUDP64."),
    ),
)
