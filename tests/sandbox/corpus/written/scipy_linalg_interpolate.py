import numpy as np
from scipy import interpolate, linalg


def transform(grid):
    g = np.array(grid, dtype=float)
    _ = linalg.norm(g)
    x = np.arange(g.shape[1])
    f = interpolate.interp1d(x, g[0], kind="nearest")
    row = f(x).astype(int)
    out = np.array(grid)
    out[0] = row
    return out
