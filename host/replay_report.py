"""What ``tickforge replay`` reports, and the files it writes, from a :class:`sim.replay.Replay`.

- :func:`report`: one dict (printed as text by :func:`report_text`, or as JSON): orders,
  fills, rejections by reason, the card's P&L and positions beside the exchange
  simulator's own accounting, tick-to-trade in cycles and in ns at the card's clock, the
  replay's speed in messages per second, the response path's segment outcomes.
- :func:`write_events`: every event the host receives in one Parquet table (one row per
  record, ``event`` names its stream; columns a stream does not have are null).
- :func:`write_histogram`: the tick-to-trade histogram as PNG.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hdl.response.layouts import Kind, Outcome
from hdl.risk.reasons import reason_names
from sim.replay import Replay
from sim.tick_to_trade import summary

__all__ = ["legs_by_reason", "report", "report_text", "write_events", "write_histogram"]


def _signed(value: int, bits: int) -> int:
    return value - (1 << bits) if value >> (bits - 1) & 1 else value


def legs_by_reason(rejects: dict) -> dict[str, int]:
    """Rejected legs per failing check (a leg with several reasons counts under each)."""
    counts: dict[str, int] = {}
    for leg in ("reasons_0", "reasons_1"):
        for mask in rejects.get(leg, []):
            for name in reason_names(int(mask)):
                counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: -item[1]))


def report(replay: Replay, clock_mhz: float) -> dict:
    regs = replay.registers
    pnl = _signed(regs["response.pnl_lo"] | regs["response.pnl_hi"] << 32, 64)
    positions = {}
    for slot, symbol in replay.tickers.items():
        card = _signed(regs[f"response.read_position.{slot}"], 32)
        exchange = replay.exchange.positions.get(symbol, 0)
        if card or exchange:
            positions[symbol] = {"card": card, "exchange": exchange}
    responses = replay.fields("responses")
    kinds = [Kind(int(k)).name.lower() for k in responses.get("kind", [])]
    segments = replay.fields("segments")
    outcomes = [Outcome(int(o)).name for o in segments.get("outcome", [])]
    ttt = summary(replay.tick_to_trade)

    def ns(figures):
        return {k: (None if v is None else round(v * 1000 / clock_mhz, 1))
                for k, v in figures.items()}

    exchange = replay.exchange
    return {
        "messages": replay.messages, "cycles": replay.cycles,
        "seconds": round(replay.seconds, 2),
        "messages_per_second": round(replay.messages_per_second),
        "orders_sent": sum(not f.error for f in replay.frames),
        "frames_aborted": sum(f.error for f in replay.frames),
        "exchange": {"accepted": sum(o.accepted for o in exchange.orders),
                     "rejected": sum(not o.accepted for o in exchange.orders),
                     "fills": len(exchange.fills),
                     "shares_filled": sum(f.shares for f in exchange.fills),
                     "pnl": exchange.pnl()},
        "responses": {name: kinds.count(name) for name in sorted(set(kinds))},
        "segments": {name: outcomes.count(name) for name in sorted(set(outcomes))},
        "rejected_legs_by_reason": legs_by_reason(replay.fields("rejects")),
        "pnl": pnl, "pnl_matches_exchange": pnl == exchange.pnl(),
        "positions": positions,
        "positions_match_exchange": all(p["card"] == p["exchange"] for p in positions.values()),
        "tick_to_trade_cycles": ttt, "tick_to_trade_ns": ns(ttt),
        "clock_mhz": clock_mhz,
        "round_trip_cycles": exchange.round_trip,
    }


def _dollars(units: int) -> str:
    return f"{units / 10_000:,.2f}"


def report_text(figures: dict) -> str:
    e = figures["exchange"]
    c, n = figures["tick_to_trade_cycles"], figures["tick_to_trade_ns"]
    lines = [
        f"replayed {figures['messages']:,} ITCH messages in {figures['seconds']} s "
        f"({figures['messages_per_second']:,} messages/s), {figures['cycles']:,} card cycles",
        f"orders sent {figures['orders_sent']} (aborted frames {figures['frames_aborted']}); "
        f"exchange: {e['accepted']} accepted, {e['rejected']} rejected, {e['fills']} fills "
        f"of {e['shares_filled']:,} shares",
        f"tick-to-trade: {c['min']} / {c['median']} / {c['max']} cycles (min / median / max), "
        f"{n['min']} / {n['median']} / {n['max']} ns at {figures['clock_mhz']} MHz",
        f"P&L: card ${_dollars(figures['pnl'])}, exchange ${_dollars(e['pnl'])} "
        f"({'equal' if figures['pnl_matches_exchange'] else 'DIFFERENT'})",
    ]
    for symbol, p in figures["positions"].items():
        same = "" if p["card"] == p["exchange"] else "  DIFFERENT"
        lines.append(f"  position {symbol:8s} card {p['card']:>8,}  exchange "
                     f"{p['exchange']:>8,}{same}")
    reasons = ", ".join(f"{k} {v}" for k, v in figures["rejected_legs_by_reason"].items())
    lines.append(f"rejected legs by reason: {reasons or 'none'}")
    responses = ", ".join(f"{k} {v}" for k, v in figures["responses"].items())
    segments = ", ".join(f"{k} {v}" for k, v in figures["segments"].items())
    lines.append(f"responses applied by the card: {responses or 'none'}; segments: "
                 f"{segments or 'none'}")
    return "\n".join(lines)


_EVENT_STREAMS = ("sent", "rejects", "responses", "segments")


def write_events(replay: Replay, path: Path, clock_mhz: float) -> int:
    """One Parquet table of every record of the host's streams; returns the row count."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = []
    for name in _EVENT_STREAMS:
        fields = replay.fields(name)
        if not fields:
            continue
        count = len(fields["cycle"])
        columns = {"event": pa.array([name] * count),
                   "cycle": pa.array(fields["cycle"].astype(np.int64)),
                   "time_ns": pa.array(fields["cycle"] * 1000.0 / clock_mhz)}
        for key, values in fields.items():
            if key != "cycle":
                columns[f"{name}.{key}"] = pa.array(values.astype(np.uint64))
        tables.append(pa.table(columns))
    if not tables:
        tables = [pa.table({"event": pa.array([], pa.string()),
                            "cycle": pa.array([], pa.int64())})]
    table = pa.concat_tables(tables, promote_options="default")
    table = table.sort_by([("cycle", "ascending")])
    pq.write_table(table, path)
    return table.num_rows


def write_histogram(cycles, path: Path, clock_mhz: float) -> None:
    """Tick-to-trade histogram (cycles, with ns on the top axis)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    values = np.asarray(cycles)
    if len(values):
        low, high = int(values.min()), int(values.max())
        ax.hist(values, bins=np.arange(low, high + 2) - 0.5, color="#3a6ea5", rwidth=0.8)
        ax.set_xlim(low - 3.5, high + 3.5)           # a lone bar still shows its neighbours
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("tick-to-trade (cycles, trigger's last byte to the order's first beat)")
    ax.set_ylabel("orders")
    ax.set_title(f"tick-to-trade over {len(values)} orders")
    top = ax.secondary_xaxis("top", functions=(lambda c: c * 1000 / clock_mhz,
                                               lambda t: t * clock_mhz / 1000))
    top.set_xlabel(f"ns at {clock_mhz} MHz")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
