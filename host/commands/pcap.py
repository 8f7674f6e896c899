"""`tickforge pcap`: placeholder until its module lands."""


def register(sub):
    p = sub.add_parser("pcap", help="(not yet implemented)")
    p.set_defaults(func=lambda args: 1)
