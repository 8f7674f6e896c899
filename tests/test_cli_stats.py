"""`tickforge stats` through the real entry point."""

from __future__ import annotations

import json

from host.cli import main
from host.errors import EXIT_DATA

RITCH = "itch/ritch_20101224.itch50"


def _expected(bundled_data):
    return json.loads((bundled_data / "itch/ritch_20101224.expected_counts.json").read_text())


def test_table_lists_types_and_stocks(bundled_data, capsys):
    assert main(["stats", str(bundled_data / RITCH)]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line.split() for line in out.splitlines() if line.split()}
    assert "12,012 messages" in out
    assert lines["A"][-1] == "4,997"                        # "A  Add Order  4,997"
    assert lines["D"][-1] == "1,745"
    for stock, adds in _expected(bundled_data)["orders"]["by_stock"].items():
        assert lines[stock][1] == f"{adds:,}"


def test_json_output(bundled_data, capsys):
    assert main(["stats", str(bundled_data / RITCH), "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    expected = _expected(bundled_data)
    assert counts["messages"] == 12_012
    assert counts["by_type"]["P"] == expected["count_messages"]["P"]
    assert counts["adds"]["buy"] == expected["orders"]["buy"]
    assert {s: r["trades"] for s, r in counts["by_stock"].items()} == \
        expected["trades"]["by_stock"]


def test_missing_file_exit_code_and_no_traceback(tmp_path, capsys):
    assert main(["stats", str(tmp_path / "absent.itch50")]) == EXIT_DATA == 3
    err = capsys.readouterr().err
    assert "absent.itch50" in err and "no such file" in err
    assert "Traceback" not in err


def test_truncated_file_is_a_data_error(tmp_path, bundled_data, capsys):
    cut = tmp_path / "cut.itch50"
    cut.write_bytes((bundled_data / RITCH).read_bytes()[:-3])
    assert main(["stats", str(cut)]) == EXIT_DATA
    err = capsys.readouterr().err
    assert "byte offset" in err and "Traceback" not in err


def test_gzip_lobster_day(shared_data, capsys):
    path = shared_data / "lobster/AAPL_AMZN_2012-06-21.itch50.gz"
    assert main(["stats", str(path), "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts["messages"] == 331_242                    # the data README's count
    assert sorted(counts["by_stock"]) == ["AAPL", "AMZN"]
