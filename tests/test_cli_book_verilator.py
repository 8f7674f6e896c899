"""`tickforge book --engine verilator`: the same CSV as the reference engine, byte for byte.

Whole days through ``host.cli.main`` with both engines: the bundled RITCH day (every stock,
10 levels) and a LOBSTER day when ``../shared/data`` is there. The errors that need no
model (``--levels`` beyond the design's exported top) and the exit code for rows the
hardware flags invalid are checked too.
"""

from __future__ import annotations

import pytest

from host.cli import main
from host.commands.book import EXIT_INVALID_ROWS
from host.errors import EXIT_USAGE
from proto import itch

RITCH = "itch/ritch_20101224.itch50"


def design_top() -> int:
    from hdl.book.layouts import SIM_PARAMS

    return SIM_PARAMS.top


@pytest.fixture(scope="module")
def verilated():
    """Skip until the gateware exists; build (or load) the model once for the module."""
    pytest.importorskip("hdl.top", reason="hdl.top (TickToTrade) not written yet")
    from sim.verilated_book import VerilatedBook

    VerilatedBook()


def both_engines(tmp_path, capsys, path, symbol: str, levels: int) -> tuple[bytes, bytes, str]:
    """``(reference CSV, verilator CSV, verilator stderr)``; both runs must exit 0."""
    outputs = []
    for engine in ("reference", "verilator"):
        out = tmp_path / f"{symbol}_{engine}.csv"
        code = main(["book", str(path), "--symbol", symbol, "--levels", str(levels),
                     "--out", str(out), "--engine", engine])
        err = capsys.readouterr().err
        assert code == 0, err
        outputs.append(out.read_bytes())
    return outputs[0], outputs[1], err


@pytest.mark.slow
@pytest.mark.parametrize("symbol", ["ALC", "BOB", "CHAR"])
def test_ritch_csv_is_byte_identical(verilated, tmp_path, capsys, bundled_data, symbol):
    reference, verilator, err = both_engines(tmp_path, capsys, bundled_data / RITCH, symbol,
                                             design_top())
    rows = verilator.count(b"\n") - 1
    assert rows > 1000
    assert verilator == reference
    assert f"{rows} rows" in err
    assert "Verilated gateware counters" in err


@pytest.mark.slow
@pytest.mark.shared_data
def test_lobster_day_csv_is_byte_identical(verilated, tmp_path, capsys, shared_data):
    # The day's first message (S, with AAPL's locate) comes before AAPL's R message: its
    # row is only there if the CLI maps the locate itself, as the reference engine does.
    reference, verilator, _ = both_engines(
        tmp_path, capsys, shared_data / "lobster" / "AAPL_2012-06-21_L1.itch50.gz", "AAPL",
        design_top())
    assert verilator.count(b"\n") > 100_000
    assert verilator.splitlines()[1].startswith(b"0,")
    assert verilator == reference


def test_levels_beyond_the_design_top_is_a_usage_error(capsys, bundled_data, tmp_path):
    top = design_top()
    out = tmp_path / "alc.csv"
    code = main(["book", str(bundled_data / RITCH), "--symbol", "ALC", "--levels",
                 str(top + 1), "--out", str(out), "--engine", "verilator"])
    assert code == EXIT_USAGE == 2
    err = capsys.readouterr().err
    assert f"--levels {top + 1}" in err and f"top {top} levels" in err
    assert "Traceback" not in err
    assert not out.exists()


def deep_book_day(path, levels: int) -> None:
    """One stock, ``levels + 1`` bids at distinct prices: deeper than a side can hold."""
    bodies = [itch.encode("R", stock_locate=1, stock="DEEP")]
    bodies += [itch.encode("A", stock_locate=1, timestamp=i, order_ref=i + 1, side="B",
                           stock="DEEP", shares=100, price=10_000 + i)
               for i in range(levels + 1)]
    path.write_bytes(b"".join(len(b).to_bytes(2, "big") + b for b in bodies))


@pytest.mark.slow
def test_rows_flagged_invalid_are_written_and_exit_nonzero(verilated, tmp_path, capsys):
    from hdl.book.layouts import SIM_PARAMS

    day = tmp_path / "deep.itch50"
    deep_book_day(day, SIM_PARAMS.levels)
    out = tmp_path / "deep.csv"
    code = main(["book", str(day), "--symbol", "DEEP", "--levels", "1", "--out", str(out),
                 "--engine", "verilator"])
    err = capsys.readouterr().err
    assert code == EXIT_INVALID_ROWS == 3
    rows = out.read_text().splitlines()[1:]
    assert len(rows) == SIM_PARAMS.levels + 2                 # the R and every add
    assert "flagged invalid" in err and "Traceback" not in err
