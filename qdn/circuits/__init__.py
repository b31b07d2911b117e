"""qdn.circuits."""
