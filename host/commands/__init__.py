"""CLI verbs; the order here is the order ``tickforge --help`` lists them."""

from host.commands import book, pcap, replay, stats

COMMANDS = (book, stats, pcap, replay)
