"""A whole NASDAQ ITCH 5.0 day in memory, decoded per message type with numpy.

After the one sequential step (the split, :mod:`sim.itch_frame`), every message of one
type is gathered at once: a zero-copy view of the file as overlapping opaque records of
the type's size is fancy-indexed at the type's offsets (one memcpy per record) and the
result is viewed as the type's ``Layout.numpy_dtype()``. Nothing loops over messages in
Python.

Example
-------
>>> day = read_day("data/itch/ritch_20101224.itch50")
>>> idx, adds = day.decode("A")       # every Add Order, as a structured array
>>> events = day.events()             # one proto.itch_event.EVENT_DTYPE row per message
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from proto.itch import MESSAGES
from proto.itch_event import EVENT_DTYPE, EVENT_SOURCES
from proto.layout import LayoutError, uint_from_bytes_be
from sim.itch_counts import day_counts
from sim.itch_frame import SIZE_BY_TYPE, load_bytes, split_frames

__all__ = ["ItchDay", "read_day"]

_TIMESTAMP_MASK = np.uint64((1 << 48) - 1)


#: Q carries 8-byte shares; the event's 4-byte column saturates rather than wrapping.
_SHARES_MAX = np.iinfo(EVENT_DTYPE["shares"]).max


def read_day(path: str | Path) -> ItchDay:
    """Read a daily file (plain or gzip, told apart by magic bytes) and split it.

    Raises
    ------
    host.errors.DataError
        Missing file, truncation, zero length or a message shorter than its layout; the
        message names the file and the byte offset.
    """
    return ItchDay.from_bytes(load_bytes(path), name=str(path))


def strip_spaces(column: np.ndarray) -> np.ndarray:
    """Alpha fields are space-padded on the wire; strip the padding like ``Field.decode``."""
    return np.strings.rstrip(column, b" ")


class ItchDay:
    """The messages of one daily file, split but not yet decoded.

    Attributes
    ----------
    buf : numpy.ndarray of uint8
        The whole (uncompressed) file.
    offsets : numpy.ndarray of int64
        Byte offset in ``buf`` of each message body (its type byte).
    lengths : numpy.ndarray of int64
        Body length of each message, from its length prefix.
    types : numpy.ndarray of uint8
        ASCII type code of each message.
    unknown : dict of str to int
        Messages whose type is not ITCH 5.0, counted by type byte. They keep their place
        (message *i* is the *i*-th message of the file) but nothing decodes them.
    name : str
        The file name, for messages.
    """

    def __init__(self, buf: np.ndarray, offsets, lengths, types, unknown=None, name="<bytes>"):
        self.buf = buf
        self.offsets = offsets
        self.lengths = lengths
        self.types = types
        self.unknown = dict(unknown or {})
        self.name = name
        self._by_type = None

    @classmethod
    def from_bytes(cls, buf: bytes, name: str = "<bytes>") -> ItchDay:
        """Split an in-memory daily file; errors as :func:`read_day`."""
        buf = bytes(buf)
        data = np.frombuffer(buf, dtype=np.uint8)
        offsets, lengths, types, unknown = split_frames(buf, data, name)
        return cls(data, offsets, lengths, types, unknown, name)

    def __len__(self) -> int:
        return len(self.offsets)

    def indices(self, code: str) -> np.ndarray:
        """Positions (into ``offsets``) of every message of one type, in file order."""
        if self._by_type is None:
            # One stable sort instead of 22 scans of the whole type column.
            order = np.argsort(self.types, kind="stable")
            bounds = np.searchsorted(self.types[order], np.arange(257))
            self._by_type = (order, bounds)
        order, bounds = self._by_type
        c = ord(code)
        return order[bounds[c]:bounds[c + 1]]

    def records(self, code: str) -> tuple[np.ndarray, np.ndarray]:
        """Wire-format records of one type: ``Layout.numpy_dtype()``, big-endian, padded.

        Returns
        -------
        indices : numpy.ndarray of int64
        records : numpy.ndarray with the layout's dtype
        """
        layout = _layout(code)
        idx = self.indices(code)
        windows = _byte_windows(self.buf, layout.size)
        return idx, windows[self.offsets[idx]].view(layout.numpy_dtype())

    def decode(self, code: str) -> tuple[np.ndarray, np.ndarray]:
        """Every message of one type, decoded at once.

        Returns
        -------
        indices : numpy.ndarray of int64
            Position of each message in the day (into ``offsets``).
        messages : numpy.ndarray
            Structured array, one field per layout field: integers in native byte order,
            ``timestamp`` as uint64, alpha fields as bytes with the space padding stripped.
        """
        idx, raw = self.records(code)
        out_fields = []
        for name in raw.dtype.names:
            sub = raw.dtype[name]
            if sub.subdtype is not None:
                out_fields.append((name, "u8"))
            elif sub.kind == "S":
                out_fields.append((name, sub))
            else:
                out_fields.append((name, sub.newbyteorder("=")))
        out = np.empty(len(idx), dtype=out_fields)
        for name, _ in out_fields:
            column = raw[name]
            if column.ndim == 2:                  # 6-byte integers (the timestamp)
                column = uint_from_bytes_be(column)
            elif column.dtype.kind == "S" and column.dtype.itemsize > 1:
                column = strip_spaces(column)
            out[name] = column
        return idx, out

    def events(self) -> np.ndarray:
        """One ``EVENT_DTYPE`` row per message, in file order (see ``proto/itch_event.py``)."""
        out = np.zeros(len(self), dtype=EVENT_DTYPE)
        out["type"] = self.types
        # The common header is only defined for known types (an unknown one may be shorter).
        known = slice(None) if not self.unknown else SIZE_BY_TYPE[self.types] != 0
        starts = self.offsets[known]
        out["locate"][known] = self._gather(">u2", starts + 1)
        # Bytes 3..10, tracking number then timestamp, as one big-endian word.
        word = self._gather(">u8", starts + 3).astype(np.uint64)
        out["tracking"][known] = word >> np.uint64(48)
        out["timestamp"][known] = word & _TIMESTAMP_MASK
        for code, mapping in EVENT_SOURCES.items():
            idx, raw = self.records(code)
            if len(idx) == 0:
                continue
            for column, field in mapping.items():
                values = raw[field]
                if column == "stock":
                    values = strip_spaces(values)
                elif column == "side":
                    values = values.view(np.uint8)
                elif column == "shares" and values.dtype.itemsize > 4:
                    values = np.minimum(values, _SHARES_MAX)
                # A contiguous native-order source makes the scatter below several times
                # faster than scattering straight from the big-endian strided field.
                out[column][idx] = values.astype(EVENT_DTYPE[column])
        return out

    def symbols(self) -> dict[int, str]:
        """Stock locate -> ticker, from the day's Stock Directory (R) messages."""
        _, directory = self.records("R")
        stocks = strip_spaces(directory["stock"])
        return {int(loc): s.decode("latin-1")
                for loc, s in zip(directory["stock_locate"], stocks, strict=True)}

    def counts(self) -> dict:
        """Messages by type, and adds (A+F) and trades (P) by side and by stock.

        See :func:`sim.itch_counts.day_counts` for the shape of the result.
        """
        return day_counts(self)

    def _gather(self, dtype: str, positions: np.ndarray) -> np.ndarray:
        """The ``dtype`` value starting at each byte position (unaligned reads are fine)."""
        return _byte_windows(self.buf, np.dtype(dtype).itemsize)[positions].view(dtype)


def _byte_windows(buf: np.ndarray, size: int) -> np.ndarray:
    """Every ``size``-byte window of ``buf`` as an opaque item, without copying.

    Fancy-indexing this copies whole records with memcpy: several times faster than
    indexing a structured or byte-swapped view of the same bytes.
    """
    return np.ndarray(shape=(max(len(buf) - size + 1, 0),), dtype=np.dtype((np.void, size)),
                      buffer=buf, strides=(1,))


def _layout(code: str):
    try:
        return MESSAGES[code]
    except KeyError:
        raise LayoutError(f"unknown ITCH 5.0 message type {code!r}") from None
