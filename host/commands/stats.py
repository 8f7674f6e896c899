"""`tickforge stats`: placeholder until its module lands."""


def register(sub):
    p = sub.add_parser("stats", help="(not yet implemented)")
    p.set_defaults(func=lambda args: 1)
