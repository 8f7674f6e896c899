"""`tickforge pcap` end to end through host.cli.main, read back with scapy."""

from __future__ import annotations

import pytest
from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Dot1Q, Ether
from scapy.utils import rdpcap

from host.cli import main
from host.errors import EXIT_DATA, EXIT_USAGE
from proto import moldudp64

RITCH_MESSAGES = 12012


@pytest.fixture
def itch(bundled_data):
    return bundled_data / "itch" / "ritch_20101224.itch50"


def split_daily_file(raw: bytes) -> list[bytes]:
    """NASDAQ daily-file framing (2-byte length + body), done independently of the CLI."""
    messages, at = [], 0
    while at < len(raw):
        length = int.from_bytes(raw[at:at + 2], "big")
        messages.append(raw[at + 2:at + 2 + length])
        at += 2 + length
    return messages


def moldudp64_payloads(path):
    return [moldudp64.decode_packet(bytes(p[UDP].payload)) for p in rdpcap(str(path))]


def test_whole_day_on_one_feed(tmp_path, itch, capsys):
    out = tmp_path / "day.pcap"
    assert main(["pcap", str(itch), "--out", str(out)]) == 0
    packets = moldudp64_payloads(out)
    assert [m for p in packets for m in p.messages] == split_daily_file(itch.read_bytes())
    assert packets[-1].is_end_of_session
    assert packets[-1].sequence == RITCH_MESSAGES + 1
    assert "frames" in capsys.readouterr().out


def test_two_feeds_groups_vlan_and_limits(tmp_path, itch):
    out = tmp_path / "ab.pcap"
    code = main(["pcap", str(itch), "--out", str(out), "--feeds", "A,B",
                 "--group", "239.1.1.1:30001", "--group", "239.1.1.2:30002",
                 "--vlan", "7", "--limit-messages", "100", "--max-messages", "10",
                 "--heartbeat-every", "3", "--session", "DAY1", "--first-seq", "500"])
    assert code == 0
    packets = rdpcap(str(out))
    a = [p for p in packets if p[IP].dst == "239.1.1.1"]
    b = [p for p in packets if p[IP].dst == "239.1.1.2"]
    # 100 messages / 10 per packet = 10 data packets, heartbeats after 3, 6, 9, then end.
    assert len(a) == len(b) == 10 + 3 + 1
    assert all(p[Dot1Q].vlan == 7 for p in packets)
    assert {p[UDP].dport for p in a} == {30001} and {p[UDP].dport for p in b} == {30002}
    assert [bytes(x[UDP].payload) for x in a] == [bytes(y[UDP].payload) for y in b]
    mold = [moldudp64.decode_packet(bytes(p[UDP].payload)) for p in a]
    assert mold[0].session == "DAY1" and mold[0].sequence == 500
    assert [p.count for p in mold[:4]] == [10, 10, 10, 0]
    assert mold[-1].is_end_of_session and mold[-1].sequence == 600
    assert Ether(bytes(a[0])).dst == "01:00:5e:01:01:01"


def test_payload_limit_controls_packet_size(tmp_path, itch):
    out = tmp_path / "small.pcap"
    assert main(["pcap", str(itch), "--out", str(out), "--payload-limit", "200",
                 "--limit-messages", "500"]) == 0
    payloads = [bytes(p[UDP].payload) for p in rdpcap(str(out))]
    assert max(map(len, payloads)) <= 200
    assert sum(moldudp64.decode_packet(p).count for p in payloads[:-1]) == 500


def test_missing_file_is_a_data_error(tmp_path, capsys):
    code = main(["pcap", str(tmp_path / "nope.itch50"), "--out", str(tmp_path / "x.pcap")])
    assert code == EXIT_DATA
    assert "no such file" in capsys.readouterr().err


def test_bad_group_is_a_usage_error(tmp_path, itch, capsys):
    code = main(["pcap", str(itch), "--out", str(tmp_path / "x.pcap"), "--group", "10.0.0.1:5"])
    assert code == EXIT_USAGE
    assert "not a multicast address" in capsys.readouterr().err
    code = main(["pcap", str(itch), "--out", str(tmp_path / "x.pcap"), "--group", "nonsense"])
    assert code == EXIT_USAGE and "ADDR:PORT" in capsys.readouterr().err


def test_group_count_must_match_feeds(tmp_path, itch, capsys):
    code = main(["pcap", str(itch), "--out", str(tmp_path / "x.pcap"), "--feeds", "A,B",
                 "--group", "239.1.1.1:1"])
    assert code == EXIT_USAGE and "one per feed" in capsys.readouterr().err


def test_payload_limit_too_small_for_largest_message(tmp_path, itch, capsys):
    # One byte short of header (20) + block length (2) + the largest message.
    largest = max(map(len, split_daily_file(itch.read_bytes())))
    code = main(["pcap", str(itch), "--out", str(tmp_path / "x.pcap"),
                 "--payload-limit", str(20 + 2 + largest - 1)])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert f"the largest message needs {22 + largest} bytes" in err
    assert "Traceback" not in err


def test_help_documents_the_options(capsys):
    with pytest.raises(SystemExit):
        main(["pcap", "--help"])
    text = capsys.readouterr().out
    for option in ("--payload-limit", "--max-messages", "--feeds", "--heartbeat-every",
                   "--session", "--first-seq", "--group", "--vlan", "--limit-messages"):
        assert option in text
