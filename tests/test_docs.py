"""The committed docs/ are what the single descriptions generate today."""

from host import docs
from proto import itch, moldudp64, net, ouch, soupbintcp


def test_committed_docs_are_current(capsys):
    assert docs.main([str(docs.Path(__file__).parent.parent / "docs"), "--check"]) == 0, (
        "docs/ is stale: run `make docs` and commit the result")


def test_every_protocol_table_is_documented():
    text = docs.protocols_markdown()
    for layout in [*itch.MESSAGES.values(), *ouch.INBOUND.values(), *ouch.OUTBOUND.values(),
                   net.ETHERNET, net.DOT1Q, net.IPV4, net.UDP, net.TCP, moldudp64.HEADER,
                   moldudp64.REQUEST, soupbintcp.LOGIN_REQUEST]:
        assert f"### {layout.name}" in text, layout.name
