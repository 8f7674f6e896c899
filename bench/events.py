"""Decoding the card-to-host event stream on the host: records per second.

    python bench/events.py [--json] [--records N]

``N`` 64-byte records of every kind (random bodies, headers as the gateware writes them)
are decoded by :func:`host.events.decode_records` (the buffer as the XDMA channel hands it
over); the figure is the best of three runs, beside a plain per-record Python loop
(``int.from_bytes`` and shifts for the header only) measured in the same run.

JSON: ``{"records_per_second": {"numpy": ..., "python_loop": ...}, "records"}``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from hdl.host_if.events import EventKind  # noqa: E402
from host.events import RECORD_BYTES, decode_records  # noqa: E402


def records(count: int) -> bytes:
    rng = np.random.default_rng(1)
    raw = rng.integers(0, 256, size=(count, RECORD_BYTES), dtype=np.uint8)
    raw[:, 0] = rng.choice([int(k) for k in EventKind], size=count)
    return raw.tobytes()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    raw = records(args.records)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        decode_records(raw)
        best = min(best, time.perf_counter() - started)
    loop_count = min(args.records, 200_000)
    started = time.perf_counter()
    for at in range(0, loop_count * RECORD_BYTES, RECORD_BYTES):
        header = int.from_bytes(raw[at:at + 16], "little")
        _kind, _seq, _time = header & 0xFF, header >> 32 & 0xFFFF_FFFF, header >> 64
    loop = time.perf_counter() - started
    figures = {"records_per_second": {"numpy": round(args.records / best),
                                      "python_loop": round(loop_count / loop)},
               "records": args.records}
    if args.json:
        print(json.dumps(figures))
    else:
        r = figures["records_per_second"]
        print(f"{args.records:,} records: decode_records {r['numpy']:,} records/s "
              f"(every field of every kind); a Python loop reading headers only "
              f"{r['python_loop']:,} records/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
