"""qdn.api."""
