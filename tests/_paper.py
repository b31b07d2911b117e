"""The paper's algorithm for the tests that check its circuit and output: one shift (no cycle
spinning) and window 16 unless given — ``qdn.denoise``'s defaults before issue 17."""

import qdn


def paper_denoise(y, window=16, **options):
    options.setdefault("shifts", 1)
    return qdn.denoise(y, window, **options)
