"""qdn.common."""
