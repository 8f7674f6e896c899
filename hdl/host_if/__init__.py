"""Host interface gateware: the register layer (declarations, CSR bank, AXI4-Lite slave)."""
