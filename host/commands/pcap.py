"""`tickforge pcap`: turn an ITCH daily file into a MoldUDP64 multicast capture.

The capture is what a NASDAQ TotalView feed handler would see on the wire: every ITCH
message, in order, inside MoldUDP64 packets in UDP datagrams to the feed's multicast group,
optionally on both the A and B lines and tagged with a VLAN. Open it in Wireshark, replay
it with tcpreplay, or feed it to the gateware testbenches.
"""

from __future__ import annotations

import argparse
import ipaddress
from pathlib import Path

from host.errors import DataError, UserError
from proto import moldudp64
from sim.packetise import DEFAULT_FEEDS, DEFAULT_MAX_PAYLOAD, Feed, group_messages, packetise
from sim.pcap import write_pcap

#: Each pcap record stores the ITCH time since midnight; this puts it on 2010-12-24 UTC by
#: default so tools show a plausible date rather than 1970.
DEFAULT_DATE_NS = 1_293_148_800 * 1_000_000_000
#: UDP payload bytes a packet with one message needs beyond the message itself.
_OVERHEAD = moldudp64.HEADER.size + moldudp64.BLOCK.size


def register(sub) -> None:
    p = sub.add_parser(
        "pcap", help="write an ITCH day as a MoldUDP64/UDP multicast capture (.pcap)",
        description=__doc__.split("\n\n")[1],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("file", type=Path, help="ITCH 5.0 daily file (length-prefixed, may be .gz)")
    p.add_argument("--out", "-o", type=Path, required=True, help="pcap file to write")
    p.add_argument("--feeds", default="A",
                   help="comma-separated lines to send every packet on: A, B or A,B")
    p.add_argument("--group", action="append", metavar="ADDR:PORT", default=None,
                   help="multicast group and UDP port, once per feed in --feeds order "
                        f"(default A {DEFAULT_FEEDS[0].group}:{DEFAULT_FEEDS[0].port}, "
                        f"B {DEFAULT_FEEDS[1].group}:{DEFAULT_FEEDS[1].port})")
    p.add_argument("--vlan", type=int, metavar="VID", help="tag every frame with this VLAN id")
    p.add_argument("--session", default="TICKFORGE", help="MoldUDP64 session (<= 10 chars)")
    p.add_argument("--first-seq", type=int, default=1, help="sequence number of message 1")
    p.add_argument("--payload-limit", type=int, default=DEFAULT_MAX_PAYLOAD, metavar="BYTES",
                   help="largest UDP payload (MoldUDP64 header + blocks)")
    p.add_argument("--max-messages", type=int, metavar="N",
                   help="most messages per packet (default: as many as fit)")
    p.add_argument("--heartbeat-every", type=int, default=0, metavar="N",
                   help="send a heartbeat after every N data packets (0: none)")
    p.add_argument("--limit-messages", type=int, metavar="N",
                   help="only the first N messages of the day")
    p.add_argument("--no-end-of-session", action="store_true",
                   help="do not close the stream with an end-of-session packet")
    p.add_argument("--microsecond", action="store_true",
                   help="write a microsecond pcap (magic a1b2c3d4) instead of nanosecond")
    p.set_defaults(func=run)


def parse_group(text: str) -> tuple[str, int]:
    """``"233.54.12.1:26477"`` to ``("233.54.12.1", 26477)``; :class:`UserError` if bad."""
    address, sep, port = text.rpartition(":")
    try:
        if not sep:
            raise ValueError
        group = ipaddress.IPv4Address(address)
        port_number = int(port)
    except ValueError:
        raise UserError(f"--group {text!r}: expected ADDR:PORT, e.g. 233.54.12.1:26477") \
            from None
    if not group.is_multicast:
        raise UserError(f"--group {text!r}: {address} is not a multicast address "
                        "(224.0.0.0/4)")
    if not 0 < port_number < 65536:
        raise UserError(f"--group {text!r}: port {port_number} outside 1..65535")
    return str(group), port_number


def build_feeds(names: str, groups: list[str] | None) -> list[Feed]:
    defaults = {feed.name: feed for feed in DEFAULT_FEEDS}
    wanted = [name.strip().upper() for name in names.split(",") if name.strip()]
    if not wanted or any(name not in defaults for name in wanted) or \
            len(set(wanted)) != len(wanted):
        raise UserError(f"--feeds {names!r}: give A, B or A,B")
    if groups is not None and len(groups) != len(wanted):
        raise UserError(f"--group given {len(groups)} times for {len(wanted)} feed(s); "
                        "give one per feed, in --feeds order")
    feeds = []
    for index, name in enumerate(wanted):
        feed = defaults[name]
        if groups is not None:
            group, port = parse_group(groups[index])
            feed = Feed(name, group, port, feed.src_mac, feed.src_ip, port)
        feeds.append(feed)
    return feeds


def _check(args) -> None:
    if args.vlan is not None and not 0 < args.vlan < 4095:
        raise UserError(f"--vlan {args.vlan}: VLAN ids run from 1 to 4094")
    if len(args.session.encode("ascii", "replace")) > 10:
        raise UserError(f"--session {args.session!r}: at most 10 characters")
    if not 0 <= args.first_seq < 1 << 64:
        raise UserError(f"--first-seq {args.first_seq}: must fit 64 bits")
    for name in ("max_messages", "limit_messages"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise UserError(f"--{name.replace('_', '-')} {value}: must be at least 1")
    if args.heartbeat_every < 0:
        raise UserError(f"--heartbeat-every {args.heartbeat_every}: must be 0 or more")
    if args.payload_limit > 65507:
        raise UserError(f"--payload-limit {args.payload_limit}: UDP over IPv4 carries at "
                        "most 65507 bytes")


def run(args) -> int:
    from sim.itch_file import read_day

    _check(args)
    feeds = build_feeds(args.feeds, args.group)
    if not args.file.is_file():
        raise DataError(f"{args.file}: no such file")
    day = read_day(args.file)
    count = len(day) if args.limit_messages is None else min(len(day), args.limit_messages)
    buf = day.buf.tobytes()
    messages = [buf[o:o + n] for o, n in zip(day.offsets[:count].tolist(),
                                              day.lengths[:count].tolist(), strict=True)]
    try:
        group_messages(messages, args.payload_limit, args.max_messages)
    except ValueError as err:
        raise UserError(f"--payload-limit {args.payload_limit}: {err}; the largest message "
                        f"needs {_OVERHEAD + max(map(len, messages))} bytes") from None
    frames = packetise(messages, session=args.session, first_seq=args.first_seq, feeds=feeds,
                       max_payload=args.payload_limit, max_messages=args.max_messages,
                       heartbeat_every=args.heartbeat_every or None,
                       end_of_session=not args.no_end_of_session, vlan=args.vlan,
                       start_ns=DEFAULT_DATE_NS)
    try:
        written = write_pcap(args.out, frames, nanosecond=not args.microsecond)
    except OSError as err:
        raise UserError(f"cannot write {args.out}: {err.strerror}") from None
    data_packets = sum(1 for f in frames if f.kind == "data") // len(feeds)
    print(f"{args.out}: {written} frames, {count} messages in {data_packets} packets "
          f"per feed, feeds {','.join(f.name for f in feeds)}")
    return 0
