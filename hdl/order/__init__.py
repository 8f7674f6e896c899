"""Order entry: NASDAQ OUCH 5.0 Enter Order in SoupBinTCP over the host's TCP session, on the
wire."""
