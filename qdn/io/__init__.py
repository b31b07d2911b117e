"""qdn.io."""
