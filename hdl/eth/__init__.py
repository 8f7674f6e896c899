"""The gigabit Ethernet MAC between the RGMII pins and the core's 64-bit streams (issue 8)."""
