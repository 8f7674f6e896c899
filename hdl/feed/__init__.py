"""The market-data feed handler: Ethernet/IPv4/UDP/MoldUDP64/ITCH 5.0 in, events out."""
