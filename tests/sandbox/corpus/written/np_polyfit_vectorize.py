import numpy as np


def transform(grid):
    g = np.array(grid, dtype=float)
    x = np.arange(g.shape[1])
    coeffs = np.polyfit(x, g.mean(axis=0), 1)
    f = np.vectorize(lambda v: int(v) % 10)
    return f(g + (coeffs[0] > 0))
