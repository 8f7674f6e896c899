"""Pre-trade risk: the SEC 15c3-5 checks, in parallel, fail closed, a reason on every rejection."""
