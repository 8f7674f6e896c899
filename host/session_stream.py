"""The exchange's TCP byte stream of the card's order-entry session, from received frames.

:class:`SessionStream` keeps the payload of every intact TCP segment from the exchange to
the card (:class:`SessionAddresses`: the ``order`` block's addresses and ports, seen from
the other end) by sequence number, whatever order the frames came in: retransmissions and
overlaps are merged (an overlap that disagrees is an error: the stream cannot be trusted).
Frames are taken apart with :func:`proto.net_parse.parse_frame`; a frame that is not IPv4
and TCP of the session, has a wrong checksum or is a fragment is skipped and counted
(``foreign``, ``corrupt``). SYN, FIN and RST are remembered: the stream cannot be resumed
past one.

:meth:`SessionStream.read` returns the bytes from a sequence number (the card's
``response.rcv_next``) to the end of what arrived, or raises :class:`StreamIncomplete`
when a hole comes first: bytes that never arrived intact while later ones did (a lost or
corrupted frame, until the exchange retransmits it). :meth:`SessionStream.applied` forgets
what the card applied (its ``APPLIED`` segment records), so the store stays the size of
what the card has not.
"""

from __future__ import annotations

from dataclasses import dataclass

from host.errors import DataError
from proto.net import IPPROTO_TCP, TCP_FLAGS, ip_bytes
from proto.net_parse import parse_frame

__all__ = ["SessionAddresses", "SessionStream", "StreamIncomplete"]

_SEQ_MOD = 1 << 32
_HALF = 1 << 31
_CONTROL = TCP_FLAGS["SYN"] | TCP_FLAGS["FIN"] | TCP_FLAGS["RST"]


class StreamIncomplete(DataError):
    """The stream has a hole (or ends inside a packet) the frames received cannot fill."""


@dataclass(frozen=True)
class SessionAddresses:
    """The session as the card sends it (``order.src_*`` is the card)."""

    card_ip: bytes
    exchange_ip: bytes
    card_port: int
    exchange_port: int

    @classmethod
    def from_card(cls, card) -> SessionAddresses:
        read = card.read
        return cls(read("order.src_ip").to_bytes(4, "big"),
                   read("order.dst_ip").to_bytes(4, "big"),
                   read("order.src_port") & 0xFFFF, read("order.dst_port") & 0xFFFF)

    @classmethod
    def of(cls, session) -> SessionAddresses:
        """From a :class:`sim.order_session.Session`."""
        return cls(ip_bytes(session.src_ip), ip_bytes(session.dst_ip), session.src_port,
                   session.dst_port)


def _ahead(seq: int, base: int) -> int:
    """``seq - base`` in sequence space: negative when ``seq`` is behind ``base``."""
    delta = (seq - base) % _SEQ_MOD
    return delta - _SEQ_MOD if delta >= _HALF else delta


class SessionStream:
    def __init__(self, addresses: SessionAddresses):
        self.addresses = addresses
        self._segments: dict[int, bytes] = {}       # seq -> payload
        self._controls: list[tuple[int, int]] = []  # (seq, flags) of SYN/FIN/RST
        self._base: int | None = None               # everything before it was applied
        self.segments = 0
        self.foreign = 0
        self.corrupt = 0

    def add(self, frames) -> None:
        """Frames (:class:`host.host_rx.RxFrame` or bytes) as the card received them."""
        for frame in frames:
            self._add(getattr(frame, "data", frame))

    def _add(self, data: bytes) -> None:
        a = self.addresses
        try:
            parsed = parse_frame(data)
        except DataError:
            self.corrupt += 1
            return
        ip, tcp = parsed.ipv4, parsed.tcp
        if ip is None or ip["protocol"] != IPPROTO_TCP or ip["src"] != a.exchange_ip or \
                ip["dst"] != a.card_ip:
            self.foreign += 1
            return
        if tcp is None or parsed.is_fragment or not parsed.checksums_ok:
            self.corrupt += 1
            return
        if tcp["src_port"] != a.exchange_port or tcp["dst_port"] != a.card_port:
            self.foreign += 1
            return
        if tcp["flags"] & _CONTROL:
            self._controls.append((tcp["seq"], tcp["flags"] & _CONTROL))
        if parsed.payload and (self._base is None or
                               _ahead(tcp["seq"], self._base) + len(parsed.payload) > 0):
            self.segments += 1
            kept = self._segments.get(tcp["seq"], b"")
            if len(parsed.payload) > len(kept):
                self._segments[tcp["seq"]] = bytes(parsed.payload)

    def applied(self, seq: int, length: int) -> None:
        """The card applied ``length`` bytes from ``seq``: forget everything before their
        end."""
        end = (seq + length) % _SEQ_MOD
        if self._base is None or _ahead(end, self._base) > 0:
            self._base = end
            self._segments = {s: p for s, p in self._segments.items()
                              if _ahead(s, end) + len(p) > 0}

    def read(self, start: int) -> bytes:
        """Every byte from ``start`` on, joined across segments; raises
        :class:`StreamIncomplete` if a later segment lies beyond a hole."""
        out = bytearray()
        for seq, payload in sorted(self._segments.items(), key=lambda i: _ahead(i[0], start)):
            offset = _ahead(seq, start)
            if offset + len(payload) <= 0:
                continue
            if offset > len(out):
                raise StreamIncomplete(
                    f"the session's stream has a hole: bytes {start + len(out) & 0xFFFFFFFF}"
                    f" to {seq - 1 & 0xFFFFFFFF} ({offset - len(out)} bytes) never arrived "
                    f"intact, {self._after(start, offset)} bytes after it did (a lost or "
                    "corrupted frame: wait for the exchange to retransmit it)")
            overlap = out[max(offset, 0):offset + len(payload)]
            if bytes(overlap) != payload[max(-offset, 0):max(-offset, 0) + len(overlap)]:
                raise DataError(f"the session's stream: two segments disagree about the bytes "
                                f"from {start + max(offset, 0) & 0xFFFFFFFF}")
            out += payload[len(out) - offset:]
        for seq, flags in self._controls:
            offset = _ahead(seq, start)
            if 0 <= offset <= len(out):
                names = "/".join(n for n in ("SYN", "FIN", "RST") if flags & TCP_FLAGS[n])
                raise DataError(f"the exchange sent {names} at sequence {seq}: the session "
                                "ended; it cannot be resynchronised")
        return bytes(out)

    def _after(self, start: int, offset: int) -> int:
        return sum(len(p) for s, p in self._segments.items() if _ahead(s, start) >= offset)
