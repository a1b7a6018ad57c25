import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def transform(grid):
    g = np.array(grid)
    if min(g.shape) < 2:
        return g
    windows = sliding_window_view(g, (2, 2))
    return windows.max(axis=(2, 3))
