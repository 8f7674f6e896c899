"""Classic pcap writer/reader, cross-checked against scapy in both directions."""

from __future__ import annotations

import pytest
from scapy.layers.inet import UDP
from scapy.layers.l2 import Ether
from scapy.utils import PcapWriter, rdpcap

from host.errors import DataError
from proto import moldudp64
from sim.packetise import packetise
from sim.pcap import read_pcap, write_pcap

START_NS = 1_293_148_800 * 10**9


@pytest.fixture
def frames():
    bodies = [b"A" + (i * 1_000_003).to_bytes(10, "big") + bytes(20) for i in range(6)]
    return packetise(bodies, max_messages=2, start_ns=START_NS)


@pytest.mark.parametrize("nanosecond", [True, False])
def test_scapy_reads_our_file(tmp_path, frames, nanosecond):
    path = tmp_path / "out.pcap"
    assert write_pcap(path, frames, nanosecond=nanosecond) == len(frames)
    packets = rdpcap(str(path))
    assert [bytes(p) for p in packets] == [f.data for f in frames]
    first = moldudp64.decode_packet(bytes(packets[0][UDP].payload))
    assert first.messages == moldudp64.decode_packet(
        bytes(Ether(frames[0].data)[UDP].payload)).messages
    # scapy keeps the time as a Decimal-like EDecimal of seconds.
    unit = 1 if nanosecond else 1000
    assert [int(p.time * 10**9) // unit * unit for p in packets] == \
        [f.timestamp_ns // unit * unit for f in frames]


def test_magic_bytes_on_disk(tmp_path, frames):
    write_pcap(tmp_path / "n.pcap", frames, nanosecond=True)
    write_pcap(tmp_path / "u.pcap", frames, nanosecond=False)
    assert (tmp_path / "n.pcap").read_bytes()[:4] == bytes.fromhex("4d3cb2a1")
    assert (tmp_path / "u.pcap").read_bytes()[:4] == bytes.fromhex("d4c3b2a1")


@pytest.mark.parametrize("nano", [True, False])
def test_we_read_a_file_scapy_wrote(tmp_path, frames, nano):
    path = tmp_path / "scapy.pcap"
    writer = PcapWriter(str(path), linktype=1, nano=nano, sync=True)
    for frame in frames:
        packet = Ether(frame.data)
        packet.time = frame.timestamp_ns / 10**9
        writer.write(packet)
    writer.close()
    records = read_pcap(path)
    assert [r.data for r in records] == [f.data for f in frames]
    assert [r.orig_len for r in records] == [len(f.data) for f in frames]
    tolerance = 1_000  # scapy takes the time as a float of seconds
    for record, frame in zip(records, frames, strict=True):
        assert abs(record.timestamp_ns - frame.timestamp_ns) < tolerance


def test_round_trip_keeps_nanoseconds(tmp_path):
    stamps = [START_NS + 1, START_NS + 999_999_999, START_NS + 10**9 + 7]
    write_pcap(tmp_path / "t.pcap", [(t, b"\x01" * 60) for t in stamps])
    assert [r.timestamp_ns for r in read_pcap(tmp_path / "t.pcap")] == stamps


def test_big_endian_file_is_read(tmp_path):
    header = bytes.fromhex("a1b2c3d4" "0002" "0004" "00000000" "00000000" "0000ffff" "00000001")
    record = bytes.fromhex("00000005" "0000000a" "00000003" "00000003") + b"abc"
    (tmp_path / "be.pcap").write_bytes(header + record)
    [only] = read_pcap(tmp_path / "be.pcap")
    assert (only.timestamp_ns, only.data) == (5 * 10**9 + 10_000, b"abc")


def test_snaplen_cuts_but_keeps_original_length(tmp_path):
    write_pcap(tmp_path / "s.pcap", [(0, bytes(100))], snaplen=64)
    [only] = read_pcap(tmp_path / "s.pcap")
    assert (len(only.data), only.orig_len) == (64, 100)


def test_truncated_record_names_offset(tmp_path, frames):
    write_pcap(tmp_path / "x.pcap", frames[:1])
    raw = (tmp_path / "x.pcap").read_bytes()
    (tmp_path / "x.pcap").write_bytes(raw[:-5])
    with pytest.raises(DataError, match="byte 24: record of"):
        read_pcap(tmp_path / "x.pcap")


def test_not_a_pcap_raises(tmp_path):
    (tmp_path / "y.pcap").write_bytes(b"\x0a\x0d\x0d\x0a" + bytes(40))
    with pytest.raises(DataError, match="not a classic pcap"):
        read_pcap(tmp_path / "y.pcap")


def test_missing_file_raises(tmp_path):
    with pytest.raises(DataError, match="cannot read"):
        read_pcap(tmp_path / "absent.pcap")
