"""`tickforge book` through ``host.cli.main``: the CSV it writes and the errors it reports."""

from __future__ import annotations

import csv
import gzip
import json

import pytest

from host.cli import main
from host.errors import EXIT_DATA, EXIT_NOT_FOUND

RITCH = "itch/ritch_20101224.itch50"


def read_csv(path) -> tuple[list[str], list[list[int]]]:
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], [[int(v) for v in row] for row in rows[1:]]


def test_csv_header_is_itch_index_then_lobster_columns(tmp_path, bundled_data):
    out = tmp_path / "alc.csv"
    assert main(["book", str(bundled_data / RITCH), "--symbol", "ALC", "--levels", "2",
                 "--out", str(out)]) == 0
    header, rows = read_csv(out)
    assert header == ["itch_index", "ask_price1", "ask_size1", "bid_price1", "bid_size1",
                      "ask_price2", "ask_size2", "bid_price2", "bid_size2"]
    assert rows and all(len(row) == 9 for row in rows)
    indices = [row[0] for row in rows]
    assert indices == sorted(set(indices))


def test_last_row_is_the_final_book_of_itchbook(tmp_path, bundled_data, shared_data):
    out = tmp_path / "alc.csv"
    assert main(["book", str(bundled_data / RITCH), "--symbol", "ALC", "--levels", "10",
                 "--out", str(out)]) == 0
    expected = json.loads(
        (shared_data / "itch" / "ritch_final_depth10_by_itchbook.json").read_text())["ALC"]
    last = read_csv(out)[1][-1]
    for n in range(10):
        ask_price, ask_size, bid_price, bid_size = last[1 + 4 * n: 5 + 4 * n]
        assert (ask_price, ask_size) == (expected[f"ask_px_{n:02d}"], expected[f"ask_sz_{n:02d}"])
        assert (bid_price, bid_size) == (expected[f"bid_px_{n:02d}"], expected[f"bid_sz_{n:02d}"])


def test_dash_writes_stdout_and_summary_goes_to_stderr(capsys, bundled_data):
    assert main(["book", str(bundled_data / RITCH), "--symbol", "BOB", "--levels", "1",
                 "--out", "-"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == "itch_index,ask_price1,ask_size1,bid_price1,bid_size1"
    assert f"{len(lines) - 1} rows" in captured.err
    assert "unknown refs 117" in captured.err   # the RITCH README's count
    assert "crossed" in captured.err


@pytest.mark.slow
def test_csv_rows_equal_lobster_checkpoints(tmp_path, shared_data):
    out = tmp_path / "aapl.csv"
    lobster = shared_data / "lobster"
    assert main(["book", str(lobster / "AAPL_2012-06-21_L1.itch50.gz"), "--symbol", "AAPL",
                 "--levels", "1", "--out", str(out)]) == 0
    header, rows = read_csv(out)
    ours = {row[0]: row for row in rows}
    with gzip.open(lobster / "AAPL_2012-06-21_L1.checkpoints.csv.gz", "rt") as f:
        checkpoints = list(csv.reader(f))
    assert header == checkpoints[0]
    body = checkpoints[1:]
    for row in body[:3] + body[len(body) // 2: len(body) // 2 + 3] + body[-3:]:
        expected = [int(v) for v in row]
        assert ours[expected[0]] == expected


def test_unknown_symbol_exits_not_found_and_lists_symbols(capsys, bundled_data, tmp_path):
    code = main(["book", str(bundled_data / RITCH), "--symbol", "ZZZ",
                 "--out", str(tmp_path / "z.csv")])
    assert code == EXIT_NOT_FOUND == 4
    err = capsys.readouterr().err
    assert "ZZZ" in err and "ALC, BOB, CHAR" in err
    assert not (tmp_path / "z.csv").exists()


def test_missing_file_exits_data_error(capsys, tmp_path):
    code = main(["book", str(tmp_path / "absent.itch50"), "--symbol", "ALC", "--out", "-"])
    assert code == EXIT_DATA == 3
    assert "absent.itch50" in capsys.readouterr().err


def test_truncated_file_exits_data_error(capsys, tmp_path, bundled_data):
    cut = tmp_path / "cut.itch50"
    cut.write_bytes((bundled_data / RITCH).read_bytes()[:1000])   # mid-message
    assert main(["book", str(cut), "--symbol", "ALC", "--out", "-"]) == EXIT_DATA
    err = capsys.readouterr().err
    assert "truncated" in err and "980" in err   # byte offset of the cut message
    assert "Traceback" not in err


def test_levels_must_be_positive(capsys, bundled_data):
    with pytest.raises(SystemExit) as exit_info:
        main(["book", str(bundled_data / RITCH), "--symbol", "ALC", "--levels", "0",
              "--out", "-"])
    assert exit_info.value.code == 2
    assert "--levels" in capsys.readouterr().err


def test_unwritable_output_is_a_user_error(capsys, bundled_data, tmp_path):
    code = main(["book", str(bundled_data / RITCH), "--symbol", "ALC",
                 "--out", str(tmp_path / "no" / "such" / "dir.csv")])
    assert code == 2
    assert "cannot write" in capsys.readouterr().err
