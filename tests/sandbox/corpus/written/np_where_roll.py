import numpy as np


def transform(grid):
    g = np.array(grid)
    moved = np.roll(g, 1, axis=1)
    return np.where(g == 0, moved, g)
