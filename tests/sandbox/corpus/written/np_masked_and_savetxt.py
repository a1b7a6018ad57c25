import numpy as np


def transform(grid):
    g = np.array(grid)
    masked = np.ma.masked_equal(g, 0)
    fill = int(masked.max()) if masked.count() else 0
    np.savetxt("grid.txt", g, fmt="%d")
    back = np.loadtxt("grid.txt", dtype=int, ndmin=2)
    return np.where(back == 0, fill, back)
