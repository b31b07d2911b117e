"""qdn.classical."""
