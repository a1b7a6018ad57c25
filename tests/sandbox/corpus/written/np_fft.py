import numpy as np


def transform(grid):
    g = np.array(grid, dtype=float)
    spectrum = np.fft.fft2(g)
    back = np.fft.ifft2(spectrum).real
    return np.rint(back).astype(int).clip(0, 9)
