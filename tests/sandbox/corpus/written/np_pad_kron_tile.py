import numpy as np


def transform(grid):
    g = np.array(grid)[:5, :5]
    k = np.kron(g != 0, g)
    k = np.pad(k, 1, constant_values=0)
    return np.tile(k[:7, :7], (1, 1))
