"""Classic libpcap files: write frames for Wireshark/scapy, read captures back.

Both flavours are supported: magic 0xa1b2c3d4 (microsecond timestamps) and 0xa1b23c4d
(nanosecond timestamps), in either byte order on reading. Files are written little-endian,
as libpcap does on the machines that write most captures, with LINKTYPE_ETHERNET (1) and
frames without FCS.

The headers are field tables like every other format; :class:`proto.layout.Layout` is
big-endian, so :func:`_pack_le`/:func:`_unpack_le` reuse its field table with the byte
order swapped.

Reference: "PCAP Capture File Format", draft-ietf-opsawg-pcap (and the libpcap man page
pcap-savefile(5)).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from host.errors import DataError
from proto.layout import Layout

MAGIC_USEC = 0xA1B2C3D4
MAGIC_NSEC = 0xA1B23C4D
LINKTYPE_ETHERNET = 1

FILE_HEADER = Layout.sequential("pcap file header", [
    ("magic", 4, "uint", "0xa1b2c3d4 microseconds, 0xa1b23c4d nanoseconds"),
    ("version_major", 2, "uint", "2"),
    ("version_minor", 2, "uint", "4"),
    ("thiszone", 4, "int", "GMT offset, always 0"),
    ("sigfigs", 4, "uint", "timestamp accuracy, always 0"),
    ("snaplen", 4, "uint", "largest stored frame"),
    ("linktype", 4, "uint", "1 Ethernet"),
])

RECORD_HEADER = Layout.sequential("pcap record header", [
    ("ts_sec", 4, "uint", "seconds since the epoch"),
    ("ts_frac", 4, "uint", "microseconds or nanoseconds, by the file magic"),
    ("incl_len", 4, "uint", "bytes stored"),
    ("orig_len", 4, "uint", "bytes on the wire"),
])


@dataclass(frozen=True)
class PcapRecord:
    """One captured frame."""

    timestamp_ns: int
    data: bytes
    orig_len: int


def _pack_le(layout: Layout, **values) -> bytes:
    return b"".join(f.encode(values.get(f.name, 0))[::-1] for f in layout.fields)


def _unpack_le(layout: Layout, raw: bytes, offset: int = 0) -> dict:
    swapped = b"".join(raw[offset + f.offset:offset + f.end][::-1] for f in layout.fields)
    return layout.unpack(swapped)


def write_pcap(path: str | Path, frames: Iterable, *, nanosecond: bool = True,
               snaplen: int = 65535) -> int:
    """Write ``frames`` and return how many were written.

    Each frame is either an object with ``data`` and ``timestamp_ns`` (a
    :class:`sim.packetise.Frame`) or a ``(timestamp_ns, bytes)`` pair. Frames longer than
    ``snaplen`` are cut, with their full length kept in ``orig_len``.
    """
    divisor = 1 if nanosecond else 1000
    count = 0
    with open(path, "wb") as out:
        out.write(_pack_le(FILE_HEADER, magic=MAGIC_NSEC if nanosecond else MAGIC_USEC,
                           version_major=2, version_minor=4, snaplen=snaplen,
                           linktype=LINKTYPE_ETHERNET))
        for frame in frames:
            stamp, data = (frame if isinstance(frame, tuple)
                           else (frame.timestamp_ns, frame.data))
            data = bytes(data)
            seconds, fraction = divmod(int(stamp), 1_000_000_000)
            stored = data[:snaplen]
            out.write(_pack_le(RECORD_HEADER, ts_sec=seconds, ts_frac=fraction // divisor,
                               incl_len=len(stored), orig_len=len(data)))
            out.write(stored)
            count += 1
    return count


def read_pcap(path: str | Path) -> list[PcapRecord]:
    """Read a classic pcap file of Ethernet frames.

    Raises :class:`DataError` (with the byte offset) for a missing file, an unknown magic,
    a link type other than Ethernet, or a truncated record.
    """
    try:
        raw = Path(path).read_bytes()
    except OSError as err:
        raise DataError(f"cannot read {path}: {err.strerror}") from None
    if len(raw) < FILE_HEADER.size:
        raise DataError(f"{path}: byte 0: {len(raw)} bytes is too short for a pcap header")
    magic_le = int.from_bytes(raw[:4], "little")
    magic_be = int.from_bytes(raw[:4], "big")
    if magic_le in (MAGIC_USEC, MAGIC_NSEC):
        unpack, magic = _unpack_le, magic_le
    elif magic_be in (MAGIC_USEC, MAGIC_NSEC):
        unpack, magic = (lambda layout, buf, at=0: layout.unpack(buf, at)), magic_be
    else:
        raise DataError(f"{path}: byte 0: not a classic pcap file (magic {raw[:4].hex()})")
    header = unpack(FILE_HEADER, raw)
    if header["linktype"] != LINKTYPE_ETHERNET:
        raise DataError(f"{path}: byte 20: link type {header['linktype']}, only Ethernet "
                        f"({LINKTYPE_ETHERNET}) is supported")
    scale = 1 if magic == MAGIC_NSEC else 1000
    records, at = [], FILE_HEADER.size
    while at < len(raw):
        if at + RECORD_HEADER.size > len(raw):
            raise DataError(f"{path}: byte {at}: record header truncated")
        record = unpack(RECORD_HEADER, raw, at)
        start = at + RECORD_HEADER.size
        end = start + record["incl_len"]
        if end > len(raw):
            raise DataError(f"{path}: byte {at}: record of {record['incl_len']} bytes, "
                            f"only {len(raw) - start} remain")
        stamp = record["ts_sec"] * 1_000_000_000 + record["ts_frac"] * scale
        records.append(PcapRecord(stamp, raw[start:end], record["orig_len"]))
        at = end
    return records
