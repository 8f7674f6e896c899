"""Splitting a NASDAQ daily ITCH file into messages: the one sequential step of decoding.

A daily file is a run of messages, each preceded by its length as a 2-byte big-endian
integer. Where message *i + 1* starts depends on every length before it, so the split is
inherently sequential. Two ways to do it, with identical results:

- :func:`split_vectorised`, tried first. In a well-formed ITCH 5.0 file every length prefix
  equals the layout size of the type byte right after it. Every byte position where that
  holds is a *candidate* boundary, found with a few whole-array operations. The true
  boundaries are all candidates; the false ones (body bytes that happen to look like a
  prefix, under 0.5 % on the LOBSTER days) are dropped by following the chain of
  candidates from byte 0, a whole run of adjacent true boundaries per step. The result is
  accepted only if it is one unbroken chain from byte 0 to the last byte, so a file this
  path accepts is split exactly as the sequential walk would split it.
- :func:`split_sequential`, the fallback for anything irregular (unknown types, messages
  longer than their layout, damage): a tight pure-Python walk that also finds the byte
  offset of whatever is wrong.
"""

from __future__ import annotations

import gzip
import zlib
from bisect import bisect_left
from pathlib import Path

import numpy as np

from host.errors import DataError
from proto.itch import MESSAGES

__all__ = ["SIZE_BY_TYPE", "load_bytes", "split_frames", "split_sequential", "split_vectorised"]

#: Layout size per type byte (0 for bytes that are not an ITCH 5.0 type).
SIZE_BY_TYPE = np.zeros(256, dtype=np.uint8)
for _code, _layout in MESSAGES.items():
    SIZE_BY_TYPE[ord(_code)] = _layout.size

#: SIZE_BY_TYPE as a bytes.translate table, with 255 (longer than any layout) for non-types:
#: 0 would make every run of zero bytes a candidate. Length 255 is then excluded outright.
_NOT_A_TYPE = 255
_SIZE_OR_255 = bytes(int(size) or _NOT_A_TYPE for size in SIZE_BY_TYPE)
#: How many candidates ahead a true boundary's successor is looked for in bulk; one
#: further away is found by a binary search, one at a time.
_POINTER_REACH = 4
_GZIP_MAGIC = b"\x1f\x8b"


def load_bytes(path: str | Path) -> bytes:
    """The file's bytes, gunzipped if it starts with the gzip magic (the name is not trusted).

    Raises
    ------
    host.errors.DataError
        Missing or unreadable file, or a corrupt/truncated gzip stream.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except OSError as err:
        raise DataError(f"{path}: cannot read ({err.strerror or err})") from None
    if raw[:2] != _GZIP_MAGIC:
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as err:
        raise DataError(f"{path}: corrupt or truncated gzip data ({err})") from None


def split_vectorised(buf: bytes, data: np.ndarray) -> np.ndarray | None:
    """Length-prefix positions of a regular file, or ``None`` if it is not regular.

    Parameters
    ----------
    buf : bytes
        The whole file.
    data : numpy.ndarray of uint8
        The same bytes as an array.

    Returns
    -------
    numpy.ndarray of int64 or None
        Byte offset of every length prefix, in order; ``None`` when some message is not
        exactly its layout's size (the caller then walks the file sequentially).
    """
    end = len(data)
    if end == 0:
        return np.zeros(0, dtype=np.int64)
    if end < 3:
        return None
    # bytes.translate is a C table lookup, several times faster than numpy fancy indexing.
    size_after = np.frombuffer(buf.translate(_SIZE_OR_255), dtype=np.uint8)
    # A boundary: low length byte equal to the size of the type that follows, high byte 0.
    starts = np.flatnonzero(data[1:-1] == size_after[2:])
    starts = starts[(data[starts] == 0) & (data[starts + 1] != _NOT_A_TYPE)]
    if len(starts) == 0 or starts[0] != 0:
        return None
    nexts = starts + 2 + data[starts + 1]
    keep = _chain_from_zero(starts, nexts, end)
    if keep is None:
        return None
    starts, nexts = starts[keep], nexts[keep]
    if nexts[-1] != end or not np.array_equal(nexts[:-1], starts[1:]):
        return None
    return starts


def _chain_from_zero(starts: np.ndarray, nexts: np.ndarray, end: int) -> np.ndarray | None:
    """Mask of the candidates on the chain that starts at byte 0, or ``None``.

    False candidates can form long chains of their own (a look-alike at the same place in
    a run of similar messages points at the next look-alike), so they cannot be told apart
    locally; only their origin differs. The chain from byte 0 is therefore followed, but
    run by run: wherever each candidate's successor is simply the next candidate, a whole
    run is taken at once, so the Python loop turns only at false candidates.
    """
    count = len(starts)
    successor = np.full(count, -1, dtype=np.int64)
    successor[nexts == end] = count                       # the last message
    # A true boundary's successor is the next true one: a few candidates on at most.
    for ahead in range(_POINTER_REACH, 0, -1):
        hit = np.flatnonzero(nexts[:-ahead] == starts[ahead:])
        successor[hit] = hit + ahead
    # Where a run of "successor is the next candidate" ends; the last candidate ends one.
    breaks = np.flatnonzero(successor[:-1] != np.arange(1, count)).tolist() + [count - 1]
    keep = np.zeros(count, dtype=bool)
    at = 0
    while True:
        run_end = breaks[bisect_left(breaks, at)]
        keep[at:run_end + 1] = True
        after = int(successor[run_end])
        if after < 0:
            # Beyond the reach: look the successor up among all candidates.
            target = nexts[run_end]
            after = int(np.searchsorted(starts, target))
            if after == count or starts[after] != target:
                return None
        if after == count:
            return keep
        at = after


def split_sequential(buf: bytes, name: str = "<bytes>") -> np.ndarray:
    """Length-prefix positions found by walking the file one message at a time.

    Raises
    ------
    host.errors.DataError
        A length prefix cut off by the end of the file, or a message running past it.
    """
    prefixes = []
    append = prefixes.append
    pos = 0
    end = len(buf)
    try:
        while pos < end:
            append(pos)
            pos += (buf[pos] << 8 | buf[pos + 1]) + 2
    except IndexError:
        raise DataError(f"{name}: truncated: length prefix at byte offset {pos} is cut off "
                        f"by the end of the file ({end} bytes)") from None
    if pos > end:
        last = prefixes[-1]
        raise DataError(f"{name}: truncated: message {len(prefixes) - 1} at byte offset {last} "
                        f"claims {pos - last - 2} bytes, only {end - last - 2} remain")
    return np.fromiter(prefixes, dtype=np.int64, count=len(prefixes))


def split_frames(buf: bytes, data: np.ndarray, name: str = "<bytes>"):
    """Split and validate a whole file.

    Parameters
    ----------
    buf : bytes
        The file (for the sequential walk, which is fastest on ``bytes``).
    data : numpy.ndarray of uint8
        The same bytes as an array.
    name : str
        Used in error messages.

    Returns
    -------
    offsets, lengths, types : numpy.ndarray
        Body start (int64), body length (int64) and type byte (uint8) of every message,
        in file order, unknown types included.
    unknown : dict of str to int
        Messages whose type byte is not ITCH 5.0, counted by that byte. Nothing decodes
        them; their events carry only the type.

    Raises
    ------
    host.errors.DataError
        Truncation, a zero length, or a message shorter than its type's layout; the message
        names the byte offset of the length prefix.
    """
    prefixes = split_vectorised(buf, data)
    if prefixes is not None:
        # Accepted only if every length is exactly its known type's size: nothing to check.
        offsets = prefixes + 2
        lengths = np.append(prefixes[1:], len(data)) - offsets
        return offsets, lengths, data[offsets], {}
    prefixes = split_sequential(buf, name)
    lengths = (data[prefixes].astype(np.int64) << 8) | data[prefixes + 1]
    zero = np.flatnonzero(lengths == 0)
    if len(zero):
        raise DataError(f"{name}: message {zero[0]} at byte offset {prefixes[zero[0]]} "
                        "has length 0")
    offsets = prefixes + 2
    types = data[offsets]
    sizes = SIZE_BY_TYPE[types]
    known = sizes != 0
    short = np.flatnonzero(known & (lengths < sizes))
    if len(short):
        i = short[0]
        raise DataError(f"{name}: message {i} at byte offset {prefixes[i]}: type "
                        f"{chr(types[i])!r} needs {sizes[i]} bytes, length is {lengths[i]}")
    unknown = {}
    if not known.all():
        # Counted, and kept in place: message i stays the i-th message of the file, so
        # positions (itch_index) agree with any other reader of the same file.
        codes, counts = np.unique(types[~known], return_counts=True)
        unknown = {chr(c): int(n) for c, n in zip(codes, counts, strict=True)}
    return offsets, lengths, types, unknown
