"""Decoding the card-to-host event stream on the host: records per second.

    python bench/events.py [--json] [--records N]

``N`` 64-byte records of every kind (random bodies, headers as the gateware writes them)
are decoded by :func:`host.events.decode_records` (the buffer as the XDMA channel hands it
over); the figure is the best of three runs, beside a plain per-record Python loop
(``int.from_bytes`` and shifts for the header only) measured in the same run.

Then the order-entry frames: ``N`` ``HOST_RX`` records of response frames (an Order
Executed each, 93 bytes, 3 records a frame; packed as the card packs them), decoded and
joined into frames by :class:`host.host_rx.FrameAssembler`, best of three.

JSON: ``{"records_per_second": {"numpy": ..., "python_loop": ..., "host_rx_frames": ...},
"frames_per_second", "records"}``.
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

from hdl.host_if.events import HEADER, HOST_RX_BEATS, EventKind, body_layouts  # noqa: E402
from host.events import RECORD_BYTES, decode_records  # noqa: E402
from host.host_rx import FrameAssembler  # noqa: E402
from sim import response_frames as rf  # noqa: E402
from sim.beats import frame_beats  # noqa: E402
from sim.feed_bits import pack_words  # noqa: E402
from sim.harness_ports import flat_layout  # noqa: E402
from sim.order_session import Session  # noqa: E402


def records(count: int) -> bytes:
    rng = np.random.default_rng(1)
    raw = rng.integers(0, 256, size=(count, RECORD_BYTES), dtype=np.uint8)
    raw[:, 0] = rng.choice([int(k) for k in EventKind], size=count)
    return raw.tobytes()


def host_rx_records(count: int) -> tuple[bytes, int]:
    """About ``count`` HOST_RX records of response frames, and how many frames."""
    stream = rf.ExchangeStream(Session(), seq=0)
    beats = frame_beats(stream.segment(rf.executed(7, 100, 1_000_000, 1)))
    chunks = [beats[at:at + HOST_RX_BEATS] for at in range(0, len(beats), HOST_RX_BEATS)]
    frames = max(1, count // len(chunks))
    n = frames * len(chunks)
    body = {"count": np.tile([len(c) for c in chunks], frames)}
    for i in range(HOST_RX_BEATS):
        for name in ("data", "keep", "first", "last", "error"):
            body[f"beats_{i}_{name}"] = np.tile(
                [int(getattr(c[i], name)) if i < len(c) else 0 for c in chunks], frames)
    header = pack_words({"kind": np.full(n, int(EventKind.HOST_RX)), "seq": np.arange(n),
                         "time": np.arange(n)}, HEADER, n)
    words = pack_words(body, flat_layout(body_layouts()[EventKind.HOST_RX]), n)
    raw = np.zeros((n, RECORD_BYTES // 4), "<u4")
    raw[:, :header.shape[1]] = header
    raw[:, header.shape[1]:header.shape[1] + words.shape[1]] = words
    return raw.tobytes(), frames


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
    rx_raw, rx_frames = host_rx_records(args.records)
    rx_best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        got = FrameAssembler().add(decode_records(rx_raw))
        rx_best = min(rx_best, time.perf_counter() - started)
    assert len(got) == rx_frames
    rx_records = len(rx_raw) // RECORD_BYTES
    figures = {"records_per_second": {"numpy": round(args.records / best),
                                      "python_loop": round(loop_count / loop),
                                      "host_rx_frames": round(rx_records / rx_best)},
               "frames_per_second": round(rx_frames / rx_best), "records": args.records}
    if args.json:
        print(json.dumps(figures))
    else:
        r = figures["records_per_second"]
        print(f"{args.records:,} records: decode_records {r['numpy']:,} records/s "
              f"(every field of every kind); a Python loop reading headers only "
              f"{r['python_loop']:,} records/s")
        print(f"{rx_records:,} HOST_RX records ({rx_frames:,} response frames): decoded and "
              f"joined into frames at {r['host_rx_frames']:,} records/s "
              f"({figures['frames_per_second']:,} frames/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
