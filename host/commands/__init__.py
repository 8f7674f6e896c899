"""CLI verbs; the order here is the order ``tickforge --help`` lists them."""

from host.commands import book, card, pcap, replay, resync, stats, stream

COMMANDS = (replay, card, stream, resync, book, stats, pcap)
