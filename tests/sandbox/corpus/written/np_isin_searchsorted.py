import numpy as np


def transform(grid):
    g = np.array(grid)
    keep = np.isin(g, [1, 2, 3])
    idx = np.searchsorted([0, 3, 6, 9], g)
    return np.where(keep, g, idx)
