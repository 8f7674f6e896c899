"""Frames the exchange sends the card: OUCH outbound messages in SoupBinTCP, in TCP segments.

The message helpers return one SoupBinTCP packet each (``S`` around an OUCH 5.0 outbound
message from :mod:`proto.ouch`, or ``H``/``+``); concatenate them for a segment's payload.
:class:`ExchangeStream` keeps the exchange's next TCP sequence number and wraps a payload in
a whole Ethernet frame from the exchange to the card of a :class:`~sim.order_session.Session`
(the card is ``src_*``, the exchange ``dst_*``): Ethernet destination the card's
``src_mac``, source the exchange's ``dst_mac``; IPv4 with DF set and a right checksum; TCP
with a right checksum; no FCS; padded to 60 bytes. Damaged and foreign frames are in
:mod:`sim.response_impairments`.
"""

from __future__ import annotations

from proto import ouch, soupbintcp
from proto.net import (
    ETHERTYPE_IPV4,
    IPPROTO_TCP,
    TCP_FLAGS,
    build_ethernet,
    build_ipv4,
    build_tcp,
)
from sim.order_session import Session

__all__ = ["ACK", "PSH", "FIN", "SYN", "RST", "sequenced", "accepted", "executed",
           "canceled", "rejected", "system_event", "heartbeat", "debug", "timestamp_option",
           "exchange_frame", "ExchangeStream"]

ACK, PSH, FIN, SYN, RST = (TCP_FLAGS[name] for name in ("ACK", "PSH", "FIN", "SYN", "RST"))
_SEQ_MOD = 1 << 32


def _text(value: str | bytes) -> str:
    return value.decode("ascii") if isinstance(value, bytes | bytearray) else value


# --- SoupBinTCP packets ---------------------------------------------------------------------

def sequenced(message: bytes) -> bytes:
    """A Sequenced Data (``S``) packet around any bytes (a message, or a broken one)."""
    return soupbintcp.encode("S", bytes(message))


def accepted(user_ref_num: int, side: str | bytes, quantity: int, symbol: str | bytes,
             price: int, order_ref_num: int = 0, appendage=b"", *, timestamp: int = 0,
             cl_ord_id: str = "") -> bytes:
    """Order Accepted (``A``): live, day, visible, principal."""
    return sequenced(ouch.encode(
        ouch.ORDER_ACCEPTED, options=appendage, timestamp=timestamp,
        user_ref_num=user_ref_num, side=_text(side), quantity=quantity,
        symbol=_text(symbol), price=price, time_in_force="0", display="Y",
        order_ref_num=order_ref_num, capacity="P", intermarket_sweep="N", cross_type="N",
        order_state="L", cl_ord_id=cl_ord_id))


def executed(user_ref_num: int, quantity: int, price: int, match_number: int,
             liquidity: str | bytes = b"A", appendage=b"", *, timestamp: int = 0) -> bytes:
    """Order Executed (``E``); ``price`` may be any 8-byte value (out of range on purpose)."""
    return sequenced(ouch.encode(
        ouch.ORDER_EXECUTED, options=appendage, timestamp=timestamp,
        user_ref_num=user_ref_num, quantity=quantity, price=price,
        liquidity_flag=_text(liquidity), match_number=match_number))


def canceled(user_ref_num: int, quantity: int, reason: str | bytes = b"U", *,
             timestamp: int = 0) -> bytes:
    """Order Canceled (``C``): ``quantity`` is the decrement."""
    return sequenced(ouch.encode(ouch.ORDER_CANCELED, timestamp=timestamp,
                                 user_ref_num=user_ref_num, quantity=quantity,
                                 reason=_text(reason)))


def rejected(user_ref_num: int, reason: int = 1, *, timestamp: int = 0,
             cl_ord_id: str = "") -> bytes:
    """Order Rejected (``J``) with a 2-byte reason code."""
    return sequenced(ouch.encode(ouch.ORDER_REJECTED, timestamp=timestamp,
                                 user_ref_num=user_ref_num, reason=reason,
                                 cl_ord_id=cl_ord_id))


def system_event(code: str | bytes, *, timestamp: int = 0) -> bytes:
    """System Event (``S``): ``S`` start of day, ``E`` end of day, ..."""
    return sequenced(ouch.encode(ouch.SYSTEM_EVENT, timestamp=timestamp,
                                 event_code=_text(code)))


def heartbeat() -> bytes:
    """Server Heartbeat (``H``, length 1)."""
    return soupbintcp.encode("H")


def debug(text: str | bytes) -> bytes:
    """Debug (``+``) packet with free text."""
    return soupbintcp.encode("+", text.encode("ascii") if isinstance(text, str) else text)


def timestamp_option(value: int = 0, echo: int = 0) -> bytes:
    """12 bytes of TCP options: NOP, NOP, Timestamps (RFC 7323), as Linux sends them."""
    return bytes((1, 1, 8, 10)) + value.to_bytes(4, "big") + echo.to_bytes(4, "big")


# --- TCP segments in frames -----------------------------------------------------------------

def exchange_frame(session: Session, payload: bytes, *, seq: int, ack: int = 0,
                   flags: int = ACK | PSH, options: bytes = b"", vlan: int | None = None,
                   ip_options: bytes = b"", identification: int = 0, window: int = 65535,
                   more_fragments: bool = False, fragment_offset: int = 0) -> bytes:
    """One Ethernet frame carrying a TCP segment from the exchange to the card."""
    segment = build_tcp(session.dst_ip, session.src_ip, session.dst_port, session.src_port,
                        payload, seq=seq % _SEQ_MOD, ack=ack, flags=flags, window=window,
                        options=options)
    packet = build_ipv4(session.dst_ip, session.src_ip, IPPROTO_TCP, segment,
                        identification=identification, options=ip_options,
                        dont_fragment=True, more_fragments=more_fragments,
                        fragment_offset=fragment_offset)
    return build_ethernet(session.src_mac, session.dst_mac, ETHERTYPE_IPV4, packet, vlan=vlan)


class ExchangeStream:
    """The exchange's side of the TCP stream to the card: next sequence number, IPv4 id.

    ``ack`` is what the exchange acknowledges (the card's sequence number; the response
    path does not look at it).
    """

    def __init__(self, session: Session, seq: int, *, ack: int | None = None,
                 identification: int = 0x6000):
        self.session = session
        self.seq = seq % _SEQ_MOD
        self.ack = session.seq if ack is None else ack
        self.identification = identification

    def segment(self, payload_packets: bytes = b"", *, flags: int = ACK | PSH,
                options: bytes = b"", vlan: int | None = None, advance: bool = True,
                seq: int | None = None, ip_options: bytes = b"") -> bytes:
        """A frame with ``payload_packets`` at the stream's sequence number (or ``seq``,
        which never advances the stream); the stream then moves past the payload when
        ``advance``."""
        at = self.seq if seq is None else seq
        frame = exchange_frame(self.session, payload_packets, seq=at, ack=self.ack,
                               flags=flags, options=options, vlan=vlan,
                               ip_options=ip_options, identification=self.identification)
        self.identification = (self.identification + 1) & 0xFFFF
        if advance and seq is None:
            self.seq = (self.seq + len(payload_packets)) % _SEQ_MOD
        return frame
