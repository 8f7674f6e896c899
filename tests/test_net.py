"""Ethernet/802.1Q/IPv4/UDP/TCP tables, builders, checksums and the frame parser."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scapy.layers.inet import IP, TCP, UDP, IPOption_Router_Alert, fragment
from scapy.layers.l2 import Dot1Q, Ether
from scapy.packet import Raw
from strategies import layout_values

from host.errors import DataError
from proto import net, net_parse

MAC_A, MAC_B = "02:00:00:00:00:0a", "01:00:5e:36:0c:01"


@pytest.mark.parametrize("layout", [net.ETHERNET, net.DOT1Q, net.IPV4, net.UDP, net.TCP])
def test_header_tables_round_trip(layout):
    @given(layout_values(layout))
    def check(values):
        assert layout.unpack(layout.pack(values)) == values
    check()


def test_ipv4_header_checksum_matches_hand_computed_example():
    # The widely used worked example: 45 00 00 73 00 00 40 00 40 11 [b8 61] c0 a8 00 01
    # c0 a8 00 c7. Sum of the 16-bit words without the checksum is 0x479e (after folding
    # the carry), and ~0x479e = 0xb861.
    packet = net.build_ipv4("192.168.0.1", "192.168.0.199", 17, bytes(0x73 - 20),
                            dont_fragment=True)
    assert packet[:20].hex() == "45000073000040004011b861c0a80001c0a800c7"
    assert net.internet_checksum(packet[:20]) == 0


def test_udp_frame_bytes_equal_scapy():
    payload = bytes(range(40))
    ours = net.build_udp_frame(MAC_B, MAC_A, "10.0.0.10", "233.54.12.1", 26477, 26400,
                               payload, identification=7)
    theirs = bytes(Ether(dst=MAC_B, src=MAC_A) / IP(src="10.0.0.10", dst="233.54.12.1",
                   id=7, flags="DF", ttl=64) / UDP(sport=26477, dport=26400) / Raw(payload))
    assert ours == theirs


def test_vlan_tagged_frame_equals_scapy():
    payload = b"x" * 30
    ours = net.build_udp_frame(MAC_B, MAC_A, "10.0.0.10", "233.54.12.1", 1, 2, payload, vlan=100)
    theirs = bytes(Ether(dst=MAC_B, src=MAC_A) / Dot1Q(vlan=100) /
                   IP(src="10.0.0.10", dst="233.54.12.1", id=0, flags="DF") /
                   UDP(sport=1, dport=2) / Raw(payload))
    assert ours == theirs
    assert net_parse.parse_frame(ours).vid == 100


def test_ipv4_options_equal_scapy():
    option = bytes(IPOption_Router_Alert())
    # Protocol 253 (experimental, RFC 3692): the parser leaves its payload alone.
    ours = net.build_ipv4("10.0.0.1", "10.0.0.2", 253, b"abc", options=option)
    theirs = bytes(IP(src="10.0.0.1", dst="10.0.0.2", proto=253, id=0, options=[
        IPOption_Router_Alert()]) / Raw(b"abc"))
    assert ours == theirs
    frame = net.build_ethernet(MAC_B, MAC_A, net.ETHERTYPE_IPV4, ours)
    parsed = net_parse.parse_frame(frame)
    assert parsed.ip_options == option and parsed.ipv4["version_ihl"] == 0x46
    assert parsed.ipv4_checksum_ok and parsed.payload == b"abc"


def test_tcp_segment_with_options_equals_scapy():
    options = bytes.fromhex("020405b4") + bytes.fromhex("01030307")  # MSS 1460, NOP, WS 7
    ours = net.build_tcp("10.0.0.1", "10.0.0.2", 40000, 1234, b"hello", seq=1000, ack=55,
                         flags=0x18, window=512, options=options)
    # scapy computes TCP's checksum only inside an IP layer: build it there, slice it out.
    theirs = bytes(IP(src="10.0.0.1", dst="10.0.0.2") /
                   TCP(sport=40000, dport=1234, seq=1000, ack=55, flags="PA", window=512,
                       options=[("MSS", 1460), ("NOP", None), ("WScale", 7)]) /
                   Raw(b"hello"))[20:]
    assert ours == theirs


def test_udp_checksum_zero_means_not_computed():
    frame = net.build_udp_frame(MAC_B, MAC_A, "10.0.0.1", "233.54.12.1", 1, 2, b"p",
                                udp_checksum=False)
    parsed = net_parse.parse_frame(frame)
    assert parsed.udp["checksum"] == 0 and parsed.l4_checksum_ok is None


def test_multicast_mac_keeps_low_23_bits():
    assert net.multicast_mac("233.54.12.1") == bytes.fromhex("01005e360c01")
    # 239.255.255.255: 0x7fffff is the low 23 bits; the top bit of the second octet is lost.
    assert net.multicast_mac("239.255.255.255") == bytes.fromhex("01005e7fffff")
    assert net.multicast_mac("224.128.0.1") == net.multicast_mac("224.0.0.1")
    with pytest.raises(ValueError):
        net.multicast_mac("10.0.0.1")


def test_bad_udp_checksum_is_reported_not_raised():
    frame = bytearray(net.build_udp_frame(MAC_B, MAC_A, "10.0.0.1", "233.54.12.1", 1, 2,
                                          b"payload bytes"))
    frame[42] ^= 0xFF
    parsed = net_parse.parse_frame(bytes(frame))
    assert parsed.ipv4_checksum_ok is True and parsed.l4_checksum_ok is False
    assert not parsed.checksums_ok


def test_bad_ipv4_checksum_is_reported():
    frame = bytearray(net.build_udp_frame(MAC_B, MAC_A, "10.0.0.1", "233.54.12.1", 1, 2, b"x"))
    frame[14 + 8] -= 1  # TTL
    assert net_parse.parse_frame(bytes(frame)).ipv4_checksum_ok is False


def test_runt_frame_raises_with_offset():
    with pytest.raises(DataError, match="byte 0: runt"):
        net_parse.parse_frame(b"\x01" * 10)


def test_ipv4_length_longer_than_frame_raises():
    frame = net.build_udp_frame(MAC_B, MAC_A, "10.0.0.1", "233.54.12.1", 1, 2, b"y" * 40)
    with pytest.raises(DataError, match="byte 16: IPv4 total length"):
        net_parse.parse_frame(frame[:-10])


def test_udp_length_disagreeing_with_ip_raises():
    frame = bytearray(net.build_udp_frame(MAC_B, MAC_A, "10.0.0.1", "233.54.12.1", 1, 2,
                                          b"z" * 40))
    frame[38:40] = (30).to_bytes(2, "big")
    with pytest.raises(DataError, match="byte 38: UDP length 30"):
        net_parse.parse_frame(bytes(frame))


def test_ethernet_padding_is_not_payload():
    frame = net.build_udp_frame(MAC_B, MAC_A, "10.0.0.1", "233.54.12.1", 1, 2, b"ab")
    assert len(frame) == 60
    assert net_parse.parse_frame(frame).payload == b"ab"


def test_scapy_fragments_parse_with_flags_and_offsets():
    payload = bytes(range(256)) * 4
    packet = IP(src="10.0.0.1", dst="233.54.12.1", id=9) / UDP(sport=1, dport=2) / Raw(payload)
    pieces = fragment(packet, fragsize=400)
    parsed = [net_parse.parse_frame(bytes(Ether(dst=MAC_B, src=MAC_A) / p)) for p in pieces]
    assert all(p.is_fragment and p.ipv4_checksum_ok for p in parsed)
    first = parsed[0]
    assert first.udp["length"] == 8 + len(payload) and first.l4_checksum_ok is None
    flags = [net.split_fragment(p.ipv4["flags_fragment"]) for p in parsed]
    assert [more for _, more, _ in flags] == [True] * (len(parsed) - 1) + [False]
    assert [off for _, _, off in flags] == [0, 50, 100][: len(parsed)]
    # Reassembly by offset gives back UDP header + payload.
    rebuilt = b"".join([net.UDP.pack(first.udp), first.payload] + [p.payload for p in parsed[1:]])
    assert rebuilt[8:] == payload


def test_fragment_bits_round_trip():
    assert net.fragment_bits(True, False, 0) == 0x4000
    assert net.split_fragment(net.fragment_bits(False, True, 185)) == (False, True, 185)


def test_tci_bits_hand_computed():
    # PCP 5, DEI 1, VID 0x123: 101 1 0001 0010 0011 = 0xb123
    assert net.tci_bits(5, 1, 0x123) == 0xB123
    assert net.split_tci(0xB123) == (5, 1, 0x123)


@given(src_port=st.integers(0, 65535), dst_port=st.integers(0, 65535),
       payload=st.binary(max_size=1472), ident=st.integers(0, 65535),
       vlan=st.none() | st.integers(1, 4094), group=st.integers(0xE0000000, 0xEFFFFFFF))
def test_udp_frames_round_trip(src_port, dst_port, payload, ident, vlan, group):
    dst = ".".join(str(group >> s & 0xFF) for s in (24, 16, 8, 0))
    frame = net.build_udp_frame(net.multicast_mac(dst), MAC_A, "10.1.2.3", dst, src_port,
                                dst_port, payload, vlan=vlan, identification=ident)
    parsed = net_parse.parse_frame(frame)
    assert parsed.payload == payload and parsed.checksums_ok
    assert parsed.l4_checksum_ok is True and parsed.vid == vlan
    assert (parsed.udp["src_port"], parsed.udp["dst_port"]) == (src_port, dst_port)
    assert net.ip_str(parsed.ipv4["dst"]) == dst and parsed.ipv4["identification"] == ident


@given(payload=st.binary(max_size=200), seq=st.integers(0, 2**32 - 1),
       options=st.binary(max_size=40).map(lambda b: b[: len(b) - len(b) % 4]))
def test_tcp_frames_round_trip(payload, seq, options):
    segment = net.build_tcp("10.0.0.1", "10.0.0.2", 5, 6, payload, seq=seq, options=options)
    packet = net.build_ipv4("10.0.0.1", "10.0.0.2", net.IPPROTO_TCP, segment)
    parsed = net_parse.parse_frame(net.build_ethernet(MAC_B, MAC_A, net.ETHERTYPE_IPV4, packet))
    assert parsed.payload == payload and parsed.tcp_options == options
    assert parsed.tcp["seq"] == seq and parsed.l4_checksum_ok is True
