"""qdn.emulator."""
