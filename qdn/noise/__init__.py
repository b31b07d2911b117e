"""qdn.noise."""

from .signals import awgn, poisson, salt_and_pepper

__all__ = ["awgn", "poisson", "salt_and_pepper"]
