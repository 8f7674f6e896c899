"""Byte-exact record layouts: the one description every wire format in tickforge is built from.

A :class:`Layout` is an ordered table of :class:`Field` (name, byte offset, size, kind). From
that single table come the Python encoder and decoder, a numpy structured dtype for
vectorised decoding of whole files, the Markdown tables in ``docs/`` and, in the gateware, the
byte offsets that parsers slice at. Nothing about a format is written down twice.

All multi-byte integers are big-endian (network order), as in every NASDAQ and IETF format
used here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Field", "Layout", "LayoutError", "uint_from_bytes_be"]

#: Field kinds. ``uint``/``int``: big-endian integers of 1, 2, 4, 6 or 8 bytes.
#: ``price4``: ITCH/OUCH Price(4), unsigned, 4 implied decimals. ``price8``: an 8-byte
#: signed price whose implied decimals the field's doc states (OUCH 5.0 prices carry 4,
#: ITCH's MWCB levels 8). Prices stay integers, never floats.
#: ``alpha``: ASCII, left-justified and space-padded; a 1-byte alpha is a single character.
#: ``bytes``: opaque octets.
KINDS = ("uint", "int", "price4", "price8", "alpha", "bytes")
_INT_KINDS = ("uint", "int", "price4", "price8")
_NUMPY_INT = {1: "u1", 2: ">u2", 4: ">u4", 8: ">u8"}


class LayoutError(ValueError):
    """A value does not fit its field, or bytes are too short for the layout."""


@dataclass(frozen=True)
class Field:
    """One field of a fixed layout.

    Attributes
    ----------
    name : str
        Python identifier used by encoders, decoders and dtypes.
    offset : int
        Byte offset from the start of the record.
    size : int
        Size in bytes.
    kind : str
        One of ``uint``, ``int``, ``price4``, ``price8``, ``alpha``, ``bytes``.
    doc : str
        One line for the generated documentation.
    """

    name: str
    offset: int
    size: int
    kind: str = "uint"
    doc: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"field {self.name}: unknown kind {self.kind!r}")
        if self.kind in _INT_KINDS and self.size not in (1, 2, 4, 6, 8):
            raise ValueError(f"field {self.name}: integer of {self.size} bytes")

    @property
    def end(self) -> int:
        return self.offset + self.size

    @property
    def signed(self) -> bool:
        return self.kind == "int" or self.kind == "price8"

    def encode(self, value: Any) -> bytes:
        if self.kind in _INT_KINDS:
            try:
                return int(value).to_bytes(self.size, "big", signed=self.signed)
            except OverflowError:
                raise LayoutError(f"{self.name}={value} does not fit {self.size} bytes") from None
        if self.kind == "alpha":
            raw = value.encode("ascii") if isinstance(value, str) else bytes(value)
            if len(raw) > self.size:
                raise LayoutError(f"{self.name}={value!r} is longer than {self.size} bytes")
            return raw.ljust(self.size, b" ")
        raw = bytes(value)
        if len(raw) != self.size:
            raise LayoutError(f"{self.name} needs exactly {self.size} bytes, got {len(raw)}")
        return raw

    def decode(self, raw: bytes) -> Any:
        if self.kind in _INT_KINDS:
            return int.from_bytes(raw, "big", signed=self.signed)
        if self.kind == "alpha":
            text = raw.decode("latin-1")
            return text if self.size == 1 else text.rstrip(" ")
        return bytes(raw)

    def default(self) -> Any:
        if self.kind in _INT_KINDS:
            return 0
        if self.kind == "alpha":
            return " " if self.size == 1 else ""
        return bytes(self.size)


@dataclass(frozen=True)
class Layout:
    """An ordered, gap-free table of fields describing one fixed-size record.

    Parameters
    ----------
    name : str
        Human name ("Add Order").
    fields : tuple of Field
        Contiguous from offset 0; checked on construction.
    code : str or None
        The message-type character for message layouts (``"A"`` for Add Order).
    doc : str
        One paragraph for the generated documentation.
    """

    name: str
    fields: tuple[Field, ...]
    code: str | None = None
    doc: str = ""
    _by_name: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        at = 0
        for f in self.fields:
            if f.offset != at:
                raise ValueError(f"{self.name}: field {f.name} at {f.offset}, expected {at}")
            at = f.end
        object.__setattr__(self, "_by_name", {f.name: f for f in self.fields})
        if len(self._by_name) != len(self.fields):
            raise ValueError(f"{self.name}: duplicate field names")

    @classmethod
    def sequential(cls, name: str, spec, code: str | None = None, doc: str = "") -> Layout:
        """Build from ``(name, size, kind, doc)`` tuples, computing offsets."""
        fields, at = [], 0
        for item in spec:
            fname, size, kind, fdoc = (*item, "uint", "")[:4] if len(item) == 2 else (*item, "")[:4]
            fields.append(Field(fname, at, size, kind, fdoc))
            at += size
        return cls(name, tuple(fields), code, doc)

    @property
    def size(self) -> int:
        return self.fields[-1].end if self.fields else 0

    def __getitem__(self, name: str) -> Field:
        return self._by_name[name]

    def __contains__(self, name: str) -> bool:
        return name in self._by_name

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def pack(self, values: dict[str, Any] | None = None, **kwargs) -> bytes:
        """Encode a record; missing fields take their default (zero / spaces)."""
        values = {**(values or {}), **kwargs}
        unknown = set(values) - set(self._by_name)
        if unknown:
            raise LayoutError(f"{self.name}: unknown fields {sorted(unknown)}")
        return b"".join(f.encode(values.get(f.name, f.default())) for f in self.fields)

    def unpack(self, raw: bytes | memoryview, offset: int = 0) -> dict[str, Any]:
        """Decode one record starting at ``offset``; raises if too short."""
        if len(raw) - offset < self.size:
            raise LayoutError(
                f"{self.name} needs {self.size} bytes, only {len(raw) - offset} at offset {offset}"
            )
        return {f.name: f.decode(raw[offset + f.offset : offset + f.end]) for f in self.fields}

    def numpy_dtype(self) -> np.dtype:
        """A packed structured dtype matching the wire bytes exactly.

        6-byte integers (ITCH timestamps) have no numpy type: they appear as ``(u1, 6)``
        sub-arrays; :func:`uint_from_bytes_be` turns them into ``uint64``.
        """
        names, formats = [], []
        for f in self.fields:
            names.append(f.name)
            if f.kind in _INT_KINDS and f.size in _NUMPY_INT:
                fmt = _NUMPY_INT[f.size]
                formats.append(fmt.replace("u", "i") if f.signed else fmt)
            elif f.kind in _INT_KINDS:
                formats.append(("u1", (f.size,)))
            else:
                formats.append(f"S{f.size}")
        return np.dtype({"names": names, "formats": formats,
                         "offsets": [f.offset for f in self.fields], "itemsize": self.size})

    def markdown(self) -> str:
        """The layout as a Markdown table for ``docs/``."""
        title = f"### {self.name}" + (f" (`{self.code}`)" if self.code else "")
        lines = [title, "", self.doc, ""] if self.doc else [title, ""]
        lines += ["| offset | size | field | kind | meaning |", "|---:|---:|---|---|---|"]
        lines += [f"| {f.offset} | {f.size} | `{f.name}` | {f.kind} | {f.doc} |"
                  for f in self.fields]
        lines += ["", f"Total: {self.size} bytes.", ""]
        return "\n".join(lines)


def uint_from_bytes_be(octets: np.ndarray) -> np.ndarray:
    """Big-endian ``(N, k)`` uint8 array to ``(N,)`` uint64 (k <= 8)."""
    out = np.zeros(octets.shape[0], dtype=np.uint64)
    for i in range(octets.shape[1]):
        out = (out << np.uint64(8)) | octets[:, i].astype(np.uint64)
    return out
