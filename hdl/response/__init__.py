"""Exchange responses in hardware: the order-entry session's receive side (issue 6)."""
