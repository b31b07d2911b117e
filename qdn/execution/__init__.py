"""qdn.execution."""
