import numpy as np
from scipy.signal import convolve2d, correlate2d


def transform(grid):
    g = np.array(grid)
    kernel = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]])
    hits = convolve2d((g > 0).astype(int), kernel, mode="same")
    _ = correlate2d(g, kernel, mode="valid") if min(g.shape) >= 3 else None
    return np.clip(hits, 0, 9)
