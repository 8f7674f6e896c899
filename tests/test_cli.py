"""The top-level CLI: help, verbs, exit codes."""

import pytest

from host.cli import build_parser, main


def test_no_verb_prints_help_and_fails(capsys):
    assert main([]) == 2
    out = capsys.readouterr().out
    for verb in ("book", "stats", "pcap"):
        assert verb in out


def test_help_exits_zero(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0


@pytest.mark.parametrize("verb", ["book", "stats", "pcap"])
def test_every_verb_explains_itself(verb):
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert len(sub.choices[verb].description or "") > 80, f"{verb} --help has no description"
